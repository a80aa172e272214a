"""Feeds and sitemaps: RSS, Atom, sitemaps, news sitemaps and sitemap indexes as article lists.

Pure: bytes in, :class:`~crawler.listing.pages.ListingPage` out, like an HTML listing page. XML is parsed
without resolving entities or touching the network (no XXE, no entity expansion), and in recovery
mode, so a malformed feed gives what can be read. Gzip-compressed bodies are decompressed up to a
size limit.
"""

from __future__ import annotations

import re
import zlib
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Literal

import lxml.html
from lxml import etree

from crawler.listing.pages import ListingEntry, ListingPage, tag_of
from crawler.text.datetimes import parse_datetime
from crawler.urls import in_domains, join_url, request_url, scheme_of, url_key

if TYPE_CHECKING:
    from collections.abc import Iterable

    from crawler.sites import SiteConfig

#: Largest decompressed body accepted (the sitemaps protocol allows 50 MB uncompressed).
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024

#: Longest teaser kept from a feed item's description, in characters.
TEASER_CHARS = 300

FEED_ROOTS = frozenset({"rss", "RDF", "feed"})
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 64 * 1024
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_ITEM_DATES = frozenset({"published", "updated", "pubDate", "date", "issued", "modified"})
_TEASER_SOURCES = ("description", "summary", "encoded", "content")
_HTML_BLOCK = re.compile(
    r"address|article|blockquote|br|dd|div|dl|dt|figcaption|figure|h[1-6]|hr|li|ol|p|pre|section"
    r"|table|td|th|tr|ul"
)
_SPACE = re.compile(r"\s+")
_URL_LINE = re.compile(r"https?://\S+", re.IGNORECASE)


class FeedError(ValueError):
    """A feed or sitemap body that cannot be read."""


class NotAFeed(FeedError):
    """The body is not a feed or sitemap at all (not XML, or XML of another kind)."""


class FeedTooLarge(FeedError):
    """The body, once decompressed, is larger than the limit."""


def _parser() -> etree.XMLParser:
    """A parser that resolves no entity, loads no DTD, opens no URL and recovers from errors."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=True, load_dtd=False
    )


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    """Decompress every gzip member of ``body``, at most ``max_bytes``; a truncated tail is dropped."""
    out = bytearray()
    data = body
    while data[:2] == _GZIP_MAGIC:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            out += inflater.decompress(data, max_bytes + 1 - len(out))
            while inflater.unconsumed_tail and len(out) <= max_bytes:
                out += inflater.decompress(inflater.unconsumed_tail, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise NotAFeed(f"corrupt gzip data: {exc}") from None
        if len(out) > max_bytes:
            raise FeedTooLarge(f"more than {max_bytes} bytes once decompressed")
        if not inflater.eof:
            break
        data = inflater.unused_data
    return bytes(out)


def _decompressed(body: bytes, max_bytes: int) -> bytes:
    if body[:2] == _GZIP_MAGIC:
        return _gunzip(body, max_bytes)
    if len(body) > max_bytes:
        raise FeedTooLarge(f"{len(body)} bytes, more than {max_bytes}")
    return body


def _root(body: bytes) -> etree._Element | None:
    """The document element of ``body``, or ``None`` when it is not XML."""
    try:
        root: etree._Element | None = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError:
        return None
    return root


def _name(element: etree._Element) -> str:
    """The element's local name, without namespace ('' for comments and the like)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _name(child) == name]


def _child_text(element: etree._Element, name: str) -> str:
    for child in _children(element, name):
        text = "".join(child.itertext()).strip()
        if text:
            return text
    return ""


