"""The built demo site: its stories, its pages by path, and the ground truth of its articles."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from crawler.demo.text import Block

SITE_NAME = "The Demo Daily"
BOILERPLATE_PHRASES = ("Check Out Our Content", "Check Out Other Tags", "Most Popular Articles")
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
#: The site's "today": every date on it lies before this instant.
BASE_DATE = datetime(2025, 11, 20, tzinfo=UTC)
TRACKING_QUERY = "utm_source=newsletter&utm_medium=email&utm_campaign=weekly"


@dataclass(frozen=True, slots=True)
class Page:
    """One HTTP response body the server can send."""

    status: int
    body: bytes
    content_type: str
    last_modified: datetime | None = None

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
    """A generated site: every page pre-rendered, plus the true record of every article."""

    pages: dict[str, Page]
    not_found: Page
    """What every unknown path gets."""
    articles: list[Story]
    """The distinct articles of the ground truth, newest first."""
    sightings: dict[str, list[Sighting]]
    """Listing items by the path of the truth article they carry."""
    other_paths: dict[str, list[str]]
    """Other paths (with query) serving the same article, by the article's path."""
    near_duplicates: dict[str, str]
    """Path of an edited re-publication -> path of its original."""
    not_found_path: str
    server_error_path: str
    no_body_path: str
    tracking_variant_path: str
    syndicated_path: str
    republished_path: str
    legacy_encoding_path: str
    members_paths: list[str]
    listing_paths: list[str]
    disallowed_prefix: str = "/members/"
    tags: list[tuple[str, str]] = field(default_factory=lambda: list(TAGS))
    site_name: str = SITE_NAME

    def page(self, path: str) -> Page:
        """The response for ``path``; its query string and fragment are ignored."""
        if path.startswith("/"):
            clean = path.partition("#")[0].partition("?")[0]
        else:
            clean = urlsplit(path).path or "/"
        return self.pages.get(clean, self.not_found)

    def truth(self, base_url: str) -> list[dict[str, object]]:
        """One record per distinct article, URLs made absolute against ``base_url``."""
        base = base_url.rstrip("/")
        records: list[dict[str, object]] = []
        for story in self.articles:
            original = self.near_duplicates.get(story.path)
            records.append(
                {
                    "url": base + story.path,
                    "title": story.title,
                    "text": story.text,
                    "published_at": story.published.astimezone(UTC).isoformat(),
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


def write_truth(site: DemoSite, base_url: str, path: str | Path) -> None:
    """Write ``site.truth(base_url)`` to ``path`` as JSON lines (UTF-8)."""
    lines = [json.dumps(record, ensure_ascii=False) for record in site.truth(base_url)]
    Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
