"""Conditional requests: the validators a response gave (``ETag``, ``Last-Modified``) and the
headers that send them back, so an unchanged page answers ``304 Not Modified``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.http.headers import Headers


def response_validators(headers: Headers) -> tuple[str | None, str | None]:
    """The ``ETag`` and ``Last-Modified`` a response gave, as text (``None`` when absent)."""

    def text(name: bytes) -> str | None:
        value = headers.get(name)
        return value.decode("latin-1") if value else None

    return text(b"ETag"), text(b"Last-Modified")


def validators(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` headers for the validators a server gave."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers
