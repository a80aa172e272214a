"""The sites file: defaults, and every problem reported with its site and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from crawler.sites import SiteConfig, SitesFileError, find_site, load_sites

GOOD = """
[[site]]
name = "daily"
start_urls = ["https://daily.example/", "https://www.daily.example/world/"]

[[site]]
name = "weekly"
start_urls = ["https://weekly.example/"]
article_patterns = ['/story/\\d+$']
download_delay = 2.0
concurrency = 2
max_pages = 100
[site.cleanup]
drop_selectors = ["div.newsletter", "//aside"]
stop_phrases = ["More from Weekly"]
title_suffix_patterns = ['\\s*[|-]\\s*Weekly$']
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_values(tmp_path: Path) -> None:
    daily, weekly = load_sites(write(tmp_path, GOOD))
    assert daily.allowed_domains == ("daily.example", "www.daily.example")
    assert daily.max_pages is None
    assert daily.is_article("https://daily.example/2025/09/05/some-story-here.html")
    assert daily.is_listing("https://daily.example/tag/world/page/2/")
    assert not daily.is_article("https://daily.example/tag/world/")
    assert weekly.is_article("https://weekly.example/story/42")
    assert not weekly.is_article("https://weekly.example/2025/09/05/some-story-here.html")
    assert weekly.cleanup.stop_phrases == ("More from Weekly",)
    assert find_site([daily, weekly], "weekly") is weekly


def test_every_problem_names_site_and_field(tmp_path: Path) -> None:
    bad = """
[[site]]
name = "daily"
start_urls = ["https://daily.example/"]
articel_patterns = ['/story/']
listing_patterns = ['/tag/(unclosed']

[[site]]
name = "weekly"
start_urls = ["ftp://weekly.example/"]
concurrency = 0
[site.cleanup]
drop_selectors = ["div[["]
"""
    with pytest.raises(SitesFileError) as caught:
        load_sites(write(tmp_path, bad))
    found = {(p.site, p.field) for p in caught.value.problems}
    assert found == {
        ("daily", "articel_patterns"),
        ("daily", "listing_patterns.0"),
        ("weekly", "start_urls"),
        ("weekly", "concurrency"),
        ("weekly", "cleanup.drop_selectors.0"),
    }
    text = str(caught.value)
    assert "unknown key" in text
    assert "invalid regular expression" in text


FEEDS = """
[[site]]
name = "daily"
start_urls = ["https://daily.example/"]
allowed_domains = ["daily.example", "cdn.example"]
feeds = ["https://daily.example/feed.xml", "https://www.daily.example/world/rss"]
sitemaps = ["https://cdn.example/sitemaps/news.xml.gz"]
recheck_after = "12h"
stop_at_known = false

[[site]]
name = "weekly"
start_urls = ["https://weekly.example/"]
recheck_after = 5400
"""


def test_feeds_sitemaps_and_recheck_are_read(tmp_path: Path) -> None:
    daily, weekly = load_sites(write(tmp_path, FEEDS))
    assert daily.feeds == ("https://daily.example/feed.xml", "https://www.daily.example/world/rss")
    assert daily.sitemaps == ("https://cdn.example/sitemaps/news.xml.gz",)
    assert daily.recheck_after == timedelta(hours=12)
    assert daily.stop_at_known is False
    assert weekly.recheck_after == timedelta(minutes=90)
    assert weekly.feeds == ()
    assert weekly.sitemaps == ()
    assert weekly.stop_at_known is True


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('"90s"', timedelta(seconds=90)),
        ('"30m"', timedelta(minutes=30)),
        ('"7d"', timedelta(days=7)),
        ('"1d 12h"', timedelta(hours=36)),
        ('"2W"', timedelta(weeks=2)),
        ("0.5", timedelta(milliseconds=500)),
    ],
)
def test_recheck_after_spellings(tmp_path: Path, written: str, expected: timedelta) -> None:
    text = f'[[site]]\nname = "a"\nstart_urls = ["https://a.example/"]\nrecheck_after = {written}\n'
    (site,) = load_sites(write(tmp_path, text))
    assert site.recheck_after == expected


def test_feed_sitemap_and_recheck_problems_name_site_and_field(tmp_path: Path) -> None:
    bad = """
[[site]]
name = "daily"
start_urls = ["https://daily.example/"]
feeds = ["https://elsewhere.example/feed.xml"]
sitemaps = ["/sitemap.xml"]
recheck_after = "soon"

[[site]]
name = "weekly"
start_urls = ["https://weekly.example/"]
allowed_domains = ["weekly.example"]
sitemaps = ["https://weekly.example/sitemap.xml", "ftp://weekly.example/sitemap.xml"]
feeds = ["https://www.weekly.example/rss", "https://weekly.other/rss"]
recheck_after = "0s"
stop_at_known = "maybe"
"""
    with pytest.raises(SitesFileError) as caught:
        load_sites(write(tmp_path, bad))
    found = {(p.site, p.field) for p in caught.value.problems}
    assert found == {
        ("daily", "feeds"),
        ("daily", "sitemaps"),
        ("daily", "recheck_after"),
        ("weekly", "sitemaps"),
        ("weekly", "feeds"),
        ("weekly", "recheck_after"),
        ("weekly", "stop_at_known"),
    }
    text = str(caught.value)
    assert (
        "'https://elsewhere.example/feed.xml' is not on the site's domains (daily.example)" in text
    )
    assert "'/sitemap.xml' is not an http(s) URL with a host" in text
    assert "'ftp://weekly.example/sitemap.xml' is not an http(s) URL" in text
    assert "'https://weekly.other/rss' is not on the site's domains" in text
    assert "'soon' is not a duration" in text
    assert "'0s' is not a positive duration" in text


def test_duplicate_names_and_missing_file(tmp_path: Path) -> None:
    twice = GOOD.replace('name = "weekly"', 'name = "daily"')
    with pytest.raises(SitesFileError, match="same name"):
        load_sites(write(tmp_path, twice))
    with pytest.raises(SitesFileError, match="file not found"):
        load_sites(tmp_path / "missing.toml")
    with pytest.raises(SitesFileError, match="not valid TOML"):
        load_sites(write(tmp_path, "[[site]\nname="))


def test_unknown_site_lists_known_ones(tmp_path: Path) -> None:
    sites = load_sites(write(tmp_path, GOOD))
    with pytest.raises(KeyError, match="known: daily, weekly"):
        find_site(sites, "monthly")


def test_shipped_sites_file_is_valid() -> None:
    shipped = load_sites(Path(__file__).parent.parent / "sites.toml")
    assert shipped
    assert all(isinstance(s, SiteConfig) for s in shipped)
