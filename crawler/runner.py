"""run_crawl: the library twin of ``gleaner crawl``. One Scrapy crawler, and one run, per site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.ossignal import install_shutdown_handlers

from crawler.sites import SiteConfig
from crawler.spiders.news import NewsSpider

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType


def crawl_settings(db_path: str, **overrides: Any) -> Settings:
    """gleaner's Scrapy settings with the warehouse path and any overrides applied."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("GLEANER_DB", db_path, priority="cmdline")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    sites: list[SiteConfig],
    db_path: str,
    *,
    max_pages: int | None = None,
    run_ids: Sequence[str] | None = None,
    **overrides: Any,
) -> list[str]:
    """Crawl ``sites`` at once into the warehouse at ``db_path``; block until all are done.

    Args:
        sites: the sites to crawl; each gets its own run.
        db_path: the warehouse file (created and migrated if new).
        max_pages: override every site's page limit.
        run_ids: the run id of each site, in the order of ``sites`` (default: new ones).
        overrides: Scrapy or ``GLEANER_*`` settings for this crawl.

    Returns:
        The run ids, in the order of ``sites``.
    """
    settings = crawl_settings(db_path, **overrides)
    process = CrawlerProcess(settings)
    crawlers = []
    for index, site in enumerate(sites):
        if max_pages is not None:
            site = site.model_copy(update={"max_pages": max_pages})
        crawler = process.create_crawler(NewsSpider)
        if run_ids is not None:
            crawler.settings.set("GLEANER_RUN_ID", run_ids[index], priority="cmdline")
        process.crawl(crawler, site=site)
        crawlers.append(crawler)
    _stop_on_signals(crawlers)
    process.start(install_signal_handlers=False)
    return [crawler.spider.run_id for crawler in crawlers]  # type: ignore[union-attr]


def _stop_on_signals(crawlers: list[Crawler]) -> None:
    """On SIGTERM or SIGINT, close the spiders as ``shutdown``; on a second signal, stop at once.

    Scrapy's own handler stops the engines and then the reactor, and a spider already closing
    (its page limit reached) lets its engine stop before that close is done: the reactor then
    stops before the last batch and the run's end are recorded, and the run stays ``running``.
    This handler closes each open spider the way a page limit does (a spider already closing
    goes on closing), and the reactor stops when every crawl has ended, as after a crawl that
    ends by itself. A run stopped so ends ``interrupted``.
    """
    from twisted.internet import reactor as installed

    reactor: Any = installed  # twisted's module-level reactor is typed as a bare module
    signalled: list[int] = []

    def close_spiders() -> None:
        for crawler in crawlers:
            engine = crawler.engine if crawler.crawling else None
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason="shutdown"))

    def stop_now() -> None:
        if reactor.running:
            reactor.stop()

    def handler(signum: int, frame: FrameType | None) -> None:
        signalled.append(signum)
        reactor.callFromThread(close_spiders if len(signalled) == 1 else stop_now)

    def install() -> None:
        install_shutdown_handlers(handler)

    reactor.addSystemEventTrigger("after", "startup", install)
