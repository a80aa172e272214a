"""SIGTERM and SIGINT in a crawl process: close every spider as ``shutdown``, and record it.

Scrapy's own handler stops the engines and then the reactor. A spider already closing (its page
limit reached) lets its engine stop before that close is done, and a spider still opening is not
closed at all: either way the reactor stops before the run's end is recorded, and the run stays
``running``. :class:`GracefulStop` instead closes each spider the way a page limit does, once it
has opened (a spider already closing goes on closing), and lets the reactor stop when every
crawl has ended, as after a crawl that ends by itself. The run ends ``interrupted``. A second
signal stops the reactor at once.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.ossignal import install_shutdown_handlers

if TYPE_CHECKING:
    from types import FrameType

    from scrapy.crawler import Crawler


class _Watch:
    """One crawler: whether its engine has started, so that it can be closed."""

    def __init__(self, crawler: Crawler, stop: GracefulStop) -> None:
        self.crawler = crawler
        self.stop = stop
        self.started = False
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)

    def engine_started(self) -> None:
        """The spider is open and its run recorded: it can be closed from now on."""
        self.started = True
        if self.stop.signalled:
            self.stop.reactor().callLater(0, self.close)

    def close(self) -> None:
        """Close the spider as ``shutdown``, unless it is closed already."""
        engine = self.crawler.engine if self.crawler.crawling else None
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="shutdown"))


class GracefulStop:
    """Signal handling for the crawlers of one process; install it before they start."""

    def __init__(self) -> None:
        self.signalled = 0
        self._watches: list[_Watch] = []

    def watch(self, crawler: Crawler) -> None:
        """Close this crawler's spider on the first signal (call before it crawls)."""
        self._watches.append(_Watch(crawler, self))

    def install(self) -> None:
        """Handle SIGTERM and SIGINT from now on (instead of Scrapy's handler)."""
        install_shutdown_handlers(self._handle)

    @staticmethod
    def reactor() -> Any:
        """The installed reactor (imported once a crawler has installed the one it needs)."""
        from twisted.internet import reactor

        return reactor

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if "twisted.internet.reactor" not in sys.modules:
            # No crawler has started: no run is recorded, and importing the reactor now would
            # install the wrong one.
            raise SystemExit(128 + signum)
        self.signalled += 1
        reactor = self.reactor()
        if self.signalled == 1:
            for watch in self._watches:
                if watch.started:
                    reactor.callFromThread(watch.close)
        elif reactor.running:
            reactor.callFromThread(reactor.stop)
