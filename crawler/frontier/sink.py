"""The worker's output: items pushed to the loader's queue with the acknowledgement of the request
they came from, in one Lua script, so a request is either done with all its items queued or still
in flight (and crawled again by whoever reclaims it).

Items are grouped by the request whose response (or failure) produced them; Scrapy has passed all
of a response's items through the pipelines before it lets go of the request, and the scheduler
acknowledges a request then (:meth:`FrontierScheduler.settle`). Fetch rows come from
``response_received``. The article links the spider skips as known, and those it requests, are
recorded in the run's hash and set as they are acknowledged: the loader decides, when the run
ends, which known links no worker fetched (``NewsSpider.unfetched``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.frontier import keys
from crawler.frontier.messages import encode
from crawler.frontier.scheduler import REQUEST_ID, FrontierScheduler
from pipelines.load import fetch_row

if TYPE_CHECKING:
    import redis
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class _KnownLinks(dict[str, str]):
    """The spider's known article links (URL key -> URL), journaling each new one."""

    def __init__(self, journal: list[tuple[str, str]]) -> None:
        super().__init__()
        self.journal = journal

    def setdefault(self, key: str, default: str) -> str:
        if key not in self:
            self.journal.append((key, default))
        return super().setdefault(key, default)


class _Requested(set[str]):
    """The URL keys of the articles the spider requested, journaling each new one."""

    def __init__(self, journal: list[str]) -> None:
        super().__init__()
        self.journal = journal

    def add(self, key: str) -> None:
        if key not in self:
            self.journal.append(key)
        super().add(key)


class ItemSink:
    """Scrapy extension of a worker: buffers each request's items and pushes them when the request
    is acknowledged."""

    def __init__(self, crawler: Crawler, server: redis.Redis, run: keys.RunKeys) -> None:
        self.crawler = crawler
        self.server = server
        self.run = run
        self.site = ""
        self.worker = str(crawler.settings["GLEANER_FRONTIER_WORKER"])
        self._items: dict[str, list[bytes]] = defaultdict(list)
        self._known: list[tuple[str, str]] = []
        self._requested: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Connect the signals; not configured unless the crawl has a frontier."""
        if not crawler.settings.get("GLEANER_FRONTIER"):
            raise NotConfigured
        from scrapy_redis.connection import from_settings

        run = keys.RunKeys(str(crawler.settings["GLEANER_RUN_ID"]))
        sink = cls(crawler, from_settings(crawler.settings), run)
        crawler.signals.connect(sink.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(sink.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(sink.response_received, signal=signals.response_received)
        crawler.signals.connect(sink.spider_closed, signal=signals.spider_closed)
        return sink

    def spider_opened(self, spider: Spider) -> None:
        """Journal the spider's known and requested links; take the scheduler's acknowledgements;
        write raw pages to a WARC file of this worker's own."""
        self.site = spider.site.name  # type: ignore[attr-defined]
        spider._listed_known = _KnownLinks(self._known)  # type: ignore[attr-defined]
        spider._requested = _Requested(self._requested)  # type: ignore[attr-defined]
        engine = self.crawler.engine
        scheduler = getattr(getattr(engine, "_slot", None), "scheduler", None)
        if isinstance(scheduler, FrontierScheduler):
            scheduler.acknowledge = self.acknowledge
        raw = getattr(spider, "raw", None)
        if raw is not None:
            from crawler.raw.store import RawKeeper

            raw.close()
            tag = self.worker.replace(":", "-")
            spider.raw = RawKeeper(raw.root, self.site, f"{self.run.run_id}-{tag}")  # type: ignore[attr-defined]

    def _owner(self, request: Request | None) -> str:
        return str(request.meta.get(REQUEST_ID) or "") if request is not None else ""

    def item_scraped(self, item: Any, response: Response | Any, **_: Any) -> None:
        """Buffer an item under the request that produced it (pushed at once if none did)."""
        owner = self._owner(getattr(response, "request", None))
        self._items[owner].append(encode(self.run.run_id, item))
        if not owner:
            self.acknowledge("")

    def response_received(self, response: Response, request: Request, **_: Any) -> None:
        """Buffer the fetch row of a response (robots.txt, fetched outside the queue: at once)."""
        owner = self._owner(request)
        self._items[owner].append(encode(self.run.run_id, fetch_row(self.site, response, request)))
        if not owner:
            self.acknowledge("")

    def acknowledge(self, request_id: str) -> bool:
        """Push a request's items and remove it from the in-flight hash, in one script.

        Returns:
            Whether the items were pushed: ``False`` when the request was reclaimed meanwhile
            (this worker's lease had expired), since it will be crawled again.
        """
        items = self._items.pop(request_id, [])
        known, self._known[:] = list(self._known), []
        requested, self._requested[:] = list(self._requested), []
        args: list[Any] = [request_id, len(items), *items, len(known)]
        for key, url in known:
            args += [key, url]
        args += requested
        keys_ = [self.run.inflight(self.worker), keys.ITEMS, self.run.known, self.run.requested]
        return bool(self.server.eval(keys.ACK, len(keys_), *keys_, *args))

    def spider_closed(self, spider: Spider) -> None:
        """Push what is left that no request owns (the scheduler has settled its requests)."""
        self.acknowledge("")
