"""The demo site's newsroom: stories with unique titles and slugs, drawn from a seeded stream."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from crawler.demo.site import TAGS, Story
from crawler.demo.text import TextGen, slugify

SLUGS = tuple(slug for slug, _ in TAGS)


class Writer:
    """Makes stories with unique titles and slugs; every choice comes from :attr:`rng`."""

    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(seed)
        self.gen = TextGen(self.rng)
        self.titles: set[str] = set()
        self.slugs: set[str] = set()
        self.contexts: dict[str, dict[str, str]] = {}
        """The people, places and topic of each story, by path (for later edits)."""

    def reseed(self, seed: str) -> None:
        """Draw from a new stream from now on; the titles and slugs taken stay taken."""
        self.rng = random.Random(seed)
        self.gen = TextGen(self.rng)

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
        others = self.rng.sample([slug for slug in SLUGS if slug != primary], count - 1)
        return (primary, *others)

    def story(self, published: datetime, tags: tuple[str, ...], style: int, **kw: object) -> Story:
        """A full article published at ``published``; ``kw`` overrides fields."""
        ctx = self.gen.context(tags[0])
        title = str(kw.pop("title", None) or self.unique_title(ctx))
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

    def retitle(self, story: Story, title: str) -> Story:
        """``story`` under another title, at the path that title gives."""
        folder = story.path.rsplit("/", 1)[0]
        path = f"{folder}/{self.unique_slug(title)}.html"
        self.titles.add(title)
        self.contexts[path] = self.contexts[story.path]
        return replace(story, title=title, path=path)
