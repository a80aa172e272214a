"""Page bytes to text: byte-order mark, declared charset, detection."""

from __future__ import annotations

import codecs

from crawler.decode import decode_html

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
