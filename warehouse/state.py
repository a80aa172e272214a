"""What the warehouse knows of a site before a crawl: its pages, their decisions and validators.

Read once, read-only, when a run starts. The crawl uses it to skip article pages it already has,
to send conditional requests, and to replay a listing source that answers 304.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warehouse.db import DEFAULT_RETRY_S, connect
from warehouse.errors import WarehouseMissingError


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article of the site: where it was fetched and the dates it declares."""

    article_id: int
    url_key: str
    fetched_url: str
    last_seen_at: datetime
    published_at: datetime | None
    modified_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """The latest decision taken for a URL of the site."""

    url: str
    url_key: str | None
    decision: str
    article_id: int | None
    matched_article_id: int | None
    similarity: float | None
    reason: str | None
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class StoredFetch:
    """The latest response to an article URL of the site."""

    url: str
    status: int
    fetched_at: datetime
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class StoredListing:
    """A listing source as it was when it last answered 200."""

    url: str
    url_key: str
    kind: str
    etag: str | None
    last_modified: str | None
    entries: tuple[str, ...]
    links: tuple[str, ...]
    pagination: tuple[str, ...]
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class SiteState:
    """Everything :func:`read_site_state` reads."""

    articles: list[StoredArticle]
    decisions: list[StoredDecision]
    fetches: list[StoredFetch]
    listings: list[StoredListing]
    previous_complete: bool = True
    """Whether the site's previous crawl did all its work (``finished`` with reason
    ``finished``); false after a run that was interrupted, failed or stopped at a page limit."""


def read_site_state(
    path: str | os.PathLike[str],
    site: str,
    *,
    run_id: str | None = None,
    retry_s: float = DEFAULT_RETRY_S,
) -> SiteState:
    """Read what the warehouse knows of ``site``; empty when the warehouse does not exist yet.

    Args:
        path: The warehouse file (opened read-only).
        site: The site's name.
        run_id: The run about to crawl it, left out when looking for the previous run.
        retry_s: How long to wait while a writer holds the lock.

    Returns:
        The site's articles, the latest decision per URL, the latest article fetch per URL,
        the stored state of its listing sources, and whether its previous crawl (re-extractions
        aside) did all its work.
    """
    try:
        conn = connect(path, read_only=True, retry_s=retry_s)
    except WarehouseMissingError:
        return SiteState([], [], [], [])
    try:
        articles = conn.execute(
            """
            SELECT article_id, url_key, fetched_url, last_seen_at, published_at, modified_at
            FROM articles WHERE site = ?
            """,
            [site],
        ).fetchall()
        decisions = conn.execute(
            """
            SELECT url, url_key, decision, article_id, matched_article_id, similarity, reason,
                   decided_at
            FROM decisions WHERE site = ?
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY decided_at DESC) = 1
            """,
            [site],
        ).fetchall()
        fetches = conn.execute(
            """
            SELECT url, status, fetched_at, etag, last_modified
            FROM fetches WHERE site = ? AND role = 'article'
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1
            """,
            [site],
        ).fetchall()
        listings = conn.execute(
            """
            SELECT url, url_key, kind, etag, last_modified, entries, links, pagination, fetched_at
            FROM listing_state WHERE site = ?
            """,
            [site],
        ).fetchall()
        previous = conn.execute(
            """
            SELECT status, finish_reason FROM runs
            WHERE list_contains(sites, ?) AND run_id IS DISTINCT FROM ?
              AND finish_reason IS DISTINCT FROM 'reextract'
            ORDER BY started_at DESC, run_id DESC
            LIMIT 1
            """,
            [site, run_id],
        ).fetchall()
    finally:
        conn.close()
    return SiteState(
        articles=[StoredArticle(*row) for row in articles],
        decisions=[StoredDecision(*row) for row in decisions],
        fetches=[StoredFetch(*row) for row in fetches],
        listings=[_listing(row) for row in listings],
        previous_complete=not previous or previous[0] == ("finished", "finished"),
    )


def _listing(row: tuple[Any, ...]) -> StoredListing:
    url, key, kind, etag, modified, entries, links, pagination, fetched_at = row
    return StoredListing(
        url, key, kind, etag, modified, tuple(entries), tuple(links), tuple(pagination), fetched_at
    )
