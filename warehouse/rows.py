"""Plain row types the warehouse takes: the contract between the crawl and the loader.

The warehouse package imports nothing from the crawler or pipelines; they build these rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """A validated article, before dedupe decides what becomes of it."""

    site: str
    url: str
    """The article's URL: its trusted canonical URL, else the URL it was fetched from."""
    url_key: str
    """Canonical form of ``url`` used as the dedupe key."""
    fetched_url: str
    """The URL actually fetched (may differ from ``url``)."""
    title: str
    text: str
    content_key: str
    """Hash of the normalized text."""
    fetched_at: datetime
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    published_source: str | None = None
    modified_at: datetime | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    fetched_key: str | None = None
    """Canonical form of ``fetched_url``; ``None`` when it equals ``url_key``. When the two differ,
    ``url`` came from the page's ``rel=canonical``, which dedupe may decline to trust."""
    boilerplate_removed: int = 0
    """Paragraphs removed from ``text`` as the site's boilerplate (learned, or a user's rule)."""
    modified_source: str | None = None
    """Where ``modified_at`` came from, as ``published_source`` says for ``published_at``."""


@dataclass(frozen=True, slots=True)
class SightingRow:
    """An article link seen on a listing page."""

    site: str
    listing_url: str
    article_url: str
    """The link as listed (tracking parameters and all)."""
    url_key: str
    position: int
    """1-based position of the item on its listing page."""
    seen_at: datetime
    tag: str | None = None
    headline: str | None = None
    teaser: str | None = None
    listed_at: datetime | None = None
    source: str = "listing"
    """What listed it: ``listing`` (an HTML page), ``feed`` (RSS/Atom) or ``sitemap``."""


@dataclass(frozen=True, slots=True)
class RejectRow:
    """A page that did not become an article, and why."""

    site: str
    url: str
    reason: str
    """Reason code: ``http_error``, ``too_short``, ``no_title``, ``not_html``, ``too_large``, ..."""
    fetched_at: datetime
    detail: str | None = None
    http_status: int | None = None
    url_key: str | None = None


@dataclass(frozen=True, slots=True)
class FetchRow:
    """One HTTP response received."""

    site: str
    url: str
    role: str
    """``listing``, ``article`` or ``robots``."""
    status: int
    fetched_at: datetime
    bytes: int = 0
    elapsed_s: float | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """An article link the crawl did not fetch, because the warehouse already has where it leads.

    Its decision repeats what the warehouse knows: ``unchanged`` for an article, else the earlier
    decision (a duplicate or a reject) for that URL.
    """

    site: str
    url: str
    url_key: str
    seen_at: datetime
    method: str
    """``known`` (not requested) or ``not_modified`` (a conditional request answered 304)."""
    article_id: int | None = None
    """The article the link leads to, when it is one."""
    decision: str = "unchanged"
    matched_article_id: int | None = None
    similarity: float | None = None
    reason: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class ListingStateRow:
    """What a listing source (HTML page, feed or sitemap) held when it last answered 200.

    The next run sends its validators, and on a 304 reuses its entries and links unparsed.
    """

    site: str
    url: str
    url_key: str
    kind: str
    """``listing``, ``feed`` or ``sitemap``."""
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    entries: tuple[str, ...] = ()
    """Article URLs listed, in order."""
    links: tuple[str, ...] = ()
    """Other listing sources linked (tags, sections, child sitemaps)."""
    pagination: tuple[str, ...] = ()
    """Further pages of the same listing."""


@dataclass(frozen=True, slots=True)
class RawPageRow:
    """An article page kept raw: where its WARC record lies, to read it again without a fetch."""

    site: str
    url: str
    """The URL fetched (the record's ``WARC-Target-URI``)."""
    url_key: str | None
    fetched_at: datetime
    """When the response arrived (the record's ``WARC-Date``)."""
    http_status: int
    warc_path: str
    """The WARC file, relative to the directory of raw pages: ``<site>/<run_id>.warc.gz``."""
    warc_offset: int
    """Where the record's gzip member starts in the file."""
    warc_length: int
    """The gzip member's length in bytes."""
    sha256: str
    """SHA-256 of the body, in hex."""


@dataclass(frozen=True, slots=True)
class BoilerplateKeyRow:
    """What the site's boilerplate learner knows of one paragraph key, as it stands after a batch.

    The loader computes it; the warehouse stores it as given (``boilerplate_counts``).
    """

    site: str
    key: str
    """The paragraph's key (16 hex digits)."""
    pages: int
    """Distinct pages of the site holding the paragraph."""
    chars: int
    """The paragraph's normalized length."""
    contexts: tuple[int, ...]
    """The least distinct context values of those pages (they tell copies from other articles)."""
    sample: str | None = None
    """One of the paragraph's texts (``None`` while it is on one page only)."""


@dataclass(frozen=True, slots=True)
class BoilerplatePageRow:
    """A page the site's boilerplate learner counted (``boilerplate_pages``)."""

    site: str
    url_key: str | None
    """Its URL key: the same URL is not counted again."""
    text_id: str
    """Hash of its set of paragraph keys: the same text elsewhere is not counted again."""


@dataclass(slots=True)
class Batch:
    """Everything one commit writes for one run."""

    run_id: str
    articles: list[ArticleRow] = field(default_factory=list)
    sightings: list[SightingRow] = field(default_factory=list)
    rejects: list[RejectRow] = field(default_factory=list)
    fetches: list[FetchRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    listings: list[ListingStateRow] = field(default_factory=list)
    raw_pages: list[RawPageRow] = field(default_factory=list)
    boilerplate_keys: list[BoilerplateKeyRow] = field(default_factory=list)
    """Learner state the batch's articles changed; not counted in ``len``, as the articles are."""
    boilerplate_pages: list[BoilerplatePageRow] = field(default_factory=list)
    """Pages the learner counted in this batch; not counted in ``len`` either."""
    item_ids: list[str] = field(default_factory=list)
    """Ids of the queue items whose rows these are (``gleaner load``); stored in ``loaded_items``
    in the same transaction. Not counted in ``len``."""

    def counted(self) -> tuple[list[Any], ...]:
        """The lists of rows that ``len`` counts (the learner's state and item ids aside)."""
        return (
            self.articles,
            self.sightings,
            self.rejects,
            self.fetches,
            self.skipped,
            self.listings,
            self.raw_pages,
        )

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.counted())
