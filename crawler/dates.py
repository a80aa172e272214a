"""Publication and modification times: JSON-LD, meta, ``<time>``, the URL, then htmldate."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from htmldate import find_date
from lxml import etree

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement

    from crawler.metadata import PageMeta

#: Meta keys giving the publication time, most specific first.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "publication_date",
    "date_published",
    "article_date_original",
    "original-publish-date",
)

#: Meta keys giving the last modification time.
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "article.updated",
    "modified_time",
    "last-modified",
    "dcterms.modified",
    "dc.date.modified",
    "lastmod",
)

#: ``<time datetime>`` elements, the explicit publication ones first, then the article's.
_TIME_XPATHS = (
    etree.XPath("//time[@datetime][@itemprop='datePublished' or @pubdate]"),
    etree.XPath("//time[@datetime][ancestor::article]"),
    etree.XPath(
        "//time[@datetime][ancestor::*[contains(@class, 'byline') or contains(@class, 'meta')"
        " or contains(@class, 'date')]]"
    ),
)

#: ``<time datetime>`` elements marked as the modification time.
_MODIFIED_XPATHS = (etree.XPath("//time[@datetime][@itemprop='dateModified']"),)

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

#: How far in the future a date may be (clock skew, time zones) before it is dropped.
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class PageDates:
    """The page's dates, timezone-aware UTC with second precision."""

    published_at: datetime | None = None
    published_source: str | None = None
    modified_at: datetime | None = None


def find_dates(
    tree: HtmlElement, page: PageMeta, url: str, *, now: datetime | None = None
) -> PageDates:
    """Publication time from the first source that has a valid one, and modification time.

    Args:
        tree: the page, before body extraction.
        page: what :func:`crawler.metadata.read_page` found.
        url: the page URL, searched for a date.
        now: the reference for "not in the future"; defaults to the current time.

    Returns:
        The dates and where the publication time came from: ``json-ld``, ``meta``, ``time``,
        ``url`` or ``htmldate``. A modification time earlier than publication is dropped.
    """
    limit = (now or datetime.now(UTC)) + FUTURE_TOLERANCE
    published, source = _published(tree, page, url, limit)
    modified = _first_valid(
        [page.article.get("dateModified"), *_meta_values(page, MODIFIED_META)], limit
    ) or _first_valid(_time_values(tree, _MODIFIED_XPATHS), limit)
    if modified is not None and published is not None and modified < published:
        modified = None
    return PageDates(published, source, modified)


def _published(
    tree: HtmlElement, page: PageMeta, url: str, limit: datetime
) -> tuple[datetime | None, str | None]:
    """The publication time and its source, trying each source in order."""
    sources: tuple[tuple[str, Iterable[object]], ...] = (
        ("json-ld", [page.article.get("datePublished"), page.article.get("dateCreated")]),
        ("meta", _meta_values(page, PUBLISHED_META)),
        ("time", _time_values(tree, _TIME_XPATHS)),
        ("url", [date_from_url(url)]),
    )
    for name, values in sources:
        found = _first_valid(values, limit)
        if found is not None:
            return found, name
    found = _first_valid([_htmldate(tree, url)], limit)
    return (found, "htmldate") if found is not None else (None, None)


def _meta_values(page: PageMeta, keys: tuple[str, ...]) -> list[str]:
    """Every meta content under ``keys``, in key order."""
    return [value for key in keys for value in page.metas.get(key, ())]


def _time_values(tree: HtmlElement, xpaths: tuple[etree.XPath, ...]) -> Iterable[str]:
    """``datetime`` attributes of the elements the XPaths select, lazily."""
    for xpath in xpaths:
        for element in xpath(tree):
            yield element.get("datetime", "")


def _htmldate(tree: HtmlElement, url: str) -> str | None:
    """htmldate's guess at the original publication date (day precision), on a copy of the tree."""
    try:
        found: str | None = find_date(tree, extensive_search=False, original_date=True, url=url)
    except (ValueError, TypeError):
        return None
    return found


def _first_valid(values: Iterable[object], limit: datetime) -> datetime | None:
    """The first value that parses to a date between :data:`EARLIEST` and ``limit``."""
    for value in values:
        parsed = value if isinstance(value, datetime) else None
        if isinstance(value, str):
            parsed = parse_datetime(value)
        if parsed is not None and EARLIEST <= parsed <= limit:
            return parsed
    return None


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
