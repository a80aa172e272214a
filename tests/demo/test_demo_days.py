"""The demo site moving forward in time: new articles, one edit a day, stable pages and validators."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.demo import BASE_DATE, NEW_PER_DAY, DemoServer, DemoSite, build_site
from tests.conftest import GLEANER, ROOT, fetch, free_port

BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def day0() -> DemoSite:
    return build_site()


@pytest.fixture(scope="module")
def day1() -> DemoSite:
    return build_site(day=1)


def by_path(site: DemoSite) -> dict[str, dict[str, Any]]:
    return {urlsplit(str(r["url"])).path: r for r in site.truth(BASE)}


def sentences(paragraph: str) -> list[str]:
    return re.split(r"(?<=[.”]) (?=[A-Z“])", paragraph)


def edited_path(site: DemoSite) -> str:
    (path,) = [p for p, change in site.changes().items() if change == "updated"]
    return path


def tag_items(site: DemoSite, slug: str) -> list[str]:
    """The hrefs a tag's pages list, page after page."""
    hrefs: list[str] = []
    for path in [p for p in site.listing_paths if p.startswith(f"/tag/{slug}/")]:
        doc = lxml.html.fromstring(site.page(path).body)
        hrefs += doc.xpath("//main//article[@class='teaser']/h2/a/@href")
    return hrefs


# --- determinism and the truth of each day ----------------------------------------------------


def test_the_same_day_is_built_byte_for_byte_the_same() -> None:
    first, second = build_site(40, seed=3, day=2), build_site(40, seed=3, day=2)
    assert first.pages.keys() == second.pages.keys()
    assert all(first.pages[p].body == second.pages[p].body for p in first.pages)
    assert first.truth(BASE) == second.truth(BASE)
    assert build_site(40, seed=3, day=1).truth(BASE) != first.truth(BASE)


def test_each_day_brings_new_articles_and_one_edit(day0: DemoSite) -> None:
    assert Counter(day0.changes().values()) == {"new": 60}
    for day in (1, 2, 5):
        site = build_site(day=day)
        records = site.truth(BASE)
        assert len(records) == 60 + NEW_PER_DAY * day
        counts = Counter(r["change"] for r in records)
        assert counts == {"new": NEW_PER_DAY, "updated": 1, "unchanged": len(records) - 4}
        assert {urlsplit(r["url"]).path: r["change"] for r in records} == site.changes()
        start, today = BASE_DATE + timedelta(days=day - 1), BASE_DATE + timedelta(days=day)
        assert site.today == today
        for record in records:
            published = datetime.fromisoformat(record["published_at"])
            assert published < today
            if record["change"] == "new":
                assert start < published < today
            if record["change"] == "updated":
                assert start < datetime.fromisoformat(record["modified_at"]) < today
            if record["modified_at"] is not None:
                assert published < datetime.fromisoformat(record["modified_at"]) < today
        edited = sum(r["modified_at"] is not None for r in records)
        assert edited == day


def test_special_articles_are_never_edited() -> None:
    site = build_site(day=12)
    special = {
        urlsplit(site.tracking_variant_path).path,
        site.session_variant_path.partition(";")[0],
        urlsplit(site.click_variant_path).path,
        site.republished_path,
        *site.near_duplicates.values(),
        site.legacy_encoding_path,
        *(p for p, others in site.other_paths.items() if site.syndicated_path in others),
    }
    edited = {s.path for s in site.articles if s.modified is not None}
    assert len(edited) == 12
    assert not edited & special


def test_new_articles_spread_over_the_tags(day1: DemoSite) -> None:
    tags = Counter(
        t for r in day1.truth(BASE) if r["change"] == "new" for t in {*map(str.lower, r["tags"])}
    )
    assert tags
    assert len(tags) < len(day1.tags), "some tag gets no new article on day 1"


# --- what changes between two days, and what does not -----------------------------------------


def test_pages_of_untouched_articles_keep_their_bytes(day0: DemoSite, day1: DemoSite) -> None:
    changes = day1.changes()
    unchanged = [p for p, c in changes.items() if c == "unchanged"]
    assert len(unchanged) == 60 - 1
    for path in unchanged:
        assert day1.page(path).body == day0.page(path).body, path
        assert day1.page(path).last_modified == day0.page(path).last_modified
    for path in (day0.syndicated_path, day0.no_body_path, *day0.members_paths, "/members/"):
        assert day1.page(path).body == day0.page(path).body, path
    edited = edited_path(day1)
    assert day1.page(edited).body != day0.page(edited).body
    for path in [p for p, c in changes.items() if c == "new"]:
        assert day0.page(path).status == 404
        assert day1.page(path).status == 200


