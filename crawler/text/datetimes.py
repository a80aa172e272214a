"""Date and time strings to aware UTC datetimes: ISO 8601, RFC 2822, spelled-out dates, URL paths.

Pure string parsing, shared by extraction, listings, feeds and validation.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

#: A date in a URL path: ``/2025/09/05/``, ``/2025-09-05-slug``, ``/20250905/``.
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
    r"|/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)

#: Human-readable formats tried after ISO 8601 and RFC 2822.
_HUMAN_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%Y.%m.%d",
)

#: A UTC zone name after an ISO time, which ``fromisoformat`` only takes as ``Z``.
_ISO_TZ_NAME = re.compile(r"\s*(?:UTC|GMT)$", re.IGNORECASE)

#: Dates before this are taken for parsing accidents.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)

#: How far past the fetch time a date may lie before it is dropped as in the future: a day covers
#: a clock set wrong and a local time labelled UTC (at most 14 hours off).
FUTURE_TOLERANCE = timedelta(days=1)


def parse_datetime(value: str) -> datetime | None:
    """A date or time string as aware UTC with second precision; no time means midnight UTC.

    Takes ISO 8601 (``Z``, offsets, date only, basic format), RFC 2822 and a few spelled-out
    forms (``September 5, 2025``). A time without a zone is taken as UTC.
    """
    text = value.strip()
    if not text:
        return None
    parsed = _parse_iso(_ISO_TZ_NAME.sub("Z", text)) or _parse_rfc2822(text) or _parse_human(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


def _parse_iso(text: str) -> datetime | None:
    """ISO 8601, also with a one-digit month or day (``2025-9-5``)."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        try:
            return datetime(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


def _parse_rfc2822(text: str) -> datetime | None:
    """RFC 2822, as in HTTP headers and feeds (``Fri, 05 Sep 2025 09:30:00 GMT``)."""
    if not text[:1].isalpha() and "," not in text:
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_human(text: str) -> datetime | None:
    """A few spelled-out date formats, in English."""
    for fmt in _HUMAN_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def date_from_url(url: str) -> datetime | None:
    """A full date (year, month, day) in the URL path, as midnight UTC."""
    match = _URL_DATE.search(url.split("?", 1)[0])
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups() if g is not None)
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None
