"""HTML trees: parse a page once, drop a site's unwanted elements, read element text."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree
from parsel.csstranslator import HTMLTranslator
from trafilatura.utils import load_html

from crawler.text.normalize import normalize_space

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement


#: The end tags of the body and the document.
_END_TAGS = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)


def parse_html(text: str) -> HtmlElement | None:
    """The page's tree, parsed as trafilatura parses it (comments dropped); ``None`` if not HTML.

    Markup after ``</body>`` or ``</html>`` belongs to the body, as browsers show it (a page
    that closes its document after the header and prints its article after that): those end
    tags are left out, or the parser would drop everything after them. The root is always
    ``<html>``: a fragment the parser kept as the root (``<svg>``, say) is put in the
    ``<html><body>`` every step expects (dropping the root element would fail otherwise).
    """
    tree: HtmlElement | None = load_html(reopen_body(text))
    if tree is None or tree.tag == "html":
        return tree
    document: HtmlElement = lxml.html.Element("html")
    etree.SubElement(document, "body").append(tree)
    return document


def reopen_body(text: str) -> str:
    """``text`` without its ``</body>`` and ``</html>`` end tags when markup follows the first
    one; unchanged otherwise."""
    end = _END_TAGS.search(text)
    if end is None or not _END_TAGS.sub("", text[end.end() :]).strip():
        return text
    return _END_TAGS.sub("", text)


def is_xpath(selector: str) -> bool:
    """Whether a site selector is XPath (``/``, ``./`` or ``(`` first) rather than CSS."""
    return selector.startswith(("/", "./", "("))


@lru_cache(maxsize=512)
def compile_selector(selector: str) -> etree.XPath:
    """A CSS or XPath selector compiled to an XPath, cached across pages."""
    xpath = selector if is_xpath(selector) else HTMLTranslator().css_to_xpath(selector)
    return etree.XPath(xpath)


def drop_elements(tree: HtmlElement, selectors: Iterable[str]) -> int:
    """Remove every element a selector matches, keeping the text after it; return the count."""
    dropped = 0
    for selector in selectors:
        for element in compile_selector(selector)(tree):
            if isinstance(element, etree._Element) and element.getparent() is not None:
                element.drop_tree()
                dropped += 1
    return dropped


def element_text(element: HtmlElement) -> str:
    """An element's text content on one line, whitespace normalized."""
    return normalize_space(element.text_content())


def class_and_id(element: HtmlElement) -> str:
    """An element's ``class`` and ``id`` attributes, lowercased, for cheap keyword tests."""
    return f"{element.get('class', '')} {element.get('id', '')}".lower()
