"""NewsSpider: the one generic spider. Listing pages give sightings and requests; articles give items.

Run it as ``gleaner crawl NAME`` or ``scrapy crawl news -a site=NAME``. The site's settings
(delay, concurrency, User-Agent, page limit) are applied to its crawler in :meth:`from_crawler`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from twisted.internet.error import TimeoutError as TxTimeoutError

from crawler.items import ArticleItem, Reject, RejectReason
from crawler.listing import parse_listing
from crawler.pool import ExtractionPool
from crawler.sites import SiteConfig, find_site, load_sites
from crawler.urls import request_url
from warehouse.rows import SightingRow
from warehouse.runs import new_run_id

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

_HTML_TYPES = (b"text/html", b"application/xhtml+xml")
#: Error statuses the callbacks see (as rejects), once retries are spent. Not "all": that would
#: also stop redirects from being followed.
_ERROR_STATUSES = tuple(range(400, 600))


def _now() -> datetime:
    return datetime.now(UTC)


class NewsSpider(scrapy.Spider):
    """Crawl one site's listing pages and the articles they list."""

    name = "news"

    def __init__(self, site: SiteConfig, run_id: str, pool: ExtractionPool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.run_id = run_id
        self.pool = pool
        self.allowed_domains = list(site.allowed_domains)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """Resolve the site (a ``SiteConfig`` or a name in the sites file) and apply its settings."""
        site = kwargs.pop("site", None)
        if site is None:
            raise ValueError("NewsSpider needs a site: scrapy crawl news -a site=NAME")
        if not isinstance(site, SiteConfig):
            site = find_site(load_sites(crawler.settings.get("GLEANER_SITES_FILE")), str(site))
        settings = crawler.settings
        run_id = str(settings.get("GLEANER_RUN_ID") or new_run_id())
        for key, value in {
            "GLEANER_SITE": site,
            "GLEANER_RUN_ID": run_id,
            "DOWNLOAD_DELAY": site.download_delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": site.concurrency,
            # One site per crawler: this also bounds how far past max_pages a crawl runs, since
            # requests already handed to the downloader still complete after the limit trips.
            "CONCURRENT_REQUESTS": site.concurrency,
            "DOWNLOAD_MAXSIZE": site.max_page_bytes,
            "DOWNLOAD_WARNSIZE": 0,
            "CLOSESPIDER_PAGECOUNT": site.max_pages or 0,
        }.items():
            settings.set(key, value, priority="spider")
        if site.user_agent:
            settings.set("USER_AGENT", site.user_agent, priority="spider")
        workers = settings.get("GLEANER_EXTRACT_WORKERS")
        pool = ExtractionPool(None if workers in (None, "") else int(workers))
        spider = cls(site, run_id, pool, *args, **kwargs)
        spider._set_crawler(crawler)
        crawler.signals.connect(spider.closed_pool, signal=signals.spider_closed)
        return spider

    def closed_pool(self) -> None:
        """Stop the extraction workers."""
        self.pool.close()

    async def start(self) -> AsyncIterator[Any]:
        """One request per start URL, each a listing page."""
        for url in self.site.start_urls:
            yield self._listing_request(url)

    def _listing_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self.failed,
            meta={"gleaner_role": "listing", "handle_httpstatus_list": _ERROR_STATUSES},
        )

    def _reject(
        self, url: str, reason: RejectReason, detail: str, status: int | None = None
    ) -> Reject:
        return Reject(
            site=self.site.name,
            url=url,
            reason=reason,
            fetched_at=_now(),
            detail=detail,
            http_status=status,
        )

    def _unusable(self, response: Response, role: str) -> Reject | None:
        """A reject when the response is an HTTP error or not HTML; ``None`` when it is usable."""
        if response.status >= 400:
            return self._reject(
                response.url,
                "http_error",
                f"{role} page answered HTTP {response.status}",
                response.status,
            )
        ctype = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        if (ctype and ctype not in _HTML_TYPES) or not isinstance(response, TextResponse):
            return self._reject(
                response.url, "not_html", f"Content-Type {ctype.decode('latin-1')}", response.status
            )
        return None

    def parse_listing(self, response: Response) -> Any:
        """Sightings for every listed article; requests for articles and further listing pages."""
        bad = self._unusable(response, "listing")
        if bad:
            yield bad
            return
        page = parse_listing(response.text, response.url, self.site)
        seen_at = _now()
        for entry in page.entries:
            yield SightingRow(
                site=self.site.name,
                listing_url=response.url,
                article_url=entry.url,
                url_key=entry.url_key,
                position=entry.position,
                seen_at=seen_at,
                tag=page.tag,
                headline=entry.headline,
                teaser=entry.teaser,
                listed_at=entry.listed_at,
            )
            yield scrapy.Request(
                request_url(entry.url),
                callback=self.parse_article,
                errback=self.failed,
                cb_kwargs={"headline": entry.headline},
                meta={"gleaner_role": "article", "handle_httpstatus_list": _ERROR_STATUSES},
            )
        for link in page.listing_links:
            yield self._listing_request(link)

    async def parse_article(
        self, response: Response, headline: str | None = None
    ) -> list[ArticleItem | Reject]:
        """Extract the article in the pool and pass it on for validation.

        Results are returned in a list: Scrapy iterates a lone return value that is iterable, and
        a pydantic ``Reject`` is.
        """
        bad = self._unusable(response, "article")
        if bad:
            return [bad]
        try:
            extracted = await self.pool.extract(response.text, response.url, self.site, headline)
        except Exception as exc:  # a page must become a row, whatever the extractor does
            self.logger.warning("extraction failed on %s: %r", response.url, exc)
            detail = f"{type(exc).__name__}: {exc}"
            return [self._reject(response.url, "extract_error", detail, response.status)]
        item = ArticleItem(
            site=self.site.name,
            fetched_url=response.url,
            fetched_at=_now(),
            extracted=extracted,
            http_status=response.status,
        )
        return [item]

    def failed(self, failure: Failure) -> list[Reject]:
        """A reject for a request that got no usable response (robots.txt, size, time, network)."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        reason: RejectReason
        if isinstance(error, IgnoreRequest):
            reason, detail = "blocked", str(error) or "request ignored"
        elif "max size" in str(error) or "maxsize" in str(error):
            reason, detail = "too_large", str(error)
        elif isinstance(error, TxTimeoutError | TimeoutError):
            reason, detail = "timeout", str(error)
        else:
            reason, detail = "fetch_error", f"{type(error).__name__}: {error}"
        return [self._reject(request.url, reason, detail)]
