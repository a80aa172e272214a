"""The demo site: determinism, ground truth, HTTP behaviour and the extraction traps it sets."""

from __future__ import annotations

import html
import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import trafilatura

from crawler.demo import (
    BASE_MARK,
    BOILERPLATE_PHRASES,
    SCRIPT_TITLE,
    SHARE_LABELS,
    SITE_BOILERPLATE,
    SITE_NAME,
    STANDING_FOOTNOTE,
    SUPPORT_APPEAL,
    DemoServer,
    DemoSite,
    build_site,
    write_truth,
)
from tests.conftest import fetch

BASE = "http://127.0.0.1:8000/"
_DATE_TEXT = re.compile(r"^[A-Z][a-z]+ \d{1,2}, \d{4}$")
_UTC_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")


def html_of(site: DemoSite, path: str) -> lxml.html.HtmlElement:
    page = site.page(path)
    encoding = page.content_type.partition("charset=")[2] or "utf-8"
    return lxml.html.fromstring(page.body.decode(encoding))


@pytest.fixture(scope="module")
def site() -> DemoSite:
    return build_site()


@pytest.fixture(scope="module")
def truth(site: DemoSite) -> list[dict[str, Any]]:
    return site.truth(BASE)


def sentences(paragraph: str) -> list[str]:
    return re.split(r"(?<=[.”]) (?=[A-Z“])", paragraph)


def by_url(truth: list[dict[str, Any]], url: str) -> dict[str, Any]:
    return next(record for record in truth if record["url"] == url)


# --- determinism, scale and the truth ---------------------------------------------------------


def test_same_seed_gives_identical_pages_and_truth() -> None:
    first, second = build_site(40, seed=3), build_site(40, seed=3)
    assert first.pages.keys() == second.pages.keys()
    assert all(first.pages[p].body == second.pages[p].body for p in first.pages)
    assert first.truth("http://127.0.0.1:1/") == second.truth("http://127.0.0.1:1/")
    other = build_site(40, seed=4)
    assert other.truth("http://x/") != first.truth("http://x/")


def test_pages_and_article_paths_do_not_depend_on_the_port(site: DemoSite) -> None:
    html = [page for page in site.pages.values() if page.content_type.startswith("text/html")]
    assert not any(b"127.0.0.1" in page.body or b"http://" in page.body for page in html)
    absolute = [path for path, page in site.pages.items() if page.absolute]
    assert sorted(absolute) == sorted(["/robots.txt", *site.feed_paths, *site.sitemap_paths])
    for path in absolute:
        assert b"127.0.0.1" not in site.pages[path].body
        one, two = site.page(path, "http://127.0.0.1:8001/"), site.page(path, "http://127.0.0.1:9")
        assert BASE_MARK.encode() not in one.body
        assert one.body.replace(b"127.0.0.1:8001/", b"127.0.0.1:9/") == two.body
        if path != "/sitemaps/news.xml":  # empty when no article is two days old or less
            assert b"http://127.0.0.1:8001/" in one.body
    a, b = site.truth("http://127.0.0.1:8001/"), site.truth("http://127.0.0.1:9002")
    strip = re.compile(r"http://127\.0\.0\.1:\d+")
    assert json.loads(strip.sub("", json.dumps(a))) == json.loads(strip.sub("", json.dumps(b)))


def test_build_3000_articles_quickly() -> None:
    started = time.perf_counter()
    big = build_site(3000)
    elapsed = time.perf_counter() - started
    records = big.truth("http://127.0.0.1:1/")
    assert len(records) == 3000
    assert len({r["url"] for r in records}) == 3000
    assert len({r["title"] for r in records}) == 3000
    assert elapsed < 3.0


def test_too_few_articles_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        build_site(5)


