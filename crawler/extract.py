"""Article extraction: HTML in, a clean :class:`ExtractedArticle` out.

trafilatura chooses the main text and :mod:`crawler.body` checks it against the page; gleaner's
cleanup (site rules, collapsed duplicate paragraphs, repaired escapes, titles freed of glued tag
labels) runs on top. Pure: no Scrapy, no network.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from crawler.authors import find_authors
from crawler.body import declared_paragraphs, extract_body
from crawler.cleanup import clean_paragraphs
from crawler.dates import ListedSource, find_dates
from crawler.decode import decode_html
from crawler.dom import compile_selector, drop_elements, element_text, parse_html
from crawler.explain import Explanation, Removal
from crawler.language import page_language
from crawler.metadata import find_canonical, find_description, find_language, read_page
from crawler.mojibake import repair_mojibake
from crawler.prune import prune_furniture
from crawler.textnorm import normalize_space, repair_escapes
from crawler.titles import find_title

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement

    from crawler.sites import SiteConfig


class ExtractedArticle(BaseModel):
    """What extraction found on one page. Unvalidated: validation decides if it is an article."""

    model_config = ConfigDict(frozen=True)

    url: str
    """The URL the page was fetched from."""
    canonical_url: str | None = None
    """The page's ``rel=canonical`` (or ``og:url``) as an absolute URL, if any."""
    title: str | None = None
    """Clean title: no site-name suffix, no glued tag label."""
    text: str = ""
    """Main text, paragraphs separated by a blank line; empty when the page has no body."""
    authors: tuple[str, ...] = ()
    """Author names in byline order."""
    published_at: datetime | None = None
    """Publication time, timezone-aware UTC."""
    published_source: str | None = None
    """Where ``published_at`` came from: ``json-ld``, ``meta``, ``time``, ``url``, ``listing``,
    ``feed``, ``sitemap`` (the date the source that listed the page gave) or ``htmldate``."""
    modified_at: datetime | None = None
    """Last modification time, timezone-aware UTC; never before ``published_at``."""
    language: str | None = None
    """ISO 639-1 code from the page's declaration, checked against the text, or detection."""
    tags: tuple[str, ...] = ()
    """Tag or section labels the page itself declares."""
    description: str | None = None
    """The page's summary (meta description), if any."""
    captions: tuple[str, ...] = ()
    """Image captions (``<figcaption>``) in page order, which trafilatura leaves out of ``text``."""
    modified_source: str | None = None
    """Where ``modified_at`` came from: ``json-ld``, ``meta``, ``time``, ``listing``, ``feed`` or
    ``sitemap``."""
    body_source: str | None = None
    """Where ``text`` came from: ``trafilatura`` (its text as is), ``trafilatura+blocks`` (with
    list items and headings it left out put back) or ``json-ld`` (the article body the page
    declares, when it holds the extracted text and more); ``None`` when there is no text."""
    removed: tuple[Removal, ...] = Field(default=(), exclude=True)
    """With ``explain=True``, every piece extraction removed and the rule that removed it, in
    order (see :mod:`crawler.explain`); otherwise empty. Never stored, and left out of
    ``model_dump()`` unless asked for by name."""


def extract_article(
    html: str | bytes,
    url: str,
    site: SiteConfig | None = None,
    *,
    headline: str | None = None,
    listed_at: datetime | None = None,
    listed_source: ListedSource | None = None,
    fetched_at: datetime | None = None,
    explain: bool = False,
) -> ExtractedArticle:
    """Extract one article page.

    Args:
        html: the page, as text or as raw bytes (decoded from its declared or detected encoding).
        url: the URL the page was fetched from.
        site: the site's config, whose cleanup rules are applied; ``None`` for the built-in rules only.
        headline: the headline a listing page gave for this article, used as evidence for the title.
        listed_at: the date the listing page, feed or sitemap gave for this article, checked
            against the page's own dates (see :func:`crawler.dates.reconcile`).
        listed_source: what gave ``listed_at``: ``listing``, ``feed`` or ``sitemap``.
        fetched_at: when the page was fetched; no date may lie (much) later. Defaults to now.
        explain: record every removal in ``removed``.

    Returns:
        The extracted record; ``text`` is empty when no main text was found.

    Raises nothing: any input, however broken (cut short, bytes of no encoding, markup that is not
    HTML, an unparsable ``url``), gives a record, empty where nothing was found
    (``tests/test_fuzz_extract.py``).
    """
    tree = parse_html(repair_mojibake(html if isinstance(html, str) else decode_html(html)))
    if tree is None:
        fallback = repair_escapes(normalize_space(headline)) if headline else None
        return ExtractedArticle(url=url, title=fallback or None)
    explanation = Explanation(enabled=explain)
    rules = site.cleanup if site is not None else None
    if rules is not None:
        if explain:
            _explain_selectors(tree, rules.drop_selectors, explanation)
        drop_elements(tree, rules.drop_selectors)
    # Everything but the body is read first: pruning and trafilatura change the tree.
    page = read_page(tree)
    title = find_title(tree, page, url, headline=headline, rules=rules)
    dates = find_dates(
        tree, page, url, now=fetched_at, listed_at=listed_at, listed_source=listed_source
    )
    authors = find_authors(tree, page, url)
    captions = _captions(tree)
    prune_furniture(tree, explanation)
    body = extract_body(tree, url, explanation, declared=declared_paragraphs(page))
    paragraphs = clean_paragraphs(
        body.paragraphs, rules, title_keys=title.seen, explanation=explanation
    )
    text = "\n\n".join(paragraphs)
    return ExtractedArticle(
        url=url,
        canonical_url=find_canonical(page, url),
        title=title.title,
        text=text,
        authors=authors,
        published_at=dates.published_at,
        published_source=dates.published_source,
        modified_at=dates.modified_at,
        modified_source=dates.modified_source,
        language=page_language(find_language(page), text),
        tags=tuple(page.tags),
        description=find_description(page),
        captions=captions,
        body_source=body.source if paragraphs else None,
        removed=tuple(explanation.removals),
    )


def _explain_selectors(
    tree: HtmlElement, selectors: Iterable[str], explanation: Explanation
) -> None:
    """Record the text of every element the site's ``drop_selectors`` match (rule
    ``site_selector``), as :func:`~crawler.dom.drop_elements` is about to remove them."""
    for selector in selectors:
        for element in compile_selector(selector)(tree):
            if hasattr(element, "text_content"):
                explanation.removed("site_selector", element_text(element))


def _captions(tree: HtmlElement) -> tuple[str, ...]:
    """Texts of the page's ``<figcaption>`` elements, escapes repaired, without repeats."""
    texts = [repair_escapes(element_text(figcaption)) for figcaption in tree.iter("figcaption")]
    return tuple(dict.fromkeys(t for t in texts if t))
