"""The article title: page and listing candidates, freed of site names and glued tag labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lxml import etree

from crawler.dom import class_and_id, element_text
from crawler.metadata import jsonld_text, site_names
from crawler.textnorm import normalize_space, repair_escapes, text_key

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from lxml.html import HtmlElement

    from crawler.metadata import PageMeta
    from crawler.sites import CleanupRules

#: Separators between a title and the site name in ``<title>`` ("Title | Site", "Site - Title").
_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»:/~]|::|\|\|)\s+")

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

#: Word-set similarity (Jaccard) at which two candidates count as agreeing.
SIMILAR_WORDS = 0.5

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
    """Choose the title among ``<h1>``, ``og:title``, the JSON-LD headline, the listing headline
    and ``<title>``.

    Site names are stripped from ``<title>``, ``og:title`` and the JSON-LD headline, tag labels
    glued to an ``<h1>`` are removed, the site's title patterns are applied, and the candidate
    most others agree with wins; on a tie the order above decides.
    """
    names = [*site_names(page), *_host_name(url)]
    all_h1s = [h for h in tree.iter("h1") if element_text(h)]
    h1_elements = [h for h in all_h1s if not _is_logo(h, names)]
    h1_raw = [repair_escapes(element_text(h)) for h in h1_elements]
    listing = repair_escapes(normalize_space(headline)) if headline else None
    raw = [
        page.meta("og:title", "twitter:title"),
        jsonld_text(page.article.get("headline")),
        page.title_tag,
    ]
    declared = [
        strip_site_name(c, names, [*h1_raw, listing, *raw[:i], *raw[i + 1 :]]) if c else None
        for i, c in enumerate(raw)
    ]
    labels = [*page.tags, *_tag_link_labels(tree)]
    others = [c for c in (*declared, listing) if c]
    h1s = [_h1_title(h, text, others, labels) for h, text in zip(h1_elements, h1_raw, strict=True)]
    ordered = [*h1s, declared[0], declared[1], listing, declared[2]]
    candidates = [apply_rules(c, rules) for c in ordered if c]
    seen = frozenset(text_key(t) for t in [*candidates, *ordered, *raw, *h1_raw] if t)
    # Only a logo or a bare site name to go by: better that than no title.
    fallback = [page.title_tag, *(repair_escapes(element_text(h)) for h in all_h1s)]
    return TitleResult(choose(candidates) or next((t for t in fallback if t), None), seen)


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


def _overlap(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two word sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


def _is_logo(h1: HtmlElement, names: Sequence[str]) -> bool:
    """Whether an ``<h1>`` is the site's logo or name rather than the article's title."""
    letters = _letters(element_text(h1))
    if any(_names_site(letters, _letters(name)) for name in names if _letters(name)):
        return True
    parent = h1.getparent()
    nearby = [h1, *h1.iterchildren(), *([parent] if parent is not None else [])]
    if any(_LOGO_CLASS.search(class_and_id(e)) for e in nearby):
        return True
    return any(e.tag == "nav" for e in h1.iterancestors())


def _host_name(url: str) -> list[str]:
    """The site's name as its host spells it (``www.demo-daily.test`` → ``demo-daily``)."""
    try:
        labels = (urlsplit(url).hostname or "").removeprefix("www.").split(".")
    except ValueError:
        return []
    return [labels[-2]] if len(labels) >= 2 and len(labels[-2]) >= 4 else []


def _tag_link_labels(tree: HtmlElement) -> list[str]:
    """Texts of links to tag, topic, category or section pages anywhere on the page."""
    return [
        text
        for link in _TAG_LINKS(tree)
        if _LABEL_HREF.search(link.get("href", "")) and (text := element_text(link))
    ]


def strip_site_name(title: str, names: Sequence[str], others: Iterable[str | None] = ()) -> str:
    """A title without a leading or trailing site name ("Title | The Demo Daily" → "Title").

    A first or last segment is taken for the site name when it is mostly one of ``names`` (letters
    compared) or when what remains equals another candidate in ``others``.
    """
    title = repair_escapes(normalize_space(title))
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    separators = _SEPARATOR.findall(title)
    name_keys = [key for n in names if (key := _letters(n))]
    other_keys = {text_key(o) for o in others if o}
    for start, end in ((0, len(parts) - 1), (1, len(parts))):
        kept = parts[start:end]
        dropped = _letters(parts[-1] if start == 0 else parts[0])
        joined = _join(kept, separators[start : start + len(kept) - 1])
        if any(_names_site(dropped, key) for key in name_keys) or text_key(joined) in other_keys:
            return joined
    return title


def _names_site(segment: str, name: str) -> bool:
    """Whether a title segment (letters only) is mostly the site name (letters only)."""
    return name in segment and len(name) >= 0.6 * len(segment)


def _join(parts: Sequence[str], separators: Sequence[str]) -> str:
    """Parts put back together with the separators that were between them."""
    out = parts[0]
    for sep, part in zip(separators, parts[1:], strict=True):
        out += sep + part
    return out


def _letters(text: str) -> str:
    """Only the letters and digits of a text, casefolded (``The Demo-Daily`` → ``thedemodaily``)."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _h1_title(h1: HtmlElement, text: str, others: Sequence[str], labels: Sequence[str]) -> str:
    """An ``<h1>``'s text (given) with a tag label glued to its start removed."""
    label = _label_element_text(h1)
    if label and text.startswith(label) and text[len(label) :].strip():
        return text[len(label) :].strip()
    return remove_glued_prefix(text, others, labels)


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
