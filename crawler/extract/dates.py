"""Publication and modification times: JSON-LD, meta, ``<time>``, the URL, the listing's date,
then htmldate; each with its source, none in the future."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from htmldate import find_date

from crawler.text.datetimes import EARLIEST, FUTURE_TOLERANCE, date_from_url, parse_datetime

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lxml.html import HtmlElement

    from crawler.extract.metadata import PageMeta

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
    "published-date",
    "published_at",
    "article:published",
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

#: Classes of the containers whose ``<time>`` dates the article (a byline, a meta or date line).
_DATELINE_CLASS = ("byline", "meta", "date")

#: How far a listed date and the page's publication date may differ and still agree: a listing
#: that gives the day alone, in its own time zone, is up to a day and a half off.
LISTED_AGREEMENT = timedelta(days=2)

ListedSource = Literal["listing", "feed", "sitemap"]
"""What dated an article before it was fetched: an HTML listing page, a feed or a sitemap."""

#: Page sources that give the day only (midnight UTC).
_DAY_ONLY = frozenset({"url", "htmldate"})


@dataclass(frozen=True)
class PageDates:
    """The page's dates, timezone-aware UTC with second precision, and where each came from."""

    published_at: datetime | None = None
    published_source: str | None = None
    """``json-ld``, ``meta``, ``time``, ``url``, ``listing``, ``feed``, ``sitemap`` or
    ``htmldate``."""
    modified_at: datetime | None = None
    modified_source: str | None = None
    """``json-ld``, ``meta``, ``time``, ``listing``, ``feed`` or ``sitemap``."""


def find_dates(
    tree: HtmlElement,
    page: PageMeta,
    url: str,
    *,
    now: datetime | None = None,
    listed_at: datetime | None = None,
    listed_source: ListedSource | None = None,
) -> PageDates:
    """Publication and modification times, each from the first source with a valid one, checked
    against the date a listing, feed or sitemap gave for the page.

    The page's own sources come first, in this order: JSON-LD, meta tags, ``<time>`` elements,
    the URL. With none of them, the listed date is the publication time; with no listed date
    either, htmldate's guess from the page text (the costly last resort). A date later than
    ``now`` plus :data:`FUTURE_TOLERANCE` is dropped and the next source tried. A listed date is
    reconciled by :func:`reconcile`; a modification time before the publication time is dropped.

    Args:
        tree: the page, before body extraction.
        page: what :func:`crawler.extract.metadata.read_page` found.
        url: the page URL, searched for a date.
        now: the fetch time, the reference for "not in the future"; defaults to the current time.
        listed_at: the date a listing source gave for the page, if any.
        listed_source: what gave it: ``listing``, ``feed`` or ``sitemap``.

    Returns:
        The dates and their sources.
    """
    limit = (now or datetime.now(UTC)) + FUTURE_TOLERANCE
    times = _Times(page.times)
    published, source = _published(page, url, times, limit)
    modified_sources: tuple[tuple[str, Iterable[object]], ...] = (
        ("json-ld", [page.article.get("dateModified")]),
        ("meta", _meta_values(page, MODIFIED_META)),
        ("time", times.modified()),
    )
    modified, modified_source = _first_source(modified_sources, limit)
    found = PageDates(published, source, modified, modified_source)
    listed = listed_at.astimezone(UTC).replace(microsecond=0) if listed_at else None
    if listed is not None and listed_source is not None and EARLIEST <= listed <= limit:
        found = reconcile(found, listed, listed_source)
    elif found.published_at is None:
        guess = _first_valid([_htmldate(tree, url, limit)], limit)
        if guess is not None:
            found = replace(found, published_at=guess, published_source="htmldate")
    published, modified = found.published_at, found.modified_at
    if modified is not None and published is not None and modified < published:
        found = replace(found, modified_at=None, modified_source=None)
    return found


