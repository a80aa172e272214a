"""What a page declares about itself: meta tags, JSON-LD, language, tags, canonical, summary."""

from __future__ import annotations

import pytest

from crawler.extract.dom import parse_html
from crawler.extract.metadata import (
    PageMeta,
    clean_label,
    find_canonical,
    find_description,
    find_language,
    parse_json,
    read_page,
    site_names,
    walk_jsonld,
)

URL = "https://news.example.test/2025/09/05/story/?utm_source=x"


def page_of(head: str, body: str = "<p>x</p>", html_attrs: str = "") -> PageMeta:
    tree = parse_html(f"<html {html_attrs}><head>{head}</head><body>{body}</body></html>")
    assert tree is not None
    return read_page(tree)


def test_meta_tags_by_property_name_itemprop_and_http_equiv() -> None:
    page = page_of(
        '<meta property="og:title" content=" The  title "><meta name="Author" content="Jane Doe">'
        '<meta http-equiv="Content-Language" content="de-AT">',
        '<meta itemprop="datePublished" content="2025-09-05">',
    )
    assert page.meta("og:title") == "The title"
    assert page.meta("author") == "Jane Doe"
    assert page.meta("content-language") == "de-AT"
    assert page.meta("datepublished") == "2025-09-05"
    assert page.meta("missing", "og:title") == "The title"


def test_title_tag_ignores_svg_titles() -> None:
    page = page_of("", "<svg><title>Icon</title></svg>", "")
    assert page.title_tag is None
    page = page_of("<title>Real | Site</title>", "<svg><title>Icon</title></svg>")
    assert page.title_tag == "Real | Site"


def test_jsonld_article_node_found_in_a_graph() -> None:
    page = page_of(
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Site"},'
        '{"@type": ["NewsArticle"], "headline": "H", "keywords": "One, Two"}]}</script>'
    )
    assert page.article["headline"] == "H"
    assert [n["@type"] for n in page.nodes] == ["WebSite", ["NewsArticle"]]
    assert page.tags == ["One", "Two"]


def test_jsonld_with_trailing_commas_and_cdata_still_parses() -> None:
    assert parse_json('<![CDATA[{"@type": "BlogPosting", "headline": "H",}]]>') == {
        "@type": "BlogPosting",
        "headline": "H",
    }
    assert parse_json("{not json") is None
    assert parse_json("   ") is None


def test_walk_jsonld_finds_nested_typed_nodes() -> None:
    data = [{"@type": "WebPage", "mainEntity": {"@type": "Article", "author": {"@type": "Person"}}}]
    assert [n["@type"] for n in walk_jsonld(data)] == ["WebPage", "Article", "Person"]


def test_tags_from_meta_jsonld_and_rel_tag_deduplicated_in_page_order() -> None:
    page = page_of(
        '<meta property="article:tag" content="NorthKorea"><meta property="article:tag" content="China">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",'
        ' "keywords": ["northkorea", "Diplomacy"]}</script>',
        '<a rel="tag" href="/tag/china/">China</a> <a rel="tag nofollow" href="/tag/asia/">Asia</a>'
        '<a href="/tag/other/">Not declared</a>',
    )
    assert page.tags == ["NorthKorea", "China", "Diplomacy", "Asia"]


@pytest.mark.parametrize(
    ("head", "attrs", "expected"),
    [
        ("", 'lang="en-US"', "en"),
        ('<meta http-equiv="content-language" content="de">', "", "de"),
        ('<meta property="og:locale" content="pt_BR">', "", "pt"),
        (
            '<script type="application/ld+json">{"@type": "Article", "headline": "h", "inLanguage": "fr-CA"}</script>',
            "",
            "fr",
        ),
        ("", 'lang="x-klingon"', None),
        ("", "", None),
    ],
)
def test_language(head: str, attrs: str, expected: str | None) -> None:
    assert find_language(page_of(head, html_attrs=attrs)) == expected


def test_canonical_is_resolved_against_the_url() -> None:
    page = page_of('<link rel="canonical" href="/2025/09/05/story/">')
    assert find_canonical(page, URL) == "https://news.example.test/2025/09/05/story/"


def test_canonical_falls_back_to_og_url_and_refuses_non_http() -> None:
    page = page_of('<meta property="og:url" content="https://news.example.test/og/">')
    assert find_canonical(page, URL) == "https://news.example.test/og/"
    page = page_of('<link rel="canonical" href="javascript:void(0)">')
    assert find_canonical(page, URL) is None
    assert find_canonical(page_of(""), URL) is None


def test_description_from_meta_then_og_then_jsonld() -> None:
    assert find_description(page_of('<meta name="description" content="Meta.">')) == "Meta."
    assert find_description(page_of('<meta property="og:description" content="OG.">')) == "OG."
    jsonld = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "h", "description": "LD &amp; more."}</script>'
    assert find_description(page_of(jsonld)) == "LD & more."
    assert find_description(page_of("")) is None


def test_site_names() -> None:
    page = page_of(
        '<meta property="og:site_name" content="The Demo Daily">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "h",'
        ' "publisher": {"@type": "Organization", "name": "Demo Daily Media"}}</script>'
    )
    assert site_names(page) == ["The Demo Daily", "Demo Daily Media"]


def test_malformed_canonical_is_skipped() -> None:
    page = page_of(
        '<link rel="canonical" href="http://[::1/broken">'
        '<meta property="og:url" content="https://news.example.test/og/">'
    )
    assert find_canonical(page, URL) == "https://news.example.test/og/"


def test_sections_are_tags_too_in_page_order() -> None:
    page = page_of(
        '<meta property="article:section" content="World News">'
        '<meta property="article:tag" content="Diplomacy">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",'
        ' "articleSection": ["world news", "Asia"], "keywords": "Diplomacy, Trade"}</script>'
    )
    assert page.tags == ["World News", "Diplomacy", "Asia", "Trade"]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("  #Climate  ", "Climate"),
        ("Arts &amp; Culture", "Arts & Culture"),
        ("2025", None),
        ("https://example.test/tag/x", None),
        ("a keyword stuffed sentence that goes on and on well past any sane label", None),
        ("", None),
    ],
)
def test_labels_are_cleaned(label: str, expected: str | None) -> None:
    assert clean_label(label) == expected
