"""The article title: page and listing candidates, freed of site names, labels and noise.

The visible headline (an ``<h1>``) is the title unless it looks like something else: a logo, a
section name in capitals, a standfirst, or a heading that has little in common with what the
page's metadata (``og:title``, ``twitter:title``, the JSON-LD headline, ``<title>``) and the
listing agree on. Then the candidate most others agree with wins.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from crawler.extract.dom import class_and_id, element_text
from crawler.extract.metadata import jsonld_text, letters, repair_mojibake, site_names
from crawler.text.normalize import normalize_space, repair_escapes, text_key

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from lxml.html import HtmlElement

    from crawler.extract.metadata import PageMeta
    from crawler.sites import CleanupRules

#: Separators between a title and the site name in ``<title>`` ("Title | Site", "Site - Title").
_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»:/~⋆]|::|\|\|)\s+")

#: A link or badge inside an ``<h1>`` that is a tag, section or category label.
_LABEL_HREF = re.compile(r"/(?:tags?|topics?|categor(?:y|ies)|sections?|labels?)/", re.IGNORECASE)
_LABEL_CLASS = re.compile(r"tag|label|categor|kicker|badge|section|topic|eyebrow")

#: Links that may point to a tag page (checked against :data:`_LABEL_HREF` afterwards).
_TAG_LINKS = etree.XPath(
    "//@href[contains(., '/tag') or contains(., '/topic') or contains(., '/categor')"
    " or contains(., '/section') or contains(., '/label')]/parent::a"
)

#: Classes and ids of logo and site-title elements.
_LOGO_CLASS = re.compile(r"logo|site-title|site-name|brand|masthead")

#: Words, for the similarity of candidates.
_WORD = re.compile(r"\w+")

#: A date written out in a heading: "Dec 18 2025", "July 1, 2024", "18 December 2025", "2025-12-18".
_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
    r"|\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}\b"
    r"|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{4}\b",
    re.IGNORECASE,
)

#: A source in parentheses glued to a heading: "(latimes.com)".
_GLUED_SOURCE = re.compile(r"\([\w.-]+\.[a-z]{2,}\)", re.IGNORECASE)

#: An HTML entity left in text that was escaped twice ("&amp;" or "&#x26;" shown as such).
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)

#: Word-set similarity (Jaccard) at which two candidates count as agreeing.
SIMILAR_WORDS = 0.5


#: An ``<h1>`` of more words is a standfirst or a description, not a headline.
MAX_TITLE_WORDS = 30

#: The longest prefix (characters, words) taken for a tag label glued to the title.
MAX_LABEL_CHARS = 40
MAX_LABEL_WORDS = 4


@dataclass(frozen=True)
class TitleResult:
    """The chosen title and every title-like string, to recognize the title repeated in the text."""

    title: str | None
    seen: frozenset[str]
    """Comparison keys of the raw and cleaned candidates (``h1`` texts with labels and all)."""


def find_title(
    tree: HtmlElement,
    page: PageMeta,
    url: str,
    *,
    headline: str | None = None,
    rules: CleanupRules | None = None,
) -> TitleResult:
    """Choose the title among ``<h1>``, ``og:title``, ``twitter:title``, the JSON-LD headline,
    the listing headline and ``<title>``.

    Site names (``og:site_name``, the JSON-LD publisher, the host) are stripped from the declared
    titles and the ``<h1>``; tag labels, dates and counts glued to an ``<h1>`` are removed; the
    site's title patterns are applied. The ``<h1>`` wins unless :func:`plausible_headline` says
    otherwise; then the candidate most others agree with does. Of equal titles spelled
    differently (case, quotes), the spelling most candidates give is kept.
    """
    names = site_names(page, url)
    all_h1s = [h for h in page.h1s if element_text(h)]
    h1_elements = [h for h in all_h1s if not _is_logo(h, names)]
    h1_raw = [clean_title_text(element_text(h)) for h in h1_elements]
    listing = clean_title_text(headline) if headline else None
    raw = [
        page.meta("og:title"),
        page.meta("twitter:title"),
        jsonld_text(page.article.get("headline")),
        page.title_tag,
    ]
    declared = [
        strip_site_name(c, names, [*h1_raw, listing, *raw[:i], *raw[i + 1 :]]) if c else None
        for i, c in enumerate(raw)
    ]
    others = [c for c in (*declared, listing) if c]
    found_labels: list[list[str]] = []

    def labels() -> list[str]:
        # The tag links cost a walk of the page: only an <h1> no other candidate repeats needs them.
        if not found_labels:
            found_labels.append([*page.tags, *_tag_link_labels(tree)])
        return found_labels[0]

    h1s = [
        strip_site_name(_h1_title(h, text, others, labels), names)
        for h, text in zip(h1_elements, h1_raw, strict=True)
    ]
    h1s = [apply_rules(c, rules) for c in dict.fromkeys(h1s) if c]
    metas = [apply_rules(c, rules) for c in (*declared[:3], listing, declared[3]) if c]
    seen = frozenset(text_key(t) for t in [*h1s, *metas, *others, *raw, *h1_raw] if t)
    chosen = choose_title(h1s, metas)
    if chosen is None:
        # Only a logo or a bare site name to go by: better that than no title.
        fallback = [page.title_tag, *(clean_title_text(element_text(h)) for h in all_h1s)]
        chosen = next((t for t in fallback if t), None)
    return TitleResult(chosen, seen)


def choose_title(h1s: Sequence[str], metas: Sequence[str]) -> str | None:
    """The title among cleaned ``<h1>`` texts and declared titles (most specific first).

    The ``<h1>`` most like the declared titles is the title when it is a plausible headline;
    otherwise the declared title most others agree with. The spelling most candidates share wins.
    """
    meta_words = [_words(m) for m in metas]
    h1 = None
    if h1s:
        best = max(
            range(len(h1s)),
            key=lambda i: (max((_overlap(_words(h1s[i]), w) for w in meta_words), default=0), -i),
        )
        h1 = h1s[best]
    if h1 is not None and plausible_headline(h1, metas):
        chosen: str | None = h1
    else:
        chosen = choose([*metas, *h1s])
    return None if chosen is None else preferred_spelling(chosen, [*h1s, *metas])


def plausible_headline(h1: str, metas: Sequence[str]) -> bool:
    """Whether an ``<h1>`` text is the article's headline rather than a standfirst, a section
    name or a widget.

    With no declared title to compare, any ``<h1>`` is. Otherwise it must not run past
    :data:`MAX_TITLE_WORDS` words, nor be in capitals when a declared title is not, nor share no
    word at all with a title two declared ones agree on (equal, or sharing most words): a heading
    such as "Select an option" or "A message from our founder" is a widget.
    """
    if not metas:
        return True
    if len(h1.split()) > MAX_TITLE_WORDS:
        return False
    if _shouting(h1) and not all(_shouting(m) for m in metas):
        return False
    agreed = _agreed(metas)
    return agreed is None or not _words(h1).isdisjoint(_words(agreed))


def _agreed(metas: Sequence[str]) -> str | None:
    """The first declared title another one agrees with (same key, or most words shared)."""
    keys = [text_key(m) for m in metas]
    words = [_words(m) for m in metas]
    for i, key in enumerate(keys):
        for j in range(i + 1, len(keys)):
            if keys[j] == key or _overlap(words[i], words[j]) >= SIMILAR_WORDS:
                return metas[i]
    return None


def preferred_spelling(title: str, candidates: Sequence[str]) -> str:
    """The spelling of ``title`` (case, quotes) most candidates equal to it give; capitals only
    when every spelling is in capitals, ``title`` itself on a tie."""
    key = text_key(title)
    counts = Counter(c for c in candidates if text_key(c) == key)
    if not counts:
        return title
    return max(counts, key=lambda c: (not _shouting(c), counts[c], c == title))


def _shouting(text: str) -> bool:
    """Whether a text of two words or more is written in capitals."""
    return text.isupper() and len(text.split()) >= 2


def choose(candidates: Sequence[str]) -> str | None:
    """The candidate most others agree with; on a tie, the earliest.

    Agreement counts the others equal to it first, then the others sharing at least half their
    words with it, so a lone ``<h1>`` that is a logo or a widget loses to agreeing metadata.
    """
    if not candidates:
        return None
    keys = [text_key(c) for c in candidates]
    words = [set(_WORD.findall(k)) for k in keys]

    def agreement(i: int) -> tuple[int, int, int]:
        equal = sum(k == keys[i] for j, k in enumerate(keys) if j != i)
        similar = sum(_overlap(words[i], w) >= SIMILAR_WORDS for j, w in enumerate(words) if j != i)
        return equal, similar, -i

    return candidates[max(range(len(candidates)), key=agreement)]


def _words(text: str) -> set[str]:
    """A text's comparison words."""
    return set(_WORD.findall(text_key(text)))


