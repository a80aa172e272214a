"""Named read queries behind ``gleaner runs`` and ``gleaner report`` (see ``docs/report.md``)."""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warehouse.db import DEFAULT_RETRY_S, connect
from warehouse.dedupe.plan import DECISIONS, DUPLICATE_DECISIONS
from warehouse.errors import UnknownRunError
from warehouse.lifecycle import GONE_REASON
from warehouse.runs import known_run_ids, settle_runs

if TYPE_CHECKING:
    from collections.abc import Collection

    import duckdb

_RUN_COLUMNS = "run_id, sites, status, started_at, finished_at, finish_reason"
_DURATION = "date_diff('millisecond', started_at, finished_at) / 1000 AS duration_s"

NO_METHOD = "none"
"""The ``items_by_method`` key of items whose decision records no method."""


def list_runs(
    path: str | os.PathLike[str], *, retry_s: float = DEFAULT_RETRY_S
) -> list[dict[str, Any]]:
    """List every run, newest first, with its headline counts.

    Args:
        path: The warehouse file (opened read-only).
        retry_s: How long to wait while a writer holds the lock.

    Returns:
        One JSON-ready dict per run: ``run_id``, ``sites``, ``status``, ``started_at``,
        ``finished_at`` (ISO 8601 UTC strings or None), ``finish_reason``, ``duration_s``
        (None while running), ``pages`` (responses fetched), ``items`` (decisions taken),
        ``new``, ``updated``, ``unchanged``, ``duplicates`` (by URL, by content and near) and
        ``rejects``. ``docs/report.md`` documents each field. A run whose process is gone is
        ``interrupted`` (see :func:`warehouse.runs.settle_runs`).
    """
    unsettled = settle_runs(path, retry_s=retry_s)
    conn = connect(path, read_only=True, retry_s=retry_s)
    try:
        return runs_on(conn, unsettled)
    finally:
        conn.close()


def runs_on(
    conn: duckdb.DuckDBPyConnection, unsettled: Collection[str] = ()
) -> list[dict[str, Any]]:
    """:func:`list_runs` on an open connection, which may be read-only: nothing is written.

    Args:
        conn: An open connection.
        unsettled: Runs to show as ``interrupted`` while the file still says ``running`` (their
            process is gone: :func:`warehouse.lifecycle.gone_runs`).

    Returns:
        The runs, as :func:`list_runs` returns them.
    """
    cursor = conn.execute(
        f"""
        SELECT {_RUN_COLUMNS}, {_DURATION}, pages, items, new, updated, unchanged,
               duplicate_url + duplicate_content + near_duplicate AS duplicates,
               rejected AS rejects
        FROM run_report
        ORDER BY started_at DESC, run_id DESC
        """
    )
    return [_settled(run, unsettled) for run in _dicts(cursor)]


def run_report(
    path: str | os.PathLike[str], run: str = "latest", *, retry_s: float = DEFAULT_RETRY_S
) -> dict[str, Any]:
    """Explain one run: what was fetched, what each item became and why, and what changed.

    The structure is stable and JSON-ready (timestamps are ISO 8601 UTC strings); every field
    is documented in ``docs/report.md``. Its sections:

    - the run itself: ``run_id``, ``sites``, ``status``, ``started_at``, ``finished_at``,
      ``finish_reason``, ``duration_s``, ``counters``;
    - ``pages``: responses by status, by role and by role and status (304s included);
    - ``items``: items per decision (every decision, zero included), and ``items_by_method``:
      how those decisions were reached, for the decisions that record it;
    - ``duplicates``, ``updated`` and ``rejects``: every such item, with what it matched,
      how much changed, or why it was rejected;
    - ``sightings``: listed items by source;
    - ``previous_run``: the latest earlier run of the same sites and the change per decision,
      or None.

    Dict keys follow a fixed order and lists are sorted, so two reports of the same run are
    identical.

    Args:
        path: The warehouse file (opened read-only).
        run: A run id, or ``"latest"`` for the most recently started run.
        retry_s: How long to wait while a writer holds the lock.

    Returns:
        The report.

    Raises:
        UnknownRunError: No such run (its message lists the known ones).
    """
    unsettled = settle_runs(path, retry_s=retry_s)
    conn = connect(path, read_only=True, retry_s=retry_s)
    try:
        return report_on(conn, run, unsettled)
    finally:
        conn.close()


