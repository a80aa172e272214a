"""NewsSpider: the one generic spider. Listing pages give sightings and requests; articles give items.

Run it as ``gleaner crawl NAME`` or ``scrapy crawl news -a site=NAME``. The site's settings
(delay, concurrency, User-Agent, page limit) are applied to its crawler in :meth:`from_crawler`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy import signals
from scrapy.http import TextResponse

from crawler.extract.not_articles import body_problem
from crawler.extract.pool import ExtractionPool
from crawler.fetch.conditional import response_validators, validators
from crawler.fetch.failures import fetch_failure
from crawler.items import ArticleItem, Reject, RejectReason
from crawler.limits import MAX_SOURCE_LINKS, cap
from crawler.listing.incremental import Action, CrawlState
from crawler.listing.sources import Listed, SourceError, SourceKind, read_source
from crawler.raw.store import RawKeeper
from crawler.sites import SiteConfig, find_site, load_sites
from crawler.text.decode import decode_html
from crawler.urls import request_url, url_key
from warehouse.rows import ListingStateRow, RawPageRow, SightingRow, SkippedRow
from warehouse.runs import new_run_id
from warehouse.state import read_site_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.listing.pages import ListingPage

_HTML_TYPES = (b"text/html", b"application/xhtml+xml")
#: Statuses the callbacks see besides 2xx: 304 (a conditional request's answer) and errors, once
#: retries are spent (as rejects). Not "all": that would also stop redirects from being followed.
_STATUSES = (304, *range(400, 600))
#: Reasons a redirect hop can be refused for.
_REFUSED_HOPS = ("off_site", "bad_url", "too_many_redirects")


def _now() -> datetime:
    return datetime.now(UTC)


def page_text(response: Response) -> str:
    """The page as text: byte-order mark, then the HTTP charset, then ``<meta>``, then detection
    (:func:`crawler.text.decode.decode_html`), which Scrapy's ``response.text`` does not quite do."""
    return decode_html(response.body, response.headers.get(b"Content-Type"))


