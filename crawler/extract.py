"""Article extraction: HTML in, a clean :class:`ExtractedArticle` out.

trafilatura does the main work; gleaner's cleanup (site rules, collapsed duplicate paragraphs,
repaired escapes, titles freed of glued tag labels) runs on top. Pure: no Scrapy, no network.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from crawler.sites import SiteConfig


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
    """Where ``published_at`` came from: ``json-ld``, ``meta``, ``time``, ``url``, ``htmldate``."""
    modified_at: datetime | None = None
    """Last modification time, timezone-aware UTC."""
    language: str | None = None
    """ISO 639-1 code from the page's declaration or detection."""
    tags: tuple[str, ...] = ()
    """Tag or section labels the page itself declares."""
    description: str | None = None
    """The page's summary (meta description), if any."""


def extract_article(
    html: str | bytes,
    url: str,
    site: SiteConfig | None = None,
    *,
    headline: str | None = None,
) -> ExtractedArticle:
    """Extract one article page.

    Args:
        html: the page, as text or as raw bytes (decoded from its declared or detected encoding).
        url: the URL the page was fetched from.
        site: the site's config, whose cleanup rules are applied; ``None`` for the built-in rules only.
        headline: the headline a listing page gave for this article, used as evidence for the title.

    Returns:
        The extracted record; ``text`` is empty when no main text was found.
    """
    raise NotImplementedError