def report_on(
    conn: duckdb.DuckDBPyConnection, run: str = "latest", unsettled: Collection[str] = ()
) -> dict[str, Any]:
    """:func:`run_report` on an open connection, which may be read-only: nothing is written.

    Args:
        conn: An open connection.
        run: A run id, or ``"latest"``.
        unsettled: Runs to show as ``interrupted`` while the file still says ``running``.

    Returns:
        The report, as :func:`run_report` returns it.

    Raises:
        UnknownRunError: No such run.
    """
    return _settled(_report(conn, run), unsettled)


def _settled(run: dict[str, Any], unsettled: Collection[str]) -> dict[str, Any]:
    """A run as shown: ``interrupted`` when its process is gone but the file still says
    ``running`` (the warehouse could not be opened for writing to record it)."""
    if run["run_id"] in unsettled and run["status"] == "running":
        return {**run, "status": "interrupted", "finish_reason": GONE_REASON}
    return run


def change_pct(previous: int, current: int) -> float | None:
    """How much a count moved from one run to the next, in percent of the earlier count.

    Args:
        previous: The count in the earlier run.
        current: The count in this run.

    Returns:
        The change rounded to one decimal (``-80.0`` for 5 to 1); ``0.0`` when both are zero;
        None when only the earlier count is zero (no base to compare with).
    """
    if previous == 0:
        return 0.0 if current == 0 else None
    return round((current - previous) * 100 / previous, 1)


def _report(conn: duckdb.DuckDBPyConnection, run: str) -> dict[str, Any]:
    """Build the run report on an open connection, one query per section."""
    run_id = _resolve_run(conn, run)
    head = _dicts(
        conn.execute(
            f"SELECT {_RUN_COLUMNS}, {_DURATION}, counters FROM runs WHERE run_id = ?", [run_id]
        )
    )[0]
    counters = head.pop("counters")
    items, by_method = _items(conn, run_id)
    rejects = _rejects(conn, run_id)
    by_reason: dict[str, int] = {}
    for reject in rejects:
        by_reason[reject["reason"]] = by_reason.get(reject["reason"], 0) + 1
    return {
        **head,
        "pages": _pages(conn, run_id),
        "items": items,
        "items_by_method": by_method,
        "duplicates": _duplicates(conn, run_id),
        "updated": _updated(conn, run_id),
        "rejects": {
            "total": len(rejects),
            "by_reason": dict(sorted(by_reason.items())),
            "list": rejects,
        },
        "sightings": _sightings(conn, run_id),
        "previous_run": _previous_run(conn, run_id, items),
        "counters": json.loads(counters) if counters else {},
    }


def _pages(conn: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    """Responses by status, by role, and by role then status."""
    rows = conn.execute(
        "SELECT role, status, count(*) FROM fetches WHERE run_id = ? "
        "GROUP BY role, status ORDER BY status, role",
        [run_id],
    ).fetchall()
    by_status: dict[str, int] = {}
    by_role: dict[str, int] = {}
    by_role_status: dict[str, dict[str, int]] = {}
    for role, status, count in rows:
        by_status[str(status)] = by_status.get(str(status), 0) + count
        by_role[role] = by_role.get(role, 0) + count
        by_role_status.setdefault(role, {})[str(status)] = count
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_role": dict(sorted(by_role.items())),
        "by_role_status": dict(sorted(by_role_status.items())),
    }


