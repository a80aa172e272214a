"""Publication and modification times from each source, normalized to UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.extract.dates import ListedSource, PageDates, find_dates
from crawler.extract.dom import parse_html
from crawler.extract.metadata import read_page
from crawler.text.datetimes import date_from_url, parse_datetime

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
PLAIN_URL = "https://news.example.test/world/a-story-about-something"


def dates_of(head: str = "", body: str = "", url: str = PLAIN_URL) -> PageDates:
    html = f"<html><head><title>t</title>{head}</head><body>{body}<p>Some words.</p></body></html>"
    tree = parse_html(html)
    assert tree is not None
    return find_dates(tree, read_page(tree), url, now=NOW)


def jsonld(**fields: str) -> str:
    inner = ", ".join(f'"{k}": "{v}"' for k, v in fields.items())
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", {inner}}}</script>'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-09-05T18:30:00+09:00", datetime(2025, 9, 5, 9, 30, tzinfo=UTC)),
        ("2025-09-05T09:30:00Z", datetime(2025, 9, 5, 9, 30, tzinfo=UTC)),
        ("2025-09-05T04:30:00.987-05:00", datetime(2025, 9, 5, 9, 30, tzinfo=UTC)),
        ("2025-09-05T18:30:00+0900", datetime(2025, 9, 5, 9, 30, tzinfo=UTC)),
        ("2025-09-05 09:30:00", datetime(2025, 9, 5, 9, 30, tzinfo=UTC)),
        ("2025-09-05 09:30:00 UTC", datetime(2025, 9, 5, 9, 30, tzinfo=UTC)),
        ("2025-09-05", datetime(2025, 9, 5, tzinfo=UTC)),
        ("2025-9-5", datetime(2025, 9, 5, tzinfo=UTC)),
        ("Fri, 05 Sep 2025 09:30:00 GMT", datetime(2025, 9, 5, 9, 30, tzinfo=UTC)),
        ("September 5, 2025", datetime(2025, 9, 5, tzinfo=UTC)),
        ("5 Sep 2025", datetime(2025, 9, 5, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_datetime(text: str, expected: datetime | None) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is UTC
        assert parsed.microsecond == 0


def test_jsonld_wins_and_offsets_become_utc() -> None:
    dates = dates_of(
        jsonld(datePublished="2025-09-05T18:30:00+09:00", dateModified="2025-09-06T08:15:30-04:00")
        + '<meta property="article:published_time" content="2025-01-01T00:00:00Z">'
    )
    assert dates == PageDates(
        datetime(2025, 9, 5, 9, 30, tzinfo=UTC),
        "json-ld",
        datetime(2025, 9, 6, 12, 15, 30, tzinfo=UTC),
        "json-ld",
    )


@pytest.mark.parametrize(
    "meta",
    [
        '<meta property="article:published_time" content="2025-09-05T05:30:00-04:00">',
        '<meta property="og:published_time" content="2025-09-05T09:30:00Z">',
        '<meta name="pubdate" content="2025-09-05T15:00:00+05:30">',
        '<meta name="date" content="2025-09-05T09:30:00Z">',
        '<meta itemprop="datePublished" content="2025-09-05T11:30:00+02:00">',
    ],
)
def test_meta_dates(meta: str) -> None:
    dates = dates_of(meta)
    assert (dates.published_at, dates.published_source) == (
        datetime(2025, 9, 5, 9, 30, tzinfo=UTC),
        "meta",
    )


def test_time_element_in_the_byline() -> None:
    body = (
        '<aside><time datetime="2024-01-01T00:00:00Z">Old sidebar item</time></aside>'
        '<article><h1>T</h1><div class="byline">By A · '
        '<time datetime="2025-09-05T01:30:00-08:00">September 5</time></div></article>'
    )
    dates = dates_of(body=body)
    assert (dates.published_at, dates.published_source) == (
        datetime(2025, 9, 5, 9, 30, tzinfo=UTC),
        "time",
    )


def test_date_in_the_url_is_midnight_utc() -> None:
    dates = dates_of(url="https://news.example.test/2025/09/05/a-story/")
    assert (dates.published_at, dates.published_source) == (datetime(2025, 9, 5, tzinfo=UTC), "url")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.test/2025/09/05/slug", datetime(2025, 9, 5, tzinfo=UTC)),
        ("https://x.test/news/2025-9-5-slug.html", datetime(2025, 9, 5, tzinfo=UTC)),
        ("https://x.test/20250905/slug", datetime(2025, 9, 5, tzinfo=UTC)),
        ("https://x.test/2025/09/slug", None),
        ("https://x.test/2025/02/30/slug", None),
        ("https://x.test/slug?date=2025/09/05/", None),
    ],
)
def test_date_from_url(url: str, expected: datetime | None) -> None:
    assert date_from_url(url) == expected


def test_htmldate_is_the_last_resort() -> None:
    dates = dates_of(body='<div class="post-date">September 5, 2025</div>')
    assert (dates.published_at, dates.published_source) == (
        datetime(2025, 9, 5, tzinfo=UTC),
        "htmldate",
    )


def test_no_date_at_all() -> None:
    assert dates_of() == PageDates()


def test_future_dates_are_dropped_for_the_next_source() -> None:
    dates = dates_of(
        jsonld(datePublished="2025-11-22T00:00:00Z"),
        url="https://news.example.test/2025/09/05/a-story/",
    )
    assert (dates.published_at, dates.published_source) == (datetime(2025, 9, 5, tzinfo=UTC), "url")
    within_a_day = dates_of(jsonld(datePublished="2025-11-21T06:00:00Z"))
    assert within_a_day.published_at == datetime(2025, 11, 21, 6, tzinfo=UTC)


def test_modified_before_published_is_dropped() -> None:
    dates = dates_of(
        jsonld(datePublished="2025-09-05T09:30:00Z", dateModified="2025-09-04T09:30:00Z")
    )
    assert dates.published_at == datetime(2025, 9, 5, 9, 30, tzinfo=UTC)
    assert dates.modified_at is None


def test_modified_from_meta() -> None:
    dates = dates_of(
        '<meta property="article:published_time" content="2025-09-05T09:30:00Z">'
        '<meta property="article:modified_time" content="2025-09-05T12:00:00+01:00">'
    )
    assert dates.modified_at == datetime(2025, 9, 5, 11, tzinfo=UTC)


def listed_dates_of(
    head: str = "",
    url: str = PLAIN_URL,
    *,
    listed_at: datetime,
    source: ListedSource = "listing",
) -> PageDates:
    tree = parse_html(f"<html><head>{head}</head><body><p>Some words.</p></body></html>")
    assert tree is not None
    page = read_page(tree)
    return find_dates(tree, page, url, now=NOW, listed_at=listed_at, listed_source=source)


LISTED = datetime(2025, 11, 10, 7, 45, tzinfo=UTC)


def test_a_page_without_a_date_takes_the_listed_one_with_its_source() -> None:
    for source in ("listing", "feed", "sitemap"):
        dates = listed_dates_of(listed_at=LISTED, source=source)  # type: ignore[arg-type]
        assert (dates.published_at, dates.published_source) == (LISTED, source)
        assert dates.modified_at is None


def test_the_listed_date_comes_before_htmldate() -> None:
    tree = parse_html('<html><body><div class="post-date">September 5, 2025</div></body></html>')
    assert tree is not None
    dates = find_dates(
        tree, read_page(tree), PLAIN_URL, now=NOW, listed_at=LISTED, listed_source="feed"
    )
    assert (dates.published_at, dates.published_source) == (LISTED, "feed")


def test_the_page_date_stands_when_the_listing_agrees() -> None:
    head = jsonld(datePublished="2025-11-10T09:45:00+02:00")
    dates = listed_dates_of(head, listed_at=datetime(2025, 11, 10, tzinfo=UTC))
    assert (dates.published_at, dates.published_source) == (LISTED, "json-ld")
    assert dates.modified_at is None


def test_the_listed_time_of_day_replaces_a_date_from_the_url() -> None:
    dates = listed_dates_of(url="https://news.example.test/2025/11/10/story/", listed_at=LISTED)
    assert (dates.published_at, dates.published_source) == (LISTED, "listing")


def test_a_page_dated_after_its_listing_shows_a_republication() -> None:
    head = jsonld(datePublished="2025-11-18T08:00:00Z")
    dates = listed_dates_of(head, listed_at=LISTED, source="feed")
    assert (dates.published_at, dates.published_source) == (LISTED, "feed")
    assert (dates.modified_at, dates.modified_source) == (
        datetime(2025, 11, 18, 8, tzinfo=UTC),
        "json-ld",
    )


def test_a_listing_dated_after_the_page_is_an_update() -> None:
    head = '<meta property="article:published_time" content="2025-11-01T08:00:00Z">'
    dates = listed_dates_of(head, listed_at=LISTED, source="sitemap")
    assert (dates.published_at, dates.published_source) == (
        datetime(2025, 11, 1, 8, tzinfo=UTC),
        "meta",
    )
    assert (dates.modified_at, dates.modified_source) == (LISTED, "sitemap")
    declared = head + '<meta property="article:modified_time" content="2025-11-05T08:00:00Z">'
    dates = listed_dates_of(declared, listed_at=LISTED, source="sitemap")
    assert (dates.modified_at, dates.modified_source) == (
        datetime(2025, 11, 5, 8, tzinfo=UTC),
        "meta",
    )


def test_a_future_listed_date_is_ignored() -> None:
    dates = listed_dates_of(listed_at=NOW + timedelta(days=3))
    assert dates == PageDates()


def test_future_page_dates_give_way_to_the_listed_date() -> None:
    head = jsonld(datePublished="2025-12-24T00:00:00Z", dateModified="2025-12-25T00:00:00Z")
    dates = listed_dates_of(head, listed_at=LISTED, source="feed")
    assert dates == PageDates(LISTED, "feed")


def test_modification_never_before_publication() -> None:
    head = jsonld(datePublished="2025-11-10T07:45:00Z", dateModified="2025-11-01T00:00:00Z")
    dates = listed_dates_of(head, listed_at=LISTED)
    assert (dates.published_at, dates.modified_at, dates.modified_source) == (LISTED, None, None)


def test_modified_source_is_recorded() -> None:
    dates = dates_of(
        '<meta property="article:published_time" content="2025-09-05T09:30:00Z">',
        '<time itemprop="dateModified" datetime="2025-09-06T10:00:00Z">6 Sep</time>',
    )
    assert (dates.modified_at, dates.modified_source) == (
        datetime(2025, 9, 6, 10, tzinfo=UTC),
        "time",
    )
