"""URL keys: every variant of one article URL folds to one key; different pages stay apart."""

from __future__ import annotations

import pytest

from crawler.urls import in_domains, request_url, url_key

BASE = "http://news.example.com/2025/09/05/at-beijing-parade.html"


@pytest.mark.parametrize(
    "variant",
    [
        BASE + "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly",
        BASE + "?fbclid=IwAR0abc",
        BASE + "?gclid=xyz&mc_cid=1&mc_eid=2",
        BASE + "#comments",
        BASE + ";jsessionid=0A1B2C3D",
        BASE + "?sid=12345",
        "HTTP://News.Example.COM/2025/09/05/at-beijing-parade.html",
        "http://news.example.com:80/2025/09/05/at-beijing-parade.html",
        "http://news.example.com/2025/09/./05/at-beijing-parade.html",
        "http://news.example.com/2025/09/x/../05/at-beijing-parade.html",
        "http://news.example.com/2025/09/05/at%2Dbeijing%2Dparade.html",
        BASE + "/",
    ],
)
def test_variants_fold_to_one_key(variant: str) -> None:
    assert url_key(variant) == url_key(BASE)


def test_query_order_and_real_parameters() -> None:
    assert url_key("http://e.com/a?b=2&a=1") == url_key("http://e.com/a?a=1&b=2")
    assert url_key("http://e.com/story?id=1") != url_key("http://e.com/story?id=2")


def test_different_pages_keep_different_keys() -> None:
    assert url_key("http://e.com/a") != url_key("https://e.com/a")
    assert url_key("http://e.com:8080/a") != url_key("http://e.com/a")
    assert url_key("http://e.com/a") != url_key("http://e.com/b")


def test_root_keeps_its_slash() -> None:
    assert url_key("http://E.com") == "http://e.com/"


@pytest.mark.parametrize("bad", ["", "ftp://e.com/a", "/relative/path", "javascript:alert(1)"])
def test_non_http_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="http"):
        url_key(bad)


def test_request_url_drops_only_noise() -> None:
    listed = "http://e.com/News/a.html?utm_source=x&page=2#top"
    assert request_url(listed) == "http://e.com/News/a.html?page=2"
    untouched = "http://e.com/a?b=1&a"
    assert request_url(untouched) == untouched


def test_in_domains() -> None:
    assert in_domains("http://www.e.com/a", ("e.com",))
    assert in_domains("http://e.com/a", ("e.com",))
    assert not in_domains("http://evil-e.com/a", ("e.com",))
    assert not in_domains("file:///etc/passwd", ("e.com",))
