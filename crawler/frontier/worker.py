"""A worker of a shared crawl: join the site's run in Redis, then crawl with the shared frontier.

The first worker of a site creates its run; the loader (``gleaner load``) records it in the
warehouse and publishes what the warehouse knows of the site, which every worker waits for
(workers cannot read the DuckDB file of another machine). A worker leaves when the run's frontier
is done everywhere; the loader finishes the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import secrets
import socket
import threading
import time
from typing import TYPE_CHECKING, Any, cast

import redis

from crawler import settings
from crawler.frontier import keys
from crawler.frontier.scheduler import release
from warehouse.runs import new_run_id

if TYPE_CHECKING:
    from crawler.sites import SiteConfig
    from warehouse.state import SiteState


class FrontierError(Exception):
    """The shared crawl cannot go on (no loader answered, the server refused)."""


def worker_id() -> str:
    """This process's worker id: host, PID and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


class Lease(threading.Thread):
    """Renews a worker's lease every third of its length, from a thread of its own: a worker
    starting Scrapy, or busy on its reactor thread, is still alive."""

    def __init__(self, server: redis.Redis, worker: str, lease_s: float) -> None:
        super().__init__(name="gleaner-lease", daemon=True)
        self.server = server
        self.worker = worker
        self.lease_s = lease_s
        self.stopped = threading.Event()

    def run(self) -> None:
        """Renew until stopped (a lost connection is retried at the next beat)."""
        while not self.stopped.is_set():
            with contextlib.suppress(redis.RedisError):
                self.server.set(keys.alive(self.worker), "1", px=int(self.lease_s * 1000))
            self.stopped.wait(self.lease_s / 3)

    def stop(self) -> None:
        """Stop renewing (the lease then expires, unless the worker released it)."""
        self.stopped.set()


def run_settings(site: SiteConfig) -> dict[str, Any]:
    """The settings recorded with a shared run (as ``RunRecorder`` records a crawl's)."""
    return {
        "mode": "frontier",
        "DOWNLOAD_DELAY": site.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": site.concurrency,
        "site": json.loads(site.model_dump_json()),
    }


def join_run(
    server: redis.Redis,
    site: SiteConfig,
    worker: str,
    *,
    refresh: bool = False,
    lease_s: float = 30.0,
    wait_s: float = 600.0,
) -> tuple[str, SiteState]:
    """Join the site's run (creating it when it has none) and wait for the loader's state.

    The worker's lease must be renewed meanwhile (:class:`Lease`).

    Args:
        server: The Redis connection.
        site: The site.
        worker: This worker's id.
        refresh: Ask the run to fetch everything again (when this worker creates it).
        lease_s: How long the worker's lease lasts unless renewed.
        wait_s: How long to wait for a loader to publish the site's state.

    Returns:
        The run id and what the warehouse knew of the site when the run began.

    Raises:
        FrontierError: No loader published the state in time.
    """
    settings = json.dumps(run_settings(site), sort_keys=True, default=str)
    join_keys = [keys.site_run(site.name), keys.RUNS]
    args: list[str | int] = [new_run_id(), worker, int(lease_s * 1000), site.model_dump_json()]
    args.append(settings)
    raw = server.eval(keys.JOIN, len(join_keys), *join_keys, *args, "1" if refresh else "0")
    run_id = keys.text(raw)
    run = keys.RunKeys(run_id)
    deadline = time.monotonic() + wait_s
    while (state := server.get(run.state)) is None:
        if time.monotonic() > deadline or server.exists(run.closed):
            release(server, run, worker)
            raise FrontierError(
                f"run {run_id}: no loader published the state of {site.name!r} within "
                f"{wait_s:.0f} s; start `gleaner load --from URL` against the same Redis server"
            )
        time.sleep(0.2)
    stored: SiteState = pickle.loads(cast("bytes", state))
    return run_id, stored


def worker_overrides(url: str, worker: str, state: SiteState) -> dict[str, Any]:
    """The Scrapy settings of a worker: the shared scheduler and seen-set, the shared rate, the
    item sink instead of the warehouse, and the site's state from the loader."""
    return {
        "REDIS_URL": url,
        "GLEANER_FRONTIER": url,
        "GLEANER_FRONTIER_WORKER": worker,
        "GLEANER_SITE_STATE": state,
        "SCHEDULER": "crawler.frontier.scheduler.FrontierScheduler",
        "ITEM_PIPELINES": {**settings.ITEM_PIPELINES, "pipelines.load.WarehousePipeline": None},
        "EXTENSIONS": {
            **settings.EXTENSIONS,
            "crawler.run.recorder.RunRecorder": None,  # the loader records the run
            "crawler.frontier.sink.ItemSink": 300,
        },
        "DOWNLOAD_HANDLERS": {
            **settings.DOWNLOAD_HANDLERS,  # keeps file:, data:, s3: and ftp: off
            "http": "crawler.frontier.rate.RateLimitedHTTP",
            "https": "crawler.frontier.rate.RateLimitedHTTP",
        },
    }


def connect(url: str) -> redis.Redis:
    """A connection to the Redis server at ``url`` (``redis://HOST:PORT/DB``), checked.

    Raises:
        FrontierError: The server does not answer.
    """
    server = redis.Redis.from_url(url)
    try:
        server.ping()
    except redis.RedisError as exc:
        raise FrontierError(f"cannot reach Redis at {url}: {exc}") from None
    return server
