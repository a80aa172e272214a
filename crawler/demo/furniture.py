"""Real-news-sized article pages: the furniture a news site wraps around an article.

A real news page weighs 50 to 150 KB, most of it not the article: inline CSS and scripts,
JSON-LD, a mega-menu of sections, lists of related and trending links, a comment thread and
trailing tracking scripts. :func:`furnish` adds such furniture to a demo article page until it
reaches a size drawn (per page, from a seed) within a range. The article itself is untouched, so
the extracted text stays the same; the pages only cost what real ones cost to download and
extract. ``build_site(page_kb=...)`` applies it (``python -m bench.pipeline`` uses it).
"""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

from crawler.demo.site import ARTICLE_MARK, TAGS, Page
from crawler.demo.vocab import FIRST_NAMES, LAST_NAMES

if TYPE_CHECKING:
    from collections.abc import Callable

_WORDS = [
    "the",
    "a",
    "this",
    "that",
    "council",
    "plan",
    "week",
    "city",
    "report",
    "new",
    "vote",
    "budget",
    "school",
    "road",
    "team",
    "season",
    "market",
    "price",
    "water",
    "health",
    "court",
    "police",
    "fire",
    "storm",
    "rain",
    "game",
    "club",
    "fans",
    "policy",
    "minister",
    "people",
    "local",
    "said",
    "would",
    "could",
    "never",
    "always",
    "really",
    "think",
    "agree",
    "point",
    "article",
    "thanks",
    "share",
    "read",
    "more",
    "time",
    "year",
    "again",
    "story",
    "question",
    "answer",
    "money",
    "tax",
    "rent",
    "house",
    "train",
    "bus",
]
_CSS_PROPS = ("margin", "padding", "color", "font-size", "line-height", "border", "display")
_SECTIONS = tuple(label for _, label in TAGS)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _filled(size: int, make: Callable[[], str]) -> str:
    """Pieces from ``make`` joined until they reach ``size`` characters."""
    parts: list[str] = []
    total = 0
    while total < size:
        part = make()
        parts.append(part)
        total += len(part)
    return "".join(parts)


def _css(rng: random.Random, size: int) -> str:
    def rule() -> str:
        n = rng.randrange(10_000)
        props = ";".join(
            f"{p}:{rng.randrange(1, 40)}px" for p in rng.sample(_CSS_PROPS, rng.randint(2, 5))
        )
        return f".c-{n:04d} .el-{n % 97}>a:hover{{{props}}}\n"

    return "<style>\n" + _filled(size, rule) + "</style>\n"


def _script(rng: random.Random, size: int) -> str:
    def line() -> str:
        n = rng.randrange(100_000)
        return (
            f"window.__ad_slots=window.__ad_slots||[];__ad_slots.push({{id:'slot-{n}',"
            f"sizes:[[300,250],[728,90]],targeting:{{sec:'{rng.choice(_SECTIONS)}',"
            f"pos:{n % 9}}}}});function f{n}(e){{return e&&e.dataset?e.dataset.k{n % 13}:null}}\n"
        )

    return "<script>\n" + _filled(size, line) + "</script>\n"


def _json_ld(rng: random.Random) -> str:
    crumbs = [
        {"@type": "ListItem", "position": i + 1, "name": name, "item": f"/section/{i}"}
        for i, name in enumerate(rng.sample(_SECTIONS, 4))
    ]
    data = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": crumbs}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>\n'


def _menu(rng: random.Random, size: int) -> str:
    def column() -> str:
        section = rng.choice(_SECTIONS)
        links = "".join(
            f'<li class="menu-item"><a href="/section/{section.lower()}/{rng.randrange(900)}/">'
            f"{_sentence(rng, rng.randint(1, 3))[:-1]}</a></li>"
            for _ in range(rng.randint(8, 16))
        )
        return f'<div class="menu-col"><h4>{section}</h4><ul>{links}</ul></div>\n'

    head = '<nav class="mega-menu" aria-label="Sections">\n'
    return head + _filled(size, column) + "</nav>\n"


def _related(rng: random.Random, size: int) -> str:
    def item() -> str:
        return (
            f'<li><a href="/promo/{rng.randrange(10_000)}/"><img src="/img/{rng.randrange(999)}.jpg"'
            f' alt="" width="120" height="80"><span>{_sentence(rng, rng.randint(5, 10))}</span>'
            "</a></li>\n"
        )

    head = '<aside class="related-links trending">\n<h3>Trending now</h3>\n<ul>\n'
    return head + _filled(size, item) + "</ul>\n</aside>\n"


def _comments(rng: random.Random, size: int) -> str:
    def comment() -> str:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)[0]}."
        body = " ".join(_sentence(rng, rng.randint(6, 18)) for _ in range(rng.randint(1, 3)))
        return (
            f'<div class="comment" id="c{rng.randrange(10**6)}"><div class="comment-meta">'
            f'<span class="comment-author">{name}</span> <time>{rng.randint(1, 23)}h ago</time>'
            f'</div><p class="comment-body">{body}</p><div class="comment-actions">'
            '<button class="reply">Reply</button> <button class="like">Like</button></div></div>\n'
        )

    head = '<section id="comments" class="comments">\n<h3>Comments</h3>\n'
    return head + _filled(size, comment) + "</section>\n"


def furnish(html: str, size: int, seed: str) -> str:
    """Wrap an article page in furniture until it is about ``size`` characters long.

    Args:
        html: a demo article page (with ``</head>``, the site header, ``</article>`` and
            ``</body>``).
        size: the length wanted; a page already that long is returned unchanged.
        seed: seeds every choice, so the same arguments give the same page.

    Returns:
        The page with CSS, scripts and JSON-LD in its head, a mega-menu after the site header,
        trending links and a comment thread after the article, and scripts before ``</body>``.
    """
    extra = size - len(html)
    if extra <= 0:
        return html
    rng = random.Random(seed)
    head = _css(rng, extra * 15 // 100) + _script(rng, extra * 15 // 100) + _json_ld(rng)
    menu = _menu(rng, extra * 25 // 100)
    after = _related(rng, extra * 15 // 100) + _comments(rng, extra * 20 // 100)
    tail = _script(rng, extra * 10 // 100)
    html = html.replace("</head>", head + "</head>", 1)
    html = html.replace("</header>", "</header>\n" + menu, 1)
    html = html.replace("</article>", "</article>\n" + after, 1)
    return html.replace("</body>", tail + "</body>", 1)


def furnish_pages(pages: dict[str, Page], page_kb: tuple[int, int], seed: int) -> dict[str, Page]:
    """Every article page of ``pages`` furnished to a size drawn from ``page_kb`` (KB, inclusive).

    Args:
        pages: the site's pages by path.
        page_kb: the smallest and largest size of an article page, in KB (1,000 bytes).
        seed: the site's seed; each page's size and furniture depend on it and the path only.

    Returns:
        The pages, article pages furnished and every other page as it was.
    """
    low, high = page_kb
    out: dict[str, Page] = {}
    for path, page in pages.items():
        if page.status != 200 or ARTICLE_MARK not in page.body:
            out[path] = page
            continue
        charset = page.content_type.partition("charset=")[2] or "utf-8"
        html = page.body.decode(charset)
        size = random.Random(f"{seed}:{path}:size").randint(low * 1000, high * 1000)
        body = furnish(html, size, f"{seed}:{path}").encode(charset)
        out[path] = Page(page.status, body, page.content_type, page.last_modified, page.absolute)
    return out
