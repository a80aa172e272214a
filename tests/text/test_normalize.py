"""String normalization: whitespace, invisible characters, escapes and comparison keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.text.normalize import (
    fold_quotes,
    normalize_space,
    repair_escapes,
    text_key,
    typographic_count,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  two\n\twords  ", "two words"),
        ("no\u00a0break\u2009thin\u3000wide", "no break thin wide"),
        ("nul\x00byte", "nulbyte"),
        ("zero\u200bwidth soft\u00adhyphen\ufeffbom", "zerowidth softhyphenbom"),
        ("bell\x07 and del\x7f", "bell and del"),
        ("cp1252 quote read as Latin-1: it\x92s", "cp1252 quote read as Latin-1: it’s"),
        ("", ""),
    ],
)
def test_normalize_space(raw: str, expected: str) -> None:
    assert normalize_space(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("North Korea\\'s Workers\\' Party", "North Korea's Workers' Party"),
        ('He said \\"no\\"', 'He said "no"'),
        ("double \\\\'escaped", "double 'escaped"),
        ("a path C:\\temp stays", "a path C:\\temp stays"),
        ("nothing to do", "nothing to do"),
    ],
)
def test_repair_escapes(raw: str, expected: str) -> None:
    assert repair_escapes(raw) == expected


def test_fold_quotes_maps_typographic_quotes_to_ascii() -> None:
    assert fold_quotes("‘a’ “b” it’s") == "'a' \"b\" it's"


_SINGLE_QUOTES = "\u2019\u2018\u201b\u201a\u2032`\u00b4"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_INVISIBLE = "\u200b\u00ad\ufeff\u2060\x00\x01\x07\x1b\x7f"


@given(st.text(alphabet=st.sampled_from(_SINGLE_QUOTES + _DOUBLE_QUOTES + "ab '\"\n\u00e9")))
def test_fold_quotes_changes_each_quote_to_its_ascii_twin_and_nothing_else(text: str) -> None:
    def folded(char: str) -> str:
        if char in _SINGLE_QUOTES:
            return "'"
        return '"' if char in _DOUBLE_QUOTES else char

    assert fold_quotes(text) == "".join(map(folded, text))


@given(
    st.text(alphabet="ab \n\t\u00a0é’"),
    st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(_INVISIBLE)), max_size=6),
)
def test_invisible_characters_anywhere_change_nothing_but_themselves(
    text: str, inserts: list[tuple[int, str]]
) -> None:
    sprinkled = text
    for position, char in inserts:
        at = position % (len(sprinkled) + 1)
        sprinkled = sprinkled[:at] + char + sprinkled[at:]
    assert normalize_space(sprinkled) == normalize_space(text) == " ".join(text.split())


def test_text_key_ignores_case_quotes_escapes_and_spacing() -> None:
    assert text_key("North Korea\\'s  WORKERS") == text_key("north korea’s workers")
    assert text_key("one thing") != text_key("another thing")


def test_typographic_count() -> None:
    assert typographic_count("it’s “quoted”") == 3
    assert typographic_count('it\'s "quoted"') == 0
