"""String normalization: whitespace, invisible characters, escapes and comparison keys."""

from __future__ import annotations

import pytest

from crawler.textnorm import (
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


def test_text_key_ignores_case_quotes_escapes_and_spacing() -> None:
    assert text_key("North Korea\\'s  WORKERS") == text_key("north korea’s workers")
    assert text_key("one thing") != text_key("another thing")


def test_typographic_count() -> None:
    assert typographic_count("it’s “quoted”") == 3
    assert typographic_count('it\'s "quoted"') == 0
