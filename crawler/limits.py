"""Defaults of the limits on what one fetch, and one page, may cost.

They are the defaults of per-site fields of the sites file (``max_page_bytes``,
``download_timeout``, ``max_links_per_page``, ``max_url_length``), which the spider applies to its
crawler's settings (``DOWNLOAD_MAXSIZE``, ``DOWNLOAD_TIMEOUT``) and its own link following.
"""

from __future__ import annotations

from typing import TypeVar

#: Largest page body, decompressed (gzip, deflate, brotli and zstd stop there).
DEFAULT_MAX_PAGE_BYTES = 5 * 1024 * 1024
#: Seconds one fetch may take, from connecting to the body's last byte.
DEFAULT_DOWNLOAD_TIMEOUT = 30.0
#: Links taken from one listing page (articles first, then listing pages, then pagination).
DEFAULT_MAX_LINKS_PER_PAGE = 1000
#: Links taken from one feed or sitemap: the sitemap protocol's own limit, which
#: ``max_links_per_page`` (meant for HTML pages) does not lower.
MAX_SOURCE_LINKS = 50_000
#: Longest URL requested, in characters.
DEFAULT_MAX_URL_LENGTH = 2048

T = TypeVar("T")


def cap(items: list[T], room: int) -> list[T]:
    """The first ``room`` items (none when ``room`` is 0 or less)."""
    return items[: max(room, 0)]