def test_edited_article_has_one_sentence_changed_and_one_added(
    day0: DemoSite, day1: DemoSite
) -> None:
    path = edited_path(day1)
    before, after = by_path(day0)[path], by_path(day1)[path]
    assert before["modified_at"] is None
    assert (before["title"], before["published_at"]) == (after["title"], after["published_at"])
    old, new = before["text"].split("\n\n"), after["text"].split("\n\n")
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(changed) == 2
    (grown,) = [(a, b) for a, b in changed if b.startswith(a + " ")]
    added = grown[1].removeprefix(grown[0] + " ")
    (edited,) = [(a, b) for a, b in changed if (a, b) != grown]
    assert sum(x != y for x, y in zip(*map(sentences, edited), strict=True)) == 1

    page = day1.page(path)
    html = page.body.decode()
    assert added in html
    assert added not in day0.page(path).body.decode()
    modified = datetime.fromisoformat(after["modified_at"])
    assert page.last_modified == modified
    doc = lxml.html.fromstring(page.body)
    stamps = doc.xpath("//time[@itemprop='dateModified']/@datetime")
    stamps += doc.xpath("//meta[@property='article:modified_time']/@content")
    stamps += [
        json.loads(blob).get("dateModified", "")
        for blob in doc.xpath("//script[@type='application/ld+json']/text()")
    ]
    assert {datetime.fromisoformat(s) for s in stamps if s} == {modified}


def test_listings_keep_the_edited_article_in_place_dated_by_its_edit(
    day0: DemoSite, day1: DemoSite
) -> None:
    path = edited_path(day1)
    record = by_path(day1)[path]
    new = [p for p, c in day1.changes().items() if c == "new"]
    news_by_tag = {
        slug: [p for p in new if slug in {t.lower() for t in by_path(day1)[p]["tags"]}]
        for slug, _ in day1.tags
    }
    for slug, _ in day1.tags:
        fresh = sorted(news_by_tag[slug], key=lambda p: by_path(day1)[p]["published_at"])[::-1]
        assert tag_items(day1, slug) == fresh + tag_items(day0, slug), slug
    teasers = [
        item
        for listing in day1.listing_paths
        for item in lxml.html.fromstring(day1.page(listing).body).xpath(
            "//main//article[@class='teaser']"
        )
        if urlsplit(item.xpath("./h2/a/@href")[0]).path == path
    ]
    assert len(teasers) == len(record["sightings"]) >= 1
    for item in teasers:
        shown = datetime.fromisoformat(item.xpath("./time/@datetime")[0])
        assert shown == datetime.fromisoformat(record["modified_at"])


def test_a_tag_with_nothing_new_keeps_its_listing_pages(day0: DemoSite, day1: DemoSite) -> None:
    touched = {t.lower() for r in day1.truth(BASE) if r["change"] != "unchanged" for t in r["tags"]}
    quiet = [slug for slug, _ in day1.tags if slug not in touched]
    assert quiet
    for slug in quiet:
        paths = [p for p in day0.listing_paths if p.startswith(f"/tag/{slug}/")]
        assert paths == [p for p in day1.listing_paths if p.startswith(f"/tag/{slug}/")]
        for path in paths:
            assert day1.page(path).body == day0.page(path).body, path
    for slug in touched:
        assert day1.page(f"/tag/{slug}/").body != day0.page(f"/tag/{slug}/").body
    assert day1.page("/").body != day0.page("/").body


def test_build_2000_articles_a_day_later_quickly() -> None:
    started = time.perf_counter()
    site = build_site(2000, day=1)
    elapsed = time.perf_counter() - started
    assert len(site.articles) == 2000 + NEW_PER_DAY
    assert elapsed < 2.0


# --- serving: conditional requests across days, and moving a running server forward ------------


@pytest.fixture
def server(day0: DemoSite) -> Iterator[DemoServer]:
    with DemoServer(day0) as running:
        yield running


