"""Retries with backoff: a failed fetch is tried again a bounded number of times, after a wait that
doubles each time, or after the server's ``Retry-After`` on a 429 or 503.

Scrapy's own retry middleware retries at once and ignores ``Retry-After``;
:class:`BackoffRetryMiddleware` takes its place (``RETRY_TIMES``, ``RETRY_HTTP_CODES`` and
``RETRY_EXCEPTIONS`` keep their meaning).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

#: Statuses whose ``Retry-After`` header is honoured.
RETRY_AFTER_STATUSES = (429, 503)
#: Default first wait before a retry, in seconds; it doubles with each further retry.
DEFAULT_BACKOFF = 0.5
#: Default longest wait before a retry: a ``Retry-After`` asking for more ends the retries.
DEFAULT_MAX_WAIT = 30.0


def parse_retry_after(value: bytes | str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (0 or more), or ``None`` when it is absent or
    unreadable.

    Args:
        value: the header's value: delay seconds (``"120"``) or an HTTP date.
        now: the current time, for a date.
    """
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def retry_wait(
    status: int | None,
    retry_after: bytes | str | None,
    retries_done: int,
    *,
    backoff: float = DEFAULT_BACKOFF,
    max_wait: float = DEFAULT_MAX_WAIT,
    now: datetime | None = None,
) -> float | None:
    """How long to wait before the next try, or ``None`` not to retry at all.

    Args:
        status: the response's status (``None`` for a fetch that failed without one).
        retry_after: its ``Retry-After`` header, if any.
        retries_done: retries already made for this request.
        backoff: the first wait; each further retry waits twice as long.
        max_wait: the longest wait.
        now: the current time (default: now), for a ``Retry-After`` date.

    Returns:
        The ``Retry-After`` delay on a 429 or 503 that sends one, ``None`` when that delay is
        longer than ``max_wait``; else ``backoff * 2**retries_done``, at most ``max_wait``.
    """
    if status in RETRY_AFTER_STATUSES:
        asked = parse_retry_after(retry_after, now or datetime.now(UTC))
        if asked is not None:
            return asked if asked <= max_wait else None
    return float(min(backoff * 2**retries_done, max_wait))


class BackoffRetryMiddleware(RetryMiddleware):
    """Retries as Scrapy's retry middleware makes them (``RETRY_TIMES``, ``RETRY_HTTP_CODES``,
    ``RETRY_EXCEPTIONS``), each after the wait :func:`retry_wait` gives."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("GLEANER_RETRY_BACKOFF", DEFAULT_BACKOFF)
        self.max_wait = settings.getfloat("GLEANER_RETRY_AFTER_MAX", DEFAULT_MAX_WAIT)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        """Retry a response with a retryable status after the wait, or pass it on."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = await self._retry_after_wait(
            request,
            response_status_message(response.status),
            response.status,
            response.headers.get(b"Retry-After"),
        )
        return response if retry is None else retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | None:
        """Retry a fetch that failed with a retryable exception after the wait."""
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        return await self._retry_after_wait(request, exception)

    async def _retry_after_wait(
        self,
        request: Request,
        reason: str | Exception,
        status: int | None = None,
        retry_after: bytes | None = None,
    ) -> Request | None:
        """The retry of ``request``, returned after the wait :func:`retry_wait` gives; ``None``
        when that wait is too long or the retries are used up."""
        wait = retry_wait(
            status,
            retry_after,
            request.meta.get("retry_times", 0),
            backoff=self.backoff,
            max_wait=self.max_wait,
        )
        if wait is None:
            return None
        retry = self._retry(request, reason)
        if retry is None:
            return None
        await asyncio.sleep(wait)
        return retry