def reconcile(page: PageDates, listed: datetime, source: ListedSource) -> PageDates:
    """The page's dates checked against the date a listing, feed or sitemap gave for it.

    - No publication time on the page: the listed date is the publication time.
    - They agree (within :data:`LISTED_AGREEMENT`): the page's time stands, unless the page gave
      the day only (from its URL), when the listed time of day is taken.
    - The listed date is earlier: an article cannot be listed before it was published, so the
      page shows a re-publication time. The listed date becomes the publication time and the
      page's time its modification time, unless the page declares a later one (or gave the day
      only, which is no declaration of a change).
    - The listed date is later: listings give the later of publication and update, so this is an
      update the page does not declare. It becomes the modification time when the page has none.

    Returns:
        The reconciled dates, each with its source.
    """
    published = page.published_at
    if published is None:
        return replace(page, published_at=listed, published_source=source)
    if abs(listed - published) <= LISTED_AGREEMENT:
        if page.published_source in _DAY_ONLY:
            return replace(page, published_at=listed, published_source=source)
        return page
    if listed < published:
        if page.published_source in _DAY_ONLY or (
            page.modified_at is not None and page.modified_at > published
        ):
            return replace(page, published_at=listed, published_source=source)
        return PageDates(listed, source, published, page.published_source)
    if page.modified_at is None:
        return replace(page, modified_at=listed, modified_source=source)
    return page


def _published(
    page: PageMeta, url: str, times: _Times, limit: datetime
) -> tuple[datetime | None, str | None]:
    """The publication time and its source from the page's own declarations and URL."""
    sources: tuple[tuple[str, Iterable[object]], ...] = (
        ("json-ld", [page.article.get("datePublished"), page.article.get("dateCreated")]),
        ("meta", _meta_values(page, PUBLISHED_META)),
        ("time", times.published()),
        ("url", [date_from_url(url)]),
    )
    return _first_source(sources, limit)


class _Times:
    """The page's ``<time datetime>`` elements as date sources."""

    def __init__(self, times: list[HtmlElement]) -> None:
        self._times = times

    def published(self) -> Iterator[str]:
        """Datetimes marked as publication (``itemprop=datePublished``, ``pubdate``) first, then
        those inside the ``<article>``, then those in a byline, meta or date line; lazily."""
        tiers: list[list[str]] = [[], [], []]
        for time in self._times:
            if time.get("itemprop") == "datePublished" or time.get("pubdate") is not None:
                tiers[0].append(time.get("datetime", ""))
            ancestors = list(time.iterancestors())
            if any(a.tag == "article" for a in ancestors):
                tiers[1].append(time.get("datetime", ""))
            if any(c in a.get("class", "") for a in ancestors for c in _DATELINE_CLASS):
                tiers[2].append(time.get("datetime", ""))
        for tier in tiers:
            yield from tier

    def modified(self) -> Iterator[str]:
        """Datetimes marked as the modification time (``itemprop=dateModified``)."""
        for time in self._times:
            if time.get("itemprop") == "dateModified":
                yield time.get("datetime", "")


def _first_source(
    sources: tuple[tuple[str, Iterable[object]], ...], limit: datetime
) -> tuple[datetime | None, str | None]:
    """The first valid date of the first source that has one, and that source's name."""
    for name, values in sources:
        found = _first_valid(values, limit)
        if found is not None:
            return found, name
    return None, None


def _meta_values(page: PageMeta, keys: tuple[str, ...]) -> list[str]:
    """Every meta content under ``keys``, in key order."""
    return [value for key in keys for value in page.metas.get(key, ())]


def _htmldate(tree: HtmlElement, url: str, limit: datetime) -> str | None:
    """htmldate's guess at the original publication date (day precision), on a copy of the tree.

    Its fast mode: no search of the free text beyond dates in known patterns; the URL, which was
    searched already, is not searched again.
    """
    try:
        found: str | None = find_date(
            tree,
            extensive_search=False,
            original_date=True,
            url="",
            max_date=limit.date().isoformat(),
        )
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
