"""The main text as trafilatura finds it, one string per paragraph."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trafilatura import bare_extraction

if TYPE_CHECKING:
    from lxml.html import HtmlElement


def extract_paragraphs(tree: HtmlElement, url: str) -> list[str]:
    """trafilatura's main text of the page, one string per non-blank line.

    Comments are left out and no metadata is extracted (gleaner reads its own). trafilatura may
    change the tree, so read everything else from it first.
    """
    document = bare_extraction(tree, url=url, include_comments=False, with_metadata=False)
    text = getattr(document, "text", None) if document is not None else None
    if not text:
        return []
    return [line for line in text.split("\n") if line and not line.isspace()]
