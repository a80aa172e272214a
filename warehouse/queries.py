"""Named read queries behind ``gleaner runs`` and ``gleaner report``."""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warehouse.db import DEFAULT_RETRY_S, connect
from warehouse.dedupe import DECISIONS, DUPLICATE_DECISIONS
from warehouse.errors import UnknownRunError
from warehouse.runs import known_run_ids

if TYPE_CHECKING:
    import duckdb

_RUN_COLUMNS = "run_id, sites, status, started_at, finished_at, finish_reason"


def list_runs(
    path: str | os.PathLike[str], *, retry_s: float = DEFAULT_RETRY_S
) -> list[dict[str, Any]]:
    """List every run, newest first, with its headline counts.

    Args:
        path: The warehouse file (opened read-only).
        retry_s: How long to wait while a writer holds the lock.

    Returns:
        One JSON-ready dict per run: ``run_id``, ``sites``, ``status``, ``started_at``,
        ``finished_at`` (ISO 8601 UTC strings or None), ``finish_reason``, ``pages`` (responses
        fetched), ``items`` (decisions taken), ``new``, ``updated``, ``unchanged``,
        ``duplicates`` (by URL, by content and near) and ``rejects``.
    """
    conn = connect(path, read_only=True, retry_s=retry_s)
    try:
        cursor = conn.execute(
            f"""
            SELECT {_RUN_COLUMNS}, pages, items, new, updated, unchanged,
                   duplicate_url + duplicate_content + near_duplicate AS duplicates,
                   rejected AS rejects
            FROM run_report
            ORDER BY started_at DESC, run_id DESC
            """
        )
        return _dicts(cursor)
    finally:
        conn.close()


def run_report(
    path: str | os.PathLike[str], run: str = "latest", *, retry_s: float = DEFAULT_RETRY_S
) -> dict[str, Any]:
    """Explain one run: what was fetched, what each item became, and why.

    The structure is stable and JSON-ready (timestamps are ISO 8601 UTC strings)::

        {
          "run_id": "20260825T101500Z-1a2b", "sites": ["example"], "status": "finished",
          "started_at": "...", "finished_at": "..." | None, "finish_reason": "..." | None,
          "pages": {"total": 12, "by_status": {"200": 11, "404": 1},
                    "by_role": {"article": 9, "listing": 3}},
          "items": {"new": 5, "updated": 1, "unchanged": 0, "duplicate_url": 1,
                    "duplicate_content": 1, "near_duplicate": 0, "rejected": 2},
          "rejects": {"total": 2, "by_reason": {"http_error": 1, "too_short": 1},
                      "list": [{"site", "url", "reason", "detail", "http_status"}, ...]},
          "duplicates": [{"site", "url", "decision", "matched_article_id", "matched_url",
                          "matched_title", "similarity"}, ...],
          "counters": {...}
        }

    ``items`` always has every decision; dict keys and lists are sorted so that two reports of
    the same run are identical.

    Args:
        path: The warehouse file (opened read-only).
        run: A run id, or ``"latest"`` for the most recently started run.
        retry_s: How long to wait while a writer holds the lock.

    Returns:
        The report.

    Raises:
        UnknownRunError: No such run (its message lists the known ones).
    """
    conn = connect(path, read_only=True, retry_s=retry_s)
    try:
        return _report(conn, run)
    finally:
        conn.close()


def _report(conn: duckdb.DuckDBPyConnection, run: str) -> dict[str, Any]:
    """Build the run report on an open connection."""
    run_id = _resolve_run(conn, run)
    head = _dicts(
        conn.execute(f"SELECT {_RUN_COLUMNS}, counters FROM runs WHERE run_id = ?", [run_id])
    )[0]
    counters = head.pop("counters")
    by_status = _counts(conn, "SELECT status::VARCHAR, count(*) FROM fetches", run_id, "status")
    by_role = _counts(conn, "SELECT role, count(*) FROM fetches", run_id, "role")
    items = dict.fromkeys(DECISIONS, 0)
    items.update(_counts(conn, "SELECT decision, count(*) FROM decisions", run_id, "decision"))
    by_reason = _counts(conn, "SELECT reason, count(*) FROM rejects", run_id, "reason")
    reject_list = _dicts(
        conn.execute(
            "SELECT site, url, reason, detail, http_status FROM rejects WHERE run_id = ? "
            "ORDER BY site, url, reason",
            [run_id],
        )
    )
    duplicates = _dicts(
        conn.execute(
            """
            SELECT d.site, d.url, d.decision, d.matched_article_id,
                   a.url AS matched_url, a.title AS matched_title, d.similarity
            FROM decisions AS d
            LEFT JOIN articles AS a ON a.article_id = d.matched_article_id
            WHERE d.run_id = ? AND d.decision IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY d.site, d.url, d.decision, d.matched_article_id
            """,
            [run_id, list(DUPLICATE_DECISIONS)],
        )
    )
    return {
        **head,
        "pages": {
            "total": sum(by_status.values()),
            "by_status": by_status,
            "by_role": by_role,
        },
        "items": items,
        "rejects": {"total": sum(by_reason.values()), "by_reason": by_reason, "list": reject_list},
        "duplicates": duplicates,
        "counters": json.loads(counters) if counters else {},
    }


def _resolve_run(conn: duckdb.DuckDBPyConnection, run: str) -> str:
    """Return the run id that ``run`` names, or raise :class:`UnknownRunError`."""
    known = known_run_ids(conn)
    if run == "latest" and known:
        return known[0]
    if run in known:
        return run
    raise UnknownRunError(run, known)


def _counts(
    conn: duckdb.DuckDBPyConnection, select: str, run_id: str, group: str
) -> dict[str, int]:
    """Run ``select`` (a key and a count) for one run, grouped by ``group``, sorted by key."""
    rows = conn.execute(f"{select} WHERE run_id = ? GROUP BY {group} ORDER BY 1", [run_id])
    return {str(key): int(count) for key, count in rows.fetchall()}


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Fetch a cursor's rows as JSON-ready dicts (datetimes as ISO strings)."""
    assert cursor.description is not None
    names = [column[0] for column in cursor.description]
    return [
        {name: _jsonable(value) for name, value in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


def _jsonable(value: object) -> object:
    """Turn a DuckDB value into a JSON-ready one."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value
