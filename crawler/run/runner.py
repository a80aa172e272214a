"""run_crawl: the library twin of ``gleaner crawl``. One Scrapy crawler, and one run, per site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler.run.shutdown import GracefulStop
from crawler.sites import SiteConfig
from crawler.spiders.news import NewsSpider

if TYPE_CHECKING:
    from collections.abc import Sequence


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
    stop = GracefulStop()
    stop.install()  # now: a spider opens (and its run is recorded) before the reactor runs
    crawlers: list[Crawler] = []
    for index, site in enumerate(sites):
        if max_pages is not None:
            site = site.model_copy(update={"max_pages": max_pages})
        crawler = process.create_crawler(NewsSpider)
        if run_ids is not None:
            crawler.settings.set("GLEANER_RUN_ID", run_ids[index], priority="cmdline")
        stop.watch(crawler)
        process.crawl(crawler, site=site)
        crawlers.append(crawler)
    process.start(install_signal_handlers=False)
    return [crawler.spider.run_id for crawler in crawlers]  # type: ignore[union-attr]
