"""The built demo site: its stories, its pages by path, and the ground truth of its articles."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from crawler.demo.text import Block

SITE_NAME = "The Demo Daily"
BOILERPLATE_PHRASES = ("Check Out Our Content", "Check Out Other Tags", "Most Popular Articles")
#: Paragraphs the site repeats inside its article bodies, which no generic rule knows: a crawl
#: learns them from the site itself (``pipelines.boilerplate.learner``). Never part of the ground truth.
SUPPORT_APPEAL = (
    "The Demo Daily is reader-funded. We have no paywall and no owner to answer to, so our "
    "reporting stays free for everyone. If you can, support us from $1 a month."
)
STANDING_FOOTNOTE = (
    "Spotted a mistake? The Demo Daily corrects errors of fact promptly: write to "
    "corrections@demo-daily.example and name the headline."
)
SITE_BOILERPLATE = (SUPPORT_APPEAL, STANDING_FOOTNOTE)
#: One article in this many (by a hash of its title) carries no appeal; every article with a body
#: ends with the footnote.
NO_APPEAL_EVERY = 5
SHARE_LABELS = (
    "Share on Facebook",
    "Share on X",
    "Share on LinkedIn",
    "Email this article",
    "Copy link",
)
TAGS: tuple[tuple[str, str], ...] = (
    ("world", "World"),
    ("northkorea", "NorthKorea"),
    ("tech", "Tech"),
    ("business", "Business"),
    ("science", "Science"),
    ("culture", "Culture"),
)
TAG_LABELS = dict(TAGS)
#: Day 0's "today": every date on the site of day N lies before this instant plus N days.
BASE_DATE = datetime(2025, 11, 20, tzinfo=UTC)
TRACKING_QUERY = "utm_source=newsletter&utm_medium=email&utm_campaign=weekly"
SESSION_PARAMS = ";jsessionid=0A1B2C3D"
SESSION_QUERY = "sid=abc123"
CLICK_QUERY = "fbclid=IwAR2demo0daily"
#: Where the server's base URL (no trailing slash) goes in pages that need absolute URLs.
BASE_MARK = "{base_url}"
#: What marks an article page: its body holds this.
ARTICLE_MARK = b'<article class="post">'


@dataclass(frozen=True, slots=True)
class Page:
    """One HTTP response body the server can send."""

    status: int
    body: bytes
    content_type: str
    last_modified: datetime | None = None
    absolute: bool = False
    """The body holds :data:`BASE_MARK` where the server's base URL goes (feeds, sitemaps)."""

    @property
    def etag(self) -> str:
        """A strong validator derived from the body."""
        return f'"{zlib.crc32(self.body):08x}-{len(self.body):x}"'

    @property
    def last_modified_header(self) -> str:
        return format_datetime(self.last_modified or BASE_DATE, usegmt=True)


@dataclass(frozen=True, slots=True)
class Story:
    """Anything the site shows as an article: a real article, a copy, a stub or a dead link."""

    path: str
    title: str
    teaser: str
    published: datetime
    """Publication time, UTC."""
    tags: tuple[str, ...]
    """Tag slugs, primary tag first."""
    authors: tuple[str, ...] = ()
    caption: str = ""
    blocks: tuple[Block, ...] = ()
    style: int = 0
    """Selects how the page expresses its date (JSON-LD, meta, byline only) and time zones."""
    canonical: bool = False
    kind: str = "article"
    """``article``, ``members``, ``syndicated``, ``nobody``, ``missing`` or ``error``."""
    encoding: str = "utf-8"
    modified: datetime | None = None
    """When the article was last edited, UTC; ``None`` if never."""

    @property
    def has_appeal(self) -> bool:
        """Whether its page carries :data:`SUPPORT_APPEAL` (most pages with a body do)."""
        return bool(self.blocks) and zlib.crc32(self.title.encode()) % NO_APPEAL_EVERY != 0

    @property
    def updated(self) -> datetime:
        """The modification time, else the publication time."""
        return self.modified or self.published

    @property
    def text(self) -> str:
        """The true main text: the caption once, then every body block."""
        parts = [self.caption] if self.caption else []
        parts.extend(block.text for block in self.blocks)
        return "\n\n".join(parts)


@dataclass(frozen=True, slots=True)
class Sighting:
    """One listing item: where it was listed and what it links to."""

    listing_path: str
    tag: str | None
    position: int
    href: str


