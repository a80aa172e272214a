"""Loading: buffer validated rows and commit them to the warehouse in batches.

One DuckDB transaction per batch (``warehouse.writer.write_batch``), run in a worker thread so
downloads go on meanwhile; the warehouse is open for writing only while a batch commits. Before
each commit the batch's articles teach the site's boilerplate learner and are stripped of it
(``pipelines.boilerplate.batch``).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from crawler.fetch.conditional import response_validators
from crawler.sites import crawl_site
from crawler.urls import url_key_or_none
from pipelines.batches import BATCH_SIZE, FLUSH_SECONDS
from pipelines.boilerplate.batch import BatchBoilerplate
from pipelines.boilerplate.site import load_site_boilerplate
from pipelines.models import Article, Reject
from warehouse.dedupe import neardup
from warehouse.dedupe.neardup import NearDupSettings
from warehouse.rows import (
    ArticleRow,
    Batch,
    FetchRow,
    ListingStateRow,
    RawPageRow,
    RejectRow,
    SightingRow,
    SkippedRow,
)
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from warehouse.writer import BatchResult


@dataclass(frozen=True, slots=True)
class LoadSettings:
    """The loader's settings, read once from the crawler."""

    db_path: str
    """Warehouse file (``GLEANER_DB``)."""
    run_id: str
    """The run these rows belong to (``GLEANER_RUN_ID``, set by the spider)."""
    batch_size: int
    """Rows buffered before a commit (``GLEANER_BATCH_SIZE``)."""
    flush_seconds: float
    """Longest time rows wait before a commit (``GLEANER_FLUSH_SECONDS``)."""
    near: NearDupSettings | None = neardup.DEFAULT
    """Near-duplicate settings (threshold from ``GLEANER_NEAR_DUP_THRESHOLD``); ``None``: off."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LoadSettings:
        """Read the ``GLEANER_*`` load settings."""
        s = crawler.settings
        return cls(
            db_path=str(s["GLEANER_DB"]),
            run_id=str(s["GLEANER_RUN_ID"]),
            batch_size=s.getint("GLEANER_BATCH_SIZE", BATCH_SIZE),
            flush_seconds=s.getfloat("GLEANER_FLUSH_SECONDS", FLUSH_SECONDS),
            near=near_settings(s.get("GLEANER_NEAR_DUP_THRESHOLD")),
        )


def near_settings(threshold: object) -> NearDupSettings:
    """Near-duplicate settings with the threshold given (``None`` or ``""``: the default).

    Raises:
        ValueError: the threshold is not a number in (0, 1].
    """
    if threshold in (None, ""):
        return neardup.DEFAULT
    value = float(str(threshold))
    if not 0 < value <= 1:
        raise ValueError(f"GLEANER_NEAR_DUP_THRESHOLD must lie in (0, 1], got {threshold!r}")
    return replace(neardup.DEFAULT, threshold=value)


def article_row(article: Article) -> ArticleRow:
    """The warehouse row of a validated article."""
    return ArticleRow(**article.model_dump())


def reject_row(reject: Reject) -> RejectRow:
    """The warehouse row of a reject, keyed by its URL when that has a key."""
    return RejectRow(**reject.model_dump(), url_key=url_key_or_none(reject.url))


def fetch_row(site: str, response: Response, request: Request) -> FetchRow:
    """The warehouse row of one HTTP response."""
    role = request.meta.get("gleaner_role") or (
        "robots" if response.url.endswith("/robots.txt") else "other"
    )
    etag, last_modified = response_validators(response.headers)
    return FetchRow(
        site=site,
        url=response.url,
        role=role,
        status=response.status,
        fetched_at=datetime.now(UTC),
        bytes=len(response.body),
        elapsed_s=request.meta.get("download_latency"),
        etag=etag,
        last_modified=last_modified,
    )


class CountingStats(Counter[str]):
    """Scrapy's stats calls counted in memory, for loading outside a Scrapy crawl (re-extraction,
    the shared crawl's loader)."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        """Add ``count`` to ``key``."""
        self[key] += count


