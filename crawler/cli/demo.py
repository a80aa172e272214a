"""``gleaner demo``: the bundled demo site served on 127.0.0.1 and crawled."""

from __future__ import annotations

import contextlib

import click

from crawler.cli.common import GleanerError, db_option, verbose_option
from crawler.cli.common import make_console as _console
from crawler.cli.crawl import crawl_overrides, print_reports
from crawler.sites import SiteConfig

console = _console()
errors = _console(stderr=True)


#: The demo site's port: fixed, because article URLs (and so their keys) include it.
DEMO_PORT = 8931


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


@click.command()
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
    from crawler.run.runner import run_crawl

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
        run_ids = run_crawl([config], db_path, **crawl_overrides(verbose))
    finally:
        server.stop()
    print_reports(db_path, run_ids)


def _wait_for_interrupt() -> None:
    import signal
    import threading

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
