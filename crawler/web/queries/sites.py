"""The Sites page: one row per site with its last runs, failing streak and next scheduled crawl."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from crawler.reports.output import jsonable
from crawler.scheduling.effective import FROM_WAREHOUSE, SiteSchedule, effective_schedules
from crawler.scheduling.expressions import next_due, parse_schedule
from crawler.sites import SitesFileError, load_sites
from crawler.web.queries.common import dicts
from crawler.web.reader import unsettled_runs
from warehouse.lifecycle import GONE_REASON

if TYPE_CHECKING:
    import duckdb


RECENT_RUNS: Final = 12
"""Runs per site drawn in the Sites page's chart."""
_STREAK_RUNS: Final = 500
"""Runs per site read to count a failing streak."""
FAILING: Final = ("failed", "interrupted")

_SITE_RUNS = f"""
WITH site_runs AS (
    SELECT unnest(sites) AS site, run_id, status, started_at, finished_at, finish_reason,
           coalesce(json_extract_string(settings, '$.mode'), 'crawl') AS mode
    FROM runs
),
counts AS (
    SELECT site, run_id,
           count(*) FILTER (WHERE decision = 'new') AS new,
           count(*) FILTER (WHERE decision = 'updated') AS updated,
           count(*) FILTER (WHERE decision IN ('duplicate_url', 'duplicate_content',
                                               'near_duplicate')) AS duplicates,
           count(*) FILTER (WHERE decision = 'rejected') AS rejects
    FROM decisions
    GROUP BY site, run_id
)
SELECT s.site, s.run_id, s.status, s.started_at, s.finished_at, s.finish_reason, s.mode,
       coalesce(c.new, 0) AS new, coalesce(c.updated, 0) AS updated,
       coalesce(c.duplicates, 0) AS duplicates, coalesce(c.rejects, 0) AS rejects
FROM site_runs AS s LEFT JOIN counts AS c USING (site, run_id)
QUALIFY row_number() OVER (PARTITION BY s.site ORDER BY s.started_at DESC, s.run_id DESC)
        <= {_STREAK_RUNS}
ORDER BY s.site, s.started_at DESC, s.run_id DESC
"""


def sites_page(
    conn: duckdb.DuckDBPyConnection, sites_file: str | None, now: datetime | None = None
) -> dict[str, Any]:
    """Every site the warehouse or the schedules know, with its recent runs.

    Args:
        conn: A read-only connection.
        sites_file: The sites file, for schedules (None: the default one); a missing or
            invalid file only loses its schedules, and says so in ``schedule_problems``.
        now: The time to count the next crawl from (default: now).

    Returns:
        ``sites``: per site its ``articles``, ``last_run`` (or None), ``failing_streak`` (failed
        or interrupted runs since its last finished one), ``runs`` (the last
        :data:`RECENT_RUNS`, newest first, with new, updated, duplicates and rejects) and
        ``schedule`` (expression, origin, ``next_run``, or None); and ``schedule_problems``.
    """
    when = now or datetime.now(UTC)
    runs = _runs_by_site(conn)
    articles = dict(conn.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall())
    schedules, problems = _schedules(conn, sites_file)
    names = sorted({*runs, *articles, *schedules})
    rows = []
    for name in names:
        site_runs = runs.get(name, [])
        crawls = [r for r in site_runs if r["mode"] != "reextract"]
        rows.append(
            {
                "site": name,
                "articles": int(articles.get(name, 0)),
                "last_run": site_runs[0] if site_runs else None,
                "failing_streak": failing_streak(site_runs),
                "runs": site_runs[:RECENT_RUNS],
                "schedule": _next_run(schedules.get(name), crawls, when),
            }
        )
    return {"sites": rows, "schedule_problems": problems}


def failing_streak(runs: list[dict[str, Any]]) -> int:
    """How many of a site's runs, newest first, failed or were interrupted since the last one
    that finished (a run still going does not count either way)."""
    streak = 0
    for run in runs:
        if run["status"] == "running":
            continue
        if run["status"] not in FAILING:
            break
        streak += 1
    return streak


def _runs_by_site(conn: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    """Each site's runs, newest first, gone ones shown ``interrupted``."""
    gone = unsettled_runs(conn)
    found: dict[str, list[dict[str, Any]]] = {}
    for run in dicts(conn.execute(_SITE_RUNS)):
        if run["run_id"] in gone and run["status"] == "running":
            run = {**run, "status": "interrupted", "finish_reason": GONE_REASON}
        found.setdefault(run["site"], []).append(run)
    return found


def _schedules(
    conn: duckdb.DuckDBPyConnection, sites_file: str | None
) -> tuple[dict[str, SiteSchedule], list[str]]:
    """Each scheduled site's schedule (the warehouse's over the sites file's), and problems."""
    stored = dict(conn.execute("SELECT site, expression FROM schedules").fetchall())
    try:
        sites = load_sites(sites_file)
    except SitesFileError as exc:
        found: dict[str, SiteSchedule] = {}
        problems = [f"{exc.path}: its schedules are not shown ({exc.problems[0]})"]
        for name, expression in sorted(stored.items()):
            try:
                found[name] = SiteSchedule(name, parse_schedule(expression), FROM_WAREHOUSE)
            except ValueError as error:
                problems.append(f"the warehouse's schedule of site {name!r}: {error}")
        return found, problems
    return effective_schedules(sites, stored)


def _next_run(
    scheduled: SiteSchedule | None, crawls: list[dict[str, Any]], now: datetime
) -> dict[str, Any] | None:
    """A site's schedule and its next crawl, as ``gleaner schedule list`` computes it."""
    if scheduled is None:
        return None
    last = datetime.fromisoformat(crawls[0]["started_at"]) if crawls else None
    due = next_due(scheduled.schedule, last, now)
    return {
        "expression": scheduled.schedule.expression,
        "origin": scheduled.origin,
        "next_run": jsonable(due),
        "missed": due <= now,
    }
