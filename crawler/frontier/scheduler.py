"""The shared frontier: scrapy-redis' scheduler and seen-set, with requests that survive a worker.

scrapy-redis pops requests destructively; a worker killed with requests in flight would lose them.
Here a request is popped into the worker's in-flight hash (one Lua script), and leaves it only
when its output is pushed (:mod:`crawler.frontier.sink`). A worker renews a lease while it lives;
when a lease expires, any worker (or the loader) puts the dead worker's in-flight requests back
in the queue. The queue and seen-set are the run's own: listing pages are requested again by
every run, and the seen-set is deleted when its run ends.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING, Any, Self

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.frontier import keys
from crawler.settings import GLEANER_FRONTIER_LEASE

if TYPE_CHECKING:
    import redis
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: The request meta key holding a popped request's in-flight id.
REQUEST_ID = "gleaner_frontier_id"


def reclaim(server: redis.Redis, run: keys.RunKeys) -> int:
    """Put the in-flight requests of the run's dead workers (lease expired) back in the queue.

    Args:
        server: The Redis connection.
        run: The run.

    Returns:
        How many requests went back.
    """
    moved = 0
    for raw in server.smembers(run.workers):
        worker = keys.text(raw)
        if not server.exists(keys.alive(worker)):
            moved += release(server, run, worker)
            logger.warning("worker %s is gone: its requests are back in the queue", worker)
    return moved


def release(server: redis.Redis, run: keys.RunKeys, worker: str) -> int:
    """Put a worker's in-flight requests back in the queue and remove it from the run."""
    keys_ = [run.inflight(worker), run.requests, run.workers, keys.alive(worker)]
    return int(server.eval(keys.RELEASE, len(keys_), *keys_, worker))


class FrontierQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis' priority queue, popping into the worker's in-flight hash."""

    inflight_key = ""
    workers_key = ""
    worker = ""
    removed = False
    """Whether the run removed this worker (its lease expired): it takes no more requests."""

    def pop(self, timeout: int = 0) -> Request | None:
        """The next request, recorded in flight under a new id (in its meta); ``None`` if none."""
        request_id = uuid.uuid4().hex
        keys_ = [self.key, self.inflight_key, self.workers_key]
        found = self.server.eval(keys.POP, len(keys_), *keys_, request_id, self.worker)
        if found == 0:
            if not self.removed:
                logger.error("this worker's lease expired and the run removed it; it stops")
            self.removed = True
            return None
        if not found:
            return None
        request: Request = self._decode_request(found)
        request.meta[REQUEST_ID] = request_id
        return request


class FrontierScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis' scheduler on the run's keys, with leases and acknowledged requests.

    It reports pending requests while the run's frontier is not done anywhere (a request queued or
    in flight at any worker), so a worker stays until the whole run is crawled.
    """

    def __init__(self, server: redis.Redis, crawler: Crawler, **kwargs: Any) -> None:
        settings = crawler.settings
        self.run = keys.RunKeys(str(settings["GLEANER_RUN_ID"]))
        self.worker = str(settings["GLEANER_FRONTIER_WORKER"])
        self.lease_s = settings.getfloat("GLEANER_FRONTIER_LEASE", GLEANER_FRONTIER_LEASE)
        super().__init__(
            server,
            persist=True,
            queue_key=self.run.requests,
            queue_cls="crawler.frontier.scheduler.FrontierQueue",
            # The run's own seen-set, not scrapy-redis' default key per spider name.
            dupefilter=RFPDupeFilter(server, key=self.run.seen),
            **kwargs,
        )
        self.crawler = crawler
        self.inflight: dict[str, Request] = {}
        """Requests handed to the engine, by in-flight id, until acknowledged."""
        self.acknowledge: Any = None
        """Called with a finished request's id (set by the sink)."""
        self._beat: task.LoopingCall | None = None
        self._checked = 0.0
        self._done = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """A scheduler on the Redis server of ``REDIS_URL``."""
        from scrapy_redis.connection import from_settings

        server = from_settings(crawler.settings)
        server.ping()
        # scrapy-redis counts with a ``spider`` argument Scrapy no longer takes: counted here.
        return cls(server, crawler)

    def open(self, spider: Spider) -> None:
        """Open the run's queue and seen-set and start renewing the lease."""
        super().open(spider)
        self.queue.inflight_key = self.run.inflight(self.worker)
        self.queue.workers_key = self.run.workers
        self.queue.worker = self.worker
        engine = self.crawler.engine
        # The engine polls an empty scheduler every 5 s by default; work pushed by other workers
        # should be picked up sooner.
        engine._SLOT_HEARTBEAT_INTERVAL = 0.5
        self._beat = task.LoopingCall(self.beat)
        self._beat.start(max(self.lease_s / 3, 0.2), now=True)

    def beat(self) -> None:
        """Acknowledge finished requests and reclaim dead workers' requests (the lease itself is
        renewed by :class:`crawler.frontier.worker.Lease`)."""
        self.settle()
        reclaim(self.server, self.run)

    def settle(self) -> None:
        """Acknowledge the requests the engine has finished with (their output all processed)."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if slot is None or self.acknowledge is None:
            return
        for request_id, request in list(self.inflight.items()):
            if request not in slot.inprogress:
                del self.inflight[request_id]
                self.acknowledge(request_id)

    def close(self, reason: str) -> None:
        """Acknowledge what finished, put the rest back in the queue and leave the run."""
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        self.settle()
        back = release(self.server, self.run, self.worker)
        if back:
            logger.info("%d requests in flight went back to the queue", back)
        super().close(reason)

    def enqueue_request(self, request: Request) -> bool:
        """Queue a request unless seen; a request derived from one in flight (a redirect, a
        retry) loses that request's id."""
        request.meta.pop(REQUEST_ID, None)
        queued = bool(super().enqueue_request(request))
        if queued and self.crawler.stats is not None:
            self.crawler.stats.inc_value("scheduler/enqueued/redis")
        return queued

    def next_request(self) -> Request | None:
        """The next request of the shared queue (acknowledging finished ones first)."""
        self.settle()
        request: Request | None = super().next_request()
        if request is not None:
            self.inflight[request.meta[REQUEST_ID]] = request
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """Whether the run has work left anywhere: queued, or in flight at any worker."""
        if self._done or self.queue.removed:
            return False
        now = time.monotonic()
        if now - self._checked < 0.5:
            return True
        self._checked = now
        self.settle()
        if self.server.zcard(self.run.requests) or self.inflight:
            return True
        for raw in self.server.smembers(self.run.workers):
            worker = keys.text(raw)
            if self.server.hlen(self.run.inflight(worker)):
                return True
        self._done = True
        return False
