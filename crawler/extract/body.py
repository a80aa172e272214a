"""The article's main text: trafilatura's paragraphs, checked against the page's text blocks.

trafilatura chooses the text: first its fast extractor alone, in recall mode (which keeps more
of what it is unsure of; the checks below remove what does not belong), and its whole cascade
(default mode, with its readability and jusText fallbacks) only when that text is a small part
of the page's own text, where the fallbacks make the difference. Its paragraphs are then matched
to the page's text blocks (:mod:`crawler.extract.blocks`), which tells where on the page the article
is: the element holding most of the text (the article element). From there:

- list items, headings and paragraphs inside the article element, between its first and last
  chosen paragraphs, that trafilatura left out are put back, and so are long paragraphs after
  the last one (where trafilatura stopped short) up to the first block that is mostly a link
  (a teaser's headline: teasers follow); never a block whose words are in the text
  already (a copy printed elsewhere on the page) or one inside an element named as furniture
  (``sidebar``, ``comments``, ``byline``, ... as a word of its class or id);
- paragraphs after the article that lie outside the article element are removed, and short
  lines before it (a date, a byline, a breadcrumb) that do;
- items of an ordered list carry the number the page shows (``1. text``) instead of
  trafilatura's dash;
- when the page declares its article body in JSON-LD (``articleBody``) and that text is
  clearly longer and holds this one, it is taken instead.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trafilatura import bare_extraction

from crawler.extract.blocks import WORD, text_blocks
from crawler.extract.dom import class_and_id

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extract.blocks import Block
    from crawler.extract.explain import Explanation
    from crawler.extract.metadata import PageMeta

#: Share of the chosen words the article element must hold.
ARTICLE_SHARE = 0.75

#: Tags of blocks put back inside the article element: list items and headings of any length...
RESTORED_TAGS = frozenset(("li", "h2", "h3", "h4", "h5", "h6"))
#: ...and paragraphs and text in ``<div>`` elements of at least :data:`MIN_RESTORED_WORDS`.
RESTORED_PROSE_TAGS = frozenset(("p", "div"))
MIN_RESTORED_WORDS = 15
#: After the last chosen paragraph, only paragraphs this long are put back.
MIN_CONTINUED_WORDS = 30

#: A block with more of its text in links is navigation, never put back.
MAX_LINK_DENSITY = 0.5

#: Words of a class or id that name page furniture: nothing inside is put back.
FURNITURE_WORDS = frozenset(
    [
        "sidebar",
        "comment",
        "comments",
        "social",
        "share",
        "sharing",
        "byline",
        "related",
        "newsletter",
        "subscribe",
        "promo",
        "advert",
        "ad",
        "ads",
        "sponsored",
        "footer",
        "author",
        "bio",
        "tags",
        "meta",
        "caption",
        "credit",
        "credits",
        "rating",
        "toolbar",
        "nav",
        "menu",
        "breadcrumb",
        "breadcrumbs",
        "cookie",
        "popup",
        "modal",
    ]
)

#: The words of a class or id.
_CLASS_WORD = re.compile(r"[a-z]+")

#: Paragraphs outside the article element are removed only when the element holds at least this
#: share of the text.
TAIL_ARTICLE_SHARE = 0.5

#: Lines before the article element's first line are removed when this short (a date, a byline,
#: a breadcrumb, a reading time); longer ones are often the article's lead.
MAX_LEAD_CHARS = 40

#: trafilatura's whole cascade runs when its fast extractor's text is at most this share of the
#: page's non-link text.
CASCADE_PAGE_SHARE = 0.3

#: A declared article body is taken when it has this many times the text's word sequences...
DECLARED_GAIN = 1.5
#: ...and holds at least this share of them.
DECLARED_OVERLAP = 0.8

#: Where the text came from (``ExtractedArticle.body_source``).
SOURCE_TRAFILATURA = "trafilatura"
SOURCE_RESTORED = "trafilatura+blocks"
SOURCE_DECLARED = "json-ld"

#: Declared article bodies shorter than this are summaries, not the article.
MIN_DECLARED_CHARS = 200


@dataclass(frozen=True, slots=True)
class Body:
    """The main text as paragraphs, and where it came from."""

    paragraphs: list[str]
    source: str | None
    """:data:`SOURCE_TRAFILATURA`, :data:`SOURCE_RESTORED` (blocks put back) or
    :data:`SOURCE_DECLARED`; ``None`` when there is no text."""


def extract_body(
    tree: HtmlElement,
    url: str,
    explanation: Explanation | None = None,
    *,
    declared: list[str] | None = None,
) -> Body:
    """The page's main text, one string per paragraph (not yet cleaned up).

    Args:
        tree: the page, furniture already pruned; left unchanged.
        url: the page's URL.
        explanation: collects removed paragraphs, if given.
        declared: the article body the page declares (:func:`declared_paragraphs`), if any.

    Returns:
        The paragraphs and their source.
    """
    blocks = text_blocks(tree)
    page_chars = sum(len(b.text) for b in blocks if b.link_density < MAX_LINK_DENSITY)
    lines = trafilatura_lines(tree, url, fast=True, recall=True)
    if sum(map(len, lines)) <= CASCADE_PAGE_SHARE * page_chars:
        lines = trafilatura_lines(tree, url)
    if not blocks:
        return Body(lines, SOURCE_TRAFILATURA if lines else None)
    placed = _place(lines, blocks)
    paragraphs, restored = _check_against_page(placed, blocks, explanation)
    source = SOURCE_RESTORED if restored else SOURCE_TRAFILATURA
    if declared and _holds_more(declared, paragraphs):
        return Body(declared, SOURCE_DECLARED)
    return Body(paragraphs, source if paragraphs else None)


def declared_paragraphs(page: PageMeta) -> list[str]:
    """The article body the page declares in JSON-LD (``articleBody``), one string per line;
    empty when there is none or it is shorter than :data:`MIN_DECLARED_CHARS`."""
    for node in (page.article, *page.nodes):
        body = node.get("articleBody")
        if isinstance(body, str) and len(body) >= MIN_DECLARED_CHARS:
            return [line for line in html.unescape(body).splitlines() if line.strip()]
    return []


def trafilatura_lines(
    tree: HtmlElement, url: str, *, fast: bool = False, recall: bool = False
) -> list[str]:
    """trafilatura's main text of the page, one string per non-blank line.

    Comments are left out and no metadata is extracted (gleaner reads its own). The tree is
    not changed (trafilatura works on a copy).

    Args:
        tree: the page.
        url: its URL.
        fast: only trafilatura's own extractor, without its fallbacks.
        recall: trafilatura's recall mode (more text when unsure).
    """
    document = bare_extraction(
        tree, url=url, include_comments=False, with_metadata=False, fast=fast, favor_recall=recall
    )
    text = getattr(document, "text", None) if document is not None else None
    if not text:
        return []
    return [line for line in text.split("\n") if line and not line.isspace()]


@dataclass(slots=True)
class _Placed:
    """trafilatura's lines matched to the page's blocks."""

    lines: list[str]
    line_blocks: list[list[int]]
    """For each line, the blocks its words were found in."""
    chosen: list[int]
    """Blocks at least half of whose words are in the lines, in page order."""


def _place(lines: list[str], blocks: list[Block]) -> _Placed:
    """Match the lines' words to the blocks', in page order (see :func:`align`)."""
    line_blocks, consumed = align([WORD.findall(line) for line in lines], blocks)
    chosen = [
        i for i, block in enumerate(blocks) if block.words and 2 * consumed[i] >= len(block.words)
    ]
    return _Placed(lines, line_blocks, chosen)


def align(lines: list[list[str]], blocks: list[Block]) -> tuple[list[list[int]], list[int]]:
    """Match each line's words to the blocks they came from, moving forward through the page.

    A line may span several blocks and a block several lines. A match starts where a block's
    first three words begin the rest of a line (the nearest such block after the last one
    matched, so a copy of a paragraph earlier on the page is not taken for it) and runs while
    the words agree; words matched nowhere are skipped.

    Returns:
        For each line, the indexes of the blocks its words matched; for each block, how many
        of its words were matched.
    """
    starts: dict[tuple[str, ...], list[int]] = {}
    for index, block in enumerate(blocks):
        if block.words:
            starts.setdefault(tuple(block.words[:3]), []).append(index)
    consumed = [0] * len(blocks)
    line_blocks: list[list[int]] = [[] for _ in lines]
    current, offset, cursor = -1, 0, 0
    for number, words in enumerate(lines):
        found = line_blocks[number]
        i = 0
        while i < len(words):
            if current >= 0 and offset < len(blocks[current].words):
                block_words = blocks[current].words
                start = i
                while (
                    i < len(words) and offset < len(block_words) and block_words[offset] == words[i]
                ):
                    i += 1
                    offset += 1
                if i > start:
                    consumed[current] += i - start
                    if not found or found[-1] != current:
                        found.append(current)
                    continue
            target = _next_block(words, i, blocks, starts, cursor)
            if target is None:
                i += 1
                continue
            current, offset = target, 0
            cursor = max(cursor, target)
    return line_blocks, consumed


def _next_block(
    words: list[str],
    i: int,
    blocks: list[Block],
    starts: dict[tuple[str, ...], list[int]],
    cursor: int,
) -> int | None:
    """The block that the line's words from ``i`` on begin, nearest at or after ``cursor``."""
    rest = words[i:]
    candidates = starts.get(tuple(rest[:3]))
    if candidates:
        after = bisect_left(candidates, cursor)
        for index in [*candidates[after : after + 4], *candidates[: min(after, 2)]]:
            block_words = blocks[index].words
            size = min(len(block_words), len(rest))
            if block_words[:size] == rest[:size]:
                return index
    if len(rest) < 3:
        for index in range(cursor, min(cursor + 40, len(blocks))):
            if blocks[index].words[: len(rest)] == rest:
                return index
    return None


