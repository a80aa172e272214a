"""Pages that are not articles: binaries, empty bodies, script-only pages, soft 404s, stubs."""

from __future__ import annotations

import gzip

import pytest

from crawler.extract.not_articles import (
    body_problem,
    is_soft_404,
    needs_second_look,
    thin_page_problem,
)

ARTICLE = (
    "<html><head><title>The bridge reopens</title><script>var ads = 1;</script></head><body>"
    "<article><h1>The bridge reopens</h1><p>{text}</p></article></body></html>"
)
TEXT = "The harbour bridge reopened on Monday after two years of repairs. " * 4


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF document"),
        (b"PK\x03\x04\x14\x00", "ZIP archive"),
        (gzip.compress(b"<html></html>"), "gzip data"),
    ],
)
def test_binaries_are_known_by_their_first_bytes(body: bytes, kind: str) -> None:
    problem = body_problem(body)
    assert problem is not None
    assert problem[0] == "binary"
    assert kind in problem[1]


def test_control_bytes_make_a_body_binary() -> None:
    assert body_problem(bytes(range(256)) * 4) is not None
    assert body_problem(b"<html><body>" + b"plain text\n" * 100 + b"</body></html>") is None


def test_utf16_text_is_not_binary() -> None:
    page = "<html><body><p>Caf\u00e9 text</p></body></html>" * 10
    assert body_problem(page.encode("utf-16")) is None
    assert body_problem(page.encode("utf-16-le")) is None


@pytest.mark.parametrize("body", [b"", b"   \r\n\t  "])
def test_empty_bodies(body: bytes) -> None:
    problem = body_problem(body)
    assert problem is not None
    assert problem[0] == "empty"


@pytest.mark.parametrize(
    "title",
    ["Page not found", "404 - The Daily", "Error 404", "Not Found", "This page does not exist"],
)
def test_soft_404_titles(title: str) -> None:
    assert is_soft_404(title)


@pytest.mark.parametrize(
    "title", ["Lost and found: a dog's journey home", "Route 404 reopens", None, ""]
)
def test_article_titles_are_not_soft_404s(title: str | None) -> None:
    assert not is_soft_404(title)


def test_a_thin_page_titled_not_found_is_a_soft_404() -> None:
    html = "<html><head><title>Oops</title></head><body><h1>Page not found</h1></body></html>"
    problem = thin_page_problem(html, "Oops", "Try the search.", 300)
    assert problem is not None
    assert problem[0] == "soft_404"


@pytest.mark.parametrize(
    "wall",
    [
        "Subscribe to continue reading. Already a subscriber? Sign in.",
        "This story is for subscribers only.",
        "You have reached your free article limit.",
        "We use cookies. Accept all cookies to continue, or manage your privacy preferences.",
    ],
)
def test_paywall_and_consent_walls_are_stubs(wall: str) -> None:
    html = f"<html><body><h1>Big story</h1><p>A teaser.</p><div>{wall}</div></body></html>"
    problem = thin_page_problem(html, "Big story", "A teaser.", 300)
    assert problem is not None
    assert problem[0] == "paywall_stub"


def test_a_page_with_only_scripts_is_script_only() -> None:
    html = (
        "<html><head><script src='/app.js'></script></head><body><div id='root'></div>"
        "<script>window.state = {}</script><noscript>Enable JavaScript</noscript></body></html>"
    )
    problem = thin_page_problem(html, None, "", 300)
    assert problem is not None
    assert problem[0] == "script_only"


def test_an_article_is_none_of_these() -> None:
    html = ARTICLE.format(text=TEXT)
    assert thin_page_problem(html, "The bridge reopens", TEXT, 300) is None
    # A newsletter box on a full-length article does not make it a stub.
    boxed = html.replace("</article>", "<aside>Subscribe to read our newsletter</aside></article>")
    assert thin_page_problem(boxed, "The bridge reopens", TEXT, 200) is None


def test_long_text_is_never_thin() -> None:
    long_text = "Words of a long story. " * 100
    html = f"<html><body><h1>Page not found</h1><p>{long_text}</p></body></html>"
    assert thin_page_problem(html, "Page not found", long_text, 300) is None


def test_only_thin_or_suspect_pages_get_a_second_look() -> None:
    assert needs_second_look(None, TEXT, 100)
    assert needs_second_look("A title", "Short.", 100)
    assert needs_second_look("Page not found", TEXT, 100)
    assert needs_second_look("Big story", TEXT + " Subscribe to continue reading.", 100)
    assert not needs_second_look("The bridge reopens", TEXT, 100)
