"""Article extraction: HTML in, a clean :class:`ExtractedArticle` out.

trafilatura chooses the main text and :mod:`crawler.extract.body` checks it against the page; gleaner's
cleanup (site rules, collapsed duplicate paragraphs, repaired escapes, titles freed of glued tag
labels) runs on top. Pure: no Scrapy, no network.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from crawler.extract.authors import find_authors
from crawler.extract.body import declared_paragraphs, extract_body
from crawler.extract.cleanup import clean_paragraphs
from crawler.extract.dates import ListedSource, find_dates
from crawler.extract.dom import compile_selector, drop_elements, element_text, parse_html
from crawler.extract.explain import Explanation
from crawler.extract.language import page_language
from crawler.extract.metadata import find_canonical, find_description, find_language, read_page
from crawler.extract.prune import prune_furniture
from crawler.extract.titles import find_title
from crawler.items import ExtractedArticle
from crawler.text.decode import decode_html
from crawler.text.mojibake import repair_mojibake
from crawler.text.normalize import normalize_space, repair_escapes

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml.html import HtmlElement

    from crawler.sites import SiteConfig


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
            against the page's own dates (see :func:`crawler.extract.dates.reconcile`).
        listed_source: what gave ``listed_at``: ``listing``, ``feed`` or ``sitemap``.
        fetched_at: when the page was fetched; no date may lie (much) later. Defaults to now.
        explain: record every removal in ``removed``.

    Returns:
        The extracted record; ``text`` is empty when no main text was found.

    Raises nothing: any input, however broken (cut short, bytes of no encoding, markup that is not
    HTML, an unparsable ``url``), gives a record, empty where nothing was found
    (``tests/extract/test_fuzz_article.py``).
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
    ``site_selector``), as :func:`~crawler.extract.dom.drop_elements` is about to remove them."""
    for selector in selectors:
        for element in compile_selector(selector)(tree):
            if hasattr(element, "text_content"):
                explanation.removed("site_selector", element_text(element))


def _captions(tree: HtmlElement) -> tuple[str, ...]:
    """Texts of the page's ``<figcaption>`` elements, escapes repaired, without repeats."""
    texts = [repair_escapes(element_text(figcaption)) for figcaption in tree.iter("figcaption")]
    return tuple(dict.fromkeys(t for t in texts if t))
