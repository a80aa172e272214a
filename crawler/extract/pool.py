"""The extraction pool: article extraction in worker processes, off the reactor thread.

Workers are spawned (never forked from the running reactor) and import the extractor once.
``workers=0`` extracts in a thread of this process instead, for debugging and small machines;
``inline=True`` extracts on the calling (reactor) thread, as a plain Scrapy project would, and is
there only to compare against (``GLEANER_EXTRACT_INLINE``).

Pages go to the workers as the bytes received, with their ``Content-Type``, and are decoded
there (:func:`crawler.extract.page.extract_page`): pickling bytes costs less than pickling text, and the
reactor thread parses no article page and decodes only one whose first bytes may hold a meta
refresh (:func:`crawler.fetch.metarefresh.may_refresh`). At most ``max_pending`` pages wait
for or undergo extraction at once; the callbacks beyond wait their turn, which holds their
responses in Scrapy's scraper slot, whose size limit (``SCRAPER_SLOT_MAX_ACTIVE_SIZE``) then
stops further downloads: memory stays flat however long the crawl.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TYPE_CHECKING

from crawler.extract.page import ExtractedPage, extract_page

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from scrapy.statscollectors import StatsCollector

    from crawler.extract.dates import ListedSource
    from crawler.sites import SiteConfig


#: How often a worker checks that the process that started it is still there.
PARENT_CHECK_S = 1.0


def _start_worker(parent: int) -> None:
    """Set a worker up: watch for its parent's end, then import the extractor's dependencies and
    load the language model before the first page."""
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    import trafilatura  # noqa: F401

    from crawler.extract.language import warm_up

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


def default_max_pending(workers: int) -> int:
    """Pages in extraction at once by default: enough to keep every worker busy while the
    next pages are sent, few enough that they hold little memory."""
    return 4 * max(workers, 1)


class ExtractionPool:
    """Runs :func:`crawler.extract.page.extract_page` in worker processes.

    Args:
        workers: worker processes; ``None``: one per core; ``0``: a thread of this process.
        inline: extract on the calling thread instead (for comparison only: it stalls the
            reactor for the whole extraction).
        max_pending: pages being extracted or waiting in the pool at most; ``None``:
            :func:`default_max_pending`.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        inline: bool = False,
        max_pending: int | None = None,
    ) -> None:
        self.workers = default_workers() if workers is None else workers
        self.inline = inline
        self.max_pending = max_pending or default_max_pending(self.workers)
        self.pending = 0
        """Pages handed to the pool and not yet extracted."""
        self.pending_peak = 0
        self.stats: StatsCollector | None = None
        """Where to keep the peak of pages pending (``gleaner/extract/pending_peak``)."""
        self._slots: asyncio.Semaphore | None = None
        self._executor = None if inline else self._start()

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
        body: str | bytes,
        url: str,
        site: SiteConfig,
        headline: str | None = None,
        *,
        content_type: str | bytes | None = None,
        listed_at: datetime | None = None,
        listed_source: ListedSource | None = None,
        fetched_at: datetime | None = None,
    ) -> ExtractedPage:
        """Decode, extract and check one page in the pool (:func:`crawler.extract.page.extract_page`) and
        wait for the result without blocking the reactor.

        Waits first while :attr:`max_pending` pages are in the pool.

        Args:
            body: the page as received (or as text).
            url: the URL it was fetched from.
            site: its site, whose cleanup rules apply.
            headline: the headline its listing gave.
            content_type: the response's ``Content-Type`` header, for the page's charset.
            listed_at: the date its listing gave.
            listed_source: what gave ``listed_at``.
            fetched_at: when it was fetched.

        Returns:
            The record, and why the page is no article if it is not.

        Raises:
            BrokenProcessPool: a worker died on this page; the pool is restarted for the next.
        """
        job = partial(
            extract_page,
            body,
            content_type,
            url,
            site,
            headline=headline,
            listed_at=listed_at,
            listed_source=listed_source,
            fetched_at=fetched_at,
        )
        if self.inline:
            return job()
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_pending)
        async with self._slots:
            self.pending += 1
            if self.pending > self.pending_peak:
                self.pending_peak = self.pending
                if self.stats is not None:
                    self.stats.max_value("gleaner/extract/pending_peak", self.pending)
            try:
                return await self._submit(job)
            finally:
                self.pending -= 1

    async def _submit(self, job: Callable[[], ExtractedPage]) -> ExtractedPage:
        """Run one extraction in the executor; restart a broken pool."""
        executor = self._executor
        assert executor is not None  # not inline
        try:
            future = executor.submit(job)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            if self._executor is executor:  # the first page to notice restarts the pool
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._start()
            raise

    def close(self) -> None:
        """Stop the workers (pending work is cancelled)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
