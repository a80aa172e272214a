"""extract_page: an article page's bytes to a record, or to the reason it is no article."""

from __future__ import annotations

from crawler.extract.page import extract_page
from crawler.sites import SiteConfig

SITE = SiteConfig(name="t", start_urls=("http://t.test/",))
ARTICLE = (
    "<html><head><title>Harbour plan</title></head><body><article><h1>Harbour plan</h1>"
    + "<p>The council approved the harbour plan after a long debate on Tuesday night.</p>" * 30
    + "</article></body></html>"
)
SOFT_404 = (
    "<html><head><title>Page not found</title></head><body><h1>Page not found</h1>"
    "<p>Sorry, we could not find that page.</p></body></html>"
)


def test_an_article_has_no_problem_and_its_bytes_are_decoded_by_their_charset() -> None:
    body = ARTICLE.replace("debate", "débat").encode("cp1252")
    page = extract_page(body, b"text/html; charset=windows-1252", "http://t.test/a.html", SITE)
    assert page.problem is None
    assert page.article.title == "Harbour plan"
    assert "long débat on Tuesday" in page.article.text


def test_a_soft_404_is_named_with_its_reason() -> None:
    page = extract_page(SOFT_404.encode(), b"text/html", "http://t.test/gone.html", SITE)
    assert page.problem is not None
    assert page.problem[0] == "soft_404"
