"""A page's text blocks: what is a block, what is left out, how much of it is links."""

from __future__ import annotations

import pytest

from crawler.extract.blocks import text_blocks
from crawler.extract.dom import parse_html


def blocks_of(body: str) -> list[tuple[str, str, float]]:
    tree = parse_html(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert tree is not None
    return [(b.tag, b.text, round(b.link_density, 2)) for b in text_blocks(tree)]


def test_block_level_tags_split_text_and_inline_tags_join_it() -> None:
    assert blocks_of(
        "<div><h2>A <em>short</em> heading</h2><p>First <b>bold</b> paragraph.</p>"
        "<ul><li>One</li><li>Two</li></ul>Loose text</div>"
    ) == [
        ("h2", "A short heading", 0.0),
        ("p", "First bold paragraph.", 0.0),
        ("li", "One", 0.0),
        ("li", "Two", 0.0),
        ("div", "Loose text", 0.0),
    ]


def test_a_line_break_ends_a_block_held_by_the_paragraph() -> None:
    assert blocks_of("<p>Line one<br>Line two<br><a href='/x'>Line three</a></p>") == [
        ("p", "Line one", 0.0),
        ("p", "Line two", 0.0),
        ("p", "Line three", 1.0),
    ]


def test_scripts_styles_and_controls_are_not_text() -> None:
    assert blocks_of(
        "<p>Kept<script>var x = 1;</script> text<style>p {}</style></p>"
        "<form><button>Send</button><select><option>A</option></select>Label</form>"
    ) == [("p", "Kept text", 0.0), ("form", "Label", 0.0)]


def test_link_density_counts_link_text() -> None:
    [(_, text, density)] = blocks_of("<p><a href='/a'>Read</a> the whole report</p>")
    assert text == "Read the whole report"
    assert density == pytest.approx(4 / 21, abs=0.01)


def test_words_are_the_benchmark_tokens() -> None:
    tree = parse_html("<html><body><p>It's 3:45 — café's open.</p></body></html>")
    assert tree is not None
    assert text_blocks(tree)[0].words == ["It", "s", "3", "45", "café", "s", "open"]
