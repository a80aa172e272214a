"""What the spider yields besides sightings: extracted pages to validate, and rejects.

The contract between crawling and the pipelines: :class:`ExtractedArticle` names what extraction
finds on a page; validation turns an :class:`ArticleItem` into an article or a :class:`Reject`.

Sightings go to the warehouse as they are (:class:`warehouse.rows.SightingRow`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from crawler.extract.explain import Removal
from crawler.text.decode import clean_text

#: Why a page did not become an article.
RejectReason = Literal[
    "http_error",
    "fetch_error",
    "timeout",
    "too_large",
    "not_html",
    "blocked",
    "too_short",
    "no_title",
    "bad_date",
    "bad_url",
    "invalid",
    "extract_error",
    "bad_listing",
    "raw_missing",
    "binary",
    "empty",
    "script_only",
    "soft_404",
    "paywall_stub",
    "length_mismatch",
    "off_site",
    "too_many_redirects",
]


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


UTCDateTime = Annotated[datetime, AfterValidator(_utc)]
NonEmpty = Annotated[str, Field(min_length=1)]


class ExtractedArticle(BaseModel):
    """What extraction found on one page. Unvalidated: validation decides if it is an article."""

    model_config = ConfigDict(frozen=True)

    url: str
    """The URL the page was fetched from."""
    canonical_url: str | None = None
    """The page's ``rel=canonical`` (or ``og:url``) as an absolute URL, if any."""
    title: str | None = None
    """Clean title: no site-name suffix, no glued tag label."""
    text: str = ""
    """Main text, paragraphs separated by a blank line; empty when the page has no body."""
    authors: tuple[str, ...] = ()
    """Author names in byline order."""
    published_at: datetime | None = None
    """Publication time, timezone-aware UTC."""
    published_source: str | None = None
    """Where ``published_at`` came from: ``json-ld``, ``meta``, ``time``, ``url``, ``listing``,
    ``feed``, ``sitemap`` (the date the source that listed the page gave) or ``htmldate``."""
    modified_at: datetime | None = None
    """Last modification time, timezone-aware UTC; never before ``published_at``."""
    language: str | None = None
    """ISO 639-1 code from the page's declaration, checked against the text, or detection."""
    tags: tuple[str, ...] = ()
    """Tag or section labels the page itself declares."""
    description: str | None = None
    """The page's summary (meta description), if any."""
    captions: tuple[str, ...] = ()
    """Image captions (``<figcaption>``) in page order, which trafilatura leaves out of ``text``."""
    modified_source: str | None = None
    """Where ``modified_at`` came from: ``json-ld``, ``meta``, ``time``, ``listing``, ``feed`` or
    ``sitemap``."""
    body_source: str | None = None
    """Where ``text`` came from: ``trafilatura`` (its text as is), ``trafilatura+blocks`` (with
    list items and headings it left out put back) or ``json-ld`` (the article body the page
    declares, when it holds the extracted text and more); ``None`` when there is no text."""
    removed: tuple[Removal, ...] = Field(default=(), exclude=True)
    """With ``explain=True``, every piece extraction removed and the rule that removed it, in
    order (see :mod:`crawler.extract.explain`); otherwise empty. Never stored, and left out of
    ``model_dump()`` unless asked for by name."""


@dataclass(frozen=True, slots=True)
class ArticleItem:
    """An article page and what extraction found on it; validation makes it an article or a reject."""

    site: str
    fetched_url: str
    fetched_at: datetime
    extracted: ExtractedArticle
    http_status: int = 200


class Reject(BaseModel):
    """A page that is not an article, with a reason code and detail."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site: NonEmpty
    url: NonEmpty
    reason: RejectReason
    fetched_at: UTCDateTime
    detail: Annotated[str, AfterValidator(clean_text)] | None = None
    http_status: int | None = None