def article_element(blocks: list[Block], chosen: list[int]) -> HtmlElement | None:
    """The deepest element holding :data:`ARTICLE_SHARE` of the chosen blocks' words."""
    total = sum(len(blocks[i].words) for i in chosen)
    if not total:
        return None
    held: Counter[HtmlElement] = Counter()
    for i in chosen:
        size = len(blocks[i].words)
        held[blocks[i].element] += size
        for ancestor in blocks[i].element.iterancestors():
            held[ancestor] += size
    candidates = [element for element, words in held.items() if words >= ARTICLE_SHARE * total]
    # They all hold most of the words, so they nest: the deepest has the most ancestors.
    return max(candidates, key=_depth, default=None)


def _depth(element: HtmlElement) -> int:
    return sum(1 for _ in element.iterancestors())


def _inside(element: HtmlElement, container: HtmlElement) -> bool:
    """Whether ``element`` is ``container`` or inside it."""
    return element is container or any(a is container for a in element.iterancestors())


def _check_against_page(
    placed: _Placed, blocks: list[Block], explanation: Explanation | None
) -> tuple[list[str], bool]:
    """The lines with left-out list items and headings put back and the tail outside the
    article removed; and whether anything was put back."""
    lines, line_blocks = placed.lines, placed.line_blocks
    article = article_element(blocks, placed.chosen) if placed.chosen else None
    if article is None:
        return list(lines), False
    inside = [
        any(_inside(blocks[b].element, article) for b in found) if found else None
        for found in line_blocks
    ]
    dropped = _outside(lines, inside)
    # Each line sits at its first block; an unmatched line right after the line before it.
    items: list[tuple[int, int, int, str]] = []
    position = -1
    for number, line in enumerate(lines):
        found = line_blocks[number]
        position = max(position, found[0]) if found else position
        if number in dropped:
            if explanation is not None:
                explanation.removed("outside_article", line)
            continue
        if found and line.startswith("- "):
            line = _numbered(line[2:], blocks[found[0]].element) or line
        items.append((found[0] if found else position, 0, number, line))
    chosen = set(placed.chosen)
    first, last = placed.chosen[0], placed.chosen[-1]
    text_words = f" {' '.join(word for line in lines for word in WORD.findall(line))} "
    restored = 0
    for index in range(first + 1, len(blocks)):
        block = blocks[index]
        if (
            index > last
            and block.link_density >= MAX_LINK_DENSITY
            and _inside(block.element, article)
        ):
            break  # a link block (a teaser's headline) after the article: what follows is teasers
        if (
            index not in chosen
            and (_restorable(block) if index < last else _continues(block))
            and _inside(block.element, article)
            and f" {' '.join(block.words)} " not in text_words
            and not _in_furniture(block.element, article)
        ):
            text = _numbered(block.text, block.element) if block.tag == "li" else None
            items.append((index, 1, index, text or block.text))
            restored += 1
    items.sort()
    return [item[3] for item in items], restored > 0


