"""Feeds and sitemaps: the articles they list, read safely from whatever the server sends."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.listing.feeds import (
    FeedTooLarge,
    NotAFeed,
    feed_datetime,
    parse_feed,
    parse_sitemap,
    sniff_kind,
)
from crawler.sites import SiteConfig

SITE = SiteConfig(name="t", start_urls=("https://news.test/",))

RSS = (
    b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
 <title>News Test</title>
 <link>https://news.test/</link>
 <atom:link href="https://news.test/feed/" rel="self" type="application/rss+xml"/>
 <lastBuildDate>Sat, 06 Sep 2025 10:00:00 +0000</lastBuildDate>
 <item>
  <title><![CDATA[Kim &amp; Xi <em>at</em> the parade]]></title>
  <link>https://news.test/2025/09/05/kim-and-xi-at-the-parade/?utm_source=rss&amp;utm_medium=rss</link>
  <pubDate>Fri, 05 Sep 2025 09:30:00 +0200</pubDate>
  <dc:creator>A. Writer</dc:creator>
  <guid isPermaLink="false">https://news.test/?p=101</guid>
  <description><![CDATA[<p>Leaders stood side by side&nbsp;in Beijing.</p><p>The post
   <a href="https://news.test/2025/09/05/kim-and-xi-at-the-parade/">Kim and Xi</a>
   appeared first on News Test.</p>]]></description>
  <content:encoded><![CDATA[<p>The whole article, which is not the teaser.</p>]]></content:encoded>
 </item>
 <item>
  <title>Pixel Watch fixes step counts</title>
  <guid>https://news.test/2025/09/04/pixel-watch-fixes-step-counts.html</guid>
  <pubDate>04 Sep 2025 18:00:00 EST</pubDate>
  <dc:date>2025-09-05T01:15:00Z</dc:date>
  <description>&lt;p&gt;Google&amp;#8217;s update &lt;b&gt;fixes&lt;/b&gt; it.&lt;/p&gt;</description>
 </item>
 <item>
  <title>Relative link</title>
  <link>/2025/09/03/a-relative-story-link.html</link>
  <description>Plain text teaser.</description>
 </item>
 <item>
  <title>Duplicate of the first, without tracking</title>
  <link>https://news.test/2025/09/05/kim-and-xi-at-the-parade/</link>
 </item>
 <item><title>Off-site</title><link>https://elsewhere.test/2025/09/02/a-syndicated-story.html</link></item>
 <item><title>A tag page</title><link>https://news.test/tag/world/</link></item>
 <item><title>Script</title><link>javascript:alert(1)</link></item>
 <item><title>Opaque guid</title><guid>tag:news.test,2025:post-7</guid></item>
 <item>
  <title>Long</title>
  <link>https://news.test/2025/09/01/a-very-long-teaser.html</link>
  <description>"""
    + b"word " * 200
    + b"""</description>
 </item>
</channel>
</rss>"""
)


def test_rss_items_with_headline_teaser_and_date() -> None:
    page = parse_feed(RSS, "https://news.test/feed/", SITE)
    assert [e.position for e in page.entries] == [1, 2, 3, 4]
    first, second, third, long = page.entries
    assert first.url == (
        "https://news.test/2025/09/05/kim-and-xi-at-the-parade/?utm_source=rss&utm_medium=rss"
    )
    assert first.url_key == "https://news.test/2025/09/05/kim-and-xi-at-the-parade"
    assert first.headline == "Kim & Xi at the parade"
    assert first.teaser == (
        "Leaders stood side by side in Beijing. The post Kim and Xi appeared first on News Test."
    )
    assert first.listed_at == datetime(2025, 9, 5, 7, 30, tzinfo=UTC)
    assert second.url == "https://news.test/2025/09/04/pixel-watch-fixes-step-counts.html"
    assert second.teaser == "Google’s update fixes it."
    assert second.listed_at == datetime(2025, 9, 5, 1, 15, tzinfo=UTC)
    assert third.url == "https://news.test/2025/09/03/a-relative-story-link.html"
    assert third.teaser == "Plain text teaser."
    assert third.listed_at is None
    assert long.teaser is not None
    assert len(long.teaser) <= 300
    assert long.teaser.endswith("word…")
    assert page.listing_links == []
    assert page.tag is None


