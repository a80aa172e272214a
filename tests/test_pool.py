"""The extraction pool: work runs in worker processes, and a dead worker does not stop the crawl."""

from __future__ import annotations

import asyncio
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from crawler.pool import ExtractionPool
from crawler.sites import SiteConfig

SITE = SiteConfig(name="t", start_urls=("http://t.test/",))
PAGE = (
    "<html><head><title>Pool test</title></head><body><article><h1>Pool test</h1>"
    + "<p>A sentence that makes a paragraph of plain article text for the pool.</p>" * 5
    + "</article></body></html>"
)


def test_extracts_in_another_process_and_survives_a_killed_worker() -> None:
    pool = ExtractionPool(workers=1)

    async def scenario() -> None:
        first = await pool.extract(PAGE, "http://t.test/a.html", SITE)
        assert first.title == "Pool test"
        executor = pool._executor
        assert isinstance(executor, ProcessPoolExecutor)
        pids = list(executor._processes)  # type: ignore[attr-defined]
        assert pids
        assert os.getpid() not in pids
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            await pool.extract(PAGE, "http://t.test/b.html", SITE)
        again = await pool.extract(PAGE, "http://t.test/c.html", SITE)
        assert again.title == "Pool test"

    try:
        asyncio.run(scenario())
    finally:
        pool.close()


def test_zero_workers_extracts_in_a_thread() -> None:
    pool = ExtractionPool(workers=0)
    try:
        result = asyncio.run(pool.extract(PAGE, "http://t.test/a.html", SITE))
    finally:
        pool.close()
    assert result.title == "Pool test"
    assert "plain article text" in result.text