def _item_number(element: HtmlElement) -> int | None:
    """The number an ordered list (``<ol>``) shows for the item holding ``element``; ``None``
    outside an ordered list."""
    item = element if element.tag == "li" else next(element.iterancestors("li"), None)
    listing = item.getparent() if item is not None else None
    if item is None or listing is None or listing.tag != "ol":
        return None
    start = listing.get("start", "1")
    first = int(start) if start.isdigit() else 1
    return first + sum(1 for _ in item.itersiblings("li", preceding=True))


def _numbered(text: str, element: HtmlElement) -> str | None:
    """An item's text with the number its ordered list shows (``1. text``), as the page shows
    it; ``None`` outside an ordered list or when the text begins with a number already."""
    number = _item_number(element)
    if number is None or text[:1].isdigit():
        return None
    return f"{number}. {text}"


def _in_furniture(element: HtmlElement, article: HtmlElement) -> bool:
    """Whether an element from ``element`` up to ``article`` has a class or id word of page
    furniture (``sidebar``, ``comments``, ``byline``, ...)."""
    for current in (element, *element.iterancestors()):
        if current is article:
            return False
        if not FURNITURE_WORDS.isdisjoint(_CLASS_WORD.findall(class_and_id(current))):
            return True
    return False


def _restorable(block: Block) -> bool:
    """Whether a left-out block is of a kind put back: a list item or heading, or a paragraph of
    :data:`MIN_RESTORED_WORDS`, mostly not links."""
    if not block.words or block.link_density >= MAX_LINK_DENSITY:
        return False
    if block.tag in RESTORED_TAGS:
        return True
    return block.tag in RESTORED_PROSE_TAGS and len(block.words) >= MIN_RESTORED_WORDS


