"""Page bytes to text: byte-order mark, declared charset, detection."""

from __future__ import annotations

import codecs

from crawler.text.decode import clean_text, decode_html

PAGE = "<html><head>{meta}</head><body><p>Café “Zürich” costs €12 — it’s Señora Núñez’s</p></body></html>"
TEXT = "Café “Zürich” costs €12 — it’s Señora Núñez’s"


def test_utf8_bom_wins_over_a_wrong_declaration() -> None:
    body = codecs.BOM_UTF8 + PAGE.format(meta='<meta charset="windows-1252">').encode("utf-8")
    decoded = decode_html(body)
    assert TEXT in decoded
    assert not decoded.startswith("\ufeff")


def test_utf16_bom() -> None:
    body = PAGE.format(meta="").encode("utf-16")  # with its BOM
    assert TEXT in decode_html(body)


def test_declared_windows_1252() -> None:
    body = PAGE.format(meta='<meta charset="windows-1252">').encode("cp1252")
    assert TEXT in decode_html(body)


def test_declared_latin1_is_read_as_cp1252() -> None:
    body = PAGE.format(
        meta='<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    )
    assert TEXT in decode_html(body.encode("cp1252"))


def test_undeclared_utf8() -> None:
    assert TEXT in decode_html(PAGE.format(meta="").encode("utf-8"))


def test_undeclared_legacy_bytes_are_cp1252() -> None:
    assert TEXT in decode_html(PAGE.format(meta="").encode("cp1252"))


def test_a_false_utf8_declaration_falls_back_to_detection() -> None:
    body = PAGE.format(meta='<meta charset="utf-8">').encode("cp1252")
    assert TEXT in decode_html(body)


def test_declared_utf16_without_bom_is_utf8() -> None:
    body = PAGE.format(meta='<meta charset="utf-16">').encode("utf-8")
    assert TEXT in decode_html(body)


JAPANESE = "東京都は新しい交通計画を発表しました。市民の生活は大きく変わると専門家は述べています。"
CHINESE = "北京市今天宣布了一项新的城市交通计划。专家表示市民的日常生活将会发生很大变化。"


def test_the_http_header_comes_before_meta() -> None:
    body = PAGE.format(meta='<meta charset="iso-8859-2">').encode("cp1252")
    assert TEXT in decode_html(body, "text/html; charset=windows-1252")


def test_cp1252_bytes_labelled_utf8_in_the_header_are_cp1252() -> None:
    body = PAGE.format(meta="").encode("cp1252")
    assert TEXT in decode_html(body, b"text/html; charset=utf-8")


def test_shift_jis_and_gb18030_from_the_header() -> None:
    page = f"<html><body><p>{JAPANESE}</p></body></html>"
    assert JAPANESE in decode_html(page.encode("shift_jis"), "text/html; charset=Shift_JIS")
    page = f"<html><body><p>{CHINESE}</p></body></html>"
    assert CHINESE in decode_html(page.encode("gb18030"), "text/html; charset=GB2312")


def test_undeclared_shift_jis_and_gb18030_are_detected() -> None:
    page = f"<html><body><p>{JAPANESE * 3}</p></body></html>"
    assert JAPANESE in decode_html(page.encode("shift_jis"))
    page = f"<html><body><p>{CHINESE * 3}</p></body></html>"
    assert CHINESE in decode_html(page.encode("gb18030"))


def test_utf16_without_bom() -> None:
    page = PAGE.format(meta="")
    assert TEXT in decode_html(page.encode("utf-16-le"))
    assert TEXT in decode_html(page.encode("utf-16-be"))
    assert TEXT in decode_html(page.encode("utf-16-be"), "text/html; charset=utf-16")


def test_a_utf16_header_on_ascii_bytes_is_ignored() -> None:
    assert TEXT in decode_html(PAGE.format(meta="").encode("utf-8"), "text/html; charset=utf-16")


def test_nuls_and_lone_surrogates_are_removed() -> None:
    body = PAGE.format(meta="").replace("Café", "Ca\x00fé").encode("utf-8")
    assert TEXT in decode_html(body)
    assert clean_text("a\ud800b\udfffc\x00d\U0001f600") == "abcd\U0001f600"