def _items(
    conn: duckdb.DuckDBPyConnection, run_id: str
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Items per decision, and per decision and method where a method is recorded."""
    rows = conn.execute(
        "SELECT decision, method, count(*) FROM decisions WHERE run_id = ? "
        "GROUP BY decision, method ORDER BY decision, method NULLS LAST",
        [run_id],
    ).fetchall()
    items = dict.fromkeys(DECISIONS, 0)
    methods: dict[str, dict[str, int]] = {}
    for decision, method, count in rows:
        items[decision] += count
        methods.setdefault(decision, {})[method or NO_METHOD] = count
    by_method: dict[str, dict[str, int]] = {
        decision: methods[decision]
        for decision in DECISIONS
        if decision in methods and set(methods[decision]) != {NO_METHOD}
    }
    return items, by_method


def _duplicates(conn: duckdb.DuckDBPyConnection, run_id: str) -> list[dict[str, Any]]:
    """Every duplicate of the run, with the article it matched."""
    return _dicts(
        conn.execute(
            """
            SELECT d.site, d.url, d.decision, d.matched_article_id,
                   a.url AS matched_url, a.title AS matched_title, d.similarity, d.method,
                   d.detail
            FROM decisions AS d
            LEFT JOIN articles AS a ON a.article_id = d.matched_article_id
            WHERE d.run_id = ? AND d.decision IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY d.site, d.url, d.decision, d.matched_article_id
            """,
            [run_id, list(DUPLICATE_DECISIONS)],
        )
    )


def _updated(conn: duckdb.DuckDBPyConnection, run_id: str) -> list[dict[str, Any]]:
    """Every article the run found with new text: its new version and how much changed."""
    return _dicts(
        conn.execute(
            """
            SELECT d.site, d.url, d.article_id, coalesce(v.title, a.title) AS title,
                   v.version, d.similarity,
                   round(1 - d.similarity, 4)::DOUBLE AS changed, d.method, d.detail
            FROM decisions AS d
            LEFT JOIN article_versions AS v ON v.article_id = d.article_id AND v.run_id = d.run_id
            LEFT JOIN articles AS a ON a.article_id = d.article_id
            WHERE d.run_id = ? AND d.decision = 'updated'
            ORDER BY d.site, d.url, d.article_id
            """,
            [run_id],
        )
    )


def _rejects(conn: duckdb.DuckDBPyConnection, run_id: str) -> list[dict[str, Any]]:
    """Every reject of the run, with its reason, HTTP status and detail."""
    return _dicts(
        conn.execute(
            "SELECT site, url, reason, detail, http_status FROM rejects WHERE run_id = ? "
            "ORDER BY site, url, reason",
            [run_id],
        )
    )


def _sightings(conn: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    """Listed items by source (listing page, feed, sitemap) and the distinct articles listed."""
    rows = conn.execute(
        """
        SELECT coalesce(source, 'listing') AS source, count(*), count(DISTINCT url_key)
        FROM sightings WHERE run_id = ?
        GROUP BY GROUPING SETS ((1), ())
        ORDER BY source NULLS FIRST
        """,
        [run_id],
    ).fetchall()
    total, articles = (rows[0][1], rows[0][2]) if rows else (0, 0)
    return {
        "total": total,
        "articles": articles,
        "by_source": {source: count for source, count, _ in rows[1:]},
    }


def _previous_run(
    conn: duckdb.DuckDBPyConnection, run_id: str, items: dict[str, int]
) -> dict[str, Any] | None:
    """The latest earlier run of the same sites, and how each decision's count moved since."""
    rows = conn.execute(
        """
        WITH this AS (SELECT sites, started_at, run_id FROM runs WHERE run_id = $run),
        earlier AS (
            SELECT r.run_id, r.started_at, r.status
            FROM runs AS r, this
            WHERE list_sort(r.sites) = list_sort(this.sites)
              AND (r.started_at < this.started_at
                   OR (r.started_at = this.started_at AND r.run_id < this.run_id))
            ORDER BY r.started_at DESC, r.run_id DESC
            LIMIT 1
        )
        SELECT e.run_id, e.started_at, e.status, d.decision, count(d.decision)
        FROM earlier AS e LEFT JOIN decisions AS d ON d.run_id = e.run_id
        GROUP BY ALL
        """,
        {"run": run_id},
    ).fetchall()
    if not rows:
        return None
    previous = dict.fromkeys(DECISIONS, 0)
    for *_, decision, count in rows:
        if decision is not None:
            previous[decision] = count
    earlier_id, started_at, status = rows[0][:3]
    return {
        "run_id": earlier_id,
        "started_at": _jsonable(started_at),
        "status": status,
        "changes": {
            decision: {
                "previous": previous[decision],
                "current": items[decision],
                "change_pct": change_pct(previous[decision], items[decision]),
            }
            for decision in DECISIONS
        },
    }


def _resolve_run(conn: duckdb.DuckDBPyConnection, run: str) -> str:
    """Return the run id that ``run`` names, or raise :class:`UnknownRunError`."""
    known = known_run_ids(conn)
    if run == "latest" and known:
        return known[0]
    if run in known:
        return run
    raise UnknownRunError(run, known)


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