def test_rss_without_a_weekday_or_with_a_named_zone_is_dated() -> None:
    assert feed_datetime("04 Sep 2025 18:00:00 EST") == datetime(2025, 9, 4, 23, 0, tzinfo=UTC)
    assert feed_datetime("Thu, 4 Sep 25 18:00 PDT") == datetime(2025, 9, 5, 1, 0, tzinfo=UTC)
    assert feed_datetime("2025-09-04T18:00:00.5-05:00") == datetime(2025, 9, 4, 23, 0, tzinfo=UTC)
    assert feed_datetime("2025-09-04") == datetime(2025, 9, 4, tzinfo=UTC)
    assert feed_datetime("last Tuesday") is None
    assert feed_datetime("  ") is None


def test_tag_feed_carries_its_tag() -> None:
    page = parse_feed(RSS, "https://news.test/tag/world/feed/", SITE)
    assert page.tag == "world"


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="blog/">
 <title type="text">News Test</title>
 <link rel="self" href="https://news.test/atom.xml"/>
 <updated>2025-09-06T10:00:00Z</updated>
 <entry>
  <title type="html">Border agency &lt;i&gt;cannot&lt;/i&gt; agree</title>
  <link rel="edit" href="/api/posts/1"/>
  <link rel="alternate" type="application/json" href="2025/09/05/border-agency-cannot-agree.json"/>
  <link rel="alternate" type="text/html" href="2025/09/05/border-agency-cannot-agree.html"/>
  <link rel="enclosure" type="image/jpeg" href="/media/border.jpg"/>
  <id>tag:news.test,2025:1</id>
  <published>2025-09-05T08:00:00+01:00</published>
  <updated>2025-09-05T12:00:00+01:00</updated>
  <summary type="html">&lt;p&gt;Observers say the two sides differ.&lt;/p&gt;</summary>
 </entry>
 <entry xml:base="https://news.test/world/">
  <title>No rel at all</title>
  <link href="2025/09/04/a-story-without-rel.html"/>
  <published>2025-09-04T08:00:00Z</published>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>From the
   <b>content</b>.</p></div></content>
 </entry>
 <entry>
  <title>Only a related link</title>
  <link rel="related" href="https://news.test/2025/09/03/only-a-related-link.html"/>
  <link rel="via" href="https://news.test/2025/09/03/the-second-link-of-it.html"/>
  <updated>2025-09-03T08:00:00Z</updated>
 </entry>
 <entry>
  <title>Link with its own base</title>
  <link xml:base="archive/" href="2025/09/02/a-link-with-its-own-base.html"/>
 </entry>
</feed>"""


def test_atom_links_resolve_against_xml_base() -> None:
    page = parse_feed(ATOM, "https://news.test/atom.xml", SITE)
    assert [e.url for e in page.entries] == [
        "https://news.test/blog/2025/09/05/border-agency-cannot-agree.html",
        "https://news.test/world/2025/09/04/a-story-without-rel.html",
        "https://news.test/2025/09/03/only-a-related-link.html",
        "https://news.test/blog/archive/2025/09/02/a-link-with-its-own-base.html",
    ]


def test_atom_headline_teaser_and_the_later_date() -> None:
    first, second, third, fourth = parse_feed(ATOM, "https://news.test/atom.xml", SITE).entries
    assert first.headline == "Border agency cannot agree"
    assert first.teaser == "Observers say the two sides differ."
    assert first.listed_at == datetime(2025, 9, 5, 11, 0, tzinfo=UTC)
    assert second.teaser == "From the content."
    assert second.listed_at == datetime(2025, 9, 4, 8, 0, tzinfo=UTC)
    assert third.listed_at == datetime(2025, 9, 3, 8, 0, tzinfo=UTC)
    assert fourth.teaser is None
    assert fourth.listed_at is None


RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel rdf:about="https://news.test/index.rdf">
  <title>News Test</title><link>https://news.test/</link>
  <items><rdf:Seq><rdf:li rdf:resource="https://news.test/2025/09/05/an-rdf-story-here.html"/>
  </rdf:Seq></items>
 </channel>
 <item rdf:about="https://news.test/2025/09/05/an-rdf-story-here.html">
  <title>An RDF story</title>
  <link>https://news.test/2025/09/05/an-rdf-story-here.html</link>
  <description>Told in RDF.</description>
  <dc:date>2025-09-05T06:00:00+00:00</dc:date>
 </item>
 <item rdf:about="https://news.test/2025/09/04/only-rdf-about-here.html">
  <title>Only rdf:about</title>
 </item>
</rdf:RDF>"""

