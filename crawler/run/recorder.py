"""RunRecorder: the run's row in the warehouse, from start to finish, with its counters."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from warehouse.runs import finish_run, start_run

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

#: Scrapy ``finish_reason`` values of a run that did all it set out to do.
_FINISHED = {"finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout"}


def run_counters(stats: dict[str, Any]) -> dict[str, int]:
    """The counters kept with a run: pages, items by decision, rejects by reason."""
    counters = {
        "pages": int(stats.get("response_received_count", 0)),
        "requests": int(stats.get("downloader/request_count", 0)),
        "bytes": int(stats.get("downloader/response_bytes", 0)),
        "robots_forbidden": int(stats.get("robotstxt/forbidden", 0)),
    }
    for key, value in stats.items():
        if key.startswith(("gleaner/decisions/", "gleaner/rejects/")):
            counters[key.removeprefix("gleaner/")] = int(value)
    return counters


class RunRecorder:
    """Writes the ``runs`` row when the spider opens and completes it when the spider closes."""

    def __init__(self, db_path: str, stats: StatsCollector, settings_used: dict[str, Any]) -> None:
        self.db_path = db_path
        self.stats = stats
        self.settings_used = settings_used

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Connect to ``spider_opened`` and ``spider_closed``."""
        assert crawler.stats is not None
        s = crawler.settings
        used = {
            key: s.get(key)
            for key in (
                "DOWNLOAD_DELAY",
                "CONCURRENT_REQUESTS_PER_DOMAIN",
                "DOWNLOAD_MAXSIZE",
                "CLOSESPIDER_PAGECOUNT",
                "USER_AGENT",
                "GLEANER_BATCH_SIZE",
            )
        }
        recorder = cls(str(s["GLEANER_DB"]), crawler.stats, used)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        """Record the run as ``running``."""
        site = spider.site  # type: ignore[attr-defined]
        settings = {**self.settings_used, "site": json.loads(site.model_dump_json())}
        start_run(self.db_path, spider.run_id, [site.name], settings)  # type: ignore[attr-defined]

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Record how the run ended, after the pipelines committed their last batch."""
        status = "finished" if reason in _FINISHED else "failed"
        if reason == "shutdown":
            status = "interrupted"
        counters = run_counters(self.stats.get_stats())
        finish_run(self.db_path, spider.run_id, status, reason, counters)  # type: ignore[attr-defined]
