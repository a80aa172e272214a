"""Scrapy settings for gleaner. Our own keys are ``GLEANER_*``; each is documented in docs/settings.md.

A site's own settings (delay, concurrency, User-Agent, page limit, size limit) come from its entry
in the sites file and are applied by ``NewsSpider.from_crawler``.
"""

from __future__ import annotations

import os

from pipelines.batches import BATCH_SIZE, FLUSH_SECONDS

BOT_NAME = "gleaner"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness: obey robots.txt, identify ourselves, adapt to the server's speed.
ROBOTSTXT_OBEY = True
USER_AGENT = "gleaner/0.1 (news archive crawler; respects robots.txt)"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25

# Limits: every fetch (robots.txt, feeds and sitemaps too) is bounded in size, decompressed, and
# in time; failures are retried a bounded number of times, waiting longer each time. A site's
# max_page_bytes and download_timeout replace the first two (see crawler/limits.py).
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_FAIL_ON_DATALOSS = True  # a body shorter than its Content-Length is a length_mismatch
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
METAREFRESH_ENABLED = True
# Only http(s) is ever fetched; crawler/fetch/scope.py refuses other schemes before they get this far.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None}
DOWNLOADER_MIDDLEWARES = {
    # Scope first, before robots.txt (which would request another host's robots.txt).
    "crawler.fetch.scope.ScopeMiddleware": 40,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,  # drops off-site hops silently
    # Retries wait: doubling from GLEANER_RETRY_BACKOFF, or Retry-After on 429 and 503.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.fetch.retry.BackoffRetryMiddleware": 550,
    # Meta refresh as Scrapy follows it, but a page that cannot have one is never decoded here.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.fetch.metarefresh.MetaRefreshMiddleware": 580,
}

# The item pipelines: validate, then load into the warehouse in batches.
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.load.WarehousePipeline": 800,
}

# Extensions: the run's row in the warehouse, and progress on the terminal.
EXTENSIONS = {
    "crawler.run.recorder.RunRecorder": 100,
    "crawler.run.progress.CrawlProgress": 200,
}

# Article extraction needs asyncio; Scrapy's default reactor provides it.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# gleaner's own settings.
GLEANER_DB = "gleaner.duckdb"  # warehouse file; the CLI uses --db, then $GLEANER_DB
GLEANER_SITES_FILE = None  # sites file; None: $GLEANER_SITES, then ./sites.toml
GLEANER_RUN_ID = None  # run id; None: a new one for each crawl
# rows buffered before one warehouse transaction; $GLEANER_BATCH_SIZE, else 2000 (each commit
# opens the warehouse anew: fewer, larger batches cost less per row)
GLEANER_BATCH_SIZE = BATCH_SIZE
GLEANER_FLUSH_SECONDS = FLUSH_SECONDS  # longest wait before buffered rows are committed
# extraction processes; $GLEANER_EXTRACT_WORKERS, else None: one per core; 0: a thread instead
GLEANER_EXTRACT_WORKERS = os.environ.get("GLEANER_EXTRACT_WORKERS") or None
# extract on the reactor thread, as plain Scrapy projects do; $GLEANER_EXTRACT_INLINE; only to
# compare against (python -m bench.pipeline): it is slower and leaves the other cores idle
GLEANER_EXTRACT_INLINE = os.environ.get("GLEANER_EXTRACT_INLINE", "0").lower() in ("1", "true")
# pages in the extraction pool at once (extracting or queued); None: 4 per worker
GLEANER_EXTRACT_MAX_PENDING = None
# responses held by callbacks (awaiting extraction among them) before downloads pause
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 5_000_000
GLEANER_PROGRESS = False  # show a live progress line on stderr
GLEANER_REFRESH = False  # fetch every page again, unconditionally (gleaner crawl --refresh)
GLEANER_RETRY_FAILED_AFTER = 3600.0  # seconds before a page that failed (5xx, time-out) is retried
GLEANER_NEAR_DUP_THRESHOLD = None  # near-duplicate similarity threshold; None: the default
GLEANER_KEEP_RAW = None  # keep article pages as WARC; None: $GLEANER_KEEP_RAW, else on; 0: off
GLEANER_RAW_DIR = None  # WARC files; None: $GLEANER_RAW_DIR, else <db without suffix>.warc
GLEANER_RETRY_BACKOFF = 0.5  # seconds before the first retry; doubled for each further retry
GLEANER_RETRY_AFTER_MAX = 30.0  # longest wait before a retry; a longer Retry-After: no retry

# Shared crawls (gleaner crawl --frontier, gleaner load; crawler/frontier/).
GLEANER_FRONTIER = None  # the Redis URL of a shared crawl; None: a crawl of this process alone
# requests per second to a site, all workers together; None: $GLEANER_FRONTIER_RATE, else one
# request per download_delay (no limit when it is 0)
GLEANER_FRONTIER_RATE = os.environ.get("GLEANER_FRONTIER_RATE") or None
# seconds a worker's lease lasts: a worker silent that long is dead and its requests go back
GLEANER_FRONTIER_LEASE = float(os.environ.get("GLEANER_FRONTIER_LEASE") or 30)
GLEANER_SITE_STATE = None  # what the warehouse knows of the site; None: read the warehouse

# items of one callback's output processed at once; Scrapy's 100 starts 100 tasks per response
CONCURRENT_ITEMS = 8
