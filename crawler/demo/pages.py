"""The demo site's HTML pages from its state: listings and their sightings, and article pages."""

from __future__ import annotations

import random
from datetime import datetime

from crawler.demo import render
from crawler.demo.site import TAG_LABELS, Page, Sighting, Story, clean_path
from crawler.demo.writer import SLUGS

HOME_ITEMS = 12
PER_PAGE = 10
HTML = "text/html; charset=utf-8"

#: A listing's items: (story, the href it is linked with), newest first.
Items = list[tuple[Story, str]]


def listings(
    truth: list[Story],
    variants: dict[tuple[str, str], str],
    extras: list[Story],
    members_teaser: Story,
) -> dict[str, Items]:
    """Every listing page's items, paginated per tag, in the order the site shows its pages.

    Args:
        truth: the articles, newest first.
        variants: (article path, tag slug) -> the href that tag's pages link the article with
            (tracking parameters, session ids); otherwise the article's own path.
        extras: syndicated copy, no-body page, 404 and 500, listed under their first tag only.
        members_teaser: the members-only story the home page lists last.

    Returns:
        Listing path -> items.
    """
    home = [(s, s.path) for s in truth[:HOME_ITEMS]] + [(members_teaser, members_teaser.path)]
    found: dict[str, Items] = {"/": home}
    for slug in SLUGS:
        entries = [(s, variants.get((s.path, slug), s.path)) for s in truth if slug in s.tags]
        entries += [(s, s.path) for s in extras if s.tags[0] == slug]
        entries.sort(key=lambda e: (-e[0].published.timestamp(), e[1]))
        for page in range(max(1, -(-len(entries) // PER_PAGE))):
            path = f"/tag/{slug}/" if page == 0 else f"/tag/{slug}/page/{page + 1}/"
            found[path] = entries[page * PER_PAGE : (page + 1) * PER_PAGE]
    return found


def sightings(
    found: dict[str, Items], truth: list[Story], copies: dict[str, str]
) -> dict[str, list[Sighting]]:
    """Each truth article's sightings; ``copies`` maps a copy's path to its original's."""
    owner = {s.path: s.path for s in truth} | copies
    out: dict[str, list[Sighting]] = {}
    for listing_path, items in found.items():
        tag = None if listing_path == "/" else listing_path.split("/")[2]
        for position, (_, href) in enumerate(items, start=1):
            key = owner.get(clean_path(href))
            if key is not None:
                out.setdefault(key, []).append(Sighting(listing_path, tag, position, href))
    return out


def listing_pages(found: dict[str, Items], popular: str) -> dict[str, Page]:
    """The home and tag pages, each last modified when its newest item was (last) written."""
    pages: dict[str, Page] = {}
    for path, items in found.items():
        teasers = [render.teaser_item(story, href) for story, href in items]
        newest = max((s.updated for s, _ in items), default=None)
        if path == "/":
            main = (
                '<section class="latest">\n<h1 class="section-title">Latest</h1>\n'
                + "".join(teasers[:-1])
                + '</section>\n<section class="members-only">\n'
                + f'<h2 class="section-title">For Members</h2>\n{teasers[-1]}</section>\n'
            )
            html = render.listing_page(
                "Latest News", "The latest news from The Demo Daily.", main, popular
            )
        else:
            slug = path.split("/")[2]
            tag_pages = [p for p in found if p.startswith(f"/tag/{slug}/")]
            number = tag_pages.index(path) + 1
            label = TAG_LABELS[slug]
            heading = label if number == 1 else f"{label}: Page {number}"
            main = (
                f'<h1 class="page-title">{heading}</h1>\n<section class="latest">\n'
                + "".join(teasers)
                + "</section>\n"
                + render.pagination(f"/tag/{slug}/", number, len(tag_pages))
            )
            html = render.listing_page(
                heading, f"The latest {label} stories.", main, popular, canonical=path
            )
        pages[path] = Page(200, html.encode(), HTML, newest)
    return pages


def members_page(members: list[Story], popular: str) -> Page:
    """The members' section index (disallowed by robots.txt)."""
    main = (
        '<h1 class="page-title">Members</h1>\n<section class="latest">\n'
        + "".join(render.teaser_item(m, m.path) for m in members)
        + "</section>\n"
    )
    html = render.listing_page("Members", "Stories for members.", main, popular)
    return Page(200, html.encode(), HTML, members[0].published)


def related(story: Story, peers: list[Story], rng: random.Random) -> list[Story]:
    """Three teasers for ``story``: its primary tag's other articles from a random start."""
    others = [s for s in peers if s.path != story.path and s.tags[0] == story.tags[0]]
    start = rng.randrange(len(others)) if others else 0
    return (others[start:] + others[:start])[:3]


def state_at(truth: list[Story], moment: datetime) -> list[Story]:
    """The articles (newest first) already published at ``moment``."""
    return [s for s in truth if s.published <= moment]


def article_page(story: Story, *, related: list[Story], popular: str, top: list[Story]) -> Page:
    """An article page in the story's encoding, last modified when the story was written."""
    html = render.article_page(story, related=related, popular=popular, top=render.top_stories(top))
    if story.encoding == "cp1252":
        return Page(200, html.encode("cp1252"), "text/html; charset=windows-1252", story.updated)
    return Page(200, html.encode(), HTML, story.updated)


def newest_first(stories: list[Story]) -> list[Story]:
    """``stories`` by publication time, newest first (path breaks ties)."""
    return sorted(stories, key=lambda s: (-s.published.timestamp(), s.path))
