"""Builds the demo site from a seed: day 0's stories and special cases, then the days after it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from crawler.demo import render
from crawler.demo.days import advance
from crawler.demo.feeds import feed_pages
from crawler.demo.furniture import furnish_pages
from crawler.demo.pages import (
    HOME_ITEMS,
    HTML,
    article_page,
    listing_pages,
    listings,
    members_page,
    newest_first,
    related,
    sightings,
)
from crawler.demo.site import (
    BASE_DATE,
    CLICK_QUERY,
    SESSION_PARAMS,
    SESSION_QUERY,
    TRACKING_QUERY,
    DemoSite,
    Page,
    Story,
)
from crawler.demo.text import Block
from crawler.demo.writer import SLUGS, Writer

#: Fewest articles a site can have and still hold every special case away from the front page.
MIN_ARTICLES = 20
MEMBERS_ARTICLES = 4
_WINDOW = 120 * 86400
_LEGACY_TITLE = "Zürich Café Owners Say €12 Coffee Is Here to Stay, Señora Núñez Warns"
_LEGACY_SENTENCE = (
    "At the Café Müller in {place}, señora Núñez said the €4.5 million plan for 2026–2027 was "
    "“a fair deal for everyone, not just the big chains.”"
)
#: The syndicated article's title: markup characters a page must escape.
SCRIPT_TITLE = "Ad Networks Still Slip <script> Tags Into News Pages, Researchers Say"


def _legacy(story: Story, ctx: dict[str, str]) -> Story:
    """The article served in windows-1252: accented names, euros, dashes and curly quotes."""
    first = next(i for i, b in enumerate(story.blocks) if b.kind == "p")
    blocks = list(story.blocks)
    added = _LEGACY_SENTENCE.format(place=ctx["place"])
    blocks[first] = Block("p", (*blocks[first].sentences, added))
    return replace(story, blocks=tuple(blocks), encoding="cp1252")


def _republish(writer: Writer, original: Story) -> Story:
    """An edited re-publication two days later: one sentence added, another reworded."""
    blocks = writer.gen.revise(writer.contexts[original.path], original.blocks)
    published = original.published + timedelta(days=2)
    slug = original.path.rsplit("/", 1)[1].removesuffix(".html")
    return replace(
        original,
        path=f"/news/{published:%Y/%m/%d}/{slug}-updated.html",
        title=f"{original.title} (Updated)",
        published=published,
        blocks=blocks,
        style=original.style + 1,
        canonical=True,
    )


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


def _variant_ranks(base: list[Story], taken: set[int], tracked: Story) -> list[int]:
    """Ranks of the articles linked with a session id in the path, with ``?sid=`` and with a
    click id: below the home page when there is room, each under a primary tag no other variant
    uses if possible.
    """
    span = len(base) - HOME_ITEMS
    used = {tracked.tags[0]}
    ranks: list[int] = []
    for fraction in (0.2, 0.4, 0.6):
        start = int(span * fraction)
        below = [HOME_ITEMS + (start + i) % span for i in range(span)]
        free = [rank for rank in [*below, *range(HOME_ITEMS)] if rank not in taken]
        rank = next((r for r in free if base[r].tags[0] not in used), free[0])
        taken.add(rank)
        used.add(base[rank].tags[0])
        ranks.append(rank)
    return ranks


@dataclass
class _Cast:
    """Day 0's stories, special cases included, and how the listings link them."""

    truth: list[Story]
    variants: dict[tuple[str, str], str]
    """(article path, tag slug) -> the href that tag's pages link the article with."""
    variant_paths: dict[str, str]
    """``tracking``, ``session``, ``session_query``, ``click`` -> href."""
    copies: dict[str, str]
    """Path of the syndicated copy -> path of its original."""
    extras: list[Story]
    members: list[Story]
    fixed: frozenset[str]
    """The special articles, never edited."""
    other_paths: dict[str, list[str]]
    near_duplicates: dict[str, str]
    ghosts: dict[str, str]
    """``nobody``, ``missing`` and ``error`` -> path."""
    legacy_path: str


