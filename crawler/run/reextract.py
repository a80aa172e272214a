"""Re-extraction: the warehouse's articles extracted again from their raw pages, nothing fetched.

For each article of a site, the latest page kept for its URL (table ``raw_pages``) is read from
its WARC record and goes through what a crawl does with a page it receives: the same extraction
(with the site's rules as the sites file has them now, in the extraction pool), validation, and
the batch writer, as a run of its own. A text that changed becomes a new version (``updated``),
the same text is ``unchanged``; a page that cannot be read back is a ``raw_missing`` reject.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes

from crawler.extract.dates import ListedSource
from crawler.extract.pool import ExtractionPool
from crawler.items import ArticleItem, Reject, RejectReason
from crawler.raw.store import raw_dir
from crawler.raw.warc import RawRecordError, RecordSpan, read_record
from crawler.urls import url_key_or_none
from pipelines.boilerplate.batch import BatchBoilerplate
from pipelines.boilerplate.site import load_site_boilerplate
from pipelines.load import CountingStats, LoadSettings, WarehousePipeline, near_settings
from pipelines.validate import validate
from warehouse.db import connect
from warehouse.runs import finish_run, new_run_id, start_run

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from crawler.raw.warc import RawPage
    from crawler.sites import SiteConfig
    from pipelines.models import Article
    from warehouse.dedupe.neardup import NearDupSettings

MODE = "reextract"
"""The run's ``finish_reason`` and ``settings.mode``: how ``gleaner runs`` tells it apart."""
#: Content types of an article page, as the spider has them.
_HTML_TYPES = (b"text/html", b"application/xhtml+xml")
#: Fewer pages than this are extracted in a thread: starting the worker processes (about 1 s)
#: costs more than they save (a page takes about 5 ms).
POOL_FROM_PAGES = 500
#: Pages handed to each extraction worker ahead of the one being loaded.
_IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True, slots=True)
class Target:
    """An article to extract again, and the latest raw page kept for its URL."""

    article_url: str
    page_url: str | None
    """The URL fetched; ``None`` when no page was kept for the article."""
    fetched_at: datetime | None = None
    http_status: int | None = None
    span: RecordSpan | None = None
    sha256: str | None = None
    headline: str | None = None
    """The headline a listing gave the page in the run that fetched it, as the crawl had it."""
    listed_at: datetime | None = None
    """The date that listing gave the page, if any."""
    listed_source: ListedSource | None = None
    """What kind of source that listing was: ``listing``, ``feed`` or ``sitemap``."""


@dataclass(frozen=True, slots=True)
class ReextractSettings:
    """What a re-extraction reads from gleaner's settings, as a crawl would."""

    raw_root: Path
    """The directory of raw pages (``GLEANER_RAW_DIR``)."""
    batch_size: int = 500
    workers: int | None = None
    """Extraction processes (``GLEANER_EXTRACT_WORKERS``; ``None``: one per core)."""
    near: NearDupSettings | None = None

    @classmethod
    def read(cls, db_path: str | os.PathLike[str]) -> ReextractSettings:
        """The settings of ``crawler/settings.py`` for the warehouse at ``db_path``."""
        from crawler.run.runner import crawl_settings

        s = crawl_settings(str(db_path))
        workers = s.get("GLEANER_EXTRACT_WORKERS")
        return cls(
            raw_root=raw_dir(db_path, s.get("GLEANER_RAW_DIR")),
            batch_size=s.getint("GLEANER_BATCH_SIZE", 500),
            workers=None if workers in (None, "") else int(workers),
            near=near_settings(s.get("GLEANER_NEAR_DUP_THRESHOLD")),
        )


def warehouse_sites(db_path: str | os.PathLike[str]) -> list[str]:
    """The sites the warehouse holds articles of, by name.

    Raises:
        WarehouseMissingError: There is no warehouse at ``db_path``.
    """
    conn = connect(db_path, read_only=True)
    try:
        rows = conn.execute("SELECT DISTINCT site FROM articles ORDER BY site").fetchall()
    finally:
        conn.close()
    return [str(row[0]) for row in rows]


