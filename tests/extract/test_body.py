"""The main text checked against the page: list items put back, the tail outside the article
removed, trafilatura's modes, a declared article body, and how lines are matched to the page."""

from __future__ import annotations

import trafilatura

from crawler.extract.blocks import Block, text_blocks
from crawler.extract.body import (
    SOURCE_DECLARED,
    SOURCE_RESTORED,
    SOURCE_TRAFILATURA,
    align,
    article_element,
    declared_paragraphs,
    extract_body,
)
from crawler.extract.dom import parse_html
from crawler.extract.explain import Explanation
from crawler.extract.metadata import read_page

URL = "https://news.example/2025/01/02/council-approves-bridge"
PROSE = (
    "The council approved the new bridge on Tuesday after a long debate that lasted well into "
    "the night, with residents filling the gallery."
)
PARAGRAPHS = "".join(f"<p>{n}. {PROSE}</p>" for n in range(1, 7))
BIO = "Jane Doe writes about city politics for the paper and has covered the council since 2019."


def page(body: str) -> str:
    return f"<html><head><title>Bridge</title></head><body>{body}</body></html>"


def body_of(html: str, explanation: Explanation | None = None) -> tuple[list[str], str | None]:
    tree = parse_html(html)
    assert tree is not None
    found = extract_body(tree, URL, explanation)
    return found.paragraphs, found.source


def test_plain_article_is_trafilatura_text() -> None:
    paragraphs, source = body_of(page(f"<article>{PARAGRAPHS}</article>"))
    assert paragraphs == [f"{n}. {PROSE}" for n in range(1, 7)]
    assert source == SOURCE_TRAFILATURA


def test_list_items_trafilatura_drops_inside_the_article_are_put_back() -> None:
    items = (
        "<ul><li><a href='/permits'>Permits</a> are issued in spring</li>"
        "<li><a href='/works'>Works</a> start in the summer</li></ul>"
    )
    html = page(f"<article>{PARAGRAPHS[:300]}{items}{PARAGRAPHS[300:]}</article>")
    plain = trafilatura.extract(html, include_comments=False) or ""
    assert "Permits are issued in spring" not in plain
    paragraphs, source = body_of(html)
    assert "Permits are issued in spring" in paragraphs
    assert "Works start in the summer" in paragraphs
    assert paragraphs.index("Permits are issued in spring") < paragraphs.index(f"6. {PROSE}")
    assert source == SOURCE_RESTORED


LEFT_OUT = (
    "Engineers expect the first pillars to rise in the spring, and the deck to be finished "
    "within two years if the weather holds."
)


def article_with_box(box_class: str) -> str:
    before = "".join(f"<p>{n}. {PROSE}</p>" for n in range(1, 4))
    after = "".join(f"<p>{n}. {PROSE}</p>" for n in range(4, 7))
    return page(
        f"<article>{before}<div class='{box_class}'><p>{LEFT_OUT}</p></div>{after}</article>"
    )


def test_a_paragraph_trafilatura_drops_inside_the_article_is_put_back_in_place() -> None:
    html = article_with_box("hs_cos_wrapper hs_cos_wrapper_widget")  # a CMS module, not furniture
    assert "pillars" not in (trafilatura.extract(html, include_comments=False) or "")
    paragraphs, source = body_of(html)
    assert paragraphs.index(LEFT_OUT) == 3
    assert source == SOURCE_RESTORED


CLOSING = (
    "Engineers expect the first pillars to rise in the spring, and the deck to be finished "
    "within two years if the weather holds, the mayor told reporters after the vote, adding that "
    "the budget would be reviewed every quarter."
)


def test_long_prose_after_the_last_chosen_paragraph_inside_the_article_is_put_back() -> None:
    html = page(
        f"<article>{PARAGRAPHS}<div class='hs_cos_wrapper_widget'><p>{CLOSING}</p></div>"
        "<div class='hs_cos_wrapper_widget'><p>Short closing line.</p></div></article>"
    )
    assert "pillars" not in (trafilatura.extract(html, include_comments=False) or "")
    paragraphs, source = body_of(html)
    assert paragraphs[-1] == CLOSING
    assert "Short closing line." not in paragraphs
    assert source == SOURCE_RESTORED


def test_nothing_is_put_back_after_a_link_block_that_follows_the_last_chosen_paragraph() -> None:
    teaser = (
        "<div class='hs_cos_wrapper_widget'><h3><a href='/more'>More on the bridge</a></h3></div>"
    )
    html = page(
        f"<article>{PARAGRAPHS}{teaser}<div class='hs_cos_wrapper_widget'><p>{CLOSING}</p></div>"
        "</article>"
    )
    assert "pillars" not in (trafilatura.extract(html, include_comments=False) or "")
    paragraphs, _ = body_of(html)
    assert CLOSING not in paragraphs
    assert paragraphs[-1] == f"6. {PROSE}"


def test_nothing_is_put_back_from_an_element_named_as_furniture() -> None:
    for name in ("sidebar", "comments", "post-byline"):
        paragraphs, source = body_of(article_with_box(name))
        assert LEFT_OUT not in paragraphs, name
        assert source == SOURCE_TRAFILATURA


def test_a_block_whose_words_are_already_in_the_text_is_not_put_back() -> None:
    items = "<ul><li><a href='/p'>Permits</a> are issued in spring</li></ul>"
    html = page(f"<article><p>Permits are issued in spring.</p>{items}{PARAGRAPHS}</article>")
    paragraphs, _ = body_of(html)
    assert "Permits are issued in spring" not in paragraphs


