"""extract_article over every article page of the demo site, scored against its ground truth.

One page alone cannot tell the site's own boilerplate (its reader-funding appeal, its standing
footnote) from the article: a crawl learns it from all the site's pages. So texts are compared
once the boilerplate learned from every demo article page is removed, as a crawl stores them.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.demo import BOILERPLATE_PHRASES, SHARE_LABELS, SITE_BOILERPLATE, DemoSite, build_site
from crawler.extract.article import extract_article
from crawler.items import ExtractedArticle
from crawler.sites import SiteConfig
from pipelines.boilerplate.learner import apply_site_boilerplate, learn_pages, paragraph_key

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def site() -> DemoSite:
    return build_site()


@pytest.fixture(scope="module")
def extracted(site: DemoSite) -> list[tuple[dict[str, Any], ExtractedArticle]]:
    pairs = []
    for record in site.truth(BASE):
        page = site.page(urlsplit(record["url"]).path)
        pairs.append((record, extract_article(page.body, record["url"])))
    return pairs


@pytest.fixture(scope="module")
def learned(extracted: list[tuple[dict[str, Any], ExtractedArticle]]) -> frozenset[str]:
    return learn_pages((found.url, found.text) for _, found in extracted).learned()


def normalized(text: str) -> str:
    return " ".join(text.split())


def test_every_demo_article_is_read(
    extracted: list[tuple[dict[str, Any], ExtractedArticle]],
) -> None:
    assert len(extracted) == 60


def test_titles(extracted: list[tuple[dict[str, Any], ExtractedArticle]]) -> None:
    assert [found.title for _, found in extracted] == [truth["title"] for truth, _ in extracted]


def test_authors(extracted: list[tuple[dict[str, Any], ExtractedArticle]]) -> None:
    assert [list(found.authors) for _, found in extracted] == [t["authors"] for t, _ in extracted]


def test_publication_times(extracted: list[tuple[dict[str, Any], ExtractedArticle]]) -> None:
    for truth, found in extracted:
        assert found.published_at == datetime.fromisoformat(truth["published_at"]), truth["url"]
    assert {found.published_source for _, found in extracted} == {"json-ld", "meta", "time"}


def test_tags(extracted: list[tuple[dict[str, Any], ExtractedArticle]]) -> None:
    assert [list(found.tags) for _, found in extracted] == [t["tags"] for t, _ in extracted]


def test_the_site_boilerplate_is_learned_from_all_pages_and_nothing_else(
    extracted: list[tuple[dict[str, Any], ExtractedArticle]], learned: frozenset[str]
) -> None:
    assert learned == {paragraph_key(text) for text in SITE_BOILERPLATE}
    with_appeal = sum(SITE_BOILERPLATE[0] in found.text for _, found in extracted)
    assert 0.6 * len(extracted) <= with_appeal < len(extracted)
    assert all(SITE_BOILERPLATE[1] in found.text for _, found in extracted)


def test_texts(
    extracted: list[tuple[dict[str, Any], ExtractedArticle]], learned: frozenset[str]
) -> None:
    for truth, found in extracted:
        text, removed = apply_site_boilerplate(found.text, learned)
        assert normalized(text) == normalized(truth["text"]), truth["url"]
        assert set(removed) <= set(SITE_BOILERPLATE)


def test_no_boilerplate_or_share_label_in_any_text(
    extracted: list[tuple[dict[str, Any], ExtractedArticle]], learned: frozenset[str]
) -> None:
    for _, found in extracted:
        text, _ = apply_site_boilerplate(found.text, learned)
        for phrase in (*BOILERPLATE_PHRASES, *SHARE_LABELS, *SITE_BOILERPLATE, "Related Stories"):
            assert phrase not in text, (found.url, phrase)
        assert "\\'" not in found.text, found.url


def test_legacy_encoding_page_is_decoded(site: DemoSite) -> None:
    page = site.page(site.legacy_encoding_path)
    assert "windows-1252" in page.content_type
    found = extract_article(page.body, BASE + site.legacy_encoding_path)
    assert found.title is not None
    assert re.search(r"[éüñ€]", found.title + found.text)
    assert "\ufffd" not in found.text


def test_page_without_a_body_is_too_short_to_be_an_article(site: DemoSite) -> None:
    found = extract_article(site.page(site.no_body_path).body, BASE + site.no_body_path)
    assert found.title
    minimum = SiteConfig(name="demo", start_urls=(BASE + "/",)).min_text_chars
    assert len(found.text) < minimum


@pytest.mark.parametrize(("articles", "seed"), [(60, 7), (60, 8), (1000, 7), (1000, 9), (3000, 8)])
def test_the_page_with_no_body_yields_too_little_text_for_an_article(
    articles: int, seed: int
) -> None:
    site = build_site(articles, seed=seed)
    found = extract_article(site.page(site.no_body_path).body, "http://127.0.0.1:8931/x.html")
    assert len(found.text) < SiteConfig(name="x", start_urls=("http://x/",)).min_text_chars
    assert found.title
