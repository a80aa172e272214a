"""Parsing once, dropping a site's unwanted elements, and the body's paragraphs."""

from __future__ import annotations

import pytest

from crawler.extract.body import extract_body
from crawler.extract.dom import drop_elements, element_text, is_xpath, parse_html, reopen_body

PROSE = (
    "The council approved the new bridge on Tuesday after a debate that lasted well into the "
    "night, with residents from both banks of the river filling the public gallery."
)


def test_parse_html_returns_none_for_nothing() -> None:
    assert parse_html("") is None
    tree = parse_html("<html><body><p>x</p><p>y</p></body></html>")
    assert tree is not None
    assert tree.tag == "html"


@pytest.mark.parametrize(
    ("selector", "xpath"),
    [("div.ad", False), ("/html/body//aside", True), ("./div", True), ("(//p)[1]", True)],
)
def test_selector_kind(selector: str, xpath: bool) -> None:
    assert is_xpath(selector) is xpath


def test_drop_elements_takes_css_and_xpath_and_keeps_following_text() -> None:
    tree = parse_html(
        "<html><body><p>Keep <span class='ad'>BUY NOW</span>this text.</p>"
        "<aside>Sidebar</aside><div id='promo'>Promo</div></body></html>"
    )
    assert tree is not None
    assert drop_elements(tree, ["span.ad", "//aside", "#promo"]) == 3
    assert element_text(tree) == "Keep this text."


def test_extract_body_gives_one_string_per_paragraph_without_comments() -> None:
    html = (
        "<html><body><article><h1>Headline</h1>"
        + "".join(f"<p>{n}. {PROSE}</p>" for n in range(1, 5))
        + "</article><div id='comments'><p>First comment: great article, thanks.</p></div>"
        "</body></html>"
    )
    tree = parse_html(html)
    assert tree is not None
    paragraphs = extract_body(tree, "https://example.test/a").paragraphs
    assert [p for p in paragraphs if p.startswith(("1.", "2.", "3.", "4."))] == [
        f"{n}. {PROSE}" for n in range(1, 5)
    ]
    assert not any("comment" in p for p in paragraphs)


def test_extract_body_of_an_empty_page() -> None:
    tree = parse_html("<html><head><title>Nothing</title></head><body><div></div></body></html>")
    assert tree is not None
    body = extract_body(tree, "https://example.test/")
    assert body.paragraphs == []
    assert body.source is None


def test_markup_after_the_document_end_is_read_as_the_body() -> None:
    html = (
        "<html><head><title>Bridge</title></head><body><header><a href='/'>Home</a></header>"
        f"</body></html><div class='post'><p>{PROSE}</p><p>Work starts in May.</p></div>"
        "</body></html>"
    )
    tree = parse_html(html)
    assert tree is not None
    assert [element_text(p) for p in tree.iter("p")] == [PROSE, "Work starts in May."]


def test_a_page_ending_with_its_end_tags_is_parsed_as_it_is() -> None:
    html = f"<html><body><p>{PROSE}</p></body>\n</html>\n"
    assert reopen_body(html) == html
