"""``gleaner crawl`` and ``gleaner reextract``: runs that write the warehouse."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.common import GleanerError, db_option, sites_option, verbose_option
from crawler.cli.common import fail as _fail
from crawler.cli.common import make_console as _console
from crawler.cli.load import crawl_shared
from crawler.sites import SitesFileError, find_site, load_sites, sites_file_path
from warehouse.errors import WarehouseError

console = _console()
errors = _console(stderr=True)


def _not_gave_up(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Gave up retrying")


def crawl_overrides(verbose: bool) -> dict[str, Any]:
    if not verbose:
        # A page that still fails after its retries becomes a reject row with its status; the
        # report printed after the crawl shows it, so Scrapy's log line would only repeat it.
        # (A filter, not a level: Scrapy's logging set-up resets the levels of its loggers.)
        logging.getLogger("scrapy.downloadermiddlewares.retry").addFilter(_not_gave_up)
    return {"LOG_LEVEL": "INFO" if verbose else "WARNING", "GLEANER_PROGRESS": sys.stderr.isatty()}


def print_reports(db_path: str, run_ids: list[str]) -> None:
    from crawler.reports.terminal import print_report
    from warehouse.queries import run_report

    for run_id in run_ids:
        print_report(run_report(db_path, run_id), console)


@click.command()
@click.argument("names", nargs=-1, required=True, metavar="SITE...")
@sites_option
@db_option
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop each site after N pages.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Fetch every page again, unconditionally, even articles the warehouse already has.",
)
@click.option("--run-id", help="Record the run under this id (one SITE only; default: a new id).")
@click.option(
    "--frontier",
    metavar="redis://HOST:PORT/DB",
    help="Be one worker of a crawl shared through this Redis server (one SITE); `gleaner load "
    "--from` the same URL loads what the workers find.",
)
@verbose_option
def crawl(
    names: tuple[str, ...],
    sites_file: str | None,
    db_path: str,
    max_pages: int | None,
    refresh: bool,
    run_id: str | None,
    frontier: str | None,
    verbose: bool,
) -> None:
    """Crawl the named sites from the sites file into the warehouse, then print each run's report.

    A crawl is incremental: listing pages, feeds and sitemaps are requested conditionally, and
    articles already in the warehouse are not requested again (see the site's recheck_after).

    A site is crawled by one process at a time: while its crawl runs it holds a lock beside the
    warehouse (<db>.locks/SITE.lock), and a second crawl of it exits at once naming the first.

    Example:

        gleaner crawl demo --db news.duckdb
    """
    from crawler.run.locks import SiteLockedError, site_locks
    from crawler.run.runner import run_crawl
    from warehouse.runs import new_run_id

    try:
        known = load_sites(sites_file)
        sites = [find_site(known, name) for name in dict.fromkeys(names)]
    except (SitesFileError, KeyError) as exc:
        raise _fail(exc) from None
    if run_id is not None and len(sites) != 1:
        raise click.UsageError("--run-id names the run of one site: give one SITE.")
    overrides = crawl_overrides(verbose)
    if refresh:
        overrides["GLEANER_REFRESH"] = True
    if frontier is not None:
        if len(sites) != 1 or run_id is not None:
            raise click.UsageError("--frontier crawls one SITE, in the run its workers share.")
        crawl_shared(sites[0], frontier, db_path, max_pages=max_pages, **overrides)
        return
    ids = {site.name: run_id or new_run_id() for site in sites}
    try:
        with site_locks(db_path, ids):
            run_ids = run_crawl(
                sites, db_path, max_pages=max_pages, run_ids=list(ids.values()), **overrides
            )
    except SiteLockedError as exc:
        raise _fail(exc) from None
    print_reports(db_path, run_ids)


@click.command()
@click.option(
    "--site",
    "site_names",
    multiple=True,
    metavar="NAME",
    help="Only this site; repeatable (default: every site of the warehouse in the sites file).",
)
@sites_option
@db_option
@click.option(
    "--raw-dir",
    type=click.Path(file_okay=False),
    help="Raw pages' directory (default: $GLEANER_RAW_DIR, else beside the warehouse).",
)
def reextract(
    site_names: tuple[str, ...], sites_file: str | None, db_path: str, raw_dir: str | None
) -> None:
    """Extract the warehouse's articles again from their raw pages, fetching nothing.

    Each article's latest raw page goes through extraction with the site's rules as the sites
    file has them now, then validation and loading, as a run of its own: a changed text is a new
    version (updated), the same text unchanged. Each run's report follows.

    Example:

        gleaner reextract --site demo --db news.duckdb
    """
    from dataclasses import replace

    from crawler.run.reextract import ReextractSettings, warehouse_sites
    from crawler.run.reextract import reextract as run_reextract

    try:
        known = load_sites(sites_file)
        stored = warehouse_sites(db_path)
        if site_names:
            chosen = [find_site(known, name) for name in dict.fromkeys(site_names)]
        else:
            by_name = {s.name: s for s in known}
            for name in stored:
                if name not in by_name:
                    errors.out(f"site {name!r} is not in {sites_file_path(sites_file)}: skipped")
            chosen = [by_name[name] for name in stored if name in by_name]
    except (SitesFileError, KeyError, WarehouseError) as exc:
        raise _fail(exc) from None
    if not chosen:
        raise GleanerError(f"{db_path} holds no articles of the sites in the sites file")
    settings = ReextractSettings.read(db_path)
    if raw_dir:
        settings = replace(settings, raw_root=Path(raw_dir))
    try:
        run_ids = run_reextract(db_path, chosen, settings)
    except WarehouseError as exc:
        raise _fail(exc) from None
    print_reports(db_path, run_ids)
