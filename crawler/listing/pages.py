"""Listing pages (home, tag and section pages and their pagination): what they list and link to.

Pure: HTML in, :class:`ListingPage` out. Items are article links inside the page's main content
(``<main>``, else the body without its page-level header, nav, aside and footer); each item's
headline, teaser and date come from the smallest block around the link that holds no other article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import lxml.html

from crawler.text.datetimes import parse_datetime
from crawler.urls import in_domains, join_url, request_url, url_key_or_none

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.sites import SiteConfig

_TAG_IN_URL = re.compile(
    r"/(?:tag|tags|category|categories|section|sections|topic|topics)/([^/?#]+)", re.IGNORECASE
)
_CHROME = ("header", "nav", "aside", "footer")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "file:")
_SPACE = re.compile(r"\s+")
_PAGE_IN_URL = re.compile(r"/page/\d+/?$|[?&](?:page|p|pg|paged)=\d+(?:&|$)", re.IGNORECASE)
_PAGER = re.compile(r"paginat|pager|paging", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ListingEntry:
    """One article as a listing page shows it."""

    url: str
    """The link as listed, made absolute (tracking parameters kept)."""
    url_key: str
    position: int
    """1-based rank among the page's items."""
    headline: str | None = None
    teaser: str | None = None
    listed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ListingPage:
    """What one listing page gives the crawl."""

    url: str
    tag: str | None
    """The tag or section slug in the listing's URL; ``None`` for the home page."""
    entries: list[ListingEntry] = field(default_factory=list)
    listing_links: list[str] = field(default_factory=list)
    """Other listing pages of the site linked from this one (tags, sections), to follow."""
    pagination: list[str] = field(default_factory=list)
    """Further pages of this same listing (next, numbered pages)."""


def tag_of(url: str) -> str | None:
    """The tag or section slug in a listing URL such as ``/tag/world/page/2/``."""
    match = _TAG_IN_URL.search(url)
    return match.group(1).lower() if match else None


def is_pagination(anchor: HtmlElement, url: str) -> bool:
    """Whether a link leads to another page of the same listing: ``rel=next``/``prev``, a link
    inside a pager, or a page-numbered URL such as ``/page/2/`` or ``?page=2``."""
    rel = (anchor.get("rel") or "").lower().split()
    if "next" in rel or "prev" in rel or "previous" in rel:
        return True
    if _PAGE_IN_URL.search(url):
        return True
    for ancestor in anchor.iterancestors():
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if _PAGER.search(marks):
            return True
    return False


def _text(element: HtmlElement) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


def _main_root(doc: HtmlElement) -> HtmlElement:
    mains = doc.xpath("//main | //*[@role='main']")
    if mains:
        return mains[0]
    body = doc.find("body")
    root = body if body is not None else doc
    for el in root.xpath(" | ".join(f".//{tag}" for tag in _CHROME)):
        if not el.xpath("ancestor::article") and el.getparent() is not None:
            el.drop_tree()
    return root


def _absolute_links(root: HtmlElement, base: str) -> list[tuple[HtmlElement, str]]:
    links = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
            continue
        link = join_url(base, href)
        if link:
            links.append((anchor, link))
    return links


def _item_block(anchor: HtmlElement, key: str, keys_of: dict[HtmlElement, set[str]]) -> HtmlElement:
    """The largest ancestor of ``anchor`` whose article links all point to ``key``."""
    block = anchor
    parent = anchor.getparent()
    while parent is not None and keys_of.get(parent, set()) <= {key}:
        block = parent
        parent = parent.getparent()
    return block


def _describe(block: HtmlElement, anchor: HtmlElement) -> tuple[str | None, str | None]:
    headline = None
    for heading in block.iter(*_HEADINGS):
        headline = _text(heading) or None
        break
    headline = headline or _text(anchor) or None
    teaser = None
    for para in block.iter("p"):
        candidate = _text(para)
        if candidate and candidate != headline:
            teaser = candidate
            break
    return headline, teaser


def parse_listing(html: str | bytes, url: str, site: SiteConfig) -> ListingPage:
    """Read a listing page: its article items in order and the listing pages it links to.

    Args:
        html: the page.
        url: the URL it was fetched from (links are resolved against it, or its ``<base>``).
        site: the site, whose URL patterns and allowed domains decide what is an article.

    Returns:
        The page's items and the listing links worth following.
    """
    doc = lxml.html.fromstring(html or "<html></html>")
    base_el = doc.find(".//base[@href]")
    base = (join_url(url, base_el.get("href")) or url) if base_el is not None else url
    domains = site.allowed_domains

    listing_links: list[str] = []
    pagination: list[str] = []
    for anchor, link in _absolute_links(doc, base):
        target = request_url(link)
        if in_domains(target, domains) and site.is_listing(target) and target != url:
            (pagination if is_pagination(anchor, target) else listing_links).append(target)

    root = _main_root(doc)
    articles: list[tuple[HtmlElement, str, str]] = []
    for anchor, link in _absolute_links(root, base):
        if in_domains(link, domains) and site.is_article(request_url(link)):
            key = url_key_or_none(link)  # None: a bad port, say
            if key is not None:
                articles.append((anchor, link, key))

    keys_of: dict[HtmlElement, set[str]] = {}
    for anchor, _link, key in articles:
        for ancestor in anchor.iterancestors():
            keys_of.setdefault(ancestor, set()).add(key)

    entries: list[ListingEntry] = []
    seen: set[str] = set()
    for anchor, link, key in articles:
        if key in seen:
            continue
        seen.add(key)
        block = _item_block(anchor, key, keys_of)
        headline, teaser = _describe(block, anchor)
        times = block.xpath(".//time/@datetime")
        entries.append(
            ListingEntry(
                url=link,
                url_key=key,
                position=len(entries) + 1,
                headline=headline,
                teaser=teaser,
                listed_at=parse_datetime(times[0]) if times else None,
            )
        )
    return ListingPage(
        url=url,
        tag=tag_of(url),
        entries=entries,
        listing_links=list(dict.fromkeys(listing_links)),
        pagination=[link for link in dict.fromkeys(pagination) if link not in listing_links],
    )
