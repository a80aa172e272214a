"""End to end: ``gleaner demo`` crawls the demo site over 127.0.0.1 into a real warehouse.

What was stored is compared with the site's ground truth.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import pytest

from crawler.demo import BOILERPLATE_PHRASES, SHARE_LABELS
from tests.conftest import DemoRun, query

pytestmark = pytest.mark.e2e


def stored(run: DemoRun) -> dict[str, dict[str, object]]:
    rows = query(
        run.db, "SELECT url, title, text, authors, published_at, tags FROM articles ORDER BY url"
    )
    keys = ("url", "title", "text", "authors", "published_at", "tags")
    return {row[0]: dict(zip(keys, row, strict=True)) for row in rows}


def test_demo_prints_a_report(demo_run: DemoRun) -> None:
    out = demo_run.stdout
    near = sum(1 for record in demo_run.truth if record["near_duplicate_of"])
    new = len(demo_run.truth) - near
    assert re.search(rf"\bnew\s+\W\s+{new}\b", out), "every article not a near-duplicate is new"
    assert re.search(rf"\bnear_duplicate\s+\W\s+{near}\b", out), "the edited re-publication"
    assert "http_error" in out
    assert re.search(r"\b200\b", out)
    assert "ERROR" not in demo_run.stderr, "the 500 is a reject in the report, not a log error"


def test_one_article_row_per_distinct_article(demo_run: DemoRun) -> None:
    articles = stored(demo_run)
    assert len(articles) == len(demo_run.truth)
    assert set(articles) == {t["url"] for t in demo_run.truth}


def test_titles_dates_and_authors_equal_the_truth(demo_run: DemoRun) -> None:
    articles = stored(demo_run)
    for truth in demo_run.truth:
        got = articles[truth["url"]]
        assert got["title"] == truth["title"]
        assert list(got["authors"]) == truth["authors"]  # type: ignore[call-overload]
        published = got["published_at"]
        assert isinstance(published, datetime)
        assert published == datetime.fromisoformat(truth["published_at"])


def test_every_date_has_its_source(demo_run: DemoRun) -> None:
    rows = query(
        demo_run.db,
        "SELECT url, published_at, published_source, modified_at, modified_source FROM articles",
    )
    truth = {record["url"]: record for record in demo_run.truth}
    for url, published, published_source, modified, modified_source in rows:
        assert published == datetime.fromisoformat(truth[url]["published_at"]), url
        assert published_source in ("json-ld", "meta", "time"), url  # every demo page is dated
        expected = truth[url]["modified_at"]
        assert modified == (datetime.fromisoformat(expected) if expected else None), url
        assert (modified_source is None) == (modified is None), url


def test_text_is_clean(demo_run: DemoRun) -> None:
    for url, article in stored(demo_run).items():
        text = str(article["text"])
        for phrase in (*BOILERPLATE_PHRASES, *SHARE_LABELS):
            assert phrase.lower() not in text.lower(), (url, phrase)
        assert "\\'" not in text, url
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        assert len(paragraphs) == len(set(paragraphs)), url


def test_text_equals_the_truth(demo_run: DemoRun) -> None:
    articles = stored(demo_run)

    def words(text: str) -> list[str]:
        return text.split()

    for truth in demo_run.truth:
        assert words(str(articles[truth["url"]]["text"])) == words(truth["text"]), truth["url"]


def test_each_listing_item_is_a_sighting(demo_run: DemoRun) -> None:
    rows = query(demo_run.db, "SELECT listing_url, tag, position, url_key FROM sightings")
    seen = Counter((listing, tag, pos) for listing, tag, pos, _ in rows)
    for truth in demo_run.truth:
        for s in truth["sightings"]:
            assert seen[(s["listing_url"], s["tag"], s["position"])] == 1, (truth["url"], s)


def test_article_under_three_tags_has_three_sightings_and_one_row(demo_run: DemoRun) -> None:
    three = [t for t in demo_run.truth if len(t["sightings"]) == 3 and len(t["tags"]) == 3]
    assert three, "the demo site lists some article under exactly three tags"
    url = three[0]["url"]
    sightings = query(
        demo_run.db,
        "SELECT count(*), count(DISTINCT tag) FROM sightings s "
        "JOIN articles a ON a.url_key = s.url_key WHERE a.url = ? AND s.source = 'listing'",
        url,
    )
    assert sightings == [(3, 3)]
    # The sitemap lists it too, and says so.
    assert query(
        demo_run.db,
        "SELECT count(*) FROM sightings WHERE article_url = ? AND source = 'sitemap'",
        url,
    ) == [(1,)]
    assert query(demo_run.db, "SELECT count(*) FROM articles WHERE url = ?", url) == [(1,)]


def test_broken_pages_are_rejects_with_reasons(demo_run: DemoRun) -> None:
    from crawler.demo import build_site

    site = build_site()
    base = f"http://127.0.0.1:{demo_run.port}"
    rejects = {
        url: (reason, status)
        for url, reason, status in query(
            demo_run.db, "SELECT url, reason, http_status FROM rejects"
        )
    }
    assert rejects[base + site.not_found_path] == ("http_error", 404)
    assert rejects[base + site.server_error_path] == ("http_error", 500)
    assert rejects[base + site.no_body_path][0] == "too_short"
    decisions = query(demo_run.db, "SELECT count(*) FROM decisions WHERE decision = 'rejected'")
    assert decisions == [(len(rejects),)]


def test_robots_disallowed_section_never_requested(demo_run: DemoRun) -> None:
    paths = demo_run.requested_paths()
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/members/")]
    blocked = query(demo_run.db, "SELECT url FROM rejects WHERE reason = 'blocked'")
    assert blocked
    assert all("/members/" in url for (url,) in blocked)


def test_duplicates_are_decided_not_stored(demo_run: DemoRun) -> None:
    from crawler.demo import build_site

    site = build_site()
    base = f"http://127.0.0.1:{demo_run.port}"
    syndicated = query(
        demo_run.db,
        "SELECT d.decision, a.url FROM decisions d JOIN articles a "
        "ON a.article_id = d.matched_article_id WHERE d.url = ?",
        base + site.syndicated_path,
    )
    originals = [t["url"] for t in demo_run.truth if base + site.syndicated_path in t["other_urls"]]
    assert syndicated == [("duplicate_content", originals[0])]
    fetched = demo_run.requested_paths()
    tracking = site.tracking_variant_path.split("?")[0]
    assert fetched.count(tracking) == 1, "the tracking variant is fetched once, as the clean URL"
    assert not [p for p in fetched if "utm_" in p]
