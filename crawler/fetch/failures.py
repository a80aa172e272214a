"""The reject reason of a request that got no usable response."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, ResponseDataLossError
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TxTimeoutError

from crawler.fetch.scope import OutOfScope

if TYPE_CHECKING:
    from crawler.items import RejectReason


def fetch_failure(error: BaseException) -> tuple[RejectReason, str]:
    """The reject reason and detail of a request that got no usable response.

    Args:
        error: what the request's errback received.

    Returns:
        ``off_site`` or ``bad_url`` (refused by scope, or a redirect to a ``file:``, ``data:``
        or other URL that is not http(s)), ``http_error`` (a status the spider does not take), ``too_large`` (over the size limit, while
        downloading or decompressing), ``too_many_redirects``, ``blocked`` (robots.txt or
        another refusal), ``timeout``, ``length_mismatch`` (the body ended before its
        Content-Length), or ``fetch_error``.
    """
    text = str(error)
    if isinstance(error, HttpError):
        status = error.response.status
        location = error.response.headers.get(b"Location")
        if 300 <= status < 400 and location:
            where = location.decode("latin-1")[:200]
            return "bad_url", f"HTTP {status} redirect to {where!r}, which is never followed"
        return "http_error", f"HTTP {status}"
    if isinstance(error, OutOfScope):
        return error.reason, error.detail
    if "max size" in text or "MAXSIZE" in text:
        return "too_large", text
    if isinstance(error, IgnoreRequest):
        if "max redirections" in text:
            return "too_many_redirects", text
        return "blocked", text or "request ignored"
    if isinstance(error, DownloadTimeoutError | TxTimeoutError | TimeoutError):
        return "timeout", text
    if isinstance(error, ResponseDataLossError):
        return "length_mismatch", "the body ended before the length its Content-Length gave"
    return "fetch_error", f"{type(error).__name__}: {text}"
