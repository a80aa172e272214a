"""The demo site's feeds and sitemaps: valid XML listing exactly the truth's articles."""

from __future__ import annotations

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import pytest

from crawler.demo import NEW_PER_DAY, SCRIPT_TITLE, DemoServer, DemoSite, build_site, feeds

BASE = "http://127.0.0.1:8000/"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only


def fetch(url: str, headers: dict[str, str] | None = None) -> Any:
    """(status, headers, body) of one GET; error statuses are answers, not exceptions."""
    try:
        with _OPENER.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


@pytest.fixture(scope="module", params=[0, 1], ids=["day0", "day1"])
def site(request: pytest.FixtureRequest) -> DemoSite:
    return build_site(day=request.param)


def xml_of(site: DemoSite, path: str) -> ET.Element:
    return ET.fromstring(site.page(path, BASE).body)


def newest(site: DemoSite, count: int) -> list[dict[str, Any]]:
    records = site.truth(BASE)
    return sorted(records, key=lambda r: r["published_at"], reverse=True)[:count]


def updated(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["modified_at"] or record["published_at"])


def test_rss_lists_the_newest_20_articles(site: DemoSite) -> None:
    root = xml_of(site, "/feed.xml")
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("link") == BASE
    items = channel.findall("item")
    want = newest(site, 20)
    assert [i.findtext("link") for i in items] == [r["url"] for r in want]
    assert [i.findtext("guid") for i in items] == [r["url"] for r in want]
    assert [i.findtext("title") for i in items] == [r["title"] for r in want]
    for item, record in zip(items, want, strict=True):
        published = parsedate_to_datetime(item.findtext("pubDate", ""))
        assert published == datetime.fromisoformat(record["published_at"])
        assert item.findtext("description")
    built = parsedate_to_datetime(channel.findtext("lastBuildDate", ""))
    assert built == max(updated(r) for r in want)


def test_atom_entries_are_updated_when_modified(site: DemoSite) -> None:
    root = xml_of(site, "/atom.xml")
    assert root.tag == f"{{{NS['atom']}}}feed"
    entries = root.findall("atom:entry", NS)
    want = newest(site, 20)
    assert [e.findtext("atom:id", namespaces=NS) for e in entries] == [r["url"] for r in want]
    for entry, record in zip(entries, want, strict=True):
        link = entry.find("atom:link", NS)
        assert link is not None
        assert link.get("href") == record["url"]
        assert entry.findtext("atom:title", namespaces=NS) == record["title"]
        names = [a.findtext("atom:name", namespaces=NS) for a in entry.findall("atom:author", NS)]
        assert names == record["authors"]
        when = datetime.fromisoformat(entry.findtext("atom:updated", "", NS))
        assert when == updated(record)
    assert datetime.fromisoformat(root.findtext("atom:updated", "", NS)) == max(
        updated(r) for r in want
    )


def test_sitemaps_list_every_truth_article_once(site: DemoSite) -> None:
    index = xml_of(site, "/sitemap.xml")
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    maps = {
        s.findtext("sm:loc", namespaces=NS): s.findtext("sm:lastmod", namespaces=NS)
        for s in index.findall("sm:sitemap", NS)
    }
    assert site.sitemap_paths == ["/sitemap.xml", "/sitemaps/news.xml", "/sitemaps/articles-1.xml"]
    assert list(maps) == [urljoin(BASE, p) for p in site.sitemap_paths[1:]]
    records = {r["url"]: r for r in site.truth(BASE)}
    listed: list[str] = []
    for url, lastmod in maps.items():
        assert url is not None
        if url.endswith("/news.xml"):
            continue
        urls = xml_of(site, url.removeprefix(BASE.rstrip("/"))).findall("sm:url", NS)
        dates = [datetime.fromisoformat(u.findtext("sm:lastmod", "", NS)) for u in urls]
        listed += [u.findtext("sm:loc", "", NS) for u in urls]
        for u, when in zip(urls, dates, strict=True):
            assert when == updated(records[u.findtext("sm:loc", "", NS)])
        assert datetime.fromisoformat(lastmod or "") == max(dates)
    assert sorted(listed) == sorted(records)
    oldest_first = sorted(records.values(), key=lambda r: (r["published_at"], r["url"]))
    assert [records[u]["published_at"] for u in listed] == [r["published_at"] for r in oldest_first]


def test_news_sitemap_holds_the_last_two_days(site: DemoSite) -> None:
    root = xml_of(site, "/sitemaps/news.xml")
    assert root.tag == f"{{{NS['sm']}}}urlset"
    since = site.today - timedelta(days=2)
    want = [r for r in newest(site, 10**6) if datetime.fromisoformat(r["published_at"]) >= since]
    urls = root.findall("sm:url", NS)
    assert [u.findtext("sm:loc", "", NS) for u in urls] == [r["url"] for r in want]
    for url, record in zip(urls, want, strict=True):
        news = url.find("news:news", NS)
        assert news is not None
        assert news.findtext("news:publication/news:name", "", NS) == site.site_name
        assert news.findtext("news:title", "", NS) == record["title"]
        published = datetime.fromisoformat(news.findtext("news:publication_date", "", NS))
        assert published == datetime.fromisoformat(record["published_at"])
    if site.day > 0:
        assert len(want) >= NEW_PER_DAY


def test_feeds_escape_markup_in_titles(site: DemoSite) -> None:
    story = replace(site.articles[0], title=SCRIPT_TITLE, teaser="Fish & <b>chips</b>")
    for body in (feeds.rss([story]), feeds.atom([story]), feeds.news_set([story])):
        assert "<script>" not in body
        assert "&lt;script&gt;" in body
        root = ET.fromstring(body)
        assert SCRIPT_TITLE in [el.text for el in root.iter() if el.tag.endswith("title")]
    description = ET.fromstring(feeds.rss([story])).findtext("channel/item/description")
    assert description == "Fish & <b>chips</b>"


def test_full_sitemap_chunks_keep_their_bytes_as_days_pass() -> None:
    before, after = build_site(1100), build_site(1100, day=1)
    assert before.sitemap_paths[2:] == [f"/sitemaps/articles-{n}.xml" for n in (1, 2, 3)]
    assert after.sitemap_paths == before.sitemap_paths
    (edited,) = after.updated_paths
    for path in before.sitemap_paths[2:4]:
        holds_edit = edited.encode() in before.pages[path].body
        assert (before.pages[path].body == after.pages[path].body) != holds_edit, path
    assert before.pages[before.sitemap_paths[-1]].body != after.pages[after.sitemap_paths[-1]].body
    last = ET.fromstring(after.page(after.sitemap_paths[-1], BASE).body)
    assert len(last.findall("sm:url", NS)) == 1103 - 1000


# --- served over HTTP -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(build_site()) as running:
        yield running


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/feed.xml", "application/rss+xml"),
        ("/atom.xml", "application/atom+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/sitemaps/news.xml", "application/xml"),
        ("/sitemaps/articles-1.xml", "application/xml"),
    ],
)
def test_feeds_are_served_with_validators(server: DemoServer, path: str, content_type: str) -> None:
    url = urljoin(server.url, path)
    status, headers, body = fetch(url)
    assert status == 200
    assert headers.get_content_type() == content_type
    assert int(headers["Content-Length"]) == len(body)
    assert body == server.site.page(path, server.url).body
    if path != "/sitemaps/news.xml":
        assert server.url.encode() in body
    ET.fromstring(body)
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
