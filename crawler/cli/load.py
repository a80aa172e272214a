"""``gleaner load --from redis://...``: the single loader of a crawl shared through Redis, and the
worker side of ``gleaner crawl SITE --frontier redis://...`` (see :mod:`crawler.frontier`)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import db_option, fail, make_console
from crawler.settings import GLEANER_BATCH_SIZE, GLEANER_FLUSH_SECONDS, GLEANER_FRONTIER_LEASE

if TYPE_CHECKING:
    from crawler.sites import SiteConfig


def crawl_shared(
    site: SiteConfig, url: str, db_path: str, *, max_pages: int | None, **overrides: Any
) -> str:
    """Crawl ``site`` as one worker of the run shared through the Redis server at ``url``.

    Args:
        site: The site.
        url: ``redis://HOST:PORT/DB``.
        db_path: Only where raw pages go (beside it, unless ``GLEANER_RAW_DIR`` says otherwise).
        max_pages: Stop this worker after N pages.
        overrides: Scrapy or ``GLEANER_*`` settings.

    Returns:
        The run id.
    """
    from crawler.frontier.worker import (
        FrontierError,
        Lease,
        connect,
        join_run,
        worker_id,
        worker_overrides,
    )
    from crawler.run.runner import run_crawl

    worker = worker_id()
    try:
        server = connect(url)
    except FrontierError as exc:
        raise fail(exc) from None
    lease = Lease(server, worker, GLEANER_FRONTIER_LEASE)
    lease.start()
    try:
        run_id, state = join_run(
            server,
            site,
            worker,
            refresh=bool(overrides.get("GLEANER_REFRESH")),
            lease_s=GLEANER_FRONTIER_LEASE,
        )
        overrides.update(worker_overrides(url, worker, state))
        run_crawl([site], db_path, max_pages=max_pages, run_ids=[run_id], **overrides)
    except FrontierError as exc:
        raise fail(exc) from None
    finally:
        lease.stop()
    make_console(stderr=True).print(
        f"worker {worker} of run {run_id} is done; `gleaner load` records the run and its report"
    )
    return run_id


@click.command()
@click.option(
    "--from",
    "url",
    required=True,
    metavar="redis://HOST:PORT/DB",
    help="The Redis server the workers (gleaner crawl SITE --frontier URL) push to.",
)
@db_option
@click.option(
    "--until-idle",
    is_flag=True,
    help="Exit once a run has finished and no other is open (default: load until stopped).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=GLEANER_BATCH_SIZE,
    show_default=True,
    help="Items per warehouse transaction (or $GLEANER_BATCH_SIZE).",
)
@click.option(
    "--flush-seconds",
    type=click.FloatRange(min=0),
    default=GLEANER_FLUSH_SECONDS,
    show_default=True,
    help="Longest wait before buffered items are committed.",
)
def load(url: str, db_path: str, until_idle: bool, batch_size: int, flush_seconds: float) -> None:
    """Load what the workers of shared crawls find into the warehouse, and finish their runs.

    The one process that writes the warehouse: it records each run the workers open, publishes
    what the warehouse knows of the site for them, loads their items in batches with the same
    dedupe as a one-process crawl, and prints each run's report once its frontier is done and
    its items are loaded. SIGTERM or Ctrl-C stops it; items it held go back to the next loader.

    Example:

        gleaner load --from redis://10.0.0.5:6379/0 --db news.duckdb
    """
    from crawler.frontier.loader import Loader
    from crawler.frontier.worker import FrontierError, connect
    from crawler.reports.terminal import print_report
    from warehouse.queries import run_report

    try:
        server = connect(url)
    except FrontierError as exc:
        raise fail(exc) from None
    console = make_console()

    def report(run_id: str) -> None:
        print_report(run_report(db_path, run_id), console)

    loader = Loader(server, db_path, batch_size=batch_size, flush_seconds=flush_seconds)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(loader.run(until_idle=until_idle, on_finish=report))
