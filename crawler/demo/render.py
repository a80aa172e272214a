"""HTML templates of the demo site: chrome, listings, article pages, error pages, robots.txt."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from html import escape

from crawler.demo.site import (
    BASE_MARK,
    SHARE_LABELS,
    SITE_NAME,
    STANDING_FOOTNOTE,
    SUPPORT_APPEAL,
    TAG_LABELS,
    TAGS,
    Story,
)
from crawler.demo.text import slugify
from crawler.demo.vocab import MONTHS

#: The masthead's edition date: a date on every page that is never a publication date.
EDITION = "Thursday, November 20, 2025"
#: Time zones (minutes east of UTC) the pages write their dates in.
OFFSETS = (0, 540, -300, 0, 330, -480, 60, 120)
ROBOTS_TXT = f"User-agent: *\nDisallow: /members/\n\nSitemap: {BASE_MARK}/sitemap.xml\n"
_FEED_LINKS = (
    f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feed.xml">\n'
    f'<link rel="alternate" type="application/atom+xml" title="{SITE_NAME}" href="/atom.xml">\n'
)
#: JSON-LD escapes for characters that could end or confuse the ``<script>`` element holding it.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _e(text: str) -> str:
    return escape(text, quote=False)


def _a(text: str) -> str:
    return escape(text, quote=True)


def iso(moment: datetime, minutes: int, *, zulu: bool = False) -> str:
    """ISO 8601 with seconds, in the zone ``minutes`` east of UTC (``Z`` for UTC when asked)."""
    text = moment.astimezone(timezone(timedelta(minutes=minutes))).isoformat()
    return text[:-6] + "Z" if zulu and text.endswith("+00:00") else text


def long_date(moment: datetime, minutes: int) -> str:
    local = moment.astimezone(timezone(timedelta(minutes=minutes)))
    return f"{MONTHS[local.month - 1]} {local.day}, {local.year}"


def date_time(moment: datetime, minutes: int) -> str:
    local = moment.astimezone(timezone(timedelta(minutes=minutes)))
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return f"{long_date(moment, minutes)} at {hour}:{local.minute:02d} {half}"


def date_markup(story: Story) -> tuple[str, int, int]:
    """How ``story`` writes its date: (``json-ld``|``meta``|``time``, markup zone, byline zone)."""
    kind = ("json-ld", "meta", "time")[story.style % 3]
    first = OFFSETS[(story.style // 3) % len(OFFSETS)]
    byline = first if kind == "time" else OFFSETS[(story.style // 3 + 3) % len(OFFSETS)]
    return kind, first, byline


def _zulu(story: Story) -> bool:
    return (story.style // 24) % 2 == 0


_NAV = (
    '<nav class="main-nav" aria-label="Sections"><ul>'
    + "".join(f'<li><a href="/tag/{slug}/">{label}</a></li>' for slug, label in TAGS)
    + '<li><a href="/members/">Members</a></li></ul></nav>'
)
_FOOTER = (
    '<footer class="site-footer">\n<ul class="footer-links"><li><a href="/">Home</a></li>'
    '<li><a href="/#about">About Us</a></li><li><a href="/#contact">Contact</a></li>'
    '<li><a href="/#privacy">Privacy Policy</a></li></ul>\n'
    f"<p>© 2025 {SITE_NAME}. All rights reserved. Reproduction without permission is prohibited."
    "</p>\n</footer>\n</body>\n</html>\n"
)
_TAG_LIST = "".join(f'<li><a href="/tag/{slug}/">{label}</a></li>' for slug, label in TAGS)
_OUR_CONTENT = (
    '<li><a href="/">Latest News</a></li><li><a href="/members/">Members</a></li>'
    '<li><a href="/#newsletter">Newsletters</a></li><li><a href="/#about">About Us</a></li>'
)
_SHARE = (
    '<ul class="share-tools">'
    + "".join(
        f'<li><a href="#share" data-share="{slugify(label)}">{label}</a></li>'
        for label in SHARE_LABELS
    )
    + "</ul>"
)


def _head(title: str, description: str, extra: str = "", charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="{charset}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} | {SITE_NAME}</title>\n"
        f'<meta name="description" content="{_a(description)}">\n{extra}</head>\n'
    )


def _header(top: str = "") -> str:
    return (
        f'<body>\n<header class="site-header">\n<div class="edition-date">{EDITION}</div>\n'
        f'<a class="site-name" href="/">{SITE_NAME}</a>\n{_NAV}\n{top}</header>\n'
    )


def link_list(stories: list[Story]) -> str:
    """``<li>`` links to ``stories`` (the "Most Popular Articles" lists)."""
    return "".join(f'<li><a href="{s.path}">{_e(s.title)}</a></li>' for s in stories)


def top_stories(stories: list[Story]) -> str:
    """The masthead strip of article pages: headline and teaser of a few recent stories."""
    items = "".join(
        f'<div class="top-item"><a href="{s.path}">{_e(s.title)}</a><p>{_e(s.teaser)}</p></div>\n'
        for s in stories
    )
    return f'<div class="top-stories">\n{items}</div>\n'


def teaser_item(story: Story, href: str) -> str:
    """One listing item, dated when the story was last modified."""
    _, _, zone = date_markup(story)
    tag = story.tags[0]
    when = story.updated
    return (
        f'<article class="teaser">\n<a class="tag-label" href="/tag/{tag}/">{TAG_LABELS[tag]}</a>\n'
        f'<h2><a href="{_a(href)}">{_e(story.title)}</a></h2>\n'
        f'<p class="teaser">{_e(story.teaser)}</p>\n'
        f'<time datetime="{iso(when, zone)}">{long_date(when, zone)}</time>\n'
        "</article>\n"
    )


def pagination(base: str, page: int, pages: int) -> str:
    """Prev/next and numbered links (a window around the current page, plus first and last)."""

    def url(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    parts: list[str] = []
    if page > 1:
        parts.append(f'<a rel="prev" href="{url(page - 1)}">« Previous</a>')
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    for i, n in enumerate(shown):
        if i and n != shown[i - 1] + 1:
            parts.append('<span class="gap">…</span>')
        if n == page:
            parts.append(f'<span class="current" aria-current="page">{n}</span>')
        else:
            parts.append(f'<a class="page-number" href="{url(n)}">{n}</a>')
    if page < pages:
        parts.append(f'<a rel="next" href="{url(page + 1)}">Next »</a>')
    return '<nav class="pagination" aria-label="Pages">\n' + "\n".join(parts) + "\n</nav>\n"


def listing_page(
    title: str, description: str, main: str, popular: str, *, canonical: str | None = None
) -> str:
    """A listing page (home, tag, members): ``main`` holds the items, the sidebar the popular."""
    extra = _FEED_LINKS + (f'<link rel="canonical" href="{canonical}">\n' if canonical else "")
    return (
        _head(title, description, extra)
        + _header()
        + f'<main id="main" class="listing">\n{main}</main>\n'
        + '<aside class="sidebar">\n<h3>Most Popular Articles</h3>\n'
        + f'<ol class="popular">{popular}</ol>\n</aside>\n'
        + _FOOTER
    )


def _byline(story: Story, zone: int) -> str:
    links = [
        f'<a rel="author" href="/author/{slugify(name)}/">{_e(name)}</a>' for name in story.authors
    ]
    names = links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]
    stamp = iso(story.published, zone, zulu=_zulu(story))
    updated = ""
    if story.modified is not None:
        changed = iso(story.modified, zone, zulu=_zulu(story))
        updated = (
            ' <span class="sep">·</span> <span class="updated">Updated <time itemprop="dateModified"'
            f' datetime="{changed}">{date_time(story.modified, zone)}</time></span>'
        )
    return (
        f'<div class="byline">By {names} <span class="sep">·</span> '
        f'<time class="published" datetime="{stamp}">{date_time(story.published, zone)}</time>'
        f"{updated}</div>\n"
    )


def _head_meta(story: Story) -> str:
    kind, zone, _ = date_markup(story)
    labels = [TAG_LABELS[slug] for slug in story.tags]
    parts = [
        f'<meta property="og:title" content="{_a(story.title)}">\n',
        f'<meta property="og:site_name" content="{SITE_NAME}">\n<meta property="og:type" '
        'content="article">\n',
    ]
    if story.canonical:
        parts.append(f'<link rel="canonical" href="{story.path}">\n')
    if kind == "meta":
        stamp = iso(story.published, zone, zulu=_zulu(story))
        parts.append(f'<meta property="article:published_time" content="{stamp}">\n')
        if story.modified is not None:
            changed = iso(story.modified, zone, zulu=_zulu(story))
            parts.append(f'<meta property="article:modified_time" content="{changed}">\n')
        parts.append(f'<meta name="author" content="{_a(", ".join(story.authors))}">\n')
    parts.extend(f'<meta property="article:tag" content="{label}">\n' for label in labels)
    if kind == "json-ld":
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": iso(story.published, zone, zulu=_zulu(story)),
        }
        if story.modified is not None:
            data["dateModified"] = iso(story.modified, zone, zulu=_zulu(story))
        data["author"] = [{"@type": "Person", "name": name} for name in story.authors]
        data["publisher"] = {"@type": "Organization", "name": SITE_NAME}
        data["keywords"] = labels
        blob = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
        parts.append(f'<script type="application/ld+json">{blob}</script>\n')
    return "".join(parts)


def _body(story: Story) -> str:
    out: list[str] = []
    if story.caption:
        slug = story.path.rsplit("/", 1)[-1].removesuffix(".html")
        escaped = story.caption.replace("’", "\\'")
        out.append(
            f'<div class="photo">\n<img src="/img/{slug}.jpg" alt="{_a(escaped)}" width="1200" '
            f'height="800">\n<p class="photo-alt">{_e(escaped)}</p>\n'
            f'<p class="photo-text">{_e(story.caption)}</p>\n</div>\n'
        )
    appeal_at = len(story.blocks) // 2 if story.has_appeal else -1
    for index, block in enumerate(story.blocks):
        if index == appeal_at:
            out.append(f"<p>{_e(SUPPORT_APPEAL)}</p>\n")
        if block.kind == "h2":
            out.append(f"<h2>{_e(block.text)}</h2>\n")
        elif block.kind == "quote":
            out.append(f"<blockquote><p>{_e(block.text)}</p></blockquote>\n")
        else:
            out.append(f"<p>{_e(block.text)}</p>\n")
    if story.blocks:
        out.append(f"<p>{_e(STANDING_FOOTNOTE)}</p>\n")
    return "".join(out)


def article_page(story: Story, *, related: list[Story], popular: str, top: str) -> str:
    """An article page, with every kind of boilerplate a real news page carries."""
    _, _, zone = date_markup(story)
    tag = story.tags[0]
    label = TAG_LABELS[tag]
    tags = " ".join(f'<a rel="tag" href="/tag/{s}/">{TAG_LABELS[s]}</a>' for s in story.tags)
    cards = "".join(
        f'<div class="story-card"><h3><a href="{r.path}">{_e(r.title)}</a></h3>'
        f"<p>{_e(r.teaser)}</p></div>\n"
        for r in related
    )
    charset = "windows-1252" if story.encoding == "cp1252" else "utf-8"
    return (
        _head(story.title, story.teaser, _head_meta(story), charset)
        + _header(top)
        + '<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> › '
        + f'<a href="/tag/{tag}/">{label}</a> › <span>{_e(story.title)}</span></nav>\n'
        + '<main id="main">\n<article class="post">\n'
        + f'<h1 class="entry-title"><a class="tag-label" href="/tag/{tag}/">{label}</a>'
        + f"{_e(story.title)}</h1>\n"
        + _byline(story, zone)
        + _SHARE
        + '\n<div class="entry-content">\n'
        + _body(story)
        + f'<div class="post-tags">Tags: {tags}</div>\n'
        + '<div class="more-from-us">\n<p><strong>Check Out Our Content</strong></p>\n'
        + f"<ul>{_OUR_CONTENT}</ul>\n<p><strong>Check Out Other Tags:</strong></p>\n"
        + f"<ul>{_TAG_LIST}</ul>\n<p><strong>Most Popular Articles</strong></p>\n"
        + f"<ul>{popular}</ul>\n</div>\n</div>\n</article>\n"
        + f'<section class="more-stories">\n<h2>Related Stories</h2>\n{cards}</section>\n'
        + "</main>\n"
        + _FOOTER
    )


def error_page(status: int, reason: str, message: str) -> str:
    """A small error page."""
    return (
        _head(f"{status} {reason}", message)
        + _header()
        + f'<main id="main">\n<h1>{status} {reason}</h1>\n<p>{_e(message)}</p>\n'
        + '<p><a href="/">Back to the front page</a></p>\n</main>\n'
        + _FOOTER
    )