RSS_091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>https://news.test/</link>
 <item><title>Caf\xe9 reopens</title><link>https://news.test/2025/09/05/cafe-reopens-today.html</link>
  <description>Caf\xe9 society is back.</description></item>
</channel></rss>"""


def test_rdf_and_rss_091_feeds() -> None:
    rdf = parse_feed(RDF, "https://news.test/index.rdf", SITE)
    assert [(e.url, e.headline) for e in rdf.entries] == [
        ("https://news.test/2025/09/05/an-rdf-story-here.html", "An RDF story"),
        ("https://news.test/2025/09/04/only-rdf-about-here.html", "Only rdf:about"),
    ]
    assert rdf.entries[0].teaser == "Told in RDF."
    assert rdf.entries[0].listed_at == datetime(2025, 9, 5, 6, 0, tzinfo=UTC)
    old = parse_feed(RSS_091, "https://news.test/rss091.xml", SITE)
    assert [(e.headline, e.teaser) for e in old.entries] == [
        ("Café reopens", "Café society is back.")
    ]


def test_site_patterns_decide_which_items_are_articles() -> None:
    story_site = SiteConfig(
        name="s", start_urls=("https://news.test/",), article_patterns=(r"/2025/09/0[45]/",)
    )
    page = parse_feed(RSS, "https://news.test/feed/", story_site)
    assert [e.url_key for e in page.entries] == [
        "https://news.test/2025/09/05/kim-and-xi-at-the-parade",
        "https://news.test/2025/09/04/pixel-watch-fixes-step-counts.html",
    ]
    any_page = SiteConfig(name="a", start_urls=("https://news.test/",), article_patterns=())
    urls = [e.url for e in parse_feed(RSS, "https://news.test/feed/", any_page).entries]
    assert "https://news.test/tag/world/" in urls
    assert not any("elsewhere.test" in u or u.startswith("javascript") for u in urls)


def test_feedburner_original_link_wins_over_the_proxy() -> None:
    body = b"""<rss xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><item>
     <title>Proxied</title><link>https://feeds.proxy.test/~r/news/~3/abc/</link>
     <feedburner:origLink>https://news.test/2025/09/05/the-original-link-here.html</feedburner:origLink>
    </item></channel></rss>"""
    (entry,) = parse_feed(body, "https://news.test/feed/", SITE).entries
    assert entry.url == "https://news.test/2025/09/05/the-original-link-here.html"


def test_malformed_feed_gives_what_can_be_read() -> None:
    body = (
        b"<rss><channel>"
        b"<item><title>Tom &amp; Jerry&nbsp;return & stray ampersand</title>"
        b"<link>https://news.test/2025/09/05/the-first-story-here.html</link></item>"
        b"<item><title>Unclosed <b>bold</title><description>An <i>open tag</description>"
        b"<link>https://news.test/2025/09/04/the-second-story-here.html</link></item>"
        b"<item><title>Third</title>"
        b"<link>https://news.test/2025/09/03/the-third-story-here.html</link></item>"
        b"<item><title>Cut off</title><link>https://news.test/2025/09/02/the-fou"
    )
    page = parse_feed(body, "https://news.test/feed/", SITE)
    urls = [e.url for e in page.entries]
    assert urls[0] == "https://news.test/2025/09/05/the-first-story-here.html"
    assert urls[-1] == "https://news.test/2025/09/03/the-third-story-here.html"
    assert page.entries[0].headline == "Tom & Jerry return stray ampersand"


def test_an_item_cut_off_by_a_truncated_download_is_left_out() -> None:
    cut = RSS[: RSS.index(b"pixel-watch-fixes-step") + 10]
    assert [e.headline for e in parse_feed(cut, "https://news.test/feed/", SITE).entries] == [
        "Kim & Xi at the parade"
    ]
    cut = NEWS_SITEMAP[: NEWS_SITEMAP.index(b"a-plain-sitemap-entry")]
    page = parse_sitemap(cut, "https://news.test/sitemap.xml", SITE)
    assert [e.headline for e in page.entries] == [
        "Kim & Xi at the parade",
        "Pixel Watch fixes step counts",
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"this is not a feed",
        b'{"items": [{"url": "https://news.test/2025/09/05/a-json-story-here.html"}]}',
        b"<!doctype html><html><head><meta charset=utf-8><title>Home</title></head>"
        b"<body><a href=/2025/09/05/a-story-on-a-page.html>A</a></body></html>",
        b"<html><body><p>An XHTML page</p></body></html>",
        b"<opml version='2.0'><body><outline xmlUrl='https://news.test/feed/'/></body></opml>",
    ],
)
def test_anything_but_a_feed_is_refused(body: bytes) -> None:
    with pytest.raises(NotAFeed):
        parse_feed(body, "https://news.test/feed/", SITE)


NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
 <url>
  <loc>https://news.test/2025/09/05/kim-and-xi-at-the-parade/</loc>
  <lastmod>2025-09-05T12:00:00+00:00</lastmod>
  <image:image><image:loc>https://news.test/media/parade.jpg</image:loc>
   <image:title>Photo of the parade</image:title></image:image>
  <news:news>
   <news:publication><news:name>News Test</news:name><news:language>en</news:language></news:publication>
   <news:publication_date>2025-09-05T09:30:00+02:00</news:publication_date>
   <news:title>Kim &amp; Xi at the parade</news:title>
  </news:news>
 </url>
 <url>
  <loc>
   https://news.test/2025/09/04/pixel-watch-fixes-step-counts.html
  </loc>
  <lastmod>2025-09-04</lastmod>
  <news:news><news:publication_date>2025-09-04T18:00:00Z</news:publication_date>
   <news:title>Pixel Watch fixes step counts</news:title></news:news>
 </url>
 <url><loc>https://news.test/2025/09/03/a-plain-sitemap-entry.html</loc></url>
 <url><loc>https://news.test/about/</loc></url>
 <url><loc>https://news.test/tag/world/</loc><lastmod>2025-09-05</lastmod></url>
 <url><loc>https://elsewhere.test/2025/09/05/kim-and-xi-at-the-parade/</loc></url>
 <url><loc>https://news.test/2025/09/05/kim-and-xi-at-the-parade/?utm_source=sitemap</loc></url>
</urlset>"""


