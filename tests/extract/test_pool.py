"""The extraction pool: work runs in worker processes, and a dead worker does not stop the crawl."""

from __future__ import annotations

import asyncio
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from crawler.extract.pool import ExtractionPool
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
        assert first.article.title == "Pool test"
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
        assert again.article.title == "Pool test"

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
    assert result.article.title == "Pool test"
    assert "plain article text" in result.article.text


def test_pages_in_the_pool_never_exceed_the_bound() -> None:
    pool = ExtractionPool(workers=1, max_pending=2)
    seen: list[int] = []

    async def watch(done: asyncio.Event) -> None:
        while not done.is_set():
            seen.append(pool.pending)
            await asyncio.sleep(0.001)

    async def scenario() -> list[str | None]:
        done = asyncio.Event()
        watcher = asyncio.create_task(watch(done))
        pages = [pool.extract(PAGE.encode(), f"http://t.test/{n}.html", SITE) for n in range(8)]
        results = await asyncio.gather(*pages)
        done.set()
        await watcher
        return [r.article.title for r in results]

    try:
        titles = asyncio.run(scenario())
    finally:
        pool.close()
    assert titles == ["Pool test"] * 8
    assert max(seen) == 2
    assert pool.pending_peak == 2
    assert pool.pending == 0


def test_bytes_are_decoded_with_the_charset_of_their_content_type() -> None:
    page = PAGE.replace("plain article text", "café terrace text").encode("cp1252")
    pool = ExtractionPool(workers=0)
    ctype = "text/html; charset=windows-1252"
    try:
        result = asyncio.run(pool.extract(page, "http://t.test/a.html", SITE, content_type=ctype))
    finally:
        pool.close()
    assert "café terrace text" in result.article.text


def test_inline_extraction_gives_what_the_workers_give() -> None:
    inline, workers = ExtractionPool(inline=True), ExtractionPool(workers=1)
    try:
        here = asyncio.run(inline.extract(PAGE.encode(), "http://t.test/a.html", SITE))
        there = asyncio.run(workers.extract(PAGE.encode(), "http://t.test/a.html", SITE))
    finally:
        inline.close()
        workers.close()
    assert here == there
    assert here.article.title == "Pool test"
    assert inline.pending_peak == 0  # nothing ever waited in a pool
