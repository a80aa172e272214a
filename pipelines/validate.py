"""Validation: an :class:`~crawler.items.ArticleItem` becomes an Article or a Reject, never nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from pydantic import ValidationError

from crawler.items import ArticleItem, ExtractedArticle, RejectReason
from crawler.sites import crawl_site
from crawler.text.datetimes import FUTURE_TOLERANCE
from crawler.text.decode import clean_text
from crawler.urls import in_domains, url_key
from pipelines.keys import content_key
from pipelines.models import Article, Reject

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.sites import SiteConfig

#: How far past the fetch time a publication date may lie before it is ``bad_date``: extraction
#: drops such dates already, with the same allowance.
FUTURE_SLACK = FUTURE_TOLERANCE


def article_url(item: ArticleItem, site: SiteConfig) -> str:
    """The URL an article is known by: its canonical URL when that is an article on the same site."""
    canonical = item.extracted.canonical_url
    if canonical and in_domains(canonical, site.allowed_domains) and site.is_article(canonical):
        return canonical
    return item.fetched_url


#: What an article takes as extraction found it on the page: the fields the two shapes share.
PAGE_FIELDS = tuple(
    name for name in Article.model_fields if name in ExtractedArticle.model_fields and name != "url"
)


def validate(item: ArticleItem, site: SiteConfig) -> Article | Reject:
    """Validate one extracted page.

    Args:
        item: the page and its extraction.
        site: its site, for the minimum text length and the domains a canonical URL may name.

    Returns:
        The article, or a reject with the first reason that applies. NULs and lone surrogates
        (from JSON-LD escapes, say) are removed from every text field first.
    """
    found = item.extracted
    found = found.model_copy(
        update={
            "title": clean_text(found.title) if found.title else found.title,
            "text": clean_text(found.text),
            "authors": tuple(a for a in map(clean_text, found.authors) if a.strip()),
            "tags": tuple(t for t in map(clean_text, found.tags) if t.strip()),
        }
    )

    def reject(reason: RejectReason, detail: str) -> Reject:
        return Reject(
            site=item.site,
            url=item.fetched_url,
            reason=reason,
            fetched_at=item.fetched_at,
            detail=detail,
            http_status=item.http_status,
        )

    if not found.title or not found.title.strip():
        return reject("no_title", "no title found on the page")
    if len(found.text.strip()) < site.min_text_chars:
        return reject(
            "too_short",
            f"{len(found.text.strip())} characters of text, fewer than {site.min_text_chars}",
        )
    if found.published_at and found.published_at > item.fetched_at + FUTURE_SLACK:
        return reject("bad_date", f"published_at {found.published_at.isoformat()} is in the future")
    url = article_url(item, site)
    try:
        key = url_key(url)
        fetched_key = url_key(item.fetched_url)
        return Article(
            site=item.site,
            url=url,
            url_key=key,
            fetched_key=None if fetched_key == key else fetched_key,
            fetched_url=item.fetched_url,
            content_key=content_key(found.text),
            fetched_at=item.fetched_at,
            **found.model_dump(include=set(PAGE_FIELDS)),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return reject("invalid", f"{where}: {first['msg']}")
    except ValueError as exc:  # url_key refuses the URL
        return reject("bad_url", str(exc))


class ValidatePipeline:
    """Scrapy pipeline: ``ArticleItem`` in, ``Article`` or ``Reject`` out."""

    def __init__(self, site: SiteConfig) -> None:
        self.site = site

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Bind to the site of the crawler's spider."""
        return cls(crawl_site(crawler.settings))

    def process_item(self, item: Any) -> Any:
        """Validate articles; pass everything else (sightings, rejects) through."""
        if isinstance(item, ArticleItem):
            return validate(item, self.site)
        return item
