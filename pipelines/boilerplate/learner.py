"""Site boilerplate learned from the site itself: paragraphs that recur on many of its pages.

A news site repeats some paragraphs on page after page: a reader-funding appeal, a standing
footnote, an author's bio line. Generic rules cannot know them; the site's own pages can. A
:class:`BoilerplateLearner` counts, for each :func:`paragraph_key`, the distinct pages of one site
that contain it, and :meth:`BoilerplateLearner.learned` names the keys :class:`LearnRule` calls
boilerplate. :func:`strip_boilerplate` then removes them, a user's ``keep`` overriding what was
learned and a user's ``drop`` removing a paragraph whatever was learned.

Copies of one article (a syndicated copy, an edited re-publication, the same page fetched again)
share most of their paragraphs: they must not teach those paragraphs as boilerplate. So a page is
counted once (by its URL and by its set of paragraphs), and a paragraph is learned only when the
pages holding it look like several different articles: each page brings the least
``context_values`` hashes of its 4-word shingles, and a key's pages must bring ``contexts_needed``
distinct ones. Copies bring the same shingles again, different articles bring new ones.

Pure: no Scrapy, no DuckDB. :meth:`BoilerplateLearner.learned` depends only on the set of pages
counted, never on the order they came in.
"""

from __future__ import annotations

import heapq
import math
import re
import zlib
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import TYPE_CHECKING, Final

from crawler.text.normalize import fold_quotes, text_key

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence

#: Years (1900-2099) read as one value, so "© 2025 The Daily X" and "© 2026 The Daily X" match.
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_WORD = re.compile(r"\w+")
#: A character :func:`~crawler.text.normalize.fold_quotes` changes.
_QUOTE = re.compile(
    "[\u2018\u2019\u201a\u201b\u2032`\u00b4\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]"
)
#: Paragraphs of a stored text are separated by a blank line.
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SHINGLE_WORDS: Final = 4
"""Words per shingle in a page's context values."""


def paragraph_key(text: str) -> str:
    """A stable key of one paragraph: equal for the same words whatever their typography.

    Built on :func:`~crawler.text.normalize.text_key` (escapes repaired, quotes folded, whitespace
    collapsed, casefolded), with every year from 1900 to 2099 read as ``0000``. Other numbers
    count: two lines that differ in a figure are different paragraphs.

    Args:
        text: One paragraph.

    Returns:
        16 hex digits (64 bits of BLAKE2b).
    """
    return _hash(_fold(text))


def _fold(text: str) -> str:
    """The text a paragraph key is the hash of: :func:`~crawler.text.normalize.text_key`, years folded.

    The common paragraph (printable, no backslash, no quote to fold) takes a shortcut with the
    same result: ``text_key``'s character-by-character passes would change nothing in it.
    """
    if text.isprintable() and "\\" not in text:
        if not text.isascii() or "`" in text:
            text = _QUOTE.sub(_fold_quote, text)
        folded = " ".join(text.split()).casefold()
    else:
        folded = text_key(text)
    return _YEAR.sub("0000", folded)


def _fold_quote(match: re.Match[str]) -> str:
    return fold_quotes(match.group())