def test_a_paragraph_after_the_article_outside_its_element_is_removed_and_explained() -> None:
    html = page(f"<article><div>{PARAGRAPHS}</div><div><p>{BIO}</p></div></article>")
    assert BIO in (trafilatura.extract(html, include_comments=False) or "")
    explanation = Explanation(enabled=True)
    paragraphs, _ = body_of(html, explanation)
    assert BIO not in paragraphs
    assert paragraphs[-1] == f"6. {PROSE}"
    assert [(r.rule, r.text) for r in explanation.removals] == [("outside_article", BIO)]


def test_a_short_line_before_the_article_outside_its_element_is_removed() -> None:
    html = page(
        "<article><div><p>Updated March 3, 2025</p></div>"
        f"<div><p>{PROSE[:60]}</p></div><div>{PARAGRAPHS}</div></article>"
    )
    plain = trafilatura.extract(html, include_comments=False, fast=True, favor_recall=True) or ""
    assert "Updated March 3, 2025" in plain
    explanation = Explanation(enabled=True)
    paragraphs, _ = body_of(html, explanation)
    assert "Updated March 3, 2025" not in paragraphs
    assert PROSE[:60].strip() in paragraphs  # a longer line before the article may be its lead
    assert ("outside_article", "Updated March 3, 2025") in [
        (r.rule, r.text) for r in explanation.removals
    ]


def test_the_whole_cascade_runs_when_the_fast_extractor_finds_little() -> None:
    html = page(f"<aside><main><article>{PARAGRAPHS}</article></main></aside>")
    assert not trafilatura.extract(html, include_comments=False, fast=True)
    paragraphs, source = body_of(html)
    assert paragraphs == [f"{n}. {PROSE}" for n in range(1, 7)]
    assert source == SOURCE_TRAFILATURA


def test_text_only_recall_mode_keeps_is_found() -> None:
    html = page(f"<aside>{PARAGRAPHS}</aside>")
    assert not trafilatura.extract(html, include_comments=False)
    paragraphs, source = body_of(html)
    assert paragraphs == [f"{n}. {PROSE}" for n in range(1, 7)]
    assert source == SOURCE_TRAFILATURA


def test_no_text_has_no_source() -> None:
    assert body_of(page("<script>var shown = false;</script>")) == ([], None)


def blocks(*texts: str) -> list[Block]:
    tree = parse_html(page("".join(f"<p>{t}</p>" for t in texts)))
    assert tree is not None
    return text_blocks(tree)


def test_align_follows_the_page_and_spans_blocks() -> None:
    found = blocks("alpha beta gamma delta", "epsilon zeta eta", "theta iota kappa lambda")
    lines = [["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"], ["theta", "iota"]]
    line_blocks, consumed = align(lines, found)
    assert line_blocks == [[0, 1], [2]]
    assert consumed == [4, 3, 2]


def test_align_takes_the_copy_after_the_last_match() -> None:
    found = blocks("one two three four", "five six seven", "one two three four")
    line_blocks, _ = align([["five", "six", "seven"], ["one", "two", "three", "four"]], found)
    assert line_blocks == [[1], [2]]


def test_align_skips_words_found_nowhere() -> None:
    found = blocks("one two three four")
    line_blocks, consumed = align([["zero", "one", "two", "three", "four"]], found)
    assert line_blocks == [[0]]
    assert consumed == [4]


def test_article_element_holds_most_of_the_chosen_words() -> None:
    tree = parse_html(
        page(f"<main><div id='story'>{PARAGRAPHS}</div><div id='bio'><p>{BIO}</p></div></main>")
    )
    assert tree is not None
    found = text_blocks(tree)
    article = article_element(found, list(range(len(found))))
    assert article is not None
    assert article.get("id") == "story"


def test_a_declared_article_body_holding_the_text_and_more_is_taken() -> None:
    visible = "".join(f"<p>{n}. {PROSE}</p>" for n in range(1, 3))
    full = "\\n".join(f"{n}. {PROSE}" for n in range(1, 7))
    html = page(
        '<script type="application/ld+json">'
        f'{{"@type": "NewsArticle", "headline": "Bridge", "articleBody": "{full}"}}</script>'
        f"<article>{visible}</article>"
    )
    tree = parse_html(html)
    assert tree is not None
    declared = declared_paragraphs(read_page(tree))
    assert declared == [f"{n}. {PROSE}" for n in range(1, 7)]
    found = extract_body(tree, URL, declared=declared)
    assert found.paragraphs == declared
    assert found.source == SOURCE_DECLARED


def test_a_declared_summary_is_not_the_article() -> None:
    html = page(
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "articleBody": "The council approved the bridge."}</script>'
        f"<article>{PARAGRAPHS}</article>"
    )
    tree = parse_html(html)
    assert tree is not None
    assert declared_paragraphs(read_page(tree)) == []


def test_ordered_list_items_carry_their_numbers_and_bullets_keep_their_dash() -> None:
    steps = "".join(
        f"<li>{step}</li>"
        for step in ("Apply for the permit online", "Wait for the inspection", "Start the works")
    )
    bullets = "<ul><li>Bring your identity card</li><li>Bring the site plan</li></ul>"
    html = page(
        f"<article>{PARAGRAPHS[:300]}<ol start='3'>{steps}</ol>{PARAGRAPHS[300:]}"
        f"{bullets}</article>"
    )
    plain = trafilatura.extract(html, include_comments=False) or ""
    assert "- Apply for the permit online" in plain.splitlines()
    paragraphs, _ = body_of(html)
    assert "3. Apply for the permit online" in paragraphs
    assert "5. Start the works" in paragraphs
    assert "- Bring the site plan" in paragraphs
