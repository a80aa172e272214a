"""The extraction benchmark's metric, on texts whose scores are known by hand."""

from __future__ import annotations

import pytest

from bench.extraction import Page, page_f1, score, shingles, worse_share


def test_shingles_count_repeats_and_short_texts() -> None:
    assert sum(shingles("a b c d e").values()) == 2
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2
    assert shingles("two words") == {("two", "words"): 1}
    assert not shingles("")


def test_score_of_perfect_partial_and_empty_extractions() -> None:
    page = Page("u", b"", "one two three four five six", ["three four"], ["menu"])
    assert score([page], ["one two three four five six"])["f1"] == pytest.approx(1.0)
    half = score([page], ["one two three four five"])  # 2 of 3 true shingles, none false
    assert half["precision"] == pytest.approx(1.0)
    assert half["recall"] == pytest.approx(2 / 3)
    leaky = score([page], ["one two three four five six menu"])
    assert leaky["without_leaked"] == 1.0
    assert leaky["precision"] == pytest.approx(3 / 4)
    assert score([page], [""])["f1"] == 0.0


def test_page_f1_and_the_share_of_pages_worse_than_a_reference() -> None:
    page = Page("u", b"", "one two three four five six", [], [])
    assert page_f1(page, "one two three four five six") == pytest.approx(1.0)
    assert page_f1(page, "one two three four five") == pytest.approx(0.8)  # P 1, R 2/3
    assert page_f1(page, "nothing in common at all") == 0.0
    assert worse_share([0.8, 0.95, 0.5], [0.9, 1.0, 0.9]) == pytest.approx(2 / 3)
    assert worse_share([0.9, 1.0], [0.9, 1.0]) == 0.0
