"""A page's text as blocks: the runs of text between block-level tags, in document order.

A block is what a reader sees as one paragraph, heading, list item or table cell: the text of
its element with inline children (links, emphasis) folded in. Each block remembers the element
that holds it and how much of its text is link text, so extraction can reason about the page
around the text trafilatura chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: Elements whose text is never shown as text.
SKIPPED_TAGS = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "head",
        "title",
        "meta",
        "link",
        "select",
        "option",
        "button",
        "input",
        "textarea",
        "canvas",
        "video",
        "audio",
        "object",
        "embed",
        "map",
        "picture",
        "source",
    )
)

#: Elements that start and end a block; any other element's text joins the block around it.
BLOCK_TAGS = frozenset(
    (
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "td",
        "th",
        "pre",
        "blockquote",
        "figcaption",
        "caption",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "nav",
        "main",
        "ul",
        "ol",
        "dl",
        "table",
        "tr",
        "tbody",
        "thead",
        "form",
        "figure",
        "address",
        "hr",
        "br",
        "body",
        "html",
        "fieldset",
        "details",
        "summary",
        "center",
        "menu",
        "legend",
        "label",
    )
)

#: Words, as the extraction benchmark counts them.
WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Block:
    """One block of text and the element that holds it."""

    element: HtmlElement
    """The innermost block-level element around the text (for text after a ``<br>``, the
    element the ``<br>`` is in)."""
    text: str = ""
    """The text on one line, whitespace collapsed."""
    link_chars: int = 0
    """How many of the text's characters are inside links."""
    words: list[str] = field(default_factory=list)
    """The text's words (``\\w+`` runs)."""

    @property
    def tag(self) -> str:
        """The holding element's tag."""
        return str(self.element.tag)

    @property
    def link_density(self) -> float:
        """The share of the text inside links."""
        return self.link_chars / len(self.text) if self.text else 0.0


#: How the walk treats each tag: skipped, a block boundary, a line break, or a link.
_SKIP, _BLOCK, _BREAK, _LINK = 1, 2, 3, 4
_KINDS = {
    **dict.fromkeys(SKIPPED_TAGS, _SKIP),
    **dict.fromkeys(BLOCK_TAGS, _BLOCK),
    "br": _BREAK,
    "a": _LINK,
}


def text_blocks(tree: HtmlElement) -> list[Block]:
    """The page's blocks of visible text, in document order, each with its words.

    Text in scripts, styles, forms' controls, media and the ``<head>`` is left out. A ``<br>``
    ends a block as a block-level tag does.
    """
    blocks: list[Block] = []
    parts: list[str] = []
    link_parts: list[str] = []
    holders: list[HtmlElement] = [tree]  # block-level elements open around the walk
    links = 0  # open <a> elements
    kinds = _KINDS
    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walker:
        kind = kinds.get(element.tag, 0)
        if event == "start":
            if kind == _SKIP:
                walker.skip_subtree()
                continue
            if kind in (_BLOCK, _BREAK):
                if parts:
                    _flush(blocks, holders[-1], parts, link_parts)
                if kind == _BLOCK:
                    holders.append(element)
            elif kind == _LINK:
                links += 1
            text = element.text
        else:
            if kind in (_BLOCK, _BREAK):
                if parts:
                    _flush(blocks, holders[-1], parts, link_parts)
                if kind == _BLOCK and len(holders) > 1 and holders[-1] is element:
                    holders.pop()
            elif kind == _LINK and links:
                links -= 1
            text = element.tail
        if text:
            parts.append(text)
            if links:
                link_parts.append(text)
    if parts:
        _flush(blocks, holders[-1], parts, link_parts)
    return blocks


def _flush(blocks: list[Block], holder: HtmlElement, parts: list[str], links: list[str]) -> None:
    """Close the block being read: its text parts (and those in links) become a block."""
    text = " ".join("".join(parts).split())
    if text:
        link_chars = sum(len(t.strip()) for t in links) if links else 0
        blocks.append(Block(holder, text, min(link_chars, len(text)), WORD.findall(text)))
    parts.clear()
    links.clear()