def _base(writer: Writer, ages: list[int], track: int, legacy: int, three: int) -> list[Story]:
    """Day 0's articles, ``ages`` seconds old; the ranks given are special.

    ``track`` gets two tags or more, ``three`` three tags, and ``legacy`` is the windows-1252 one.
    """
    rng = writer.rng
    base: list[Story] = []
    for rank, age in enumerate(ages):
        primary = SLUGS[rank % len(SLUGS)] if rank < len(SLUGS) else rng.choice(SLUGS)
        count = rng.choices((1, 2, 3), weights=(5, 4, 3))[0]
        if rank == three:
            count = 3
        elif rank == track:
            count = max(count, 2)
        tags = writer.tags(primary, count)
        published = BASE_DATE - timedelta(seconds=age)
        if rank == legacy:
            story = writer.story(published, tags, rank, title=_LEGACY_TITLE)
            story = _legacy(story, writer.contexts[story.path])
        else:
            story = writer.story(published, tags, rank, canonical=rank % 2 == 0 and rank != track)
        base.append(story)
    return base


def _cast(writer: Writer, articles: int) -> _Cast:
    """Day 0's stories: ordinary articles and every special case."""
    rng = writer.rng
    n_base = articles - 1  # the edited re-publication is the last distinct article
    ages = sorted(rng.sample(range(3600, _WINDOW), n_base))
    r_track, r_synd, r_upd, r_legacy, r_three = _special_ranks(ages)
    base = _base(writer, ages, r_track, r_legacy, r_three)
    base[r_synd] = writer.retitle(base[r_synd], SCRIPT_TITLE)
    taken = {r_track, r_synd, r_upd, r_legacy, r_three}
    r_session, r_sid, r_click = _variant_ranks(base, taken, base[r_track])

    original, session, sid, click = base[r_synd], base[r_session], base[r_sid], base[r_click]
    updated = _republish(writer, base[r_upd])
    track = base[r_track]
    hrefs = {  # each listed so under the article's primary tag
        "tracking": (track, f"{track.path}?{TRACKING_QUERY}"),
        "session": (session, session.path + SESSION_PARAMS),
        "session_query": (sid, f"{sid.path}?{SESSION_QUERY}"),
        "click": (click, f"{click.path}?{CLICK_QUERY}"),
    }
    variants = {(s.path, s.tags[0]): href for s, href in hrefs.values()}
    synd = replace(
        original,
        path=f"/partners/wire/{original.path.rsplit('/', 1)[1]}",
        published=original.published + timedelta(hours=6),
        style=original.style + 2,
        canonical=False,
        kind="syndicated",
    )

    def ghost(kind: str) -> Story:
        tags = (rng.choice(SLUGS),)
        published = BASE_DATE - timedelta(seconds=rng.randrange(3600, _WINDOW))
        if kind == "members":
            return writer.story(published, tags, rng.randrange(99), kind=kind, folder="/members/")
        return writer.story(published, tags, rng.randrange(99), kind=kind, blocks=(), caption="")

    ghosts = {kind: ghost(kind) for kind in ("nobody", "missing", "error")}
    other_paths: dict[str, list[str]] = {}
    for (path, _), href in variants.items():
        other_paths.setdefault(path, []).append(href)
    other_paths[original.path] = [synd.path]
    return _Cast(
        truth=newest_first([*base, updated]),
        variants=variants,
        variant_paths={name: href for name, (_, href) in hrefs.items()},
        copies={synd.path: original.path},
        extras=[synd, *ghosts.values()],
        members=newest_first([ghost("members") for _ in range(MEMBERS_ARTICLES)]),
        fixed=frozenset(
            s.path for s in (track, original, base[r_upd], updated, base[r_legacy], base[r_three])
        )
        | {session.path, sid.path, click.path},
        other_paths=other_paths,
        near_duplicates={updated.path: base[r_upd].path},
        ghosts={kind: story.path for kind, story in ghosts.items()},
        legacy_path=base[r_legacy].path,
    )


