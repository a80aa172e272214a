"""Builds the demo site from a seed: stories, special cases, listings, pages and truth links."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

from crawler.demo import render
from crawler.demo.site import (
    BASE_DATE,
    TAG_LABELS,
    TAGS,
    TRACKING_QUERY,
    DemoSite,
    Page,
    Sighting,
    Story,
)
from crawler.demo.text import Block, TextGen, reword, slugify

#: Fewest articles a site can have and still hold every special case away from the front page.
MIN_ARTICLES = 20
HOME_ITEMS = 12
PER_PAGE = 10
MEMBERS_ARTICLES = 4
_WINDOW = 120 * 86400
_HTML = "text/html; charset=utf-8"
_SLUGS = tuple(slug for slug, _ in TAGS)
_LEGACY_TITLE = "Zürich Café Owners Say €12 Coffee Is Here to Stay, Señora Núñez Warns"
_LEGACY_SENTENCE = (
    "At the Café Müller in {place}, señora Núñez said the €4.5 million plan for 2026–2027 was "
    "“a fair deal for everyone, not just the big chains.”"
)


class _Writer:
    """Makes stories with unique titles and slugs from one seeded stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.gen = TextGen(self.rng)
        self.titles: set[str] = set()
        self.slugs: set[str] = set()
        self.contexts: dict[str, dict[str, str]] = {}

    def unique_title(self, ctx: dict[str, str]) -> str:
        for _ in range(40):
            title = self.gen.headline(ctx)
            if title not in self.titles:
                break
        n = 2
        while title in self.titles:
            title = f"{title.removesuffix(f' ({n - 1})')} ({n})"
            n += 1
        self.titles.add(title)
        return title

    def unique_slug(self, title: str) -> str:
        base = slug = slugify(title)
        n = 2
        while slug in self.slugs:
            slug = f"{base}-{n}"
            n += 1
        self.slugs.add(slug)
        return slug

    def tags(self, primary: str, count: int) -> tuple[str, ...]:
        others = self.rng.sample([slug for slug in _SLUGS if slug != primary], count - 1)
        return (primary, *others)

    def story(self, age: int, tags: tuple[str, ...], style: int, **kw: object) -> Story:
        """A full article ``age`` seconds before the site's date; ``kw`` overrides fields."""
        ctx = self.gen.context(tags[0])
        title = str(kw.pop("title", None) or self.unique_title(ctx))
        published = BASE_DATE - timedelta(seconds=age)
        folder = kw.pop("folder", f"/news/{published:%Y/%m/%d}/")
        path = f"{folder}{self.unique_slug(title)}.html"
        self.contexts[path] = ctx
        story = Story(
            path=path,
            title=title,
            teaser=self.gen.teaser(ctx),
            published=published,
            tags=tags,
            authors=self.gen.authors(),
            caption=self.gen.caption(ctx),
            blocks=self.gen.body(ctx),
            style=style,
        )
        return replace(story, **kw)  # type: ignore[arg-type]

    def age(self) -> int:
        return self.rng.randrange(3600, _WINDOW)


def _legacy(story: Story, ctx: dict[str, str]) -> Story:
    """The article served in windows-1252: accented names, euros, dashes and curly quotes."""
    first = next(i for i, b in enumerate(story.blocks) if b.kind == "p")
    blocks = list(story.blocks)
    added = _LEGACY_SENTENCE.format(place=ctx["place"])
    blocks[first] = Block("p", (*blocks[first].sentences, added))
    return replace(story, blocks=tuple(blocks), encoding="cp1252")


def _republish(writer: _Writer, original: Story) -> Story:
    """An edited re-publication two days later: one sentence added, another reworded."""
    rng, ctx = writer.rng, writer.contexts[original.path]
    blocks = list(original.blocks)
    paragraphs = [i for i, b in enumerate(blocks) if b.kind == "p"]
    grown, edited = rng.sample(paragraphs, 2)
    blocks[grown] = Block("p", (*blocks[grown].sentences, writer.gen.sentence(ctx)))
    sentences = list(blocks[edited].sentences)
    at = rng.randrange(len(sentences))
    sentences[at] = reword(sentences[at])
    blocks[edited] = Block("p", tuple(sentences))
    published = original.published + timedelta(days=2)
    slug = original.path.rsplit("/", 1)[1].removesuffix(".html")
    return replace(
        original,
        path=f"/news/{published:%Y/%m/%d}/{slug}-updated.html",
        title=f"{original.title} (Updated)",
        published=published,
        blocks=tuple(blocks),
        style=original.style + 1,
        canonical=True,
    )


