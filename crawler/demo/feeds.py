"""The demo site's feeds and sitemaps: RSS 2.0, Atom 1.0, a sitemap index, news and article maps.

Absolute URLs are written with :data:`~crawler.demo.site.BASE_MARK` in place of the server's base
URL, which :meth:`~crawler.demo.site.DemoSite.page` puts in when serving.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from crawler.demo.site import BASE_MARK, SITE_NAME, TAG_LABELS, Page, Story

FEED_ITEMS = 20
SITEMAP_URLS = 500
NEWS_DAYS = 2
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def _url(path: str) -> str:
    return escape(BASE_MARK + path)


def _w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def rss(newest: list[Story]) -> str:
    """An RSS 2.0 channel of ``newest`` (newest first), dated by its newest change."""
    items = "".join(
        "<item>\n"
        f"<title>{escape(s.title)}</title>\n"
        f"<link>{_url(s.path)}</link>\n"
        f'<guid isPermaLink="true">{_url(s.path)}</guid>\n'
        f"<pubDate>{format_datetime(s.published, usegmt=True)}</pubDate>\n"
        + "".join(f"<category>{TAG_LABELS[t]}</category>\n" for t in s.tags)
        + f"<description>{escape(s.teaser)}</description>\n"
        "</item>\n"
        for s in newest
    )
    built = max(s.updated for s in newest)
    return (
        _XML
        + '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        + f"<title>{SITE_NAME}</title>\n<link>{_url('/')}</link>\n"
        + f"<description>The latest news from {SITE_NAME}.</description>\n"
        + "<language>en</language>\n"
        + f"<lastBuildDate>{format_datetime(built, usegmt=True)}</lastBuildDate>\n"
        + f'<atom:link href={quoteattr(BASE_MARK + "/feed.xml")} rel="self" '
        + 'type="application/rss+xml"/>\n'
        + items
        + "</channel>\n</rss>\n"
    )


def atom(newest: list[Story]) -> str:
    """An Atom 1.0 feed of ``newest`` (newest first); each entry updated when last modified."""
    entries = "".join(
        "<entry>\n"
        f"<title>{escape(s.title)}</title>\n"
        f'<link rel="alternate" type="text/html" href={quoteattr(BASE_MARK + s.path)}/>\n'
        f"<id>{_url(s.path)}</id>\n"
        f"<published>{_w3c(s.published)}</published>\n"
        f"<updated>{_w3c(s.updated)}</updated>\n"
        + "".join(f"<author><name>{escape(name)}</name></author>\n" for name in s.authors)
        + "".join(f"<category term={quoteattr(TAG_LABELS[t])}/>\n" for t in s.tags)
        + f"<summary>{escape(s.teaser)}</summary>\n"
        "</entry>\n"
        for s in newest
    )
    return (
        _XML
        + '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        + f"<title>{SITE_NAME}</title>\n<id>{_url('/')}</id>\n"
        + f'<link rel="self" href={quoteattr(BASE_MARK + "/atom.xml")}/>\n'
        + f'<link rel="alternate" type="text/html" href={quoteattr(BASE_MARK + "/")}/>\n'
        + f"<updated>{_w3c(max(s.updated for s in newest))}</updated>\n"
        + entries
        + "</feed>\n"
    )


def url_set(stories: list[Story]) -> str:
    """An article sitemap: each story's URL and when it last changed."""
    urls = "".join(
        f"<url><loc>{_url(s.path)}</loc><lastmod>{_w3c(s.updated)}</lastmod></url>\n"
        for s in stories
    )
    return f'{_XML}<urlset xmlns="{_SITEMAP_NS}">\n{urls}</urlset>\n'


def news_set(stories: list[Story]) -> str:
    """A Google News sitemap of ``stories``."""
    urls = "".join(
        f"<url><loc>{_url(s.path)}</loc><news:news>"
        f"<news:publication><news:name>{SITE_NAME}</news:name>"
        "<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{_w3c(s.published)}</news:publication_date>"
        f"<news:title>{escape(s.title)}</news:title></news:news></url>\n"
        for s in stories
    )
    return f'{_XML}<urlset xmlns="{_SITEMAP_NS}" xmlns:news="{_NEWS_NS}">\n{urls}</urlset>\n'


def sitemap_index(maps: list[tuple[str, datetime]]) -> str:
    """A sitemap index: each (path, lastmod) of the sitemaps it points at."""
    entries = "".join(
        f"<sitemap><loc>{_url(path)}</loc><lastmod>{_w3c(when)}</lastmod></sitemap>\n"
        for path, when in maps
    )
    return f'{_XML}<sitemapindex xmlns="{_SITEMAP_NS}">\n{entries}</sitemapindex>\n'


def feed_pages(truth: list[Story], today: datetime) -> dict[str, Page]:
    """The feeds and sitemaps of a site whose articles are ``truth`` (newest first) on ``today``.

    Returns:
        Path -> page: ``/feed.xml``, ``/atom.xml``, ``/sitemap.xml``, ``/sitemaps/news.xml`` and
        ``/sitemaps/articles-1.xml``, ``-2`` ... of :data:`SITEMAP_URLS` articles each, oldest
        first, so that a full one keeps its bytes while new articles arrive.
    """
    newest = truth[:FEED_ITEMS]
    changed = max(s.updated for s in newest)
    pages = {
        "/feed.xml": _page(rss(newest), RSS_TYPE, changed),
        "/atom.xml": _page(atom(newest), ATOM_TYPE, changed),
    }
    recent = [s for s in truth if s.published >= today - timedelta(days=NEWS_DAYS)]
    maps = {"/sitemaps/news.xml": _page(news_set(recent), XML_TYPE, truth[0].published)}
    oldest = truth[::-1]
    for start in range(0, len(oldest), SITEMAP_URLS):
        chunk = oldest[start : start + SITEMAP_URLS]
        path = f"/sitemaps/articles-{start // SITEMAP_URLS + 1}.xml"
        maps[path] = _page(url_set(chunk), XML_TYPE, max(s.updated for s in chunk))
    index = [(path, page.last_modified or today) for path, page in maps.items()]
    pages["/sitemap.xml"] = _page(sitemap_index(index), XML_TYPE, max(when for _, when in index))
    return pages | maps


def _page(body: str, content_type: str, last_modified: datetime) -> Page:
    return Page(200, body.encode(), content_type, last_modified, absolute=True)
