"""Politeness across workers: one request rate per site, whoever sends the request.

Each worker's AutoThrottle and ``DOWNLOAD_DELAY`` see only that worker's requests; the shared
limit is a "next allowed time" per site in Redis, moved forward by one interval per request in a
Lua script (Redis' clock, so the workers' clocks do not matter). A request waits until its slot.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured

from crawler.frontier import keys

if TYPE_CHECKING:
    import redis
    from scrapy import Request
    from scrapy.crawler import Crawler

    from crawler.sites import SiteConfig


def site_rate(configured: object, site: SiteConfig) -> float:
    """Requests per second allowed to a site, all workers together (0: no limit).

    Args:
        configured: ``GLEANER_FRONTIER_RATE`` (``None`` or ``""``: not set).
        site: The site; without a configured rate, one request per ``download_delay``.

    Returns:
        The rate.

    Raises:
        ValueError: The configured rate is negative or not a number.
    """
    if configured not in (None, ""):
        value = float(str(configured))
        if value < 0:
            raise ValueError(f"GLEANER_FRONTIER_RATE must be 0 or more, got {configured!r}")
        return value
    return 1.0 / site.download_delay if site.download_delay > 0 else 0.0


def interval_us(rate: float) -> int:
    """The interval between two requests at ``rate`` per second, in microseconds (0: none)."""
    return round(1_000_000 / rate) if rate > 0 else 0


class SharedRateLimit:
    """Downloader middleware: each request waits for the site's next slot."""

    def __init__(self, server: redis.Redis, site: str, run_id: str, rate: float) -> None:
        self.server = server
        self.key = keys.rate(site)
        self.stats = keys.RunKeys(run_id).stats
        self.interval = interval_us(rate)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Not configured unless the crawl has a frontier."""
        settings = crawler.settings
        if not settings.get("GLEANER_FRONTIER"):
            raise NotConfigured
        from scrapy_redis.connection import from_settings

        site: SiteConfig = settings["GLEANER_SITE"]
        rate = site_rate(settings.get("GLEANER_FRONTIER_RATE"), site)
        return cls(from_settings(settings), site.name, str(settings["GLEANER_RUN_ID"]), rate)

    async def process_request(self, request: Request) -> None:
        """Reserve the site's next slot and wait for it."""
        wait = int(self.server.eval(keys.RESERVE, 2, self.key, self.stats, self.interval))
        if wait > 0:
            await asyncio.sleep(wait / 1_000_000)