def test_truth_records_are_well_formed(site: DemoSite) -> None:
    records = site.truth("http://127.0.0.1:1/")
    assert len(records) == 60
    base_date = datetime(2025, 11, 20, tzinfo=UTC)
    for record in records:
        assert _UTC_ISO.match(record["published_at"]), record["published_at"]
        published = datetime.fromisoformat(record["published_at"])
        assert base_date - timedelta(days=120) <= published < base_date
        assert 1 <= len(record["authors"]) <= 3
        assert 1 <= len(record["tags"]) <= 3
        assert SITE_NAME not in record["title"]
        assert not any(record["title"].startswith(label) for _, label in site.tags)
        paragraphs = record["text"].split("\n\n")
        assert len(paragraphs) >= 6  # the caption, then 5 to 12 paragraphs and maybe more
        assert "\\'" not in record["text"]
        assert record["sightings"], record["url"]
        assert (record["change"], record["modified_at"]) == ("new", None)
    assert {len(r["authors"]) for r in records} == {1, 2, 3}
    assert sum(len(r["tags"]) == 3 for r in records) >= 3
    assert sum("’" in r["text"] and "“" in r["text"] for r in records) > 50
    excluded = [site.no_body_path, site.not_found_path, site.server_error_path, *site.members_paths]
    urls = {urlsplit(r["url"]).path for r in records}
    assert not urls & set(excluded)