def _continues(block: Block) -> bool:
    """Whether a block after the last chosen one is article prose trafilatura stopped short of:
    a paragraph of :data:`MIN_CONTINUED_WORDS`, mostly not links."""
    return (
        block.tag in RESTORED_PROSE_TAGS
        and len(block.words) >= MIN_CONTINUED_WORDS
        and block.link_density < MAX_LINK_DENSITY
    )


def _outside(lines: list[str], inside: list[bool | None]) -> set[int]:
    """Lines outside the article element: after its last line, and short ones
    (:data:`MAX_LEAD_CHARS`) before its first; when the element holds
    :data:`TAIL_ARTICLE_SHARE` of the text."""
    numbers = [n for n, flag in enumerate(inside) if flag]
    if not numbers:
        return set()
    total = sum(map(len, lines))
    if sum(len(lines[n]) for n in numbers) < TAIL_ARTICLE_SHARE * total:
        return set()
    lead = {n for n in range(numbers[0]) if inside[n] is False and len(lines[n]) <= MAX_LEAD_CHARS}
    return lead | {n for n in range(numbers[-1] + 1, len(lines)) if inside[n] is False}


def _shingles(paragraphs: list[str]) -> set[tuple[str, ...]]:
    """The text's sequences of four words."""
    words = WORD.findall(" ".join(paragraphs))
    return set(zip(words, words[1:], words[2:], words[3:], strict=False))


def _holds_more(candidate: list[str], current: list[str]) -> bool:
    """Whether ``candidate`` has :data:`DECLARED_GAIN` times the word sequences of ``current``
    and holds :data:`DECLARED_OVERLAP` of them."""
    theirs, ours = _shingles(candidate), _shingles(current)
    if len(theirs) <= DECLARED_GAIN * max(len(ours), 1):
        return False
    return not ours or len(ours & theirs) >= DECLARED_OVERLAP * len(ours)
