"""Moving the demo site forward: each day brings new articles and one edit of an old one."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from crawler.demo import pages as html
from crawler.demo.site import BASE_DATE, Page, Story
from crawler.demo.writer import SLUGS, Writer

NEW_PER_DAY = 3
#: Seconds of a day that new articles and edits are spread over (never on the stroke of midnight).
_HOURS = range(60, 86400 - 60)


@dataclass(frozen=True, slots=True)
class DayNews:
    """What happened on one day."""

    new: tuple[str, ...]
    """Paths of the articles published that day."""
    edited: str
    """Path of the article edited that day."""


def advance(
    writer: Writer,
    truth: list[Story],
    day: int,
    *,
    seed: int,
    fixed: frozenset[str],
    popular: str,
    pages: dict[str, Page],
) -> tuple[list[Story], DayNews]:
    """Publish :data:`NEW_PER_DAY` articles on ``day`` and edit one ordinary article.

    Every choice comes from a stream seeded by the writer's seed and ``day`` alone, so a day's
    news does not depend on how many days follow it. The pages of the new and the edited articles
    are rendered into ``pages``, their sidebars from the site as it was when they were written.

    Args:
        writer: the site's writer; it draws from the day's stream from now on.
        truth: the articles at the end of the day before, newest first.
        day: 1 for the first day after day 0.
        seed: the site's seed.
        fixed: paths never edited (the special cases).
        popular: the "Most Popular Articles" list every page shows.
        pages: the site's pages, updated in place.

    Returns:
        The articles at the end of ``day``, newest first, and what happened.
    """
    writer.reseed(f"demo-day/{seed}/{day}")
    rng = writer.rng
    start = BASE_DATE + timedelta(days=day - 1)
    moments = sorted(start + timedelta(seconds=s) for s in rng.sample(_HOURS, NEW_PER_DAY + 1))
    edited_at = moments.pop(rng.randrange(len(moments)))
    news: list[Story] = []
    for published in moments:
        count = rng.choices((1, 2, 3), weights=(5, 4, 3))[0]
        tags = writer.tags(rng.choice(SLUGS), count)
        style = rng.randrange(48)
        news.append(writer.story(published, tags, style, canonical=rng.random() < 0.5))

    ordinary = [s for s in truth if s.path not in fixed]
    target = rng.choice([s for s in ordinary if s.modified is None] or ordinary)
    blocks = writer.gen.revise(writer.contexts[target.path], target.blocks)
    edited = replace(target, blocks=blocks, modified=edited_at)

    today = html.newest_first([*news, *(edited if s is target else s for s in truth)])
    for story in [*news, edited]:
        state = html.state_at(today, story.updated)
        pages[story.path] = html.article_page(
            story, related=html.related(story, state, rng), popular=popular, top=state[:3]
        )
    return today, DayNews(tuple(s.path for s in news), edited.path)
