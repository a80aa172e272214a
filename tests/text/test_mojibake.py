"""Mojibake read again: UTF-8 that a page shows as cp1252 or Latin-1 characters."""

from __future__ import annotations

import pytest

from crawler.extract.article import extract_article
from crawler.text.mojibake import repair_mojibake


@pytest.mark.parametrize(
    ("shown", "meant"),
    [
        ("youâ€™re", "you’re"),  # read as cp1252
        ("youâ\x80\x99re", "you’re"),  # read as Latin-1
        ("â€œquotedâ€\x9d", "“quoted”"),
        ("Ã©tÃ© in CafÃ©", "été in Café"),
        ("Brand® and Â®", "Brand® and ®"),
        ("priceÂ\xa0100", "price\xa0100"),
    ],
)
def test_mojibake_is_read_again(shown: str, meant: str) -> None:
    assert repair_mojibake(shown) == meant


@pytest.mark.parametrize(
    "text",
    ["São Paulo", "naïve café, été, à\xa0la carte", "âge", "Ã", "plain ASCII text", "Ã «quoted»"],
)
def test_real_text_is_left_alone(text: str) -> None:
    assert repair_mojibake(text) == text


def test_a_page_showing_mojibake_is_extracted_readable() -> None:
    prose = (
        "Whether youâ€™re a single parent or part of a team, make sure everyone agrees on "
        "when sleep training will begin and what each of you will do at bedtime."
    )
    html = (
        "<html><head><title>Sleep</title></head><body><article>"
        + "".join(f"<p>{n}. {prose}</p>" for n in range(1, 5))
        + "</article></body></html>"
    )
    record = extract_article(html, "https://example.com/sleep")
    assert "you’re a single parent" in record.text
    assert "â€" not in record.text
