"""The sites file: ``sites.toml`` read into validated :class:`SiteConfig` objects.

A sites file is a list of ``[[site]]`` tables. Every key is checked (``extra="forbid"``), so a typo
fails loudly, and every problem is reported with the site and the field it belongs to.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from crawler.limits import (
    DEFAULT_DOWNLOAD_TIMEOUT,
    DEFAULT_MAX_LINKS_PER_PAGE,
    DEFAULT_MAX_PAGE_BYTES,
    DEFAULT_MAX_URL_LENGTH,
)
from crawler.scheduling.expressions import check_schedule
from crawler.urls import in_domains

#: Where ``gleaner`` looks for the sites file unless told otherwise.
DEFAULT_SITES_FILE = "sites.toml"

#: Listing pages: tag, category and section pages and their pagination.
DEFAULT_LISTING_PATTERNS: tuple[str, ...] = (
    r"/(?:tag|tags|category|categories|section|sections|topic|topics)/[^/?#]+/?(?:page/\d+/?)?$",
    r"/page/\d+/?$",
    r"[?&]page=\d+",
)

#: Article pages: dated paths, or a final path segment that is a slug of three words or more.
DEFAULT_ARTICLE_PATTERNS: tuple[str, ...] = (
    r"/\d{4}/\d{1,2}/\d{1,2}/[^/?#]+",
    r"/[^/?#]*[a-z0-9]+-[a-z0-9]+-[a-z0-9]+[^/?#]*(?:\.s?html?)?/?$",
)


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    return pattern


def _check_selector(selector: str) -> str:
    from lxml import etree
    from parsel.csstranslator import HTMLTranslator

    try:
        if selector.startswith(("/", "./", "(")):
            etree.XPath(selector)
        else:
            HTMLTranslator().css_to_xpath(selector)
    except Exception as exc:
        raise ValueError(f"invalid CSS or XPath selector {selector!r}: {exc}") from exc
    return selector


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_DURATION = re.compile(rf"(?:{_DURATION_PART.pattern}\s*)+")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_LONGEST_DURATION = 1000 * 365 * 86400


def _to_duration(value: object) -> timedelta:
    """A duration from ``"90s"``, ``"30m"``, ``"12h"``, ``"7d"``, ``"2w"``, ``"1d12h"`` or seconds."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and _DURATION.fullmatch(value.strip().lower()):
        parts = _DURATION_PART.findall(value.strip().lower())
        seconds = sum(float(number) * _DURATION_UNITS[unit] for number, unit in parts)
    else:
        raise ValueError(
            f"{value!r} is not a duration: use a number of seconds or a string such as "
            "'90s', '30m', '12h' or '7d'"
        )
    if not 0 < seconds <= _LONGEST_DURATION:
        raise ValueError(f"{value!r} is not a positive duration of at most 1000 years")
    return timedelta(seconds=seconds)


Regex = Annotated[str, AfterValidator(_check_regex)]
Selector = Annotated[str, AfterValidator(_check_selector)]
Duration = Annotated[timedelta, BeforeValidator(_to_duration)]
ScheduleExpression = Annotated[str, AfterValidator(check_schedule)]


class CleanupRules(BaseModel):
    """Per-site rules applied on top of the built-in cleanup at extraction time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    drop_selectors: tuple[Selector, ...] = ()
    """CSS selectors (or XPath, starting with ``/``) of elements removed before extraction."""
    drop_phrases: tuple[str, ...] = ()
    """Paragraphs equal to one of these phrases (case-insensitive) are removed from the text."""
    stop_phrases: tuple[str, ...] = ()
    """A paragraph equal to one of these phrases ends the article: it and all after it are removed."""
    title_prefix_patterns: tuple[Regex, ...] = ()
    """Regular expressions removed from the start of the title (anchored at the start)."""
    title_suffix_patterns: tuple[Regex, ...] = ()
    """Regular expressions removed from the end of the title (anchored at the end)."""


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _domains(allowed: tuple[str, ...], start_urls: tuple[str, ...]) -> tuple[str, ...]:
    """The allowed domains, or the start URLs' hosts when none are given."""
    return allowed or tuple(dict.fromkeys(_host(u) for u in start_urls))


