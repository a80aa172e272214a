"""fetch_page: one bounded HTTP GET, for ``gleaner extract URL`` (crawls go through Scrapy)."""

from __future__ import annotations

import urllib.request

from crawler.settings import DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, USER_AGENT


def fetch_page(url: str, *, max_bytes: int = DOWNLOAD_MAXSIZE) -> bytes:
    """The body of ``url``, at most ``max_bytes`` long.

    Raises:
        ValueError: not an http(s) URL, or the body is larger than ``max_bytes``.
        OSError: the request failed (including HTTP errors).
    """
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:
        body: bytes = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise ValueError(f"{url} is larger than {max_bytes} bytes")
    return body