def test_news_sitemap_entries_titles_and_dates() -> None:
    page = parse_sitemap(NEWS_SITEMAP, "https://news.test/news-sitemap.xml", SITE)
    assert [(e.position, e.url, e.headline, e.listed_at) for e in page.entries] == [
        (
            1,
            "https://news.test/2025/09/05/kim-and-xi-at-the-parade/",
            "Kim & Xi at the parade",
            datetime(2025, 9, 5, 12, 0, tzinfo=UTC),
        ),
        (
            2,
            "https://news.test/2025/09/04/pixel-watch-fixes-step-counts.html",
            "Pixel Watch fixes step counts",
            datetime(2025, 9, 4, 18, 0, tzinfo=UTC),
        ),
        (3, "https://news.test/2025/09/03/a-plain-sitemap-entry.html", None, None),
    ]
    assert all(e.teaser is None for e in page.entries)
    assert page.listing_links == []


SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <sitemap><loc>https://news.test/sitemaps/posts-2025-09.xml.gz</loc>
  <lastmod>2025-09-06</lastmod></sitemap>
 <sitemap><loc>/sitemaps/news.xml</loc></sitemap>
 <sitemap><loc>https://cdn.news.test/sitemaps/images.xml</loc></sitemap>
 <sitemap><loc>https://elsewhere.test/sitemap.xml</loc></sitemap>
 <sitemap><loc>https://news.test/sitemaps/news.xml#again</loc></sitemap>
 <sitemap><loc>https://news.test/sitemap_index.xml</loc></sitemap>
 <sitemap><loc></loc></sitemap>
