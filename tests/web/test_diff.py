"""Word-by-word comparison of two texts, as the dedupe and version pages mark it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crawler.web.diff import MAX_WORDS, compare


def spelled(pieces: list[list[str]], *, without: str) -> str:
    return "".join(text for op, text in pieces if op != without)


def test_a_changed_word_is_struck_on_the_left_and_marked_on_the_right() -> None:
    diff = compare(
        "The mayor said the bridge opens in May.",
        "The mayor told reporters the bridge opens in May.",
    ).as_json()
    assert diff["changed"] is True
    assert [p for p in diff["left"] if p[0] == "del"] == [["del", "said "]]
    assert [p for p in diff["right"] if p[0] == "ins"] == [["ins", "told reporters "]]
    [hunk] = diff["hunks"]
    assert ["del", "said "] in hunk["left"]
    assert ["ins", "told reporters "] in hunk["right"]


def test_the_same_text_has_no_change_and_whitespace_alone_is_none() -> None:
    diff = compare("One paragraph.\n\nAnother one.", "One paragraph.\n\nAnother one.").as_json()
    assert diff["changed"] is False
    assert diff["hunks"] == []
    assert compare("a b  c", "a b c").changed() is False


def test_changes_far_apart_are_listed_apart_in_their_context() -> None:
    words = [f"w{i}" for i in range(100)]
    edited = [*words]
    edited[5], edited[90] = "five", "ninety"
    diff = compare(" ".join(words), " ".join(edited))
    assert len(diff.hunks) == 2
    assert all(len("".join(p.text for p in h.left).split()) <= 17 for h in diff.hunks)


def test_texts_too_long_are_shown_unmarked() -> None:
    long = "word " * (MAX_WORDS + 1)
    diff = compare(long, long + "more")
    assert diff.compared is False
    assert diff.changed() is False
    assert diff.hunks == []


@given(st.text(max_size=200), st.text(max_size=200))
def test_each_side_spells_its_own_text(left: str, right: str) -> None:
    diff = compare(left, right).as_json()
    assert spelled(diff["left"], without="ins") == left
    assert spelled(diff["right"], without="del") == right
    assert all(op in ("same", "del") for op, _ in diff["left"])
    assert all(op in ("same", "ins") for op, _ in diff["right"])