def _ordered(stories: list[Story]) -> list[Story]:
    return sorted(stories, key=lambda s: (-s.published.timestamp(), s.path))


def _special_ranks(ages: list[int]) -> tuple[int, int, int, int, int]:
    """Ranks (by age) of the tracked, syndicated, re-published, windows-1252 and 3-tag articles.

    All below the home page's items; the re-published one at least two days old, the syndicated
    one at least seven hours old, so that their copies are not dated in the future.
    """
    span = len(ages) - HOME_ITEMS
    r_track, r_synd, r_upd, r_legacy, r_three = (
        HOME_ITEMS + int(span * f) for f in (0.1, 0.3, 0.5, 0.7, 0.9)
    )
    taken = {r_track, r_synd, r_legacy, r_three}
    while r_upd in taken or ages[r_upd] < 2 * 86400 + 3600:
        r_upd += 1
        if r_upd >= len(ages):
            raise ValueError("no article is old enough to be re-published")
    if ages[r_synd] < 7 * 3600:
        raise ValueError("the syndicated article is too recent to be copied six hours later")
    return r_track, r_synd, r_upd, r_legacy, r_three


def _listings(
    truth: list[Story],
    tracked: tuple[Story, str],
    extras: list[Story],
    members_teaser: Story,
) -> dict[str, list[tuple[Story, str]]]:
    """Every listing page's items as (story, href), newest first, paginated per tag.

    ``tracked`` is the story listed under its first tag with a tracking-parameter href; ``extras``
    (syndicated copy, no-body page, 404, 500) are listed under their first tag only.
    """
    track, tracked_href = tracked
    home = [(s, s.path) for s in truth[:HOME_ITEMS]] + [(members_teaser, members_teaser.path)]
    listings: dict[str, list[tuple[Story, str]]] = {"/": home}
    for slug in _SLUGS:
        entries = [
            (s, tracked_href if s is track and slug == track.tags[0] else s.path)
            for s in truth
            if slug in s.tags
        ]
        entries += [(s, s.path) for s in extras if s.tags[0] == slug]
        entries.sort(key=lambda e: (-e[0].published.timestamp(), e[1]))
        for page in range(max(1, -(-len(entries) // PER_PAGE))):
            path = f"/tag/{slug}/" if page == 0 else f"/tag/{slug}/page/{page + 1}/"
            listings[path] = entries[page * PER_PAGE : (page + 1) * PER_PAGE]
    return listings


def _sightings(
    listings: dict[str, list[tuple[Story, str]]],
    truth: list[Story],
    copies: dict[str, str],
) -> dict[str, list[Sighting]]:
    """Each truth article's sightings; ``copies`` maps a copy's path to its original's."""
    owner = {s.path: s.path for s in truth} | copies
    sightings: dict[str, list[Sighting]] = {}
    for listing_path, items in listings.items():
        tag = None if listing_path == "/" else listing_path.split("/")[2]
        for position, (_, href) in enumerate(items, start=1):
            key = owner.get(urlsplit(href).path)
            if key is not None:
                sightings.setdefault(key, []).append(Sighting(listing_path, tag, position, href))
    return sightings


def build_site(articles: int = 60, seed: int = 7) -> DemoSite:
    """Generate the whole site: ``articles`` distinct articles in its ground truth."""
    if articles < MIN_ARTICLES:
        raise ValueError(f"the demo site needs at least {MIN_ARTICLES} articles, got {articles}")
    writer = _Writer(seed)
    rng = writer.rng
    n_base = articles - 1  # the edited re-publication is the last distinct article
    ages = sorted(rng.sample(range(3600, _WINDOW), n_base))
    r_track, r_synd, r_upd, r_legacy, r_three = _special_ranks(ages)

    base: list[Story] = []
    for rank, age in enumerate(ages):
        primary = _SLUGS[rank % len(_SLUGS)] if rank < len(_SLUGS) else rng.choice(_SLUGS)
        count = rng.choices((1, 2, 3), weights=(5, 4, 3))[0]
        if rank == r_three:
            count = 3
        elif rank == r_track:
            count = max(count, 2)
        tags = writer.tags(primary, count)
        if rank == r_legacy:
            story = writer.story(age, tags, rank, title=_LEGACY_TITLE)
            story = _legacy(story, writer.contexts[story.path])
        else:
            story = writer.story(age, tags, rank, canonical=rank % 2 == 0 and rank != r_track)
        base.append(story)

    original_synd, original_upd = base[r_synd], base[r_upd]
    updated = _republish(writer, original_upd)
    truth = _ordered([*base, updated])
    track = base[r_track]
    tracked_href = f"{track.path}?{TRACKING_QUERY}"
    synd = replace(
        original_synd,
        path=f"/partners/wire/{original_synd.path.rsplit('/', 1)[1]}",
        published=original_synd.published + timedelta(hours=6),
        style=original_synd.style + 2,
        canonical=False,
        kind="syndicated",
    )

    def ghost(kind: str) -> Story:
        tags = (rng.choice(_SLUGS),)
        if kind == "members":
            return writer.story(
                writer.age(), tags, rng.randrange(99), kind=kind, folder="/members/"
            )
        return writer.story(writer.age(), tags, rng.randrange(99), kind=kind, blocks=(), caption="")

    nobody, missing, error = ghost("nobody"), ghost("missing"), ghost("error")
    members = _ordered([ghost("members") for _ in range(MEMBERS_ARTICLES)])

    listings = _listings(truth, (track, tracked_href), [synd, nobody, missing, error], members[0])
    sightings = _sightings(listings, truth, {synd.path: original_synd.path})

    pages = _render(writer, truth, listings, synd, nobody, error, members)
    return DemoSite(
        pages=pages,
        not_found=Page(
            404, render.error_page(404, "Not Found", "This page does not exist.").encode(), _HTML
        ),
        articles=truth,
        sightings=sightings,
        other_paths={track.path: [tracked_href], original_synd.path: [synd.path]},
        near_duplicates={updated.path: original_upd.path},
        not_found_path=missing.path,
        server_error_path=error.path,
        no_body_path=nobody.path,
        tracking_variant_path=tracked_href,
        syndicated_path=synd.path,
        republished_path=updated.path,
        legacy_encoding_path=base[r_legacy].path,
        members_paths=[m.path for m in members],
        listing_paths=list(listings),
    )


def _render(
    writer: _Writer,
    truth: list[Story],
    listings: dict[str, list[tuple[Story, str]]],
    synd: Story,
    nobody: Story,
    error: Story,
    members: list[Story],
) -> dict[str, Page]:
    popular = render.link_list(writer.rng.sample(truth, 5))
    top = render.top_stories(truth[:3])
    pages: dict[str, Page] = {}
    for path, items in listings.items():
        teasers = [render.teaser_item(story, href) for story, href in items]
        newest = max((s.published for s, _ in items), default=None)
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
            tag_pages = [p for p in listings if p.startswith(f"/tag/{slug}/")]
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
        pages[path] = Page(200, html.encode(), _HTML, newest)

    members_main = (
        '<h1 class="page-title">Members</h1>\n<section class="latest">\n'
        + "".join(render.teaser_item(m, m.path) for m in members)
        + "</section>\n"
    )
    pages["/members/"] = Page(
        200,
        render.listing_page("Members", "Stories for members.", members_main, popular).encode(),
        _HTML,
        members[0].published,
    )
    by_tag: dict[str, list[Story]] = {}
    for story in truth:
        by_tag.setdefault(story.tags[0], []).append(story)
    for story in [*truth, synd, nobody, *members]:
        peers = [s for s in by_tag.get(story.tags[0], []) if s.path != story.path]
        start = writer.rng.randrange(len(peers)) if peers else 0
        related = (peers[start:] + peers[:start])[:3]
        html = render.article_page(story, related=related, popular=popular, top=top)
        if story.encoding == "cp1252":
            page = Page(
                200, html.encode("cp1252"), "text/html; charset=windows-1252", story.published
            )
        else:
            page = Page(200, html.encode(), _HTML, story.published)
        pages[story.path] = page
    message = "Something went wrong on our side. Please try again later."
    pages[error.path] = Page(
        500, render.error_page(500, "Internal Server Error", message).encode(), _HTML
    )
    pages["/robots.txt"] = Page(200, render.ROBOTS_TXT.encode(), "text/plain; charset=utf-8")
    return pages
