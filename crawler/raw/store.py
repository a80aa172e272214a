"""Keeping article pages raw: where the WARC files go, and the spider's writer.

Every article page a crawl receives is written to ``<raw dir>/<site>/<run_id>.warc.gz``
(:mod:`crawler.raw.warc`), in a thread of its own so that compressing large pages never holds up
the reactor, and the spider yields a :class:`~warehouse.rows.RawPageRow` that indexes it in the
warehouse's ``raw_pages`` table. ``gleaner reextract`` reads the pages back.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Self

from crawler.raw.warc import RawPage, RecordSpan, WarcFile
from crawler.urls import url_key_or_none
from warehouse.rows import RawPageRow

if TYPE_CHECKING:
    from datetime import datetime

    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)
_OFF = ("0", "false", "no", "off")


def raw_dir(db_path: str | os.PathLike[str], configured: object = None) -> Path:
    """The directory of raw pages: ``configured``, else ``$GLEANER_RAW_DIR``, else beside the
    warehouse, named after it (``gleaner.warc`` for ``gleaner.duckdb``).

    Args:
        db_path: The warehouse file.
        configured: The ``GLEANER_RAW_DIR`` setting (``None`` or ``""``: not set).

    Returns:
        The directory (it may not exist yet).
    """
    chosen = configured or os.environ.get("GLEANER_RAW_DIR")
    if chosen:
        return Path(str(chosen))
    return Path(db_path).with_suffix(".warc")


def keep_raw(configured: object = None) -> bool:
    """Whether to keep raw pages: the ``GLEANER_KEEP_RAW`` setting, else ``$GLEANER_KEEP_RAW``,
    else yes; ``0``, ``false``, ``no`` and ``off`` say no."""
    chosen = os.environ.get("GLEANER_KEEP_RAW", "") if configured in (None, "") else configured
    return str(chosen).strip().lower() not in _OFF


def raw_page(response: Response, fetched_at: datetime) -> RawPage:
    """A Scrapy response as the page kept (its body as the downloader left it: decompressed)."""
    headers = tuple(
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in response.headers.items()
        for value in values
    )
    return RawPage(
        url=response.url,
        status=response.status,
        headers=headers,
        body=response.body,
        fetched_at=fetched_at,
        protocol=getattr(response, "protocol", None) or "HTTP/1.1",
    )


class RawKeeper:
    """Writes one run's article pages of one site to its WARC file, in a writer thread."""

    def __init__(self, root: Path, site: str, run_id: str) -> None:
        self.root = root
        self.site = site
        self.file = WarcFile(root, f"{site}/{run_id}.warc.gz", {"site": site, "run_id": run_id})
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc")

    @classmethod
    def from_settings(cls, settings: BaseSettings, site: str, run_id: str) -> Self | None:
        """The keeper a crawl's settings ask for (``GLEANER_KEEP_RAW``, ``GLEANER_RAW_DIR``,
        ``GLEANER_DB``); ``None`` when raw pages are not kept."""
        if not keep_raw(settings.get("GLEANER_KEEP_RAW")):
            return None
        return cls(raw_dir(settings["GLEANER_DB"], settings.get("GLEANER_RAW_DIR")), site, run_id)

    async def keep(self, response: Response, fetched_at: datetime) -> RawPageRow | None:
        """Write one response and return its ``raw_pages`` row, without blocking the reactor.

        Returns:
            The row; ``None`` when the file cannot be written (logged: the crawl goes on).
        """
        page = raw_page(response, fetched_at)
        try:
            span, sha256 = await asyncio.wrap_future(self._thread.submit(self._write, page))
        except OSError as exc:
            logger.warning("cannot keep %s raw in %s: %s", page.url, self.file.path, exc)
            return None
        return RawPageRow(
            site=self.site,
            url=page.url,
            url_key=url_key_or_none(page.url),
            fetched_at=fetched_at,
            http_status=page.status,
            warc_path=span.path,
            warc_offset=span.offset,
            warc_length=span.length,
            sha256=sha256,
        )

    def _write(self, page: RawPage) -> tuple[RecordSpan, str]:
        """In the writer thread: the record's span and the body's SHA-256."""
        return self.file.write(page), page.sha256

    def close(self) -> None:
        """Finish the writes under way and close the file."""
        self._thread.shutdown(wait=True)
        self.file.close()
