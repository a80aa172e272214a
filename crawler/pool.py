"""The extraction pool: article extraction in worker processes, off the reactor thread.

Workers are spawned (never forked from the running reactor) and import the extractor once.
``workers=0`` extracts in a thread of this process instead, for debugging and small machines.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import TYPE_CHECKING

from crawler.extract import ExtractedArticle, extract_article

if TYPE_CHECKING:
    from crawler.sites import SiteConfig


def _warm_up() -> None:
    """Import the extractor's dependencies before the first page arrives."""
    import trafilatura  # noqa: F401


def default_workers() -> int:
    """One worker per core available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class ExtractionPool:
    """Runs :func:`~crawler.extract.extract_article` in worker processes."""

    def __init__(self, workers: int | None = None) -> None:
        count = default_workers() if workers is None else workers
        self.workers = count
        self._executor: Executor
        if count <= 0:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        else:
            self._executor = ProcessPoolExecutor(
                max_workers=count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up,
            )

    async def extract(
        self, html: str, url: str, site: SiteConfig, headline: str | None = None
    ) -> ExtractedArticle:
        """Extract one page in the pool and wait for the result without blocking the reactor."""
        future = self._executor.submit(extract_article, html, url, site, headline=headline)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Stop the workers (pending work is cancelled)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
