"""Row factories shared by the warehouse tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from warehouse.db import connect
from warehouse.rows import ArticleRow, FetchRow, RejectRow, SightingRow

if TYPE_CHECKING:
    from pathlib import Path

T0 = datetime(2026, 8, 25, 10, 15, tzinfo=UTC)


def article(
    url: str,
    text: str = "Body text.",
    *,
    site: str = "example",
    title: str | None = None,
    published_at: datetime | None = None,
    fetched_url: str | None = None,
    fetched_at: datetime = T0,
    **extra: object,
) -> ArticleRow:
    """An article whose url_key is its URL and whose content_key hashes its text."""
    return ArticleRow(
        site=site,
        url=url,
        url_key=url,
        fetched_url=fetched_url or url,
        title=title or f"Title of {url}",
        text=text,
        content_key=hashlib.sha256(text.encode()).hexdigest(),
        fetched_at=fetched_at,
        published_at=published_at,
        **extra,  # type: ignore[arg-type]
    )


def sighting(url: str, position: int = 1, *, site: str = "example") -> SightingRow:
    """A sighting of ``url`` on the home page."""
    return SightingRow(
        site=site,
        listing_url="https://example.test/",
        article_url=f"{url}?utm_source=home",
        url_key=url,
        position=position,
        seen_at=T0,
        tag="world",
        headline="Headline",
    )


def reject(url: str, reason: str = "too_short", *, status: int | None = 200) -> RejectRow:
    """A reject of ``url``."""
    return RejectRow(
        site="example", url=url, reason=reason, fetched_at=T0, detail="why", http_status=status
    )


def fetch(url: str, status: int = 200, role: str = "article") -> FetchRow:
    """A response received for ``url``."""
    return FetchRow(
        site="example", url=url, role=role, status=status, fetched_at=T0, bytes=1234, elapsed_s=0.1
    )


def query(path: Path, sql: str, params: object = None) -> list[tuple[object, ...]]:
    """Run a query on a short read-only connection."""
    conn = connect(path, read_only=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
