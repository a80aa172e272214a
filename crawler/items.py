"""What the spider yields: unvalidated records for the item pipelines.

``ArticleItem`` is validated into an article or a reject; ``SightingItem`` and ``RejectItem`` go to
the warehouse as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.extract import ExtractedArticle


@dataclass(frozen=True, slots=True)
class ArticleItem:
    """An article page and what extraction found on it."""

    site: str
    fetched_url: str
    fetched_at: datetime
    extracted: ExtractedArticle
    http_status: int = 200


@dataclass(frozen=True, slots=True)
class SightingItem:
    """An article link seen on a listing page."""

    site: str
    listing_url: str
    article_url: str
    url_key: str
    position: int
    seen_at: datetime
    tag: str | None = None
    headline: str | None = None
    teaser: str | None = None
    listed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RejectItem:
    """A page that could not become an article before extraction (HTTP error, not HTML, ...)."""

    site: str
    url: str
    reason: str
    fetched_at: datetime
    detail: str | None = None
    http_status: int | None = None
