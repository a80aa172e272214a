"""Politeness across workers: one request rate per site, whoever sends the request.

Each worker's AutoThrottle and ``DOWNLOAD_DELAY`` see only that worker's requests; the shared
limit is a "next allowed time" per site in Redis. A request that finds it passed takes it, moving
it one interval on, in a Lua script (on Redis' clock, so the workers' clocks do not matter); one
that finds it ahead waits that long and tries again. This happens in the download handler, just
before the request is sent.
"""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Self

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import NotConfigured

from crawler.frontier import keys

if TYPE_CHECKING:
    import redis
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

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


#: Slots are this much further apart than ``1 / rate``. Between taking its slot and reaching the
#: site a request may be held up a moment (a busy event loop, a new connection) while the next is
#: not; without a margin, the site would then see one request more than the rate in a second.
SLOT_MARGIN = 1.1


def interval_us(rate: float) -> int:
    """The interval between two requests at ``rate`` per second, :data:`SLOT_MARGIN` included, in
    microseconds (0: none)."""
    return round(1_000_000 * SLOT_MARGIN / rate) if rate > 0 else 0


class SharedRate:
    """A site's shared rate: each request reserves the next slot and waits for it."""

    def __init__(self, server: redis.Redis, site: str, run_id: str, rate: float) -> None:
        self.server = server
        self.key = keys.rate(site)
        self.stats = keys.RunKeys(run_id).stats
        self.interval = interval_us(rate)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        """The rate of the crawl's site (``GLEANER_FRONTIER_RATE``) on its Redis server."""
        from scrapy_redis.connection import from_settings

        site: SiteConfig = settings["GLEANER_SITE"]
        rate = site_rate(settings.get("GLEANER_FRONTIER_RATE"), site)
        return cls(from_settings(settings), site.name, str(settings["GLEANER_RUN_ID"]), rate)

    async def wait(self) -> None:
        """Wait until this request takes the site's next slot (and is counted).

        The slot is taken when it has come, not reserved ahead: a worker whose event loop
        stalls would otherwise send every request it reserved at once when it resumes.
        """
        while wait := int(self.server.eval(keys.ACQUIRE, 2, self.key, self.stats, self.interval)):
            await asyncio.sleep(wait / 1_000_000 + random.uniform(0, 0.002))


class RateLimitedHTTP(HTTP11DownloadHandler):
    """Scrapy's HTTP download handler, waiting for the site's shared slot first.

    The wait is here, not in a downloader middleware, because requests pass the middlewares
    before the download slot's own queue: slots reserved there would be spent while requests
    wait for a free connection, and then sent together.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        if not crawler.settings.get("GLEANER_FRONTIER"):
            raise NotConfigured
        self.rate = SharedRate.from_settings(crawler.settings)

    async def download_request(self, request: Request) -> Response:
        """Wait for the slot, then download."""
        await self.rate.wait()
        response: Response = await super().download_request(request)
        return response