@dataclass
class DemoSite:
    """A generated site on one day: every page pre-rendered, plus the true record of each article."""

    pages: dict[str, Page]
    not_found: Page
    """What every unknown path gets."""
    articles: list[Story]
    """The distinct articles of the ground truth, newest first."""
    sightings: dict[str, list[Sighting]]
    """Listing items by the path of the truth article they carry."""
    other_paths: dict[str, list[str]]
    """Other paths (with query or path parameters) serving the same article, by its path."""
    near_duplicates: dict[str, str]
    """Path of an edited re-publication -> path of its original."""
    not_found_path: str
    server_error_path: str
    no_body_path: str
    tracking_variant_path: str
    """An article's path with ``?utm_...`` tracking parameters, as a tag page links it."""
    session_variant_path: str
    """An article's path with a ``;jsessionid=...`` path parameter, as a tag page links it."""
    session_query_variant_path: str
    """Another article's path with ``?sid=...``, as a tag page links it."""
    click_variant_path: str
    """Another article's path with ``?fbclid=...``, as a tag page links it."""
    syndicated_path: str
    republished_path: str
    legacy_encoding_path: str
    members_paths: list[str]
    listing_paths: list[str]
    feed_paths: list[str]
    """``/feed.xml`` (RSS 2.0) and ``/atom.xml``."""
    sitemap_paths: list[str]
    """The sitemap index first, then the news sitemap and the article sitemaps."""
    day: int = 0
    seed: int = 7
    day0_articles: int = 60
    """The ``articles`` it was built with: day 0's count."""
    new_paths: frozenset[str] = frozenset()
    """Articles published on this day (every article on day 0)."""
    updated_paths: frozenset[str] = frozenset()
    """The article edited on this day."""
    disallowed_prefix: str = "/members/"
    tags: list[tuple[str, str]] = field(default_factory=lambda: list(TAGS))
    site_name: str = SITE_NAME

    @property
    def today(self) -> datetime:
        """The site's present: every date on it lies before this instant."""
        return BASE_DATE + timedelta(days=self.day)

    def page(self, path: str, base_url: str | None = None) -> Page:
        """The response for ``path``; query string, fragment and ``;`` parameters are ignored.

        Args:
            path: an absolute path (query allowed) or a URL.
            base_url: the server's base URL, put into pages that hold absolute URLs (feeds,
                sitemaps, robots.txt); without it they keep :data:`BASE_MARK`.

        Returns:
            The page, or :attr:`not_found`.
        """
        page = self.pages.get(clean_path(path), self.not_found)
        if page.absolute and base_url is not None:
            body = page.body.replace(BASE_MARK.encode(), base_url.rstrip("/").encode())
            return replace(page, body=body)
        return page

    def changes(self) -> dict[str, str]:
        """Each truth article's path -> what a crawler of the day before should decide today.

        ``new`` (published today; every article on day 0), ``updated`` (edited today) or
        ``unchanged``.
        """
        return {
            story.path: "new"
            if story.path in self.new_paths
            else "updated"
            if story.path in self.updated_paths
            else "unchanged"
            for story in self.articles
        }

    def truth(self, base_url: str) -> list[dict[str, object]]:
        """One record per distinct article, URLs made absolute against ``base_url``."""
        base = base_url.rstrip("/")
        changes = self.changes()
        records: list[dict[str, object]] = []
        for story in self.articles:
            original = self.near_duplicates.get(story.path)
            records.append(
                {
                    "url": base + story.path,
                    "title": story.title,
                    "text": story.text,
                    "published_at": _utc(story.published),
                    "modified_at": _utc(story.modified) if story.modified else None,
                    "change": changes[story.path],
                    "authors": list(story.authors),
                    "tags": [TAG_LABELS[slug] for slug in story.tags],
                    "other_urls": [base + p for p in self.other_paths.get(story.path, [])],
                    "near_duplicate_of": base + original if original else None,
                    "sightings": [
                        {"listing_url": base + s.listing_path, "tag": s.tag, "position": s.position}
                        for s in self.sightings.get(story.path, [])
                    ],
                }
            )
        return records


def clean_path(path: str) -> str:
    """The path part of a path or URL, without query, fragment or ``;`` path parameters."""
    if path.startswith("/"):
        clean = path.partition("#")[0].partition("?")[0]
    else:
        clean = urlsplit(path).path or "/"
    return clean.partition(";")[0] or "/"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def write_truth(site: DemoSite, base_url: str, path: str | Path) -> None:
    """Write ``site.truth(base_url)`` to ``path`` as JSON lines (UTF-8), replacing it whole."""
    target = Path(path)
    lines = [json.dumps(record, ensure_ascii=False) for record in site.truth(base_url)]
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    partial.replace(target)
