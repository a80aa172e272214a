"""extract_article over every article page of the demo site, scored against its ground truth."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.demo import BOILERPLATE_PHRASES, SHARE_LABELS, DemoSite, build_site
from crawler.extract import ExtractedArticle, extract_article
from crawler.sites import SiteConfig

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


def test_texts(extracted: list[tuple[dict[str, Any], ExtractedArticle]]) -> None:
    for truth, found in extracted:
        assert normalized(found.text) == normalized(truth["text"]), truth["url"]


def test_no_boilerplate_or_share_label_in_any_text(
    extracted: list[tuple[dict[str, Any], ExtractedArticle]],
) -> None:
    for _, found in extracted:
        for phrase in (*BOILERPLATE_PHRASES, *SHARE_LABELS, "Related Stories", "\\'"):
            assert phrase not in found.text, (found.url, phrase)


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