def find_targets(db_path: str | os.PathLike[str], site: str) -> list[Target]:
    """Every article of a site with the latest raw page of its URL, in file order.

    A page counts for an article when its URL key is the article's URL key or the key of the
    URL the article was fetched from (they differ when the page named a ``rel=canonical``).
    """
    conn = connect(db_path, read_only=True)
    try:
        articles = conn.execute(
            "SELECT url, url_key, fetched_url FROM articles WHERE site = ? ORDER BY article_id",
            [site],
        ).fetchall()
        pages = conn.execute(
            """
            SELECT r.url_key, r.url, r.fetched_at, r.http_status, r.warc_path, r.warc_offset,
                   r.warc_length, r.sha256,
                   (SELECT arg_min((s.headline, s.listed_at, s.source), s.seen_at)
                    FROM sightings AS s
                    WHERE s.run_id = r.run_id AND s.url_key = r.url_key) AS listed
            FROM raw_pages AS r
            WHERE r.site = ? AND r.url_key IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY r.url_key ORDER BY r.fetched_at DESC) = 1
            """,
            [site],
        ).fetchall()
    finally:
        conn.close()
    latest = {row[0]: row[1:] for row in pages}
    targets = []
    for url, key, fetched_url in articles:
        found = [latest[k] for k in (key, url_key_or_none(fetched_url)) if k in latest]
        if not found:
            targets.append(Target(url, None))
            continue
        page_url, at, status, path, offset, length, sha256, listed = max(found, key=_at)
        span = RecordSpan(path, offset, length)
        headline, listed_at, source = _listed(listed)
        targets.append(Target(url, page_url, at, status, span, sha256, headline, listed_at, source))
    return sorted(targets, key=_file_order)


def _listed(value: object) -> tuple[str | None, datetime | None, ListedSource | None]:
    """The headline, date and source kind of the sighting that led to a page (all ``None``
    when no listing showed it)."""
    if not isinstance(value, tuple):
        return None, None, None
    headline, listed_at, source = value
    kind: ListedSource | None = source if source in ("listing", "feed", "sitemap") else None
    return headline, listed_at, kind


def _file_order(target: Target) -> tuple[bool, str, int]:
    span = target.span
    return (span is None, span.path if span else "", span.offset if span else 0)


def _at(row: tuple[object, ...]) -> datetime:
    when = row[1]
    assert isinstance(when, datetime)
    return when


def reextract(
    db_path: str | os.PathLike[str],
    sites: Sequence[SiteConfig],
    settings: ReextractSettings | None = None,
) -> list[str]:
    """Extract every article of the sites again from its raw page; one run per site.

    Args:
        db_path: The warehouse file.
        sites: The sites, with the rules to extract by (as the sites file has them now).
        settings: Where the raw pages are and how to load; default: :meth:`ReextractSettings.read`.

    Returns:
        The run ids, in the order of ``sites``.
    """
    settings = settings or ReextractSettings.read(db_path)
    return [_run(db_path, site, settings) for site in sites]


def _run(db_path: str | os.PathLike[str], site: SiteConfig, settings: ReextractSettings) -> str:
    """One site's re-extraction, recorded as a run from start to end."""
    run_id = new_run_id()
    recorded = {
        "mode": MODE,
        "raw_dir": str(settings.raw_root),
        "GLEANER_BATCH_SIZE": settings.batch_size,
        "site": json.loads(site.model_dump_json()),
    }
    start_run(db_path, run_id, [site.name], recorded)  # creates the raw_pages table if need be
    try:
        targets = find_targets(db_path, site.name)
        counters = asyncio.run(_extract_all(db_path, run_id, site, targets, settings))
    except BaseException as exc:
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        finish_run(db_path, run_id, status, f"{type(exc).__name__}: {exc}", {"pages": 0})
        raise
    finish_run(db_path, run_id, "finished", MODE, counters)
    return run_id