class SiteConfig(BaseModel):
    """One site to crawl: where to start, which pages are listings or articles, and how politely."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
    """Short identifier: the ``gleaner crawl`` argument and the ``site`` column value."""
    start_urls: Annotated[tuple[str, ...], Field(min_length=1)]
    """Home, index or tag pages the crawl starts from; always treated as listing pages."""
    listing_patterns: tuple[Regex, ...] = DEFAULT_LISTING_PATTERNS
    """Regexes searched in absolute URLs: a match is a listing page (tag, section, pagination)."""
    article_patterns: tuple[Regex, ...] = DEFAULT_ARTICLE_PATTERNS
    """Regexes searched in absolute URLs: a match (that is not a listing) is an article page."""
    allowed_domains: tuple[str, ...] = ()
    """Hosts the crawl may visit; defaults to the start URLs' hosts."""
    download_delay: Annotated[float, Field(ge=0, le=600)] = 0.25
    """Seconds between requests to the site (AutoThrottle adjusts from there)."""
    concurrency: Annotated[int, Field(ge=1, le=64)] = 4
    """Requests in flight to the site at once."""
    max_pages: Annotated[int | None, Field(ge=1)] = None
    """Stop the crawl after this many responses (``None``: no limit)."""
    max_page_bytes: Annotated[int, Field(ge=1024, le=1024**3)] = DEFAULT_MAX_PAGE_BYTES
    """Largest page body accepted, after decompression; a larger page becomes a ``too_large``
    reject (a compressed body stops inflating there)."""
    download_timeout: Annotated[float, Field(gt=0, le=600)] = DEFAULT_DOWNLOAD_TIMEOUT
    """Seconds one fetch may take, connecting and receiving headers and body; a slower fetch
    becomes a ``timeout`` reject (after its retries)."""
    max_links_per_page: Annotated[int, Field(ge=1, le=100_000)] = DEFAULT_MAX_LINKS_PER_PAGE
    """Links followed from one HTML listing page: articles first, then listing pages, then
    pagination. Feeds and sitemaps give up to 50,000, the sitemap protocol's limit."""
    max_url_length: Annotated[int, Field(ge=64, le=65_536)] = DEFAULT_MAX_URL_LENGTH
    """Longest URL requested, in characters; a longer link is never followed."""
    min_text_chars: Annotated[int, Field(ge=0)] = 300
    """Shortest article text accepted; a shorter one becomes a ``too_short`` reject."""
    user_agent: str | None = None
    """User-Agent for this site (default: the ``USER_AGENT`` setting)."""
    cleanup: CleanupRules = CleanupRules()
    """Site rules applied on top of the built-in cleanup."""
    feeds: tuple[str, ...] = ()
    """RSS or Atom feeds whose items are articles of the site."""
    sitemaps: tuple[str, ...] = ()
    """Sitemaps, news sitemaps or sitemap indexes (also gzip-compressed) listing the site's articles."""
    recheck_after: Duration | None = None
    """Refetch an article already in the warehouse once this long has passed (``None``: never)."""
    stop_at_known: bool = True
    """Stop following pagination once a listing page holds only articles already known."""
    schedule: ScheduleExpression | None = None
    """When ``gleaner scheduler`` crawls the site: cron (5 fields, or 6 with seconds first), a
    nickname (``@daily``) or ``every 30s``/``every 5m``/``every 2h`` (``None``: not scheduled)."""

    @field_validator("start_urls", "feeds", "sitemaps")
    @classmethod
    def _http_urls(cls, urls: tuple[str, ...]) -> tuple[str, ...]:
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{url!r} is not an http(s) URL with a host")
        return urls

    @field_validator("feeds", "sitemaps")
    @classmethod
    def _on_site(cls, urls: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if "start_urls" not in info.data or "allowed_domains" not in info.data:
            return urls
        domains = _domains(info.data["allowed_domains"], info.data["start_urls"])
        for url in urls:
            if not in_domains(url, domains):
                raise ValueError(f"{url!r} is not on the site's domains ({', '.join(domains)})")
        return urls

    @model_validator(mode="after")
    def _default_domains(self) -> SiteConfig:
        if not self.allowed_domains:
            object.__setattr__(self, "allowed_domains", _domains((), self.start_urls))
        return self

    def is_listing(self, url: str) -> bool:
        """Whether ``url`` is a listing page of this site (a start URL or a listing pattern)."""
        return url in self.start_urls or any(re.search(p, url) for p in self.listing_patterns)

    def is_article(self, url: str) -> bool:
        """Whether ``url`` looks like an article page of this site."""
        return not self.is_listing(url) and any(re.search(p, url) for p in self.article_patterns)


@dataclass(frozen=True)
class SiteProblem:
    """One problem in a sites file, located by site and field."""

    site: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"site {self.site!r}, field {self.field!r}: {self.message}"


class SitesFileError(Exception):
    """A sites file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, path: Path, problems: list[SiteProblem]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s)\n{lines}")


def sites_file_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The sites file to use: ``path``, else ``$GLEANER_SITES``, else ``./sites.toml``."""
    return Path(path or os.environ.get("GLEANER_SITES") or DEFAULT_SITES_FILE)


def parse_sites(data: dict[str, Any], path: Path) -> list[SiteConfig]:
    """Validate the parsed TOML of a sites file; raise :class:`SitesFileError` listing every problem."""
    problems: list[SiteProblem] = []
    extra = sorted(set(data) - {"site"})
    for key in extra:
        problems.append(SiteProblem("-", key, "unknown top-level key (sites are [[site]] tables)"))
    entries = data.get("site", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(SiteProblem("-", "site", "must be an array of tables: [[site]]"))
        entries = []
    sites: list[SiteConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        label = str(entry.get("name") or f"#{index}")
        try:
            site = SiteConfig.model_validate(entry)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(part) for part in err["loc"]) or "-"
                problems.append(SiteProblem(label, loc, _message(err)))
            continue
        if site.name in seen:
            problems.append(SiteProblem(label, "name", "another site has the same name"))
        seen.add(site.name)
        sites.append(site)
    if problems:
        raise SitesFileError(path, problems)
    return sites


def _message(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key (misspelt?)"
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def load_sites(path: str | os.PathLike[str] | None = None) -> list[SiteConfig]:
    """Read and validate a sites file.

    Args:
        path: the TOML file; defaults to :func:`sites_file_path`.

    Returns:
        The sites, in file order.

    Raises:
        SitesFileError: the file is missing or unreadable, is not UTF-8 TOML, or has invalid
            sites (all are listed). Nothing else, whatever the file holds.
    """
    file = sites_file_path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SitesFileError(file, [SiteProblem("-", "-", "file not found")]) from None
    except OSError as exc:
        raise SitesFileError(file, [SiteProblem("-", "-", f"cannot be read: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise SitesFileError(file, [SiteProblem("-", "-", f"not UTF-8 text: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SitesFileError(file, [SiteProblem("-", "-", f"not valid TOML: {exc}")]) from None
    return parse_sites(data, file)


def find_site(sites: list[SiteConfig], name: str) -> SiteConfig:
    """The site called ``name``; ``KeyError`` naming the known sites otherwise."""
    for site in sites:
        if site.name == name:
            return site
    known = ", ".join(s.name for s in sites) or "none"
    raise KeyError(f"no site named {name!r} (known: {known})")


def crawl_site(settings: Mapping[str, Any]) -> SiteConfig:
    """The site a Scrapy crawl was started for: its ``GLEANER_SITE`` setting."""
    site: SiteConfig = settings["GLEANER_SITE"]
    return site