def test_write_truth_writes_json_lines(site: DemoSite, tmp_path: Path) -> None:
    target = tmp_path / "truth.jsonl"
    write_truth(site, "http://127.0.0.1:5/", target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == site.truth("http://127.0.0.1:5/")


# --- listings and sightings --------------------------------------------------------------------


def crawl_listings(
    get: Callable[[str], bytes], base: str
) -> dict[str, list[lxml.html.HtmlElement]]:
    """Follow the nav and every rel=next link; the teaser items of each listing page."""
    home = lxml.html.fromstring(get(base))
    todo = [base] + [urljoin(base, h) for h in home.xpath("//header//nav//a/@href")]
    seen: dict[str, list[lxml.html.HtmlElement]] = {}
    while todo:
        url = todo.pop(0)
        if url in seen or urlsplit(url).path.startswith("/members/"):
            continue
        doc = lxml.html.fromstring(get(url))
        seen[url] = doc.xpath("//main//article[@class='teaser']")
        todo += [
            urljoin(url, h) for h in doc.xpath("//nav[@class='pagination']/a[@rel='next']/@href")
        ]
    return seen


def check_sightings(
    site: DemoSite, listings: dict[str, list[lxml.html.HtmlElement]], truth: list[dict[str, Any]]
) -> list[str]:
    """Compare the truth's sightings with the listing pages; the paths of items not in it."""
    assert len(listings) == len(site.listing_paths)
    owner = {r["url"]: r["url"] for r in truth} | {
        u: r["url"] for r in truth for u in r["other_urls"]
    }
    found: dict[str, list[dict[str, Any]]] = {}
    dead: list[str] = []
    for listing_url, items in listings.items():
        path = urlsplit(listing_url).path
        tag = None if path == "/" else path.split("/")[2]
        for position, item in enumerate(items, start=1):
            href = urljoin(listing_url, item.xpath("./h2/a/@href")[0])
            assert item.xpath("./a[@class='tag-label']/@href")[0].startswith("/tag/")
            assert item.xpath("./p[@class='teaser']/text()")[0]
            assert _DATE_TEXT.match(item.xpath("./time/text()")[0])
            datetime.fromisoformat(item.xpath("./time/@datetime")[0])
            if href in owner:
                found.setdefault(owner[href], []).append(
                    {"listing_url": listing_url, "tag": tag, "position": position}
                )
            else:
                dead.append(urlsplit(href).path)
    for record in truth:
        assert sorted(record["sightings"], key=str) == sorted(found[record["url"]], key=str)
    return dead


def test_sightings_match_the_listing_pages(site: DemoSite, truth: list[dict[str, Any]]) -> None:
    listings = crawl_listings(lambda url: site.page(url).body, BASE)
    dead = check_sightings(site, listings, truth)
    assert sorted(dead) == sorted(
        [site.no_body_path, site.not_found_path, site.server_error_path, site.members_paths[0]]
    )


def test_home_page_layout(site: DemoSite, truth: list[dict[str, Any]]) -> None:
    doc = html_of(site, "/")
    nav = doc.xpath("//header//nav//a/@href")
    assert nav == [f"/tag/{slug}/" for slug, _ in site.tags] + ["/members/"]
    items = doc.xpath("//main//article[@class='teaser']/h2/a/@href")
    assert len(items) == 13
    newest = sorted(truth, key=lambda r: r["published_at"], reverse=True)[:12]
    assert items[:12] == [urlsplit(r["url"]).path for r in newest]
    assert items[12].startswith("/members/")
    assert doc.xpath("//aside//h3/text()") == ["Most Popular Articles"]
    assert len(doc.xpath("//aside//a")) == 5
    assert not doc.xpath("//aside//article")
    assert doc.xpath("//footer")


def test_tag_pages_paginate_newest_first(site: DemoSite) -> None:
    assert len(site.tags) >= 5
    for slug, label in site.tags:
        pages = [p for p in site.listing_paths if p.startswith(f"/tag/{slug}/")]
        assert pages[0] == f"/tag/{slug}/"
        dates: list[datetime] = []
        for number, path in enumerate(pages, start=1):
            doc = html_of(site, path)
            items = doc.xpath("//main//article[@class='teaser']")
            assert 1 <= len(items) <= 10
            assert len(items) == 10 or number == len(pages)
            dates += [
                datetime.fromisoformat(t) for t in doc.xpath("//main//article/time/@datetime")
            ]
            nxt, prev = doc.xpath("//a[@rel='next']/@href"), doc.xpath("//a[@rel='prev']/@href")
            assert nxt == ([f"/tag/{slug}/page/{number + 1}/"] if number < len(pages) else [])
            assert bool(prev) == (number > 1)
            assert doc.xpath("//h1/text()")[0].startswith(label)
        assert dates == sorted(dates, reverse=True)
    assert any(len([p for p in site.listing_paths if slug in p]) > 2 for slug, _ in site.tags)


def test_three_tag_article_off_the_front_page_has_three_sightings(
    truth: list[dict[str, Any]],
) -> None:
    home_urls = {r["url"] for r in truth if any(s["tag"] is None for s in r["sightings"])}
    candidates = [
        r
        for r in truth
        if len(r["tags"]) == 3 and r["url"] not in home_urls and not r["other_urls"]
    ]
    assert candidates
    for record in candidates:
        assert len(record["sightings"]) == 3
        assert {s["tag"] for s in record["sightings"]} == {t.lower() for t in record["tags"]}


# --- the article page and its traps ------------------------------------------------------------


def test_article_markup_carries_every_trait(site: DemoSite, truth: list[dict[str, Any]]) -> None:
    sources: set[str] = set()
    offsets: set[str] = set()
    bylines: set[int] = set()
    for record in truth:
        path = urlsplit(record["url"]).path
        doc = html_of(site, path)
        title = record["title"]
        assert doc.get("lang") == "en"
        assert doc.findtext(".//title") == f"{title} | {SITE_NAME}"
        assert doc.xpath("//meta[@name='description']/@content")
        assert doc.xpath("//meta[@property='article:tag']/@content") == record["tags"]
        h1 = doc.xpath("//h1[@class='entry-title']")[0]
        label = h1.xpath("./a[@class='tag-label']")[0]
        assert label.text == record["tags"][0]
        assert label.tail == title
        assert lxml.html.tostring(h1, encoding="unicode").count(f"</a>{title[:10]}") == 1
        crumbs = doc.xpath("//nav[@class='breadcrumbs']")[0].text_content()
        assert crumbs == f"Home › {record['tags'][0]} › {title}"
        byline = doc.xpath("//div[@class='byline']")[0]
        assert byline.xpath("./a[@rel='author']/text()") == record["authors"]
        bylines.add(len(record["authors"]))
        want = datetime.fromisoformat(record["published_at"])
        stamps = byline.xpath("./time/@datetime")
        ld = doc.xpath("//script[@type='application/ld+json']/text()")
        meta = doc.xpath("//meta[@property='article:published_time']/@content")
        if ld:
            data = json.loads(ld[0])
            assert data["@type"] == "NewsArticle"
            assert "articleBody" not in data
            assert [a["name"] for a in data["author"]] == record["authors"]
            stamps.append(data["datePublished"])
            sources.add("json-ld")
        if meta:
            stamps += meta
            names = doc.xpath("//meta[@name='author']/@content")
            assert names == [", ".join(record["authors"])]
            sources.add("meta")
        if not ld and not meta:
            sources.add("time")
        for stamp in stamps:
            assert datetime.fromisoformat(stamp) == want
            offsets.add(stamp[19:])
        assert [a.text for a in doc.xpath("//ul[@class='share-tools']//a")] == list(SHARE_LABELS)
        assert doc.xpath("//div[@class='post-tags']/a[@rel='tag']/text()") == record["tags"]
        content = doc.xpath("//div[@class='entry-content']")[0]
        caption = record["text"].split("\n\n")[0]
        assert content.xpath(".//p[@class='photo-alt']/text()") == [caption.replace("’", "\\'")]
        assert content.xpath(".//p[@class='photo-text']/text()") == [caption]
        assert content.xpath(".//img/@alt") == [caption.replace("’", "\\'")]
        strong = content.xpath(".//p/strong/text()")
        assert strong == ["Check Out Our Content", "Check Out Other Tags:", "Most Popular Articles"]
        assert len(doc.xpath("//section[@class='more-stories']//div[@class='story-card']")) == 3
        assert doc.xpath("//footer")
    assert sources == {"json-ld", "meta", "time"}
    assert bylines == {1, 2, 3}
    assert {"Z", "+00:00", "+09:00", "-05:00"} <= offsets


def test_body_blocks_are_in_markup_and_truth(site: DemoSite, truth: list[dict[str, Any]]) -> None:
    headings = quotes = with_appeal = 0
    for record in truth:
        content = html_of(site, urlsplit(record["url"]).path).xpath(
            "//div[@class='entry-content']"
        )[0]
        blocks = [
            el.text_content() for el in content.xpath("./p[not(@class)] | ./h2 | ./blockquote")
        ]
        assert blocks[-1] == STANDING_FOOTNOTE
        appeals = blocks.count(SUPPORT_APPEAL)
        if appeals:
            appeal_at = blocks.index(SUPPORT_APPEAL)
            assert 2 <= appeal_at <= len(blocks) - 3, "the appeal sits inside the body"
        with_appeal += appeals
        blocks = [b for b in blocks if b not in SITE_BOILERPLATE]
        assert blocks == record["text"].split("\n\n")[1:]
        assert not set(SITE_BOILERPLATE) & set(record["text"].split("\n\n"))
        paragraphs = [
            p for p in content.xpath("./p[not(@class)]/text()") if p not in SITE_BOILERPLATE
        ]
        assert 5 <= len(paragraphs) <= 12
        assert all(30 <= len(p.split()) <= 110 and p.endswith((".", "”")) for p in paragraphs)
        headings += len(content.xpath("./h2"))
        quotes += len(content.xpath("./blockquote"))
    assert headings
    assert quotes
    assert 0.6 * len(truth) <= with_appeal < len(truth), "most articles carry the appeal, not all"


def test_legacy_article_is_windows_1252(site: DemoSite, truth: list[dict[str, Any]]) -> None:
    page = site.page(site.legacy_encoding_path)
    assert page.content_type == "text/html; charset=windows-1252"
    assert b'<meta charset="windows-1252">' in page.body
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")
    html = page.body.decode("cp1252")
    record = by_url(truth, urljoin(BASE, site.legacy_encoding_path))
    for char in "éüñ€“”–":
        assert char in record["text"]
    for paragraph in record["text"].split("\n\n"):
        assert paragraph in html


def test_special_articles(site: DemoSite, truth: list[dict[str, Any]]) -> None:
    base = BASE
    tracked = urljoin(base, site.tracking_variant_path)
    owner = next(r for r in truth if tracked in r["other_urls"])
    assert {s["tag"] for s in owner["sightings"]} >= {
        owner["tags"][0].lower(),
        owner["tags"][1].lower(),
    }
    synd_url = urljoin(base, site.syndicated_path)
    original = next(r for r in truth if synd_url in r["other_urls"])
    synd = html_of(site, site.syndicated_path)
    orig = html_of(site, urlsplit(original["url"]).path)
    assert not synd.xpath("//link[@rel='canonical']")
    assert synd.findtext(".//title") == orig.findtext(".//title")
    body_xpath = "//div[@class='entry-content']/*[not(@class='more-from-us')]"
    assert [lxml.html.tostring(e) for e in synd.xpath(body_xpath)] == [
        lxml.html.tostring(e) for e in orig.xpath(body_xpath)
    ]
    synd_time = datetime.fromisoformat(synd.xpath("//div[@class='byline']/time/@datetime")[0])
    assert synd_time - datetime.fromisoformat(original["published_at"]) == timedelta(hours=6)
    assert any(urlsplit(s["listing_url"]).path.startswith("/tag/") for s in original["sightings"])

    updated = by_url(truth, urljoin(base, site.republished_path))
    first = by_url(truth, updated["near_duplicate_of"])
    assert updated["title"] == first["title"] + " (Updated)"
    assert urlsplit(updated["url"]).path.endswith("-updated.html")
    delta = datetime.fromisoformat(updated["published_at"]) - datetime.fromisoformat(
        first["published_at"]
    )
    assert delta == timedelta(days=2)
    old, new = first["text"].split("\n\n"), updated["text"].split("\n\n")
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(changed) == 2
    (grown,) = [(a, b) for a, b in changed if b.startswith(a + " ")]
    assert len(sentences(grown[1])) == len(sentences(grown[0])) + 1
    (edited,) = [(a, b) for a, b in changed if (a, b) != grown]
    before, after = sentences(edited[0]), sentences(edited[1])
    assert len(before) == len(after)
    assert sum(x != y for x, y in zip(before, after, strict=True)) == 1
    assert sum(1 for r in truth if r["near_duplicate_of"]) == 1

    stub = html_of(site, site.no_body_path)
    content = stub.xpath("//div[@class='entry-content']")[0]
    assert not content.xpath("./p[not(@class)]")
    assert not content.xpath(".//div[@class='photo']")
    assert stub.xpath("//h1")
    assert stub.xpath("//div[@class='byline']")
    assert [a.text for a in stub.xpath("//ul[@class='share-tools']//a")] == list(SHARE_LABELS)
    assert content.xpath(".//p/strong/text()")


def test_trafilatura_falls_into_the_traps(site: DemoSite, truth: list[dict[str, Any]]) -> None:
    for record in truth[::7]:
        page = site.page(urlsplit(record["url"]).path)
        text = trafilatura.extract(page.body)
        assert text is not None
        for phrase in BOILERPLATE_PHRASES:
            assert phrase in text
        caption = record["text"].split("\n\n")[0]
        assert caption in text
        assert caption.replace("’", "\\'") in text
        assert record["tags"][0] + record["title"] in text
        assert text != record["text"]


# --- the HTTP server and the command line -----------------------------------------------------


def charset(headers: Message) -> str:
    return headers.get_content_charset() or "utf-8"


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo") / "requests.log"


@pytest.fixture(scope="module")
def server(site: DemoSite, log_file: Path) -> Iterator[DemoServer]:
    with DemoServer(site, log_path=log_file) as running:
        yield running


def test_every_truth_article_is_served_with_its_title(site: DemoSite, server: DemoServer) -> None:
    for record in site.truth(server.url):
        status, headers, body = fetch(record["url"])
        assert status == 200, record["url"]
        assert headers["Content-Type"].startswith("text/html")
        assert int(headers["Content-Length"]) == len(body)
        assert headers["ETag"]
        assert headers["Last-Modified"]
        assert html.escape(record["title"], quote=False) in body.decode(charset(headers))


def test_special_paths_answer_as_specified(site: DemoSite, server: DemoServer) -> None:
    status, headers, body = fetch(urljoin(server.url, site.not_found_path))
    assert status == 404
    assert b"<html" in body
    assert headers["Content-Type"].startswith("text/html")
    status, _, body = fetch(urljoin(server.url, site.server_error_path))
    assert status == 500
    assert b"<html" in body
    assert fetch(urljoin(server.url, "/no/such/page.html"))[0] == 404
    for path in (
        site.no_body_path,
        site.syndicated_path,
        site.republished_path,
        site.tracking_variant_path,
    ):
        assert fetch(urljoin(server.url, path))[0] == 200, path


def test_tracking_query_is_ignored_for_routing(site: DemoSite, server: DemoServer) -> None:
    clean = urlsplit(site.tracking_variant_path).path
    assert urlsplit(site.tracking_variant_path).query.startswith("utm_source=")
    assert (
        fetch(urljoin(server.url, site.tracking_variant_path))[2]
        == fetch(urljoin(server.url, clean))[2]
    )


def test_session_and_click_id_variants_serve_the_article(
    site: DemoSite, server: DemoServer
) -> None:
    variants = {
        site.session_variant_path: ";jsessionid=0A1B2C3D",
        site.session_query_variant_path: "?sid=abc123",
        site.click_variant_path: "?fbclid=",
        site.tracking_variant_path: "?utm_source=",
    }
    truth = site.truth(server.url)
    listed_on: dict[str, str] = {}
    for listing in site.listing_paths:
        for href in html_of(site, listing).xpath("//main//article/h2/a/@href"):
            listed_on.setdefault(href, listing)
    for variant, marker in variants.items():
        clean = variant.partition(marker)[0]
        assert clean.endswith(".html"), variant
        owner = by_url(truth, urljoin(server.url, clean))
        assert urljoin(server.url, variant) in owner["other_urls"]
        status, _, body = fetch(urljoin(server.url, variant))
        assert (status, body) == (200, fetch(urljoin(server.url, clean))[2])
        assert variant in listed_on
    assert len({listed_on[v] for v in variants}) == len(variants), "each on a listing of its own"


def test_a_title_holding_markup_is_escaped_in_the_page(site: DemoSite) -> None:
    (record,) = [r for r in site.truth(BASE) if r["title"] == SCRIPT_TITLE]
    assert urljoin(BASE, site.syndicated_path) in record["other_urls"]
    for path in (urlsplit(record["url"]).path, site.syndicated_path):
        page = site.page(path).body.decode()
        doc = lxml.html.fromstring(page)
        assert page.count("<script") == len(doc.xpath("//script"))
        assert "&lt;script&gt;" in page
        assert doc.findtext(".//title") == f"{SCRIPT_TITLE} | {SITE_NAME}"
        assert doc.xpath("//meta[@property='og:title']/@content") == [SCRIPT_TITLE]
        assert doc.xpath("//h1")[0].text_content().endswith(SCRIPT_TITLE)
        for blob in doc.xpath("//script[@type='application/ld+json']/text()"):
            assert "\\u003cscript\\u003e" in blob
            assert json.loads(blob)["headline"] == SCRIPT_TITLE


def test_legacy_page_is_served_as_windows_1252(site: DemoSite, server: DemoServer) -> None:
    status, headers, body = fetch(urljoin(server.url, site.legacy_encoding_path))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1252"
    record = by_url(site.truth(server.url), urljoin(server.url, site.legacy_encoding_path))
    html = body.decode(charset(headers))
    assert all(p in html for p in record["text"].split("\n\n"))


def test_robots_txt_disallows_members(site: DemoSite, server: DemoServer) -> None:
    status, headers, body = fetch(urljoin(server.url, "robots.txt"))
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(body.decode().splitlines())
    assert site.disallowed_prefix == "/members/"
    assert not parser.can_fetch("gleaner", urljoin(server.url, site.members_paths[0]))
    assert not parser.can_fetch("gleaner", urljoin(server.url, "/members/"))
    assert parser.can_fetch("gleaner", urljoin(server.url, site.no_body_path))
    assert parser.site_maps() == [urljoin(server.url, "/sitemap.xml")]
    assert all(fetch(urljoin(server.url, p))[0] == 200 for p in site.members_paths)


def test_request_log_records_each_request(
    site: DemoSite, server: DemoServer, log_file: Path
) -> None:
    before = len(server.requests)
    fetch(urljoin(server.url, site.tracking_variant_path))
    fetch(urljoin(server.url, site.server_error_path))
    fetch(urljoin(server.url, "robots.txt"), method="HEAD")
    expected = [
        ("GET", site.tracking_variant_path, 200),
        ("GET", site.server_error_path, 500),
        ("HEAD", "/robots.txt", 200),
    ]
    assert server.requests[before:] == expected
    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert lines[-3:] == [f"{m} {p} {s}" for m, p, s in expected]
    assert len(lines) == len(server.requests)


def test_concurrent_requests_are_all_recorded(
    site: DemoSite, server: DemoServer, log_file: Path
) -> None:
    paths = [urlsplit(r["url"]).path for r in site.truth(server.url)] * 3
    before = len(server.requests)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda p: fetch(urljoin(server.url, p))[0], paths))
    assert statuses == [200] * len(paths)
    recorded = server.requests[before:]
    assert sorted(recorded) == sorted(("GET", p, 200) for p in paths)
    assert len(log_file.read_text(encoding="utf-8").splitlines()) == len(server.requests)


