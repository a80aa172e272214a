"""Page furniture removed from the tree before extraction: share widgets, trailing link blocks,
and boxes whose class names them a disclaimer, a pop-up, a carousel, a cookie notice or a
tooltip."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from crawler.extract.cleanup import (
    MAX_HEADING_CHARS,
    MAX_SHARE_CHARS,
    PROSE_MIN_CHARS,
    is_share_run,
    is_trailing_heading,
)
from crawler.extract.dom import element_text
from crawler.text.normalize import normalize_space

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extract.explain import Explanation

#: Elements that may carry a trailing-block heading.
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "span")

#: Elements that may carry a share label.
_LABEL_TAGS = ("a", "button", "li", "span")

#: Words every share label has one of: a cheap test before the full one.
_SHARE_HINT = re.compile(r"share|tweet|email|copy|print|post on", re.IGNORECASE)

#: Wrappers that hold a heading's text and nothing else ("<p><strong>Related</strong></p>").
_WRAPPER_TAGS = frozenset(("p", "strong", "b", "span", "div", "header"))

#: Block elements a share widget may be removed as; an inline label inside prose stays.
_BLOCK_TAGS = frozenset(("ul", "ol", "li", "div", "nav", "section", "aside", "p", "span"))

#: Elements a trailing link block may be removed as.
_CONTAINER_TAGS = frozenset(("div", "section", "aside", "nav", "footer"))

#: Never removed whole: they hold the article itself.
_KEEP_TAGS = frozenset(("html", "body", "main", "article"))

#: Words in a class or id that name a box, and the rule code it is removed under: affiliate and
#: legal disclaimers, pop-ups and modal dialogs (newsletter offers), carousels, cookie and
#: consent notices, and tooltips.
BOX_WORDS = {
    "disclaimer": ("disclaim", "disclosure"),
    "popup": ("popup", "modal"),
    "carousel": ("carousel",),
    "consent": ("cookie", "consent", "gdpr"),
    "tooltip": ("tooltip",),
}

#: A box holding more than this share of the page's text is never removed: it is the article.
MAX_BOX_SHARE = 0.3

_BOX_RULES = {word: rule for rule, words in BOX_WORDS.items() for word in words}
_BOX_WORD = re.compile("|".join(_BOX_RULES))


def prune_furniture(tree: HtmlElement, explanation: Explanation | None = None) -> int:
    """Remove share widgets and trailing link blocks; return how many elements went.

    A share widget is a block whose whole text is share labels ("Share on X Copy link"). A
    trailing link block is a container that opens with a trailing-block heading ("Related
    Stories", "Most Popular Articles", ...) and holds no prose paragraph. A box is an element
    whose class or id has one of :data:`BOX_WORDS` and that holds at most
    :data:`MAX_BOX_SHARE` of the page's text. Each removal is recorded in ``explanation``
    (rules ``share_widget``, ``trailing_block`` and those of :data:`BOX_WORDS`), if given.
    """
    doomed = [
        *(("share_widget", e) for e in _share_widgets(tree)),
        *(("trailing_block", e) for e in _trailing_blocks(tree)),
        *_boxes(tree),
    ]
    removed = 0
    for rule, element in doomed:
        if element.getparent() is not None:
            if explanation is not None and explanation.enabled:
                explanation.removed(rule, " ".join(element.itertext()))
            element.drop_tree()
            removed += 1
    return removed


def _share_widgets(tree: HtmlElement) -> list[HtmlElement]:
    """The largest blocks made only of share labels."""
    found: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for label in tree.iter(*_LABEL_TAGS):
        raw = own_text(label)
        if not raw or len(raw) > MAX_SHARE_CHARS or label in seen or not _SHARE_HINT.search(raw):
            continue
        if not is_share_run(normalize_space(raw)):
            continue
        top: HtmlElement | None = None
        element: HtmlElement | None = label
        while element is not None and element.tag not in _KEEP_TAGS:
            text = element_text(element)
            if len(text) > MAX_SHARE_CHARS or not is_share_run(text):
                break
            if element.tag in _BLOCK_TAGS:
                top = element
            element = element.getparent()
        if top is not None:
            found.append(top)
            seen.update(top.iter(*_LABEL_TAGS))
    return found


def _boxes(tree: HtmlElement) -> list[tuple[str, HtmlElement]]:
    """The outermost boxes :data:`BOX_WORDS` name, with their rule codes."""
    found: list[tuple[str, HtmlElement]] = []
    for element in tree.iter(etree.Element):  # a plain walk: much cheaper than an XPath test
        names = element.get("class"), element.get("id")
        if names == (None, None) or element.tag in _KEEP_TAGS:
            continue
        match = _BOX_WORD.search(f"{names[0]} {names[1]}".lower())
        if match is not None:
            found.append((_BOX_RULES[match.group()], element))
    if not found:
        return []
    limit = MAX_BOX_SHARE * len(tree.text_content())
    boxes: list[tuple[str, HtmlElement]] = []
    inside: set[HtmlElement] = set()
    for rule, element in found:  # document order: an outer box comes before those inside it
        if any(a in inside for a in element.iterancestors()):
            continue
        if len(element.text_content()) <= limit:
            boxes.append((rule, element))
            inside.add(element)
    return boxes


def own_text(element: HtmlElement) -> str:
    """An element's own text, without its children's but with the text after each child.

    Cheap, unlike the full text: ``<a><i class="icon"></i> Share on X</a>`` gives " Share on X".
    Not normalized.
    """
    text = element.text or ""
    if len(element):
        text += " ".join(child.tail or "" for child in element)
    return text


def _trailing_blocks(tree: HtmlElement) -> list[HtmlElement]:
    """Containers that open with a trailing-block heading and hold no prose."""
    found: list[HtmlElement] = []
    for heading in tree.iter(*_HEADING_TAGS):
        raw = heading.text
        if not raw or len(raw) > 2 * MAX_HEADING_CHARS:
            continue
        text = normalize_space(raw)
        if not is_trailing_heading(text) or element_text(heading) != text:
            continue
        opener = heading
        parent = opener.getparent()
        while parent is not None and parent.tag in _WRAPPER_TAGS and element_text(parent) == text:
            opener, parent = parent, parent.getparent()
        if parent is None or parent.tag not in _CONTAINER_TAGS:
            continue
        if len(parent) < 2 or parent[0] is not opener:
            continue
        if all(len(element_text(p)) < PROSE_MIN_CHARS for p in parent.iter("p")):
            found.append(parent)
    return found