class NewsSpider(scrapy.Spider):
    """Crawl one site's listing pages and the articles they list."""

    name = "news"

    def __init__(self, site: SiteConfig, run_id: str, pool: ExtractionPool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.run_id = run_id
        self.pool = pool
        self.allowed_domains = list(site.allowed_domains)
        self.state = CrawlState()
        self._listed_known: dict[str, str] = {}
        """URL key -> first listed URL of each article link skipped as known."""
        self._requested: set[str] = set()
        """URL keys of the articles requested in this run."""
        self._skipped_articles: set[int] = set()
        self.raw: RawKeeper | None = None
        """Writes article pages to the run's WARC file (``None``: raw pages are not kept)."""

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
            "DOWNLOAD_TIMEOUT": site.download_timeout,
            "DOWNLOAD_WARNSIZE": 0,
            "CLOSESPIDER_PAGECOUNT": site.max_pages or 0,
        }.items():
            settings.set(key, value, priority="spider")
        if site.user_agent:
            settings.set("USER_AGENT", site.user_agent, priority="spider")
        workers = settings.get("GLEANER_EXTRACT_WORKERS")
        pool = ExtractionPool(
            None if workers in (None, "") else int(workers),
            inline=settings.getbool("GLEANER_EXTRACT_INLINE"),
            max_pending=settings.getint("GLEANER_EXTRACT_MAX_PENDING") or None,
        )
        spider = cls(site, run_id, pool, *args, **kwargs)
        spider._set_crawler(crawler)
        spider.raw = RawKeeper.from_settings(settings, site.name, run_id)
        crawler.signals.connect(spider.closed_pool, signal=signals.spider_closed)
        return spider

    def closed_pool(self) -> None:
        """Stop the extraction workers and close the WARC file."""
        self.pool.close()
        if self.raw is not None:
            self.raw.close()

    async def start(self) -> AsyncIterator[Any]:
        """Read what the warehouse knows of the site, then request every listing source."""
        settings = self.crawler.settings
        self.pool.stats = self.crawler.stats
        # A worker of a shared crawl gets the state from the loader (GLEANER_SITE_STATE).
        stored = settings.get("GLEANER_SITE_STATE") or await asyncio.to_thread(
            read_site_state, settings["GLEANER_DB"], self.site.name, run_id=self.run_id
        )
        retry = settings.getfloat("GLEANER_RETRY_FAILED_AFTER", 3600.0)
        self.state = CrawlState.build(
            stored,
            refresh=settings.getbool("GLEANER_REFRESH"),
            recheck_after=self.site.recheck_after,
            retry_failed_after=timedelta(seconds=retry),
        )
        sources: tuple[tuple[SourceKind, tuple[str, ...]], ...] = (
            ("listing", self.site.start_urls),
            ("feed", self.site.feeds),
            ("sitemap", self.site.sitemaps),
        )
        for kind, urls in sources:
            for url in urls:
                yield self._source_request(url, kind)

    def _source_request(self, url: str, kind: SourceKind) -> scrapy.Request:
        """A request for a listing source, conditional when the warehouse has its validators."""
        key = url_key(url)
        stored = self.state.listing(key)
        headers = validators(stored.etag, stored.last_modified) if stored else {}
        return scrapy.Request(
            url,
            callback=self.parse_source,
            errback=self.failed,
            headers=headers,
            meta={"gleaner_role": kind, "gleaner_key": key, "handle_httpstatus_list": _STATUSES},
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
        """A reject when the response is an HTTP error, of the wrong type, empty or binary; else
        ``None``."""
        if response.status >= 400:
            return self._reject(
                response.url,
                "http_error",
                f"{role} page answered HTTP {response.status}",
                response.status,
            )
        if role in ("feed", "sitemap"):
            return None  # told apart by their content, whatever the Content-Type says
        ctype = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        if ctype and ctype not in _HTML_TYPES:
            return self._reject(
                response.url, "not_html", f"Content-Type {ctype.decode('latin-1')}", response.status
            )
        problem = body_problem(response.body)
        if problem is not None:
            return self._reject(response.url, *problem, response.status)
        if not isinstance(response, TextResponse):
            return self._reject(response.url, "not_html", "not a text response", response.status)
        return None

    def parse_source(self, response: Response) -> list[Any]:
        """A listing page, feed or sitemap: sightings, and requests for what it lists and links.

        A 304 costs no parsing: the entries and links stored from its last 200 stand in.
        """
        kind: SourceKind = response.meta["gleaner_role"]
        key: str = response.meta["gleaner_key"]
        if response.status == 304:
            stored = self.state.listing(key)
            if stored is None:
                return []
            listed = [Listed(url, url_key(url)) for url in stored.entries]
            return self._follow(listed, stored.links, stored.pagination, kind)
        bad = self._unusable(response, kind)
        if bad:
            return [bad]
        try:
            text = page_text(response) if kind == "listing" else None
            page = read_source(response.body, text, response.url, kind, self.site)
        except SourceError as exc:
            return [self._reject(response.url, "bad_listing", str(exc), response.status)]
        seen_at = _now()
        etag, last_modified = response_validators(response.headers)
        page = self._within_limits(page, kind)
        out: list[Any] = [
            ListingStateRow(
                site=self.site.name,
                url=response.url,
                url_key=key,
                kind=kind,
                fetched_at=seen_at,
                etag=etag,
                last_modified=last_modified,
                entries=tuple(e.url for e in page.entries),
                links=tuple(page.listing_links),
                pagination=tuple(page.pagination),
            )
        ]
        for entry in page.entries:
            out.append(
                SightingRow(
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
                    source=kind,
                )
            )
        listed = [Listed(e.url, e.url_key, e.listed_at, e.headline) for e in page.entries]
        out += self._follow(listed, page.listing_links, page.pagination, kind)
        return out

    def _within_limits(self, page: ListingPage, kind: SourceKind) -> ListingPage:
        """``page`` with its URLs longer than the site's ``max_url_length`` left out, and at most
        ``max_links_per_page`` links (a feed or sitemap: :data:`MAX_SOURCE_LINKS`): articles
        first, then listing pages, then pagination."""
        longest = self.site.max_url_length
        room = self.site.max_links_per_page if kind == "listing" else MAX_SOURCE_LINKS
        entries = cap([e for e in page.entries if len(e.url) <= longest], room)
        links = cap([u for u in page.listing_links if len(u) <= longest], room - len(entries))
        room -= len(entries) + len(links)
        pagination = cap([u for u in page.pagination if len(u) <= longest], room)
        return replace(page, entries=entries, listing_links=links, pagination=pagination)

    def _follow(
        self,
        listed: list[Listed],
        links: Sequence[str],
        pagination: Sequence[str],
        kind: SourceKind,
    ) -> list[Any]:
        """Requests for the listed articles due a fetch, rows for those skipped, and requests for
        further sources; pagination stops at a page that lists only known articles (unless the
        previous crawl was cut short: see :meth:`CrawlState.stops_at`)."""
        now = _now()
        out: list[Any] = []
        for item in listed:
            action = self.state.action(item.url_key, item.listed_at, now)
            if action is Action.SKIP:
                self._listed_known.setdefault(item.url_key, item.url)
                continue
            self._requested.add(item.url_key)
            headers = self.state.article_headers(item.url_key) if action is Action.RECHECK else {}
            out.append(
                scrapy.Request(
                    request_url(item.url),
                    callback=self.parse_article,
                    errback=self.failed,
                    headers=headers,
                    cb_kwargs={
                        "headline": item.headline,
                        "listed_at": item.listed_at,
                        "listed_source": kind,
                    },
                    meta={
                        "gleaner_role": "article",
                        "gleaner_key": item.url_key,
                        "handle_httpstatus_list": _STATUSES,
                    },
                )
            )
        link_kind: SourceKind = "sitemap" if kind == "sitemap" else "listing"
        out += [self._source_request(link, link_kind) for link in links]
        keys = [i.url_key for i in listed]
        # A page that lists nothing ends its pagination: an empty calendar page leads nowhere.
        if keys and not self.state.stops_at(keys, stop_at_known=self.site.stop_at_known):
            out += [self._source_request(link, kind) for link in pagination]
        return out

    def unfetched(self) -> list[SkippedRow]:
        """Rows for the known article links of this run that were not fetched after all.

        Decided when the crawl ends, since one source may skip a link that another (dating it
        later, say) has rechecked meanwhile. The loader commits them with its last batch.
        """
        return self.state.unfetched(
            self.site.name, self._listed_known, self._requested, self._skipped_articles
        )

    def _skipped(self, url: str, key: str, method: str) -> SkippedRow:
        """The row of an article link not fetched: what the warehouse knew of it."""
        return self.state.skipped(self.site.name, url, key, method, self._skipped_articles)

    async def parse_article(
        self,
        response: Response,
        headline: str | None = None,
        listed_at: datetime | None = None,
        listed_source: SourceKind | None = None,
    ) -> list[ArticleItem | Reject | SkippedRow | RawPageRow]:
        """Keep the page raw, extract the article in the pool and pass it on for validation, with
        the headline and date the source that listed it gave.

        Results are returned in a list: Scrapy iterates a lone return value that is iterable, and
        a pydantic ``Reject`` is.
        """
        if response.status == 304:
            key = response.meta.get("gleaner_key") or url_key(response.url)
            if key in self.state.known:
                return [self._skipped(response.url, key, "not_modified")]
            return []
        fetched_at = _now()
        kept = (
            await self.raw.keep(response, fetched_at)
            if self.raw and response.status < 300
            else None
        )
        raw = [kept] if kept else []
        bad = self._unusable(response, "article")
        if bad:
            return [*raw, bad]
        try:
            page = await self.pool.extract(
                response.body,
                response.url,
                self.site,
                headline,
                content_type=response.headers.get(b"Content-Type"),
                listed_at=listed_at,
                listed_source=listed_source,
                fetched_at=fetched_at,
            )
        except Exception as exc:  # a page must become a row, whatever the extractor does
            self.logger.warning("extraction failed on %s: %r", response.url, exc)
            detail = f"{type(exc).__name__}: {exc}"
            return [*raw, self._reject(response.url, "extract_error", detail, response.status)]
        if page.problem is not None:
            return [*raw, self._reject(response.url, *page.problem, response.status)]
        extracted = page.article
        item = ArticleItem(
            site=self.site.name,
            fetched_url=response.url,
            fetched_at=fetched_at,
            extracted=extracted,
            http_status=response.status,
        )
        return [*raw, item]

    def failed(self, failure: Failure) -> list[Reject]:
        """A reject for a request that got no usable response (robots.txt, size, time, network)."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value or Exception("unknown failure")
        reason, detail = fetch_failure(error)
        response = getattr(error, "response", None)
        url = request.url
        if reason in _REFUSED_HOPS:  # the reject names the listed URL; the detail, where it led
            url = (request.meta.get("redirect_urls") or [url])[0]
        return [self._reject(url, reason, detail, getattr(response, "status", None))]
