"""The Runs page (filtered by site and status) and one run's page: ``gleaner report`` with links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.web.reader import unsettled_runs
from warehouse.queries import report_on, runs_on
from warehouse.runs import RUN_STATUSES

if TYPE_CHECKING:
    import duckdb

    from crawler.web.queries.common import Paging


def runs_page(
    conn: duckdb.DuckDBPyConnection, *, site: str | None, status: str | None, paging: Paging
) -> dict[str, Any]:
    """Runs, newest first, as ``gleaner runs --json`` lists them, filtered and paged.

    Args:
        conn: A read-only connection.
        site: Only runs that crawled this site.
        status: Only runs with this status.
        paging: Which page.

    Returns:
        ``filters``, the ``runs`` of the page, ``page``, and the ``sites`` and ``statuses`` to
        filter by.
    """
    every = runs_on(conn, unsettled_runs(conn))
    sites = sorted({name for run in every for name in run["sites"]})
    chosen = [
        run
        for run in every
        if (site is None or site in run["sites"]) and (status is None or run["status"] == status)
    ]
    return {
        "filters": {"site": site, "status": status},
        "runs": chosen[paging.offset : paging.offset + paging.size],
        "page": paging.describe(len(chosen)),
        "sites": sites,
        "statuses": list(RUN_STATUSES),
    }


def run_page(conn: duckdb.DuckDBPyConnection, run: str) -> dict[str, Any]:
    """One run's report, as ``gleaner report RUN --json`` prints it.

    Raises:
        UnknownRunError: No such run.
    """
    return report_on(conn, run, unsettled_runs(conn))