class WarehousePipeline:
    """Scrapy pipeline: buffers articles, rejects, sightings, fetches and raw pages; commits them
    in batches."""

    def __init__(
        self,
        settings: LoadSettings,
        site: str,
        stats: StatsCollector | CountingStats,
        crawler: Crawler | None = None,
        min_text_chars: int = 300,
    ) -> None:
        self.settings = settings
        self.crawler = crawler
        self.site = site
        self.stats = stats
        self.min_text_chars = min_text_chars
        self.boilerplate: BatchBoilerplate | None = None
        """The site's boilerplate, restored from the warehouse when the spider opens."""
        self._batch = Batch(run_id=settings.run_id)
        self._last_flush = time.monotonic()
        self._lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Wire settings, stats and the ``response_received`` signal (every fetch is recorded)."""
        assert crawler.stats is not None
        site = crawl_site(crawler.settings)
        pipeline = cls(
            LoadSettings.from_crawler(crawler),
            site.name,
            crawler.stats,
            crawler,
            site.min_text_chars,
        )
        crawler.signals.connect(pipeline.response_received, signal=signals.response_received)
        return pipeline

    async def open_spider(self) -> None:
        """Restore the site's boilerplate learner and rules from the warehouse (off the reactor)."""
        site = await asyncio.to_thread(load_site_boilerplate, self.settings.db_path, self.site)
        self.boilerplate = BatchBoilerplate(site, self.min_text_chars)

    def response_received(self, response: Response, request: Request, **_: Any) -> None:
        """Record a fetch row for every response, robots.txt included."""
        self._batch.fetches.append(fetch_row(self.site, response, request))

    async def process_item(self, item: Any) -> Any:
        """Buffer one item; commit the buffer when it is full or old."""
        if self._buffer(item) is not None:
            await self._flush_if_due()
        return item

    def _buffer(self, item: Any) -> Any:
        """Add the item's row to the batch and return that row (``None``: not a row's item)."""
        batch = self._batch
        if isinstance(item, Article):
            batch.articles.append(row := article_row(item))
            return row
        if isinstance(item, Reject):
            batch.rejects.append(reject := reject_row(item))
            self.stats.inc_value(f"gleaner/rejects/{item.reason}")
            return reject
        if isinstance(item, SightingRow):
            batch.sightings.append(item)
        elif isinstance(item, SkippedRow):
            batch.skipped.append(item)
            self.stats.inc_value(f"gleaner/skipped/{item.method}")
        elif isinstance(item, ListingStateRow):
            batch.listings.append(item)
        elif isinstance(item, RawPageRow):
            batch.raw_pages.append(item)
            self.stats.inc_value("gleaner/raw_pages")
        elif isinstance(item, FetchRow):  # the loader's (a crawl's come from response_received)
            batch.fetches.append(item)
        else:
            return None
        return item

    async def _flush_if_due(self) -> None:
        if len(self._batch) >= self.settings.batch_size or self.due():
            await self.flush()

    def due(self) -> bool:
        """Whether buffered rows have waited long enough to be committed."""
        old = time.monotonic() - self._last_flush >= self.settings.flush_seconds
        return bool(len(self._batch)) and old

    async def flush(self, *, final: bool = False) -> None:
        """Commit what is buffered as one transaction, off the reactor thread.

        On a cold start, articles stay buffered until the site has enough pages to learn its
        boilerplate from (see :meth:`BatchBoilerplate.holds_back`), unless ``final``.
        """
        async with self._lock:
            batch, self._batch = self._batch, Batch(run_id=self.settings.run_id)
            self._last_flush = time.monotonic()
            boilerplate = self.boilerplate
            if (
                boilerplate is not None
                and not final
                and boilerplate.holds_back(len(batch.articles))
            ):
                self._batch.articles, batch.articles = batch.articles, []
            if not len(batch):
                return
            started = time.perf_counter()
            result = await asyncio.to_thread(self._write, batch)
            self.stats.inc_value("gleaner/load/ms", round((time.perf_counter() - started) * 1000))
            self.stats.inc_value("gleaner/load/write_ms", round(result.write_s * 1000))
            self.stats.inc_value("gleaner/load/table_rows", result.rows)
            for decision, count in result.counts.items():
                self.stats.inc_value(f"gleaner/decisions/{decision}", count)
            self.stats.inc_value("gleaner/load/batches")
            self.stats.inc_value("gleaner/load/rows", len(batch))

    def _write(self, batch: Batch) -> BatchResult:
        """Strip the batch of the site's boilerplate (learning from it first), then commit it."""
        if self.boilerplate is not None:
            started = time.thread_time()
            self.boilerplate.apply(batch)
            cpu_ms = round((time.thread_time() - started) * 1000)
            self.stats.inc_value("gleaner/boilerplate/cpu_ms", cpu_ms)
            removed = sum(row.boilerplate_removed for row in batch.articles)
            self.stats.inc_value("gleaner/boilerplate/paragraphs_removed", removed)
        return write_batch(self.settings.db_path, batch, near=self.settings.near)

    async def close_spider(self) -> None:
        """Commit the rest, with the known article links the run did not fetch."""
        spider = self.crawler.spider if self.crawler is not None else None
        unfetched = getattr(spider, "unfetched", None)
        if unfetched is not None:
            for row in unfetched():
                await self.process_item(row)
        await self.flush(final=True)
