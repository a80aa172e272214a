"""The ``gleaner`` command line: a thin click layer over the library.

Each command wraps a library function (``crawler.runner``, ``crawler.extract``, ``warehouse.*``).
Output for people goes through rich; ``--json`` and ``--format`` output is for programs.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path
from typing import Any

import click
import duckdb
from rich.markup import escape

from crawler import __version__
from crawler.cli_common import GleanerError, db_option, sites_option, verbose_option
from crawler.cli_common import fail as _fail
from crawler.cli_common import make_console as _console
from crawler.cli_export import export
from crawler.cli_load import crawl_shared, load
from crawler.cli_schedule import schedule, scheduler
from crawler.output import FORMATS, dumps, render_rows, visible
from crawler.sites import SiteConfig, SitesFileError, find_site, load_sites, sites_file_path
from crawler.web.command import serve
from warehouse.errors import WarehouseError

#: The demo site's port: fixed, because article URLs (and so their keys) include it.
DEMO_PORT = 8931


console = _console()
errors = _console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gleaner")
def cli() -> None:
    """Crawl news sites into a clean, deduplicated DuckDB warehouse, and explain every run."""


def demo_site_config(base_url: str) -> SiteConfig:
    """The demo site's entry: its home page, RSS feed and sitemap index; no delay, since the
    server is local and ours."""
    return SiteConfig(
        name="demo",
        start_urls=(base_url,),
        feeds=(f"{base_url}feed.xml",),
        sitemaps=(f"{base_url}sitemap.xml",),
        download_delay=0,
        concurrency=8,
    )


def _not_gave_up(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Gave up retrying")


def _crawl_overrides(verbose: bool) -> dict[str, Any]:
    if not verbose:
        # A page that still fails after its retries becomes a reject row with its status; the
        # report printed after the crawl shows it, so Scrapy's log line would only repeat it.
        # (A filter, not a level: Scrapy's logging set-up resets the levels of its loggers.)
        logging.getLogger("scrapy.downloadermiddlewares.retry").addFilter(_not_gave_up)
    return {"LOG_LEVEL": "INFO" if verbose else "WARNING", "GLEANER_PROGRESS": sys.stderr.isatty()}


def _print_reports(db_path: str, run_ids: list[str]) -> None:
    from crawler.report_view import print_report
    from warehouse.queries import run_report

    for run_id in run_ids:
        print_report(run_report(db_path, run_id), console)


@cli.command()
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
    from crawler.locks import SiteLockedError, site_locks
    from crawler.runner import run_crawl
    from warehouse.runs import new_run_id

    try:
        known = load_sites(sites_file)
        sites = [find_site(known, name) for name in dict.fromkeys(names)]
    except (SitesFileError, KeyError) as exc:
        raise _fail(exc) from None
    if run_id is not None and len(sites) != 1:
        raise click.UsageError("--run-id names the run of one site: give one SITE.")
    overrides = _crawl_overrides(verbose)
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
    _print_reports(db_path, run_ids)


@cli.command()
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

    from crawler.reextract import ReextractSettings, warehouse_sites
    from crawler.reextract import reextract as run_reextract

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
    _print_reports(db_path, run_ids)


@cli.command()
@click.option("--check", is_flag=True, help="Only validate; exit 1 listing every problem.")
@sites_option
def sites(check: bool, sites_file: str | None) -> None:
    """List the sites in the sites file, or check it.

    Every problem is reported with the site and the field it belongs to.

    Example:

        gleaner sites --check --sites sites.toml
    """
    path = sites_file_path(sites_file)
    try:
        found = load_sites(path)
    except SitesFileError as exc:
        errors.print(f"[red]{escape(str(path))}[/red]: {len(exc.problems)} problem(s)", markup=True)
        for problem in exc.problems:
            errors.out(f"  - {visible(str(problem))}", highlight=False)
        sys.exit(1)
    if check:
        console.out(f"{path}: {len(found)} site(s), no problems")
        return
    rows = [
        (s.name, " ".join(s.start_urls), s.download_delay, s.concurrency, s.max_pages)
        for s in found
    ]
    render_rows(
        ("name", "start_urls", "delay_s", "concurrency", "max_pages"), rows, "table", console
    )


@cli.command()
@click.argument("source")
@click.option("--url", help="The page's URL (default: SOURCE when it is a URL, else file://).")
@click.option(
    "--site",
    "site_name",
    help="Apply this site's cleanup rules, and its boilerplate learned in the warehouse.",
)
@sites_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@click.option(
    "--explain", is_flag=True, help="Also list every piece removed and the rule that removed it."
)
def extract(
    source: str,
    url: str | None,
    site_name: str | None,
    sites_file: str | None,
    db_path: str,
    as_json: bool,
    explain: bool,
) -> None:
    """Extract one page (a saved file or a URL) and show the record gleaner would store.

    With --site, the site's boilerplate paragraphs (learned from its crawled pages, and your
    `gleaner boilerplate` rules) are removed too, as a crawl would, and listed.

    With --explain, the record is followed by what extraction removed (share widgets, trailing
    blocks, repeated captions, site boilerplate, ...), each with the rule that removed it; with
    --json too, the JSON has a "removed" list of {"rule", "text"}.

    Example:

        gleaner extract saved.html --url https://example.com/news/a.html --json
    """
    from crawler.extract import extract_article
    from crawler.fetch import fetch_page

    site = None
    try:
        if site_name:
            site = find_site(load_sites(sites_file), site_name)
        if source.startswith(("http://", "https://")):
            html: bytes = fetch_page(source)
            page_url = url or source
        else:
            html = Path(source).read_bytes()
            page_url = url or Path(source).resolve().as_uri()
    except (SitesFileError, KeyError, OSError, ValueError) as exc:
        raise _fail(exc) from None
    record = extract_article(html, page_url, site, explain=explain)
    removed: list[str] | None = None
    if site is not None:
        from crawler.explain import removals
        from crawler.site_boilerplate import load_site_boilerplate

        try:
            boilerplate = load_site_boilerplate(db_path, site.name, full=False)
        except WarehouseError as exc:
            raise _fail(exc) from None
        text, removed = boilerplate.strip(record.text)
        record = record.model_copy(
            update={"text": text, "removed": record.removed + removals("site_boilerplate", removed)}
        )
    if as_json:
        data = record.model_dump(mode="json")
        if removed is not None:
            data["boilerplate_removed"] = removed
        if explain:
            data["removed"] = [{"rule": r.rule, "text": r.text} for r in record.removed]
        console.out(dumps(data), highlight=False)
        return
    from crawler.report_view import print_record, print_removals

    print_record(record, console)
    if removed and not explain:
        console.print()
        console.out(f"Removed as {site_name}'s boilerplate ({len(removed)} paragraph(s)):")
        for paragraph in removed:
            console.out(f"  - {visible(paragraph)}", highlight=False)
    if explain:
        console.print()
        print_removals(record, console)


@cli.command()
@click.argument("query")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format; json is a list of objects.",
)
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="A named parameter, used as $NAME in the query.",
)
@click.option("--limit", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option(
    "--allow-files",
    is_flag=True,
    help="Let the query read local files (read_csv, read_parquet, read_json, read_text, glob).",
)
def sql(
    query: str,
    db_path: str,
    fmt: str,
    params: tuple[tuple[str, str], ...],
    limit: int,
    allow_files: bool,
) -> None:
    """Run a read-only SQL query on the warehouse (QUERY may be - to read it from stdin).

    The query reads the warehouse and nothing else: it cannot write, read other files (unless
    --allow-files), attach databases, load extensions or change settings.

    Example:

        gleaner sql "SELECT title, published_at FROM articles ORDER BY published_at DESC LIMIT 5"
    """
    from warehouse.sql import run_user_sql

    if query == "-":
        query = sys.stdin.read()
    try:
        result = run_user_sql(db_path, query, dict(params), limit=limit, allow_files=allow_files)
    except (WarehouseError, duckdb.Error) as exc:
        raise _fail(exc) from None
    render_rows(result.columns, result.rows, fmt, console)
    if result.truncated:
        errors.out(f"(only the first {limit} rows are shown: raise --limit for more)")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
def runs(db_path: str, as_json: bool) -> None:
    """List the runs, newest first, with their status, duration and counts.

    Example:

        gleaner runs --json
    """
    from crawler.report_view import print_runs
    from warehouse.queries import list_runs

    try:
        found = list_runs(db_path)
    except WarehouseError as exc:
        raise _fail(exc) from None
    if as_json:
        console.out(dumps(found), highlight=False)
    else:
        print_runs(found, console)


@cli.command()
@click.argument("run", default="latest")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False),
    help="Write the report as one self-contained HTML page to this file.",
)
def report(run: str, db_path: str, as_json: bool, html_path: str | None) -> None:
    """Show a run's report on the terminal, as JSON, or as one self-contained HTML page.

    It has pages by role and status, items by decision, every duplicate, update and reject,
    and the change from the previous run of the same sites. RUN is a run id or ``latest``;
    ``docs/report.md`` documents the JSON.

    Example:

        gleaner report latest --html report.html
    """
    from crawler.report_view import print_report
    from warehouse.queries import run_report

    if as_json and html_path:
        raise click.UsageError("Choose one of --json and --html.")
    try:
        found = run_report(db_path, run)
    except WarehouseError as exc:
        raise _fail(exc) from None
    if as_json:
        console.out(dumps(found), highlight=False)
    elif html_path:
        from crawler.report_html import write_html

        try:
            written = write_html(found, html_path)
        except OSError as exc:
            raise GleanerError(f"cannot write {html_path}: {exc.strerror or exc}") from None
        console.out(f"wrote {written}", highlight=False)
    else:
        print_report(found, console)


@cli.command()
@click.option("--articles", type=click.IntRange(min=20), default=60, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True, help="Generator seed.")
@click.option(
    "--day",
    type=click.IntRange(0, 366),
    default=0,
    show_default=True,
    help="Serve the site as it stands N days later (new articles, one edit a day).",
)
@db_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEMO_PORT,
    show_default=True,
    help="Port on 127.0.0.1; article URLs include it, so keep it from run to run (0: any).",
)
@click.option("--serve", is_flag=True, help="Only serve the site until Ctrl-C.")
@click.option("--truth", type=click.Path(dir_okay=False), help="Write the ground truth here.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Log requests here.")
@verbose_option
def demo(
    articles: int,
    seed: int,
    day: int,
    db_path: str,
    port: int,
    serve: bool,
    truth: str | None,
    log_path: str | None,
    verbose: bool,
) -> None:
    """Serve the bundled demo news site on 127.0.0.1, crawl it, and print the run's report.

    While serving, POST /_demo/day/N moves the site to day N.

    Example:

        gleaner demo --db demo.duckdb
    """
    import errno

    from crawler.demo import DemoServer, build_site
    from crawler.runner import run_crawl

    site = build_site(articles=articles, seed=seed, day=day)
    try:
        server = DemoServer(site, port=port, log_path=log_path, truth_path=truth)
        server.start()
    except OSError as exc:
        hint = "; try --port 0" if exc.errno == errno.EADDRINUSE else ""
        raise GleanerError(f"cannot serve on 127.0.0.1:{port} ({exc}){hint}") from None
    try:
        if serve:
            console.out(f"serving {server.url} (Ctrl-C stops)")
            _wait_for_interrupt()
            return
        config = demo_site_config(server.url)
        run_ids = run_crawl([config], db_path, **_crawl_overrides(verbose))
    finally:
        server.stop()
    _print_reports(db_path, run_ids)


@cli.group()
def boilerplate() -> None:
    """Site boilerplate: paragraphs a site repeats on many of its pages, learned as it is crawled.

    A crawl removes them from the texts it stores. Your rules come first: `drop` removes a
    paragraph always, `keep` keeps one that was learned. Rules apply from the next crawl;
    `gleaner crawl SITE --refresh` applies them to the articles already stored.

    Example:

        gleaner boilerplate list demo
    """


@boilerplate.command("list")
@click.argument("site", required=False)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def boilerplate_list(site: str | None, db_path: str, as_json: bool) -> None:
    """List a site's (or every site's) learned boilerplate and your rules.

    Each line: the status (learned, user drop, user keep), the pages of the site holding the
    paragraph and their share of the pages counted, its key and its text.

    Example:

        gleaner boilerplate list demo
    """
    from crawler.site_boilerplate import UnknownSiteError, list_boilerplate

    try:
        rows = list_boilerplate(db_path, site)
    except (WarehouseError, UnknownSiteError) as exc:
        raise _fail(exc) from None
    if as_json:
        console.out(dumps(rows), highlight=False)
        return
    if not rows:
        console.out(f"No boilerplate learned{f' for {site}' if site else ''} and no rules.")
        return
    columns = ("site", "status", "pages", "share", "key", "text")
    table = [
        (r["site"], r["status"], r["pages"], f"{r['share']:.0%}", r["key"], r["text"]) for r in rows
    ]
    render_rows(columns, table, "table", console)


def _add_rule(action: str, site: str, text: tuple[str, ...], db_path: str) -> None:
    from crawler.site_boilerplate import UnknownSiteError, add_rule

    try:
        rule, row = add_rule(db_path, site, " ".join(text), action)
    except (WarehouseError, UnknownSiteError) as exc:
        raise _fail(exc) from None
    console.out(
        f"{site}: {rule.action} {rule.key} (on {row['pages']} page(s), {row['share']:.0%}) "
        f"from the next crawl: {visible(rule.text)}",
        highlight=False,
    )


@boilerplate.command("drop")
@click.argument("site")
@click.argument("text", nargs=-1, required=True)
@db_option
def boilerplate_drop(site: str, text: tuple[str, ...], db_path: str) -> None:
    """Always remove a paragraph (TEXT, or a KEY from `list`) from SITE's texts.

    Example:

        gleaner boilerplate drop demo Advertisement
    """
    _add_rule("drop", site, text, db_path)


@boilerplate.command("keep")
@click.argument("site")
@click.argument("text", nargs=-1, required=True)
@db_option
def boilerplate_keep(site: str, text: tuple[str, ...], db_path: str) -> None:
    """Keep a paragraph (TEXT, or a KEY from `list`) in SITE's texts, even when learned.

    Example:

        gleaner boilerplate keep demo 3f2a9c0d1e4b5a6f
    """
    _add_rule("keep", site, text, db_path)


@boilerplate.command("forget")
@click.argument("site")
@click.argument("text", nargs=-1, required=True)
@db_option
def boilerplate_forget(site: str, text: tuple[str, ...], db_path: str) -> None:
    """Delete your rule for a paragraph (TEXT, or a KEY from `list`) of SITE.

    Example:

        gleaner boilerplate forget demo Advertisement
    """
    from crawler.site_boilerplate import NoRuleError, UnknownSiteError, forget_rule

    try:
        rule = forget_rule(db_path, site, " ".join(text))
    except (WarehouseError, UnknownSiteError, NoRuleError) as exc:
        raise _fail(exc) from None
    console.out(f"{site}: forgot {rule.action} {rule.key}: {visible(rule.text)}", highlight=False)


def _wait_for_interrupt() -> None:
    import signal
    import threading

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()


cli.add_command(export)
cli.add_command(load)
cli.add_command(schedule)
cli.add_command(scheduler)
cli.add_command(serve)


def main() -> None:
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
