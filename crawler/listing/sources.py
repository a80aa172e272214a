"""Listing sources: HTML listing pages, RSS/Atom feeds and sitemaps, read into one shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from crawler.listing.feeds import FeedError, parse_feed, parse_sitemap
from crawler.listing.pages import parse_listing

if TYPE_CHECKING:
    from crawler.listing.pages import ListingPage
    from crawler.sites import SiteConfig

SourceKind = Literal["listing", "feed", "sitemap"]
"""What a listing source is; also the ``role`` of its fetches and the ``source`` of sightings."""


class SourceError(ValueError):
    """A listing source that could not be read (a feed that is not XML, a sitemap too large)."""


@dataclass(frozen=True, slots=True)
class Listed:
    """An article link a source gave, with what the source said of it."""

    url: str
    url_key: str
    listed_at: datetime | None = None
    headline: str | None = None


def read_source(
    body: bytes, text: str | None, url: str, kind: SourceKind, site: SiteConfig
) -> ListingPage:
    """Read a listing source of any kind.

    Args:
        body: the response body, as received.
        text: the decoded body, for HTML listing pages.
        url: the URL it was fetched from.
        kind: what the site's configuration says it is.
        site: the site, for its URL patterns and allowed domains.

    Returns:
        Its entries, the sources it links to and its further pages.

    Raises:
        SourceError: a feed or sitemap that cannot be read.
    """
    try:
        if kind == "feed":
            return parse_feed(body, url, site)
        if kind == "sitemap":
            return parse_sitemap(body, url, site)
    except FeedError as exc:
        raise SourceError(str(exc)) from exc
    return parse_listing(text if text is not None else body, url, site)
