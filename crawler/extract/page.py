"""extract_page: one article page from its bytes to a record, or to the reason it is no article.

This is the work an extraction worker does for the crawl, so that none of it runs on the reactor
thread: decoding (:func:`crawler.text.decode.decode_html`), extraction
(:func:`crawler.extract.article.extract_article`) and, for a thin result, the look at the page that tells
a soft 404, a paywall or consent stub, or a script-only page
(:func:`crawler.extract.not_articles.thin_page_problem`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from crawler.extract.article import extract_article
from crawler.extract.not_articles import needs_second_look, thin_page_problem
from crawler.items import ExtractedArticle
from crawler.text.decode import decode_html

if TYPE_CHECKING:
    from datetime import datetime

    from crawler.extract.dates import ListedSource
    from crawler.items import RejectReason
    from crawler.sites import SiteConfig


class ExtractedPage(NamedTuple):
    """What one article page gave."""

    article: ExtractedArticle
    """The extracted record."""
    problem: tuple[RejectReason, str] | None
    """Why the page is not an article (reason code and detail), or ``None``."""


def extract_page(
    body: str | bytes,
    content_type: str | bytes | None,
    url: str,
    site: SiteConfig,
    *,
    headline: str | None = None,
    listed_at: datetime | None = None,
    listed_source: ListedSource | None = None,
    fetched_at: datetime | None = None,
) -> ExtractedPage:
    """Decode, extract and check one article page.

    Args:
        body: the page as received (or already as text).
        content_type: the response's ``Content-Type`` header, whose charset decoding honours.
        url: the URL it was fetched from.
        site: its site, whose cleanup rules and shortest text apply.
        headline: the headline its listing gave.
        listed_at: the date its listing gave.
        listed_source: what gave ``listed_at``.
        fetched_at: when it was fetched.

    Returns:
        The record, with the reason the page is no article when its thin text has one.
    """
    html = body if isinstance(body, str) else decode_html(body, content_type)
    article = extract_article(
        html,
        url,
        site,
        headline=headline,
        listed_at=listed_at,
        listed_source=listed_source,
        fetched_at=fetched_at,
    )
    problem = None
    if needs_second_look(article.title, article.text, site.min_text_chars):
        problem = thin_page_problem(html, article.title, article.text, site.min_text_chars)
    return ExtractedPage(article, problem)
