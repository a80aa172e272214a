"""The Rejects page: rejects by reason, and each with its URL, status and detail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.web.queries.common import Where, dicts

if TYPE_CHECKING:
    import duckdb

    from crawler.web.queries.common import Paging


def rejects_page(
    conn: duckdb.DuckDBPyConnection,
    *,
    reason: str | None,
    site: str | None,
    run: str | None,
    paging: Paging,
) -> dict[str, Any]:
    """Rejects, newest first, and their count per reason.

    Returns:
        ``filters``, ``by_reason`` (reason to count, under the site and run filters, most
        first), ``rejects`` (``run_id``, ``site``, ``url``, ``reason``, ``http_status``,
        ``detail``, ``fetched_at``), ``page`` and ``sites``.
    """
    scope = Where()
    if site:
        scope.add("site = $site", site=site)
    if run:
        scope.add("run_id = $run", run=run)
    by_reason = {
        str(name): int(count)
        for name, count in conn.execute(
            f"SELECT reason, count(*) AS n FROM rejects {scope.sql()} "
            "GROUP BY reason ORDER BY n DESC, reason",
            scope.params,
        ).fetchall()
    }
    if reason:
        scope.add("reason = $reason", reason=reason)
    rows = dicts(
        conn.execute(
            f"""
            SELECT run_id, site, url, reason, http_status, detail, fetched_at
            FROM rejects {scope.sql()}
            ORDER BY fetched_at DESC, run_id DESC, url
            LIMIT {paging.size} OFFSET {paging.offset}
            """,
            scope.params,
        )
    )
    total = by_reason.get(reason, 0) if reason else sum(by_reason.values())
    sites = conn.execute("SELECT DISTINCT site FROM rejects ORDER BY site").fetchall()
    return {
        "filters": {"reason": reason, "site": site, "run": run},
        "by_reason": by_reason,
        "rejects": rows,
        "page": paging.describe(total),
        "sites": [str(r[0]) for r in sites],
    }