def _day0_pages(writer: Writer, cast: _Cast) -> tuple[dict[str, Page], str]:
    """Day 0's article pages and the pages that never change, and the "Most Popular" list."""
    truth = cast.truth
    popular = render.link_list(writer.rng.sample(truth, 5))
    pages = {"/members/": members_page(cast.members, popular)}
    synd, nobody, _, error = cast.extras
    by_tag: dict[str, list[Story]] = {}
    for story in truth:
        by_tag.setdefault(story.tags[0], []).append(story)
    for story in [*truth, synd, nobody, *cast.members]:
        chosen = related(story, by_tag.get(story.tags[0], []), writer.rng)
        pages[story.path] = article_page(story, related=chosen, popular=popular, top=truth[:3])
    message = "Something went wrong on our side. Please try again later."
    pages[error.path] = Page(
        500, render.error_page(500, "Internal Server Error", message).encode(), HTML
    )
    robots = render.ROBOTS_TXT.encode()
    pages["/robots.txt"] = Page(200, robots, "text/plain; charset=utf-8", absolute=True)
    return pages, popular


def build_site(
    articles: int = 60, seed: int = 7, day: int = 0, *, page_kb: tuple[int, int] | None = None
) -> DemoSite:
    """Generate the whole site as it stands on ``day``.

    Args:
        articles: distinct articles in day 0's ground truth.
        seed: the generator seed; the same arguments give byte-identical pages.
        day: days after day 0; each adds new articles and edits one (see :mod:`.days`).
        page_kb: when given, article pages are furnished to a size in this range of KB, as real
            news pages are (see :mod:`.furniture`); their articles stay the same.

    Returns:
        The site, its pages rendered.
    """
    if articles < MIN_ARTICLES:
        raise ValueError(f"the demo site needs at least {MIN_ARTICLES} articles, got {articles}")
    if day < 0:
        raise ValueError(f"the day must be 0 or later, got {day}")
    writer = Writer(seed)
    cast = _cast(writer, articles)
    pages, popular = _day0_pages(writer, cast)
    truth = cast.truth
    new_paths, updated_paths = frozenset(s.path for s in truth), frozenset[str]()
    for number in range(1, day + 1):
        truth, news = advance(
            writer, truth, number, seed=seed, fixed=cast.fixed, popular=popular, pages=pages
        )
        new_paths, updated_paths = frozenset(news.new), frozenset({news.edited})

    found = listings(truth, cast.variants, cast.extras, cast.members[0])
    pages |= listing_pages(found, popular)
    feeds = feed_pages(truth, BASE_DATE + timedelta(days=day))
    pages |= feeds
    if page_kb is not None:
        pages = furnish_pages(pages, page_kb, seed)
    return DemoSite(
        pages=pages,
        not_found=Page(
            404, render.error_page(404, "Not Found", "This page does not exist.").encode(), HTML
        ),
        articles=truth,
        sightings=sightings(found, truth, cast.copies),
        other_paths=cast.other_paths,
        near_duplicates=cast.near_duplicates,
        not_found_path=cast.ghosts["missing"],
        server_error_path=cast.ghosts["error"],
        no_body_path=cast.ghosts["nobody"],
        tracking_variant_path=cast.variant_paths["tracking"],
        session_variant_path=cast.variant_paths["session"],
        session_query_variant_path=cast.variant_paths["session_query"],
        click_variant_path=cast.variant_paths["click"],
        syndicated_path=cast.extras[0].path,
        republished_path=next(iter(cast.near_duplicates)),
        legacy_encoding_path=cast.legacy_path,
        members_paths=[m.path for m in cast.members],
        listing_paths=list(found),
        feed_paths=["/feed.xml", "/atom.xml"],
        sitemap_paths=["/sitemap.xml", *(p for p in feeds if p.startswith("/sitemaps/"))],
        day=day,
        seed=seed,
        day0_articles=articles,
        new_paths=new_paths,
        updated_paths=updated_paths,
    )
