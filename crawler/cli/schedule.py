"""``gleaner schedule list|add|remove`` and ``gleaner scheduler``: crawls on a schedule."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import click

from crawler.cli.common import GleanerError, db_option, json_option, sites_option
from crawler.cli.common import fail as _fail
from crawler.cli.common import make_console as _console
from crawler.reports.output import dumps, render_rows, visible
from crawler.scheduling.effective import effective_schedules
from crawler.scheduling.expressions import next_due, parse_schedule
from crawler.sites import SitesFileError, find_site, load_sites
from warehouse.errors import WarehouseError


def _iso(when: datetime | None) -> str | None:
    if when is None:
        return None
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@click.group()
def schedule() -> None:
    """Crawl schedules: the sites file's `schedule` keys, and schedules kept in the warehouse.

    A schedule kept in the warehouse (`gleaner schedule add`) overrides the sites file's for its
    site. `gleaner scheduler` runs the crawls. A schedule is five cron fields, six with seconds
    first, a nickname such as @daily, or `every 30s`, `every 5m`, `every 2h`; cron is read in UTC.

    Example:

        gleaner schedule add demo "0 */6 * * *"
    """


def schedule_rows(db_path: str, sites_file: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    """Every scheduled site: its expression, origin, next run and last run.

    Args:
        db_path: The warehouse.
        sites_file: The sites file (``None``: the default).

    Returns:
        One JSON-ready dict per scheduled site, in sites file order, and the problems of
        warehouse schedules that cannot be used.
    """
    from warehouse.schedules import last_runs, stored_schedules

    stored = stored_schedules(db_path)
    found, problems = effective_schedules(
        load_sites(sites_file), {site: s.expression for site, s in stored.items()}
    )
    last = last_runs(db_path, found)
    now = datetime.now(UTC)
    rows = []
    for site, scheduled in found.items():
        run = last.get(site)
        due = next_due(scheduled.schedule, run.started_at if run else None, now)
        rows.append(
            {
                "site": site,
                "expression": scheduled.schedule.expression,
                "origin": scheduled.origin,
                "next_run": _iso(due),
                "missed": due <= now,
                "last_run_id": run.run_id if run else None,
                "last_status": run.status if run else None,
                "last_started_at": _iso(run.started_at) if run else None,
                "last_finished_at": _iso(run.finished_at) if run else None,
            }
        )
    return rows, problems


@schedule.command("list")
@db_option
@sites_option
@json_option("the schedules")
def schedule_list(db_path: str, sites_file: str | None, as_json: bool) -> None:
    """List the scheduled sites: expression, origin, next run, and the last run's status.

    A next run marked `now (missed)` is a slot that passed since the last run started: the
    scheduler runs it once as soon as it runs.

    Example:

        gleaner schedule list --json
    """
    try:
        rows, problems = schedule_rows(db_path, sites_file)
    except (SitesFileError, WarehouseError) as exc:
        raise _fail(exc) from None
    for problem in problems:
        _console(stderr=True).out(f"ignored: {visible(str(problem))}", highlight=False)
    if as_json:
        _console().out(dumps(rows), highlight=False)
        return
    if not rows:
        _console().out("No site is scheduled.")
        return
    columns = ("site", "schedule", "from", "next_run", "last_run", "last_status", "finished_at")
    table = [
        (
            r["site"],
            r["expression"],
            r["origin"],
            "now (missed)" if r["missed"] else r["next_run"],
            r["last_run_id"] or "-",
            r["last_status"] or "-",
            r["last_finished_at"] or "-",
        )
        for r in rows
    ]
    render_rows(columns, table, "table", _console())


@schedule.command("add")
@click.argument("site")
@click.argument("expression", nargs=-1, required=True)
@db_option
@sites_option
def schedule_add(
    site: str, expression: tuple[str, ...], db_path: str, sites_file: str | None
) -> None:
    """Schedule SITE (a site of the sites file) in the warehouse, replacing its schedule there.

    EXPRESSION may be quoted or not: `every 5m` and "0 */6 * * *" both work.

    Example:

        gleaner schedule add demo "30 6 * * *"
    """
    from warehouse.schedules import set_schedule

    try:
        find_site(load_sites(sites_file), site)
        checked = parse_schedule(" ".join(expression))
        set_schedule(db_path, site, checked.expression)
    except (SitesFileError, KeyError, ValueError, WarehouseError) as exc:
        raise _fail(exc) from None
    due = checked.next_after(datetime.now(UTC))
    _console().out(f"{site}: scheduled {checked.expression!r}; next slot {_iso(due)}")


@schedule.command("remove")
@click.argument("site")
@db_option
@sites_option
def schedule_remove(site: str, db_path: str, sites_file: str | None) -> None:
    """Delete SITE's schedule from the warehouse (the sites file's, if any, applies again).

    Example:

        gleaner schedule remove demo
    """
    from warehouse.schedules import remove_schedule

    try:
        removed = remove_schedule(db_path, site)
    except WarehouseError as exc:
        raise _fail(exc) from None
    if removed is None:
        raise GleanerError(f"the warehouse {db_path} has no schedule for site {site!r}")
    message = f"{site}: removed {removed.expression!r}"
    try:
        listed = find_site(load_sites(sites_file), site).schedule
    except (SitesFileError, KeyError):
        listed = None
    if listed:
        message += f"; the sites file's {listed!r} applies again"
    _console().out(message)


@click.command()
@sites_option
@db_option
@click.option(
    "--spread",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Spread crawls due at the same moment over this many seconds.",
)
@click.option(
    "--stop-wait",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="On SIGTERM or SIGINT, seconds running crawls get to stop before they are killed.",
)
def scheduler(sites_file: str | None, db_path: str, spread: float, stop_wait: float) -> None:
    """Run scheduled crawls in the foreground until SIGTERM or SIGINT.

    Each due crawl runs as `gleaner crawl SITE` in a process of its own (its output in
    <db>.logs/SITE/RUN.log); a site whose crawl is still running skips its slot. A slot missed
    while the scheduler was down runs once at start. Warehouse schedules are read again every few
    seconds; restart after editing the sites file. On SIGTERM or SIGINT it starts nothing more,
    stops the running crawls (their runs end `interrupted`) and exits 0. One line per start,
    finish and skipped slot goes to stderr.

    Example:

        gleaner scheduler --db news.duckdb --sites sites.toml
    """
    from crawler.scheduling.loop import Scheduler

    try:
        code = Scheduler(db_path, sites_file, spread_s=spread, stop_wait_s=stop_wait).run()
    except SitesFileError as exc:
        raise _fail(exc) from None
    sys.exit(code)