def _base(element: etree._Element, url: str) -> str:
    """The base URL of ``element``: the document URL with every ``xml:base`` down to it applied."""
    base = url
    for node in [*reversed(list(element.iterancestors())), element]:
        declared = node.get(_XML_BASE)
        if declared:
            base = join_url(base, declared.strip()) or base
    return base


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def plain_text(markup: str) -> str:
    """Text of an HTML fragment (a feed description or title), tags removed, whitespace collapsed."""
    if "<" not in markup and "&" not in markup:
        return _collapse(markup)
    fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    for element in list(fragment.iter()):
        if element.tag in ("script", "style", "template"):
            element.drop_tree()
        elif isinstance(element.tag, str) and _HTML_BLOCK.fullmatch(element.tag):
            element.text = " " + (element.text or "")
            element.tail = " " + (element.tail or "")
    return _collapse(fragment.text_content())


def shorten(text: str, limit: int = TEASER_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def feed_datetime(value: str) -> datetime | None:
    """A feed or sitemap date (ISO 8601, W3C or RFC 822, with or without weekday) as aware UTC."""
    parsed = parse_datetime(value)
    if parsed is not None or not value.strip():
        return parsed
    try:
        rfc822 = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parse_datetime(rfc822.isoformat())


def _latest(values: Iterable[str]) -> datetime | None:
    dates = [d for d in (feed_datetime(v) for v in values) if d is not None]
    return max(dates) if dates else None


class _Collector:
    """Entries in document order: on-site article links, each URL key once."""

    def __init__(self, site: SiteConfig) -> None:
        self.site = site
        self.entries: list[ListingEntry] = []
        self.seen: set[str] = set()

    def wanted(self, link: str) -> bool:
        """Whether ``link`` is an http(s) URL on the site's domains that is an article."""
        if not in_domains(link, self.site.allowed_domains):
            return False
        return not self.site.article_patterns or self.site.is_article(request_url(link))

    def add(
        self,
        candidates: Iterable[str],
        headline: str | None,
        teaser: str | None,
        listed_at: datetime | None,
    ) -> None:
        """Add the first wanted link of ``candidates``, unless its URL key is already listed."""
        for link in candidates:
            if not self.wanted(link):
                continue
            try:
                key = url_key(link)
            except ValueError:
                continue
            if key not in self.seen:
                self.seen.add(key)
                self.entries.append(
                    ListingEntry(link, key, len(self.entries) + 1, headline, teaser, listed_at)
                )
            return


def _atom_links(entry: etree._Element, url: str) -> list[str]:
    """``rel="alternate"`` (or rel-less) links, HTML first; else the entry's first link."""
    links = [link for link in _children(entry, "link") if (link.get("href") or "").strip()]
    alternates = [
        link for link in links if (link.get("rel") or "alternate").strip().lower() == "alternate"
    ]
    alternates.sort(key=lambda link: "html" not in (link.get("type") or "html"))
    chosen = alternates or links[:1]
    return [join_url(_base(link, url), (link.get("href") or "").strip()) for link in chosen]


def _rss_links(item: etree._Element, base: str) -> list[str]:
    """``<link>``, else a permalink ``<guid>``, else the RDF item's ``rdf:about``."""
    links = []
    for link in _children(item, "link"):
        href = "".join(link.itertext()).strip() or (link.get("href") or "").strip()
        if href:
            links.append(join_url(base, href))
    for guid in _children(item, "guid"):
        text = "".join(guid.itertext()).strip()
        permalink = (guid.get("isPermaLink") or "true").strip().lower() != "false"
        if permalink and scheme_of(text) in ("http", "https"):
            links.append(text)
    about = item.get(_RDF_ABOUT)
    if about:
        links.append(join_url(base, about.strip()))
    return links


def _finished(elements: list[etree._Element], data: bytes, name: str) -> list[etree._Element]:
    """``elements`` without the last one if the body ends inside it (a truncated download)."""
    opening = re.compile(rb"<(?:[\w.-]+:)?%s[\s/>]" % name.encode())
    closing = re.compile(rb"</(?:[\w.-]+:)?%s\s*>" % name.encode())
    last_open = max((m.start() for m in opening.finditer(data)), default=-1)
    last_close = max((m.start() for m in closing.finditer(data)), default=-1)
    return elements[:-1] if last_open > last_close else elements


def _feed_items(root: etree._Element, data: bytes) -> list[etree._Element]:
    """Atom entries or RSS items, wherever they are (RSS 1.0 puts them beside ``<channel>``)."""
    name = "entry" if _name(root) == "feed" else "item"
    return _finished([element for element in root.iter() if _name(element) == name], data, name)


def _read_item(item: etree._Element, atom: bool, url: str, collector: _Collector) -> None:
    orig = _child_text(item, "origLink")
    links = [orig] if orig else []
    links += _atom_links(item, url) if atom else _rss_links(item, _base(item, url))
    headline = plain_text(_child_text(item, "title")) or None
    described = next((t for t in (_child_text(item, n) for n in _TEASER_SOURCES) if t), "")
    teaser = shorten(plain_text(described))
    dates = ["".join(child.itertext()) for child in item if _name(child) in _ITEM_DATES]
    listed_at = _latest(d for d in dates if d.strip())
    collector.add(links, headline, teaser if teaser and teaser != headline else None, listed_at)


def _read(body: bytes, max_bytes: int) -> tuple[etree._Element | None, bytes]:
    data = _decompressed(body, max_bytes)
    return _root(data), data


def _feed_page(root: etree._Element, data: bytes, url: str, site: SiteConfig) -> ListingPage:
    collector = _Collector(site)
    atom = _name(root) == "feed"
    for item in _feed_items(root, data):
        _read_item(item, atom, url, collector)
    return ListingPage(url=url, tag=tag_of(url), entries=collector.entries)


def parse_feed(
    body: bytes, url: str, site: SiteConfig, *, max_bytes: int = MAX_DECOMPRESSED_BYTES
) -> ListingPage:
    """Read an RSS (0.9x, 1.0, 2.0) or Atom feed: its items that are articles of the site.

    Args:
        body: the response body, gzip-compressed or not.
        url: the URL it was fetched from; relative links resolve against it and ``xml:base``.
        site: the site, whose allowed domains and article patterns decide which items count.
        max_bytes: largest body accepted once decompressed.

    Returns:
        A listing page whose entries are the feed's items in order, with headline (title), teaser
        (description or summary, as short plain text) and listed date (the later of published and
        updated); ``listing_links`` is empty.

    Raises:
        NotAFeed: the body is not XML, or its root is not ``rss``, ``rdf:RDF`` or ``feed``.
        FeedTooLarge: the body is larger than ``max_bytes`` once decompressed.
    """
    root, data = _read(body, max_bytes)
    if root is None:
        raise NotAFeed("not XML")
    if _name(root) not in FEED_ROOTS:
        raise NotAFeed(f"not a feed: the root element is <{_name(root) or '?'}>")
    return _feed_page(root, data, url, site)


def _urlset(root: etree._Element, data: bytes, url: str, site: SiteConfig) -> ListingPage:
    collector = _Collector(site)
    for entry in _finished(_children(root, "url"), data, "url"):
        loc = _child_text(entry, "loc")
        if not loc:
            continue
        base = _base(entry, url)
        dates = [_child_text(entry, "lastmod")]
        headline = None
        for news in _children(entry, "news"):
            dates.append(_child_text(news, "publication_date"))
            headline = plain_text(_child_text(news, "title")) or headline
        collector.add([join_url(base, loc)], headline, None, _latest(d for d in dates if d))
    return ListingPage(url=url, tag=tag_of(url), entries=collector.entries)


def _sitemap_index(root: etree._Element, url: str, site: SiteConfig) -> ListingPage:
    links = []
    for child in _children(root, "sitemap"):
        loc = _child_text(child, "loc")
        target = request_url(join_url(_base(child, url), loc)) if loc else ""
        if target and target != url and in_domains(target, site.allowed_domains):
            links.append(target)
    return ListingPage(url=url, tag=tag_of(url), listing_links=list(dict.fromkeys(links)))


def _text_sitemap(data: bytes, url: str, site: SiteConfig) -> ListingPage:
    lines = data.decode("utf-8-sig", errors="replace").splitlines()
    urls = [line.strip() for line in lines if _URL_LINE.fullmatch(line.strip())]
    if not urls:
        raise NotAFeed("neither XML nor a list of URLs")
    collector = _Collector(site)
    for link in urls:
        collector.add([link], None, None, None)
    return ListingPage(url=url, tag=tag_of(url), entries=collector.entries)


def parse_sitemap(
    body: bytes, url: str, site: SiteConfig, *, max_bytes: int = MAX_DECOMPRESSED_BYTES
) -> ListingPage:
    """Read a sitemap: a ``<urlset>`` (news sitemaps too), a ``<sitemapindex>`` or a list of URLs.

    Args:
        body: the response body, gzip-compressed or not (``.xml.gz``).
        url: the URL it was fetched from.
        site: the site, whose allowed domains and article patterns decide which URLs count.
        max_bytes: largest body accepted once decompressed.

    Returns:
        For a ``<urlset>`` or a plain-text sitemap (one URL per line), the site's articles in order,
        listed at the later of ``lastmod`` and ``news:publication_date``, with ``news:title`` as
        headline. For a ``<sitemapindex>``, its sitemaps on the site's domains as
        ``listing_links``. An RSS or Atom feed, which the sitemaps protocol also accepts, is read
        as by :func:`parse_feed`.

    Raises:
        NotAFeed: the body is neither a sitemap, a feed nor a list of URLs.
        FeedTooLarge: the body is larger than ``max_bytes`` once decompressed.
    """
    root, data = _read(body, max_bytes)
    if root is None:
        return _text_sitemap(data, url, site)
    kind = _name(root)
    if kind == "urlset":
        return _urlset(root, data, url, site)
    if kind == "sitemapindex":
        return _sitemap_index(root, url, site)
    if kind in FEED_ROOTS:
        return _feed_page(root, data, url, site)
    raise NotAFeed(f"not a sitemap: the root element is <{kind or '?'}>")


def _head(body: bytes) -> bytes:
    """The first bytes of ``body``, decompressed if it is gzip ('' when that fails)."""
    if body[:2] != _GZIP_MAGIC:
        return body[:_SNIFF_BYTES]
    try:
        return zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(body, _SNIFF_BYTES)
    except zlib.error:
        return b""


def sniff_kind(body: bytes, content_type: str | None) -> Literal["feed", "sitemap", "html"]:
    """What a response holds, from its root element: a feed, a sitemap, or a page.

    Args:
        body: the response body (only its start is read; gzip is looked through).
        content_type: the ``Content-Type`` header, if any; a body that is a list of URLs is a
            plain-text sitemap unless this says HTML.

    Returns:
        ``"feed"`` for ``rss``, ``rdf:RDF`` and Atom ``feed``; ``"sitemap"`` for ``urlset``,
        ``sitemapindex`` and a list of URLs; ``"html"`` for anything else.
    """
    head = _head(body)
    puller = etree.XMLPullParser(
        events=("start",), resolve_entities=False, no_network=True, huge_tree=False, recover=True
    )
    first = None
    try:
        for start in range(0, len(head), 1024):
            puller.feed(head[start : start + 1024])
            first = next((element for _event, element in puller.read_events()), None)
            if first is not None:
                break
    except etree.XMLSyntaxError:
        first = None
    if first is not None:
        name = _name(first)
        if name in FEED_ROOTS:
            return "feed"
        return "sitemap" if name in SITEMAP_ROOTS else "html"
    if "html" in (content_type or "").lower():
        return "html"
    lines = head.decode("utf-8-sig", errors="replace").splitlines()
    first_line = next((line.strip() for line in lines if line.strip()), "")
    return "sitemap" if _URL_LINE.fullmatch(first_line) else "html"