def test_conditional_get_after_a_day_is_304_only_for_what_did_not_change(
    day0: DemoSite, day1: DemoSite, server: DemoServer
) -> None:
    changes = day1.changes()
    unchanged = [p for p, c in changes.items() if c == "unchanged"][:5]
    quiet = [p for p in day0.listing_paths if day0.page(p).body == day1.page(p).body]
    touched = [edited_path(day1), "/", "/feed.xml", "/sitemap.xml"]
    validators = {}
    for path in [*unchanged, *quiet, *touched]:
        status, headers, _ = fetch(urljoin(server.url, path))
        assert status == 200
        validators[path] = (headers["ETag"], headers["Last-Modified"])
    server.set_site(day1)
    for path, (etag, modified) in validators.items():
        expected = 200 if path in touched else 304
        assert fetch(urljoin(server.url, path), {"If-None-Match": etag})[0] == expected, path
        assert fetch(urljoin(server.url, path), {"If-Modified-Since": modified})[0] == expected
    status, headers, body = fetch(urljoin(server.url, edited_path(day1)))
    assert (status, body) == (200, day1.page(edited_path(day1)).body)
    modified = datetime.fromisoformat(by_path(day1)[edited_path(day1)]["modified_at"])
    assert headers["Last-Modified"] == modified.strftime("%a, %d %b %Y %H:%M:%S GMT")


def read_served(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.match(r"serving (http://127\.0\.0\.1:\d+/)", line)
    assert match, line
    return match.group(1)


def truth_changes(path: Path) -> Counter[str]:
    return Counter(json.loads(line)["change"] for line in path.read_text().splitlines())


def test_post_moves_a_served_site_forward(tmp_path: Path) -> None:
    truth, log = tmp_path / "truth.jsonl", tmp_path / "requests.log"
    cmd = [sys.executable, "-m", "crawler.demo", "--articles", "30", "--seed", "5"]
    cmd += ["--truth", str(truth), "--log", str(log)]
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True) as proc:
        try:
            url = read_served(proc)
            assert truth_changes(truth) == {"new": 30}
            home = fetch(url)[2]
            status, headers, body = fetch(urljoin(url, "/_demo/day/1"), method="POST")
            assert (status, json.loads(body)) == (200, {"day": 1})
            assert headers["Content-Type"] == "application/json"
            assert fetch(url)[2] != home
            assert fetch(url)[2] == build_site(30, seed=5, day=1).page("/").body
            assert truth_changes(truth) == {"new": 3, "updated": 1, "unchanged": 29}
            records = [json.loads(line) for line in truth.read_text().splitlines()]
            assert records == build_site(30, seed=5, day=1).truth(url)
            assert all(fetch(r["url"])[0] == 200 for r in records if r["change"] == "new")
            assert fetch(urljoin(url, "/_demo/day/0"), method="POST")[0] == 200
            assert fetch(url)[2] == home
            assert fetch(urljoin(url, "/_demo/day/9999"), method="POST")[0] == 400
            assert fetch(urljoin(url, "/_demo/other"), method="POST")[0] == 404
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    lines = log.read_text().splitlines()
    assert "POST /_demo/day/1 200" in lines
    assert "POST /_demo/day/9999 400" in lines
    site_lines = [x for x in lines if not x.split()[1].startswith("/_demo/")]
    assert len(site_lines) == len(lines) - 4
    assert site_lines.count("GET / 200") == 4
    assert all(x.startswith("GET /") and x.endswith(" 200") for x in site_lines)


def test_gleaner_demo_serves_the_day_asked_for(tmp_path: Path) -> None:
    truth, port = tmp_path / "truth.jsonl", free_port()
    cmd = [*GLEANER, "demo", "--serve", "--day", "2", "--port", str(port), "--truth", str(truth)]
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True) as proc:
        try:
            url = read_served(proc)
            assert url == f"http://127.0.0.1:{port}/"
            assert truth_changes(truth) == {"new": 3, "updated": 1, "unchanged": 62}
            assert fetch(url)[2] == build_site(day=2).page("/").body
            assert fetch(urljoin(url, "/_demo/day/3"), method="POST")[0] == 200
            assert truth_changes(truth) == {"new": 3, "updated": 1, "unchanged": 65}
        finally:
            proc.terminate()
            proc.wait(timeout=20)
