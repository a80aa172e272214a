"""Which listed articles a run fetches, rechecks or skips, given what the warehouse knows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from crawler.fetch.conditional import validators
from crawler.listing.incremental import Action, CrawlState
from crawler.urls import url_key
from warehouse.state import SiteState, StoredArticle, StoredDecision, StoredFetch

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
PUBLISHED = datetime(2025, 11, 19, 8, tzinfo=UTC)
ART = "http://news.test/2025/11/19/a-story.html"
CANON = "http://news.test/stories/a-story"
DUP = "http://news.test/wire/a-story.html"
GONE = "http://news.test/2025/11/19/gone-story.html"
DOWN = "http://news.test/2025/11/19/down-story.html"


def stored() -> SiteState:
    fetched = NOW - timedelta(days=2)
    return SiteState(
        articles=[StoredArticle(1, url_key(CANON), ART, NOW, PUBLISHED, None)],
        decisions=[
            StoredDecision(CANON, url_key(CANON), "new", 1, None, None, None, fetched),
            StoredDecision(DUP, url_key(DUP), "duplicate_content", None, 1, 1.0, None, fetched),
            StoredDecision(
                GONE, url_key(GONE), "rejected", None, None, None, "http_error", fetched
            ),
            StoredDecision(
                DOWN, url_key(DOWN), "rejected", None, None, None, "http_error", fetched
            ),
        ],
        fetches=[
            StoredFetch(ART, 200, fetched, '"abc"', "Wed, 19 Nov 2025 08:00:00 GMT"),
            StoredFetch(GONE, 404, fetched, None, None),
            StoredFetch(DOWN, 503, fetched, None, None),
        ],
        listings=[],
    )


def test_articles_are_known_by_fetched_and_canonical_url_and_skipped() -> None:
    state = CrawlState.build(stored())
    for url in (ART, CANON, ART + "?utm_source=x", DUP):
        assert state.is_known(url_key(url))
        assert state.action(url_key(url), None, NOW) is Action.SKIP
    assert state.known[url_key(ART)].article_id == 1
    assert state.known[url_key(DUP)].matched_article_id == 1


def test_unknown_article_is_fetched_and_refresh_fetches_everything() -> None:
    state = CrawlState.build(stored())
    assert state.action(url_key("http://news.test/2025/11/20/new-one.html"), None, NOW) is (
        Action.FETCH
    )
    refreshing = CrawlState.build(stored(), refresh=True)
    assert refreshing.action(url_key(ART), None, NOW) is Action.FETCH
    assert not refreshing.is_known(url_key(ART))


def test_a_later_listing_date_rechecks_with_the_stored_validators() -> None:
    state = CrawlState.build(stored())
    key = url_key(ART)
    assert state.action(key, PUBLISHED + timedelta(seconds=30), NOW) is Action.SKIP
    assert state.action(key, PUBLISHED + timedelta(hours=3), NOW) is Action.RECHECK
    assert state.article_headers(key) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Wed, 19 Nov 2025 08:00:00 GMT",
    }


def test_recheck_after_counts_from_the_last_fetch() -> None:
    state = CrawlState.build(stored(), recheck_after=timedelta(days=1))
    assert state.action(url_key(ART), None, NOW) is Action.RECHECK
    patient = CrawlState.build(stored(), recheck_after=timedelta(days=7))
    assert patient.action(url_key(ART), None, NOW) is Action.SKIP


def test_transient_failures_are_retried_after_a_while_and_404s_are_not() -> None:
    state = CrawlState.build(stored(), retry_failed_after=timedelta(hours=1))
    assert state.action(url_key(DOWN), None, NOW) is Action.FETCH
    assert state.action(url_key(GONE), None, NOW) is Action.SKIP
    soon = CrawlState.build(stored(), retry_failed_after=timedelta(days=3))
    assert soon.action(url_key(DOWN), None, NOW) is Action.SKIP


def test_validators_send_only_what_the_server_gave() -> None:
    assert validators(None, None) == {}
    assert validators('W/"x"', None) == {"If-None-Match": 'W/"x"'}


def test_pagination_stops_at_a_page_of_known_articles_only_after_a_complete_crawl() -> None:
    known = [url_key(CANON)]
    mixed = [url_key(CANON), url_key("http://news.test/2025/11/20/new-story.html")]
    state = CrawlState.build(stored())
    assert state.stops_at(known)
    assert not state.stops_at(mixed)
    assert not state.stops_at([])
    assert not state.stops_at(known, stop_at_known=False)
    # The previous crawl was cut short: pages after this one may hold articles it never reached.
    cut_short = CrawlState.build(replace(stored(), previous_complete=False))
    assert not cut_short.stops_at(known)