def test_conditional_requests_get_304(site: DemoSite, server: DemoServer) -> None:
    truth = site.truth(server.url)
    url = truth[0]["url"]
    status, headers, body = fetch(url)
    assert status == 200
    assert body
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, headers, body = fetch(url, {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["ETag"] == etag
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": modified})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200
    published = datetime.fromisoformat(truth[0]["published_at"])
    assert modified == published.strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_crawling_the_server_finds_the_truth(site: DemoSite, server: DemoServer) -> None:
    truth = site.truth(server.url)
    listings = crawl_listings(lambda url: fetch(url)[2], server.url)
    dead = check_sightings(site, listings, truth)
    statuses = {path: fetch(urljoin(server.url, path))[0] for path in dead}
    assert statuses == {
        site.no_body_path: 200,
        site.not_found_path: 404,
        site.server_error_path: 500,
        site.members_paths[0]: 200,
    }


def test_command_line_serves_writes_truth_and_stops_cleanly(tmp_path: Path) -> None:
    truth_file, log = tmp_path / "truth.jsonl", tmp_path / "requests.log"
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        cmd = [sys.executable, "-m", "crawler.demo", "--articles", "25", "--seed", "2"]
        cmd += ["--truth", str(truth_file), "--log", str(log)]
        with subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as proc:
            try:
                assert proc.stdout is not None
                assert proc.stderr is not None
                line = proc.stdout.readline()
                match = re.fullmatch(r"serving (http://127\.0\.0\.1:(\d+)/)\n", line)
                assert match, line
                url = match.group(1)
                lines = truth_file.read_text(encoding="utf-8").splitlines()
                assert len(lines) == 25
                assert [json.loads(x) for x in lines] == build_site(25, seed=2).truth(url)
                assert fetch(url)[0] == 200
                proc.send_signal(stop_signal)
                assert proc.wait(timeout=10) == 0
                assert proc.stdout.read() == ""
                assert proc.stderr.read() == ""
                assert log.read_text(encoding="utf-8") == "GET / 200\n"
            finally:
                if proc.poll() is None:
                    proc.kill()