def _hash(folded: str) -> str:
    return blake2b(folded.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Keyed:
    """A text's paragraphs with their keys, computed once for both learning and stripping."""

    texts: tuple[str, ...]
    folded: tuple[str, ...]
    """What each key is the hash of."""
    keys: tuple[str, ...]


def keyed(paragraphs: Iterable[str]) -> Keyed:
    """``paragraphs`` with their :func:`paragraph_key`."""
    texts = tuple(paragraphs)
    folded = tuple(_fold(p) for p in texts)
    return Keyed(texts, folded, tuple(_hash(f) for f in folded))


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a stored text (separated by blank lines), stripped, empty ones dropped."""
    return [p for part in _PARAGRAPH_BREAK.split(text) if (p := part.strip())]


def page_contexts(paragraphs: Iterable[str], values: int) -> tuple[int, ...]:
    """The least ``values`` hashes of a page's 4-word shingles, ascending.

    Two copies of one article share most shingles, so most of these values; two different
    articles share almost none (only where a shingle of their common boilerplate is among the
    least). CRC-32 is enough: the values are compared for equality and order only.

    Args:
        paragraphs: The page's paragraphs, in order.
        values: How many values to keep.

    Returns:
        Up to ``values`` distinct non-negative integers (fewer for a page of few words).
    """
    return _contexts([_fold(p) for p in paragraphs], values)


def _contexts(folded: Iterable[str], values: int) -> tuple[int, ...]:
    tokens = _WORD.findall(" ".join(folded))
    if len(tokens) < SHINGLE_WORDS:
        runs: Iterable[str] = [" ".join(tokens)] if tokens else []
    else:
        runs = map(" ".join, zip(*(tokens[i:] for i in range(SHINGLE_WORDS)), strict=False))
    return tuple(heapq.nsmallest(values, {zlib.crc32(run.encode()) for run in runs}))


@dataclass(frozen=True, slots=True)
class LearnRule:
    """When a paragraph is a site's boilerplate.

    A key is learned when (1) at least :attr:`min_pages` pages hold it, (2) those pages carry at
    least :attr:`contexts_needed` distinct context values (as three different articles do, and
    copies of one article do not), and (3) it is on at least :meth:`required_pages` of the pages
    seen: half of them on a cold start, at least :attr:`cold_pages` later, and at least a share of
    all pages that is small (:attr:`sentence_share`) for a paragraph of a sentence or two
    (an appeal, a bio line) and larger (:attr:`other_share`) for a heading-like line or a long
    paragraph, which is more often shared content (a recurring subheading, a reused background
    paragraph). ``python -m bench.boilerplate`` measures these defaults.
    """

    min_pages: int = 3
    """Fewest distinct pages a boilerplate paragraph is on."""
    cold_share: float = 0.5
    """Share of the pages seen a paragraph must be on while few pages have been seen."""
    cold_pages: int = 10
    """Once ``cold_share`` of the pages is more than this, this many pages are enough."""
    sentence_share: float = 0.02
    """Least share of all pages for a paragraph of ``sentence_chars`` characters."""
    other_share: float = 0.2
    """Least share of all pages for a shorter or a longer paragraph."""
    sentence_chars: tuple[int, int] = (60, 250)
    """Lengths (normalized characters, inclusive) of the paragraphs ``sentence_share`` applies to."""
    context_values: int = 8
    """Context values each page brings (see :func:`page_contexts`)."""
    contexts_needed: int = 20
    """Distinct context values the pages holding a key must bring: two and a half articles'
    worth. Three different articles bring 24 but for the values of their common boilerplate;
    an article and its edited copies bring 8 and one or two more per copy. 1 turns the rule off."""
    warmup_pages: int = 20
    """On a cold start, pages a site needs before its first articles are stored (the loader holds
    them back until then, or until the crawl ends), so the first batch has something to learn
    from."""

    def required_pages(self, total: int, chars: int) -> int:
        """Pages a paragraph of ``chars`` characters must be on when ``total`` pages were seen.

        Args:
            total: Distinct pages of the site counted so far.
            chars: The paragraph's normalized length.

        Returns:
            The least page count that makes it boilerplate (contexts aside).
        """
        low, high = self.sentence_chars
        share = self.sentence_share if low <= chars <= high else self.other_share
        cold = min(self.cold_share * total, float(self.cold_pages))
        return max(self.min_pages, _ceil(cold), _ceil(share * total))

    def is_boilerplate(self, count: KeyCount, total: int) -> bool:
        """Whether a key with these counts is boilerplate when ``total`` pages were seen."""
        return (
            count.pages >= self.required_pages(total, count.chars)
            and len(count.contexts) >= self.contexts_needed
        )


def _ceil(value: float) -> int:
    """``ceil`` that ignores float noise (``0.02 * 150`` is 3, not 4)."""
    return math.ceil(round(value, 9))


DEFAULT_RULE: Final = LearnRule()


@dataclass(frozen=True, slots=True)
class KeyCount:
    """What the learner knows of one paragraph key."""

    pages: int
    """Distinct pages holding it."""
    chars: int
    """Its normalized length."""
    contexts: tuple[int, ...]
    """The least distinct context values of its pages, ascending, at most
    :attr:`LearnRule.contexts_needed` of them."""
    sample: str | None = None
    """One of its texts; kept from its second page on (``None`` while on one page only)."""


@dataclass(frozen=True, slots=True)
class PageId:
    """How a counted page is recognised when it comes again."""

    url_key: str | None
    """Its URL key, if known: the same URL is not counted again, even with an edited text."""
    text_id: str
    """Hash of its set of paragraph keys: the same text at another URL is not counted again."""


@dataclass(slots=True)
class LearnerChanges:
    """What a learner counted since the last :meth:`BoilerplateLearner.take_changes`."""

    counts: dict[str, KeyCount] = field(default_factory=dict)
    """The new state of every key that changed."""
    pages: list[PageId] = field(default_factory=list)
    """The pages counted."""


class BoilerplateLearner:
    """The paragraphs one site repeats, counted page by page.

    Memory: one small entry per distinct paragraph of the site (the pages of a site share one
    tuple of context values among their paragraphs seen once).
    """

    def __init__(self, rule: LearnRule = DEFAULT_RULE) -> None:
        self.rule = rule
        self._counts: dict[str, KeyCount] = {}
        self._urls: set[str] = set()
        self._texts: set[str] = set()
        self._candidates: set[str] = set()
        self._changes = LearnerChanges()
        self._uncounted = 0

    @classmethod
    def restore(
        cls,
        counts: Iterable[tuple[str, KeyCount]],
        pages: Iterable[PageId],
        rule: LearnRule = DEFAULT_RULE,
        *,
        total: int | None = None,
    ) -> BoilerplateLearner:
        """A learner in a stored state (as :meth:`take_changes` reported it over time).

        Args:
            counts: Each key and its counts.
            pages: Every page counted.
            rule: The rule to learn by.
            total: The number of pages counted, when ``pages`` holds fewer (a learner restored
                to strip or list only; it must not learn more, as it cannot recognise those
                pages).

        Returns:
            The learner, with no pending changes.
        """
        learner = cls(rule)
        shared: dict[tuple[int, ...], tuple[int, ...]] = {}
        for key, count in counts:
            contexts = shared.setdefault(count.contexts, count.contexts)
            if contexts is not count.contexts:
                count = KeyCount(count.pages, count.chars, contexts, count.sample)
            learner._counts[key] = count
            if count.pages >= rule.min_pages:
                learner._candidates.add(key)
        for page in pages:
            learner._texts.add(page.text_id)
            if page.url_key is not None:
                learner._urls.add(page.url_key)
        if total is not None:
            learner._uncounted = max(0, total - len(learner._texts))
        return learner

    @property
    def total(self) -> int:
        """Distinct pages counted."""
        return len(self._texts) + self._uncounted

    def count(self, key: str) -> KeyCount | None:
        """The counts of one key, if it was seen."""
        return self._counts.get(key)

    def add(self, paragraphs: Sequence[str] | Keyed, url_key: str | None = None) -> bool:
        """Count one page of the site.

        A page whose URL key or whose set of paragraphs was counted before is not counted again
        (the first one counted stays).

        Args:
            paragraphs: The page's paragraphs (or :func:`keyed` ones), before any boilerplate is
                removed.
            url_key: The page's URL key, when it has one.

        Returns:
            Whether the page was counted.
        """
        page = paragraphs if isinstance(paragraphs, Keyed) else keyed(paragraphs)
        texts: dict[str, tuple[str, str]] = {}
        for key, paragraph, folded in zip(page.keys, page.texts, page.folded, strict=True):
            texts.setdefault(key, (paragraph, folded))
        if not texts:
            return False
        text_id = blake2b("\n".join(sorted(texts)).encode(), digest_size=8).hexdigest()
        if text_id in self._texts or (url_key is not None and url_key in self._urls):
            return False
        self._texts.add(text_id)
        if url_key is not None:
            self._urls.add(url_key)
        self._changes.pages.append(PageId(url_key, text_id))
        rule = self.rule
        contexts = _contexts((folded for _, folded in texts.values()), rule.context_values)
        for key, (text, folded) in texts.items():
            old = self._counts.get(key)
            if old is None:
                new = KeyCount(1, len(folded), contexts)
            else:
                merged = old.contexts
                if merged is not contexts:
                    merged = tuple(
                        sorted(set(old.contexts).union(contexts))[: rule.contexts_needed]
                    )
                sample = text if old.sample is None else min(old.sample, text)
                new = KeyCount(old.pages + 1, old.chars, merged, sample)
                if new.pages >= rule.min_pages:
                    self._candidates.add(key)
            self._counts[key] = new
            self._changes.counts[key] = new
        return True

    def learned(self) -> frozenset[str]:
        """The keys that are boilerplate now, by :attr:`rule`."""
        total = self.total
        is_boilerplate = self.rule.is_boilerplate
        return frozenset(k for k in self._candidates if is_boilerplate(self._counts[k], total))

    def candidates(self) -> list[tuple[str, KeyCount]]:
        """Every key on at least ``min_pages`` pages, most pages first (then by key)."""
        found = [(key, self._counts[key]) for key in self._candidates]
        return sorted(found, key=lambda item: (-item[1].pages, item[0]))

    def take_changes(self) -> LearnerChanges:
        """What changed since the last call (for the warehouse), and forget it."""
        changes, self._changes = self._changes, LearnerChanges()
        return changes


def learn_pages(
    pages: Iterable[tuple[str | None, str]], rule: LearnRule = DEFAULT_RULE
) -> BoilerplateLearner:
    """A learner that counted every page given, as a crawl of those pages would.

    Args:
        pages: ``(url_key, text)`` of each page, the text's paragraphs separated by blank lines.
        rule: The rule to learn by.

    Returns:
        The learner.
    """
    learner = BoilerplateLearner(rule)
    for url_key, text in pages:
        learner.add(split_paragraphs(text), url_key)
    return learner


def strip_boilerplate(
    paragraphs: Sequence[str] | Keyed, drop: Collection[str], keep: Collection[str] = ()
) -> tuple[list[str], list[str]]:
    """Split paragraphs into those kept and those removed as boilerplate.

    Args:
        paragraphs: A text's paragraphs (or :func:`keyed` ones), in order.
        drop: Keys to remove: what was learned, and the user's ``drop`` rules.
        keep: Keys never removed by learning: the user's ``keep`` rules. A key should not be in
            both the user's drop and keep rules; the warehouse holds one rule per key.

    Returns:
        ``(kept, removed)``, each in text order.
    """
    page = paragraphs if isinstance(paragraphs, Keyed) else keyed(paragraphs)
    kept: list[str] = []
    removed: list[str] = []
    for key, paragraph in zip(page.keys, page.texts, strict=True):
        (removed if key in drop and key not in keep else kept).append(paragraph)
    return kept, removed


def apply_site_boilerplate(
    text: str, drop: Collection[str], keep: Collection[str] = ()
) -> tuple[str, list[str]]:
    """A stored text without its site's boilerplate paragraphs.

    Args:
        text: Paragraphs separated by blank lines (as extraction gives them).
        drop: Keys to remove (learned, and the user's drop rules).
        keep: Keys to keep whatever was learned (the user's keep rules).

    Returns:
        The text without them (paragraphs joined by a blank line; unchanged when nothing is
        removed) and the paragraphs removed.
    """
    kept, removed = strip_boilerplate(split_paragraphs(text), drop, keep)
    return ("\n\n".join(kept) if removed else text), removed
