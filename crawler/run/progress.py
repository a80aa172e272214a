"""CrawlProgress: a live line on stderr while a crawl runs (pages, articles, rejects, pages/s)."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


def progress_line(site: str, stats: dict[str, Any], elapsed: float) -> str:
    """One line summing up a crawl so far."""
    pages = int(stats.get("response_received_count", 0))
    items = int(stats.get("item_scraped_count", 0))
    rejects = sum(int(v) for k, v in stats.items() if k.startswith("gleaner/rejects/"))
    rate = pages / elapsed if elapsed > 0 else 0.0
    return f"{site}: {pages} pages, {items} items, {rejects} rejects, {rate:.1f} pages/s"


class CrawlProgress:
    """Redraws the progress line every half second; enabled by ``GLEANER_PROGRESS``."""

    def __init__(self, stats: StatsCollector, interval: float = 0.5) -> None:
        self.stats = stats
        self.interval = interval
        self.site = ""
        self._started = time.monotonic()
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Connect to the spider's open and close; off unless ``GLEANER_PROGRESS`` is set."""
        if not crawler.settings.getbool("GLEANER_PROGRESS"):
            raise NotConfigured
        assert crawler.stats is not None
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        """Start redrawing."""
        self.site = spider.site.name  # type: ignore[attr-defined]
        self._started = time.monotonic()
        self._loop = task.LoopingCall(self.draw)
        self._loop.start(self.interval, now=True)

    def draw(self, end: str = "\r") -> None:
        """Write the current line."""
        line = progress_line(self.site, self.stats.get_stats(), time.monotonic() - self._started)
        sys.stderr.write(f"\x1b[2K{line}{end}")
        sys.stderr.flush()

    def spider_closed(self) -> None:
        """Stop redrawing and leave the final line in place."""
        if self._loop and self._loop.running:
            self._loop.stop()
        self.draw(end="\n")