def _overlap(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two word sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


def clean_title_text(text: str) -> str:
    """A title candidate on one line, with backslash escapes, HTML entities escaped twice and
    UTF-8 read as cp1252 repaired."""
    text = repair_escapes(normalize_space(text))
    if "&" in text and _ENTITY.search(text):
        text = normalize_space(html.unescape(text))
    return repair_mojibake(text)


def _is_logo(h1: HtmlElement, names: Sequence[str]) -> bool:
    """Whether an ``<h1>`` is the site's logo or name rather than the article's title."""
    own = letters(element_text(h1))
    if any(_names_site(own, letters(name)) for name in names if letters(name)):
        return True
    parent = h1.getparent()
    nearby = [h1, *h1.iterchildren(), *([parent] if parent is not None else [])]
    if any(_LOGO_CLASS.search(class_and_id(e)) for e in nearby):
        return True
    return any(e.tag == "nav" for e in h1.iterancestors())


def _tag_link_labels(tree: HtmlElement) -> list[str]:
    """Texts of links to tag, topic, category or section pages anywhere on the page."""
    return [
        text
        for link in _TAG_LINKS(tree)
        if _LABEL_HREF.search(link.get("href", "")) and (text := element_text(link))
    ]


def strip_site_name(title: str, names: Sequence[str], others: Iterable[str | None] = ()) -> str:
    """A title without leading or trailing site names ("Title | The Demo Daily" → "Title").

    When the first or last segments, whatever their number, equal another candidate in
    ``others``, they are the title ("Title | by A | Section | Site" with an ``<h1>`` "Title").
    Otherwise a first or last segment is dropped while it is mostly one of ``names`` (letters
    compared), as in "Title – Site - Site".
    """
    title = clean_title_text(title)
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    separators = _SEPARATOR.findall(title)
    other_keys = {text_key(o) for o in others if o}
    for size in range(len(parts) - 1, 0, -1):
        head = _join(parts[:size], separators[: size - 1])
        if text_key(head) in other_keys:
            return head
        tail = _join(parts[-size:], separators[len(parts) - size :])
        if text_key(tail) in other_keys:
            return tail
    name_keys = [key for n in names if (key := letters(n))]
    start, end = 0, len(parts)
    while end - start >= 2 and any(_names_site(letters(parts[end - 1]), k) for k in name_keys):
        end -= 1
    while end - start >= 2 and any(_names_site(letters(parts[start]), k) for k in name_keys):
        start += 1
    return _join(parts[start:end], separators[start : end - 1])


def _names_site(segment: str, name: str) -> bool:
    """Whether a title segment (letters only) is mostly the site name (letters only)."""
    return name in segment and len(name) >= 0.6 * len(segment)


def _join(parts: Sequence[str], separators: Sequence[str]) -> str:
    """Parts put back together with the separators that were between them."""
    out = parts[0]
    for sep, part in zip(separators, parts[1:], strict=True):
        out += sep + part
    return out


def _h1_title(
    h1: HtmlElement, text: str, others: Sequence[str], labels: Callable[[], Sequence[str]]
) -> str:
    """An ``<h1>``'s text (given) without a tag label, date or count glued to it; ``labels``
    gives the page's tag labels, asked for only when another candidate does not repeat the text."""
    label = _label_element_text(h1)
    if label and text.startswith(label) and text[len(label) :].strip():
        return text[len(label) :].strip()
    if text_key(text) in {text_key(o) for o in others}:
        return text
    return remove_glued_noise(remove_glued_prefix(text, others, labels()), others)


def _label_element_text(h1: HtmlElement) -> str | None:
    """The text of a tag-label link or badge that opens the ``<h1>``, if there is one."""
    if (h1.text or "").strip() or not len(h1):
        return None
    first = h1[0]
    if first.tag not in ("a", "span", "small", "em", "strong", "b", "i"):
        return None
    rels = first.get("rel", "").lower().split()
    is_label = (
        "tag" in rels
        or _LABEL_HREF.search(first.get("href", "")) is not None
        or _LABEL_CLASS.search(class_and_id(first)) is not None
    )
    return element_text(first) or None if is_label else None


def remove_glued_prefix(text: str, others: Sequence[str], labels: Sequence[str]) -> str:
    """A title without a short label glued on its front ("NorthKoreaAt Beijing…" → "At Beijing…").

    The label goes when the rest equals another candidate and the prefix is short and glued (no
    space before the rest), or when the prefix is one of the page's tag labels and either glued on
    (a lowercase letter touching an uppercase one) or followed by another candidate. A text that
    another candidate repeats whole is left alone.
    """
    key = text_key(text)
    other_keys = {text_key(o) for o in others}
    if key in other_keys:
        return text  # another candidate says this very title
    for other in others:
        other_key = text_key(other)
        prefix = key[: len(key) - len(other_key)]
        if other_key and key.endswith(other_key) and _short_glued(prefix):
            return other
    for label in sorted(labels, key=len, reverse=True):
        size = len(label)
        if size < len(text) and text[:size].casefold() == label.casefold():
            rest = text[size:]
            glued = text[size - 1].islower() and rest[0].isupper()
            if glued or text_key(rest) in other_keys:
                return rest.strip()
    return text


def remove_glued_noise(text: str, others: Sequence[str]) -> str:
    """A heading without a date, count or source glued before or after another candidate
    ("Dec 18 2025 Title", "Title Posted on July 1, 2024 by X", "Title (example.com) 87")."""
    key = text_key(text)
    for other in others:
        other_key = text_key(other)
        if not other_key or other_key == key or other_key not in key:
            continue
        at = key.index(other_key)
        extra = f"{key[:at]} {key[at + len(other_key) :]}"
        if _DATE.search(extra) or _only_counts(extra):
            return other
    return text


def _only_counts(extra: str) -> bool:
    """Whether text glued to a heading is a source in parentheses, with nothing else but numbers
    and punctuation ("(example.com) 87": the source and a comment count)."""
    rest = _GLUED_SOURCE.sub("", extra)
    return rest != extra and not any(ch.isalpha() for ch in rest)


def _short_glued(prefix: str) -> bool:
    """Whether a title prefix looks like a glued-on label: short, and touching the title."""
    return (
        0 < len(prefix) <= MAX_LABEL_CHARS
        and not prefix[-1].isspace()
        and len(prefix.split()) <= MAX_LABEL_WORDS
    )


def apply_rules(title: str, rules: CleanupRules | None) -> str:
    """The site's title prefix and suffix patterns applied, unless they would empty the title."""
    if rules is None:
        return title
    cleaned = title
    for pattern in rules.title_prefix_patterns:
        cleaned = re.sub(f"^(?:{pattern})", "", cleaned)
    for pattern in rules.title_suffix_patterns:
        cleaned = re.sub(f"(?:{pattern})$", "", cleaned)
    return normalize_space(cleaned) or title
