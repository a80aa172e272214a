"""The ``schedules`` table, and each site's last crawl as the scheduler needs it.

Expressions are stored as given; checking them is the caller's business (``crawler.scheduling.expressions``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.db import DEFAULT_RETRY_S, connect, write_session
from warehouse.errors import WarehouseMissingError

if TYPE_CHECKING:
    from collections.abc import Iterable

    import duckdb


@dataclass(frozen=True, slots=True)
class StoredSchedule:
    """A schedule kept in the warehouse."""

    site: str
    expression: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class LastRun:
    """A site's most recently started crawl."""

    run_id: str
    status: str
    started_at: datetime
    finished_at: datetime | None


def _has_table(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
        [name],
    ).fetchall()
    return bool(found[0][0])


def stored_schedules(
    path: str | os.PathLike[str], *, retry_s: float = DEFAULT_RETRY_S
) -> dict[str, StoredSchedule]:
    """Read the warehouse's schedules.

    Args:
        path: The warehouse file (opened read-only); a missing file has none.
        retry_s: How long to wait while a writer holds the lock.

    Returns:
        Site name to schedule, in site order.

    Raises:
        WarehouseLockedError: A writer held the lock for longer than ``retry_s``.
    """
    try:
        conn = connect(path, read_only=True, retry_s=retry_s)
    except WarehouseMissingError:
        return {}
    try:
        if not _has_table(conn, "schedules"):
            return {}
        rows = conn.execute(
            "SELECT site, expression, added_at FROM schedules ORDER BY site"
        ).fetchall()
    finally:
        conn.close()
    return {str(s): StoredSchedule(str(s), str(e), _aware(a)) for s, e, a in rows}


def set_schedule(
    path: str | os.PathLike[str], site: str, expression: str, *, retry_s: float = DEFAULT_RETRY_S
) -> StoredSchedule:
    """Add or replace a site's schedule.

    Args:
        path: The warehouse file (created if needed).
        site: The site's name.
        expression: A checked schedule expression.
        retry_s: How long to wait for another process's lock.

    Returns:
        The schedule as stored.
    """
    stored = StoredSchedule(site, expression, datetime.now(UTC))
    with write_session(path, retry_s=retry_s) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO schedules (site, expression, added_at) VALUES (?, ?, ?)",
            [stored.site, stored.expression, stored.added_at],
        )
    return stored


def remove_schedule(
    path: str | os.PathLike[str], site: str, *, retry_s: float = DEFAULT_RETRY_S
) -> StoredSchedule | None:
    """Delete a site's schedule from the warehouse.

    Args:
        path: The warehouse file.
        site: The site's name.
        retry_s: How long to wait for another process's lock.

    Returns:
        The schedule deleted, or ``None`` when the warehouse had none for the site.
    """
    if not Path(path).exists():
        return None
    with write_session(path, retry_s=retry_s) as conn:
        row = conn.execute(
            "SELECT site, expression, added_at FROM schedules WHERE site = ?", [site]
        ).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM schedules WHERE site = ?", [site])
    return StoredSchedule(str(row[0]), str(row[1]), _aware(row[2]))


def last_runs(
    path: str | os.PathLike[str], sites: Iterable[str], *, retry_s: float = DEFAULT_RETRY_S
) -> dict[str, LastRun]:
    """Each site's most recently started crawl (re-extraction runs are not crawls).

    Args:
        path: The warehouse file (opened read-only); a missing file has no runs.
        sites: The sites to look up.
        retry_s: How long to wait while a writer holds the lock.

    Returns:
        Site name to its last crawl, for the sites that have one.
    """
    names = list(sites)
    if not names:
        return {}
    try:
        conn = connect(path, read_only=True, retry_s=retry_s)
    except WarehouseMissingError:
        return {}
    try:
        rows = conn.execute(
            """
            SELECT site, run_id, status, started_at, finished_at
            FROM (SELECT unnest(sites) AS site, * FROM runs
                  WHERE coalesce(json_extract_string(settings, '$.mode'), '') <> 'reextract')
            WHERE list_contains(?, site)
            QUALIFY row_number() OVER (PARTITION BY site ORDER BY started_at DESC, run_id DESC) = 1
            """,
            [names],
        ).fetchall()
    finally:
        conn.close()
    return {
        str(site): LastRun(str(run_id), str(status), _aware(started), _aware_or_none(finished))
        for site, run_id, status, started, finished in rows
    }


def _aware(value: object) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"expected a timestamp, got {value!r}")
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _aware_or_none(value: object) -> datetime | None:
    return None if value is None else _aware(value)