</sitemapindex>"""


def test_sitemap_index_lists_the_sites_sitemaps_to_follow() -> None:
    page = parse_sitemap(SITEMAP_INDEX, "https://news.test/sitemap_index.xml", SITE)
    assert page.entries == []
    assert page.listing_links == [
        "https://news.test/sitemaps/posts-2025-09.xml.gz",
        "https://news.test/sitemaps/news.xml",
        "https://cdn.news.test/sitemaps/images.xml",
    ]


def test_gzip_sitemap_is_read() -> None:
    page = parse_sitemap(gzip.compress(NEWS_SITEMAP), "https://news.test/s.xml.gz", SITE)
    assert len(page.entries) == 3
    index = parse_sitemap(gzip.compress(SITEMAP_INDEX), "https://news.test/sitemap_index.xml", SITE)
    assert len(index.listing_links) == 3


def test_a_url_ending_in_gz_that_arrives_decompressed_is_read() -> None:
    page = parse_sitemap(NEWS_SITEMAP, "https://news.test/s.xml.gz", SITE)
    assert len(page.entries) == 3


def test_decompression_stops_at_the_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (51 * 1024 * 1024) + b"</urlset>")
    assert len(bomb) < 100_000
    with pytest.raises(FeedTooLarge, match="decompressed"):
        parse_sitemap(bomb, "https://news.test/s.xml.gz", SITE)
    small = gzip.compress(NEWS_SITEMAP)
    with pytest.raises(FeedTooLarge):
        parse_sitemap(small, "https://news.test/s.xml.gz", SITE, max_bytes=1024)
    with pytest.raises(FeedTooLarge):
        parse_feed(RSS, "https://news.test/feed/", SITE, max_bytes=1024)
    assert parse_feed(gzip.compress(RSS), "https://news.test/feed/", SITE).entries


def test_a_decompression_bomb_is_stopped_without_inflating_it() -> None:
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb") as bomb:
        bomb.write(b"<urlset>")
        for _ in range(200):
            bomb.write(b" " * (1 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(FeedTooLarge):
            parse_sitemap(packed.getvalue(), "https://news.test/s.xml.gz", SITE, max_bytes=1 << 20)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20


def test_corrupt_or_truncated_gzip() -> None:
    packed = gzip.compress(NEWS_SITEMAP)
    with pytest.raises(NotAFeed, match="gzip"):
        parse_sitemap(packed[:10] + b"\x00" * 40 + packed[50:], "https://news.test/s.gz", SITE)
    cut = parse_sitemap(packed[:-30], "https://news.test/s.gz", SITE)
    assert [e.headline for e in cut.entries][:2] == [
        "Kim & Xi at the parade",
        "Pixel Watch fixes step counts",
    ]
    assert parse_sitemap(packed[:200], "https://news.test/s.gz", SITE).entries == []


def test_plain_text_sitemap() -> None:
    body = (
        b"\xef\xbb\xbfhttps://news.test/2025/09/05/kim-and-xi-at-the-parade/\r\n"
        b"\r\n"
        b"   https://news.test/2025/09/04/pixel-watch-fixes-step-counts.html   \r\n"
        b"not a url\r\n"
        b"https://news.test/about/\r\n"
        b"https://elsewhere.test/2025/09/05/kim-and-xi-at-the-parade/\r\n"
        b"ftp://news.test/2025/09/05/a-file-transfer-story.html\r\n"
    )
    page = parse_sitemap(body, "https://news.test/sitemap.txt", SITE)
    assert [e.url for e in page.entries] == [
        "https://news.test/2025/09/05/kim-and-xi-at-the-parade/",
        "https://news.test/2025/09/04/pixel-watch-fixes-step-counts.html",
    ]
    assert len(parse_sitemap(gzip.compress(body), "https://news.test/s.txt.gz", SITE).entries) == 2


def test_a_feed_given_as_a_sitemap_is_read_as_a_feed() -> None:
    page = parse_sitemap(ATOM, "https://news.test/atom.xml", SITE)
    assert len(page.entries) == 4


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"nothing here",
        b"<html><body><p>Hello</p></body></html>",
        b"<?xml version='1.0'?><kml><Document/></kml>",
    ],
)
def test_anything_but_a_sitemap_is_refused(body: bytes) -> None:
    with pytest.raises(NotAFeed):
        parse_sitemap(body, "https://news.test/sitemap.xml", SITE)


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel>
 <item><title>Before the payload</title>
  <link>https://news.test/2025/09/05/the-story-before-it.html</link></item>
 <item><title>Laughs &lol9; end</title>
  <link>https://news.test/2025/09/05/an-entity-payload-story.html</link></item>
</channel></rss>"""


