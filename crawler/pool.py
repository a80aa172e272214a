"""The extraction pool: article extraction in worker processes, off the reactor thread.

Workers are spawned (never forked from the running reactor) and import the extractor once.
``workers=0`` extracts in a thread of this process instead, for debugging and small machines.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from crawler.extract import ExtractedArticle, extract_article

if TYPE_CHECKING:
    from datetime import datetime

    from crawler.dates import ListedSource
    from crawler.sites import SiteConfig


#: How often a worker checks that the process that started it is still there.
PARENT_CHECK_S = 1.0


def _start_worker(parent: int) -> None:
    """Set a worker up: watch for its parent's end, then import the extractor's dependencies and
    load the language model before the first page."""
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    import trafilatura  # noqa: F401

    from crawler.language import warm_up

    warm_up()


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed with SIGKILL, say), which would otherwise
    leave it waiting for work forever."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


def default_workers() -> int:
    """One worker per core available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class ExtractionPool:
    """Runs :func:`~crawler.extract.extract_article` in worker processes."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = default_workers() if workers is None else workers
        self._executor = self._start()

    def _start(self) -> Executor:
        if self.workers <= 0:
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )

    async def extract(
        self,
        html: str,
        url: str,
        site: SiteConfig,
        headline: str | None = None,
        *,
        listed_at: datetime | None = None,
        listed_source: ListedSource | None = None,
        fetched_at: datetime | None = None,
    ) -> ExtractedArticle:
        """Extract one page in the pool and wait for the result without blocking the reactor.

        The arguments are :func:`~crawler.extract.extract_article`'s.

        Raises:
            BrokenProcessPool: a worker died on this page; the pool is restarted for the next.
        """
        executor = self._executor
        try:
            future = executor.submit(
                extract_article,
                html,
                url,
                site,
                headline=headline,
                listed_at=listed_at,
                listed_source=listed_source,
                fetched_at=fetched_at,
            )
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            if self._executor is executor:  # the first page to notice restarts the pool
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._start()
            raise

    def close(self) -> None:
        """Stop the workers (pending work is cancelled)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