async def _extract_all(
    db_path: str | os.PathLike[str],
    run_id: str,
    site: SiteConfig,
    targets: list[Target],
    settings: ReextractSettings,
) -> dict[str, int]:
    """Extract the targets in the pool, a few per worker in flight, and load them in batches.

    Results are taken in order while later pages are extracted, so the workers are kept busy
    while this process reads records, validates and commits.
    """
    with_pages = sum(t.span is not None for t in targets)
    pool = ExtractionPool(settings.workers if with_pages >= POOL_FROM_PAGES else 0)
    stats = CountingStats(pages=0, raw_pages=0)
    load = LoadSettings(str(db_path), run_id, settings.batch_size, math.inf, settings.near)
    loader = WarehousePipeline(load, site.name, stats, None, site.min_text_chars)
    loader.boilerplate = BatchBoilerplate(
        load_site_boilerplate(db_path, site.name), site.min_text_chars
    )
    window = _IN_FLIGHT_PER_WORKER * max(pool.workers, 1)
    pending: deque[asyncio.Future[Article | Reject]] = deque()
    try:
        for target in targets:
            pending.append(asyncio.ensure_future(_one(target, site, settings.raw_root, pool)))
            if len(pending) >= window:
                await _load(loader, await pending.popleft())
        while pending:
            await _load(loader, await pending.popleft())
        await loader.flush(final=True)
    finally:
        for future in pending:
            future.cancel()
        pool.close()
    prefix = "gleaner/"
    return {
        key.removeprefix(prefix): n
        for key, n in stats.items()
        if key in ("pages", "raw_pages")
        or key.startswith(("gleaner/rejects/", "gleaner/decisions/"))
    }


async def _load(loader: WarehousePipeline, result: Article | Reject) -> None:
    """Load one result; a page read back from the raw files counts as a raw page."""
    if not (isinstance(result, Reject) and result.reason == "raw_missing"):
        loader.stats.inc_value("raw_pages")
    await loader.process_item(result)


async def _one(
    target: Target, site: SiteConfig, root: Path, pool: ExtractionPool
) -> Article | Reject:
    """One article's page read back, extracted and validated: an article or a reject."""
    if target.span is None or target.page_url is None:
        return _reject(site, target.article_url, "raw_missing", "no raw page was kept for it")
    try:
        page = read_record(root, target.span)
    except RawRecordError as exc:
        return _reject(site, target.page_url, "raw_missing", str(exc), target.http_status)
    if page.sha256 != target.sha256:
        detail = f"{target.span.path} at offset {target.span.offset} holds another body"
        return _reject(site, target.page_url, "raw_missing", detail, target.http_status)
    response = _response(page)
    ctype = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
    if (ctype and ctype not in _HTML_TYPES) or not isinstance(response, TextResponse):
        detail = f"Content-Type {ctype.decode('latin-1')}"
        return _reject(site, page.url, "not_html", detail, page.status, page.fetched_at)
    try:
        found = await pool.extract(
            page.body,
            page.url,
            site,
            target.headline,
            content_type=response.headers.get(b"Content-Type"),
            listed_at=target.listed_at,
            listed_source=target.listed_source,
            fetched_at=page.fetched_at,
        )
    except Exception as exc:  # a page must become a row, whatever the extractor does
        detail = f"{type(exc).__name__}: {exc}"
        return _reject(site, page.url, "extract_error", detail, page.status, page.fetched_at)
    if found.problem is not None:
        return _reject(site, page.url, *found.problem, page.status, page.fetched_at)
    extracted = found.article
    item = ArticleItem(
        site=site.name,
        fetched_url=page.url,
        fetched_at=page.fetched_at,
        extracted=extracted,
        http_status=page.status,
    )
    return validate(item, site)


def _response(page: RawPage) -> Response:
    """The page as the Scrapy response a crawl had, for its headers and type."""
    headers = Headers(list(page.headers))
    cls = responsetypes.from_args(headers=headers, url=page.url, body=page.body)
    return cls(url=page.url, status=page.status, headers=headers, body=page.body)


def _reject(
    site: SiteConfig,
    url: str,
    reason: RejectReason,
    detail: str,
    status: int | None = None,
    fetched_at: datetime | None = None,
) -> Reject:
    return Reject(
        site=site.name,
        url=url,
        reason=reason,
        fetched_at=fetched_at or datetime.now(UTC),
        detail=detail,
        http_status=status,
    )