def test_entity_expansion_is_refused() -> None:
    page = parse_feed(LAUGHS, "https://news.test/feed/", SITE)
    assert page.entries[0].url == "https://news.test/2025/09/05/the-story-before-it.html"
    assert page.entries[0].headline == "Before the payload"
    for entry in page.entries:
        assert "lollol" not in f"{entry.headline} {entry.teaser}"


def test_external_entity_is_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY xxe SYSTEM "{secret.as_uri()}">
 <!ENTITY % remote SYSTEM "{secret.as_uri()}">
 %remote;
]>
<rss version="2.0"><channel><item>
 <title>Headline: &xxe; end</title>
 <link>https://news.test/2025/09/05/an-external-entity-story.html</link>
 <description>Secret: &xxe; end</description>
</item></channel></rss>""".encode()
    (entry,) = parse_feed(body, "https://news.test/feed/", SITE).entries
    assert entry.url == "https://news.test/2025/09/05/an-external-entity-story.html"
    assert entry.headline is not None
    assert entry.headline.startswith("Headline:")
    assert entry.teaser is not None
    assert "TOP-SECRET" not in entry.headline + entry.teaser


def test_external_entity_in_a_sitemap_is_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("https://news.test/2025/09/05/a-secret-story-url.html", encoding="utf-8")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <url><loc>&xxe;</loc></url>
 <url><loc>https://news.test/2025/09/04/a-public-story-url.html</loc></url>
</urlset>""".encode()
    page = parse_sitemap(body, "https://news.test/sitemap.xml", SITE)
    assert [e.url for e in page.entries] == ["https://news.test/2025/09/04/a-public-story-url.html"]


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (RSS, "application/rss+xml", "feed"),
        (RSS, "text/html; charset=utf-8", "feed"),
        (b"\xef\xbb\xbf\n  " + ATOM, None, "feed"),
        (RDF, "application/rdf+xml", "feed"),
        (RSS_091, "text/xml", "feed"),
        (NEWS_SITEMAP, "application/xml", "sitemap"),
        (SITEMAP_INDEX, None, "sitemap"),
        (gzip.compress(NEWS_SITEMAP), "application/x-gzip", "sitemap"),
        (gzip.compress(RSS), "application/octet-stream", "feed"),
        (b"https://news.test/2025/09/05/a.html\nhttps://news.test/b\n", "text/plain", "sitemap"),
        (b"\n\nhttps://news.test/2025/09/05/a.html\n", None, "sitemap"),
        (b"\xef\xbb\xbfhttps://news.test/2025/09/05/a.html", "text/plain", "sitemap"),
        (b"https://news.test/2025/09/05/a.html\n", "text/html", "html"),
        (b"<!doctype html><html><body><p>Hi</p></body></html>", "text/html", "html"),
        (b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'/>", None, "html"),
        (b"<?xml version='1.0'?><opml version='2.0'/>", "text/xml", "html"),
        (b"", None, "html"),
        (b"\x1f\x8bnot really gzip", None, "html"),
        (b"just words", "text/plain", "html"),
    ],
)
def test_sniff_kind_routes_by_root_element(
    body: bytes, content_type: str | None, kind: str
) -> None:
    assert sniff_kind(body, content_type) == kind
