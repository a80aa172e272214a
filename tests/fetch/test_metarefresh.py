"""Meta refresh: a page that cannot have one passes undecoded; any other is Scrapy's to follow."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.fetch.metarefresh import MetaRefreshMiddleware, may_refresh

URL = "http://t.test/a.html"
TARGET = "http://t.test/moved.html"
REFRESH = f'<meta http-equiv="refresh" content="0; url={TARGET}">'
PAGE = "<html><head>{head}<title>Café</title></head><body><p>Naïve text.</p></body></html>"
SHOUTED = f'<META HTTP-EQUIV="REFRESH" CONTENT="0; URL={TARGET}">'
JAPANESE = PAGE.replace("Café", "東京").replace("Naïve", "日本語の")
UTF8 = {"Content-Type": "text/html; charset=utf-8"}


class Undecodable(HtmlResponse):
    """An HTML response whose text may not be read."""

    @property
    def text(self) -> str:
        raise AssertionError("the page was decoded")


def middleware(cls: type[ScrapyMetaRefresh] = MetaRefreshMiddleware) -> ScrapyMetaRefresh:
    return cls.from_crawler(get_crawler(settings_dict={"METAREFRESH_ENABLED": True}))


def follow(
    mw: ScrapyMetaRefresh, body: bytes, headers: dict[str, str], cls: type[HtmlResponse]
) -> Request | Response:
    response = cls(URL, body=body, headers=headers)
    return mw.process_response(Request(URL), response)


def test_a_page_without_meta_refresh_is_passed_on_undecoded() -> None:
    body = PAGE.format(head="").encode()
    response = Undecodable(URL, body=body, headers=UTF8)
    assert not may_refresh(response)
    assert middleware().process_response(Request(URL), response) is response


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (PAGE.format(head=REFRESH).encode(), UTF8),
        (PAGE.format(head=SHOUTED).encode(), {}),
        (PAGE.format(head=REFRESH).encode("utf-16"), {}),  # a byte-order mark
        (
            PAGE.format(head=REFRESH).encode("utf-16-le"),
            {"Content-Type": "text/html; charset=utf-16le"},
        ),
        (PAGE.format(head=REFRESH).encode("cp500"), {"Content-Type": "text/html; charset=cp500"}),
        (  # ISO-2022 drops its escapes: these bytes do not spell "refresh", the text does
            PAGE.format(head=REFRESH).encode().replace(b"refresh", b"ref\x1b(Bresh"),
            {"Content-Type": "text/html; charset=iso-2022-jp"},
        ),
        (  # an escape codec
            PAGE.format(head=REFRESH.replace("refresh", "\\u0072efresh")).encode(),
            {"Content-Type": "text/html; charset=raw_unicode_escape"},
        ),
    ],
    ids=["utf-8", "upper-case", "utf-16-bom", "utf-16-header", "ebcdic", "iso-2022-jp", "escapes"],
)
def test_a_page_with_meta_refresh_is_followed_as_scrapy_follows_it(
    body: bytes, headers: dict[str, str]
) -> None:
    ours = follow(middleware(), body, headers, HtmlResponse)
    scrapys = follow(middleware(ScrapyMetaRefresh), body, headers, HtmlResponse)
    assert isinstance(ours, Request)
    assert isinstance(scrapys, Request)
    assert ours.url == scrapys.url == TARGET
    assert ours.meta["redirect_reasons"] == scrapys.meta["redirect_reasons"] == ["meta refresh"]


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (PAGE.format(head="").encode(), UTF8),
        (PAGE.format(head="").encode("cp1252"), {"Content-Type": "text/html; charset=cp1252"}),
        (JAPANESE.format(head="<meta charset='shift_jis'>").encode("shift_jis"), {}),
        (PAGE.format(head="").encode("ascii", "replace"), {}),
    ],
    ids=["utf-8", "cp1252", "meta-charset", "undeclared-ascii"],
)
def test_pages_that_cannot_refresh_are_not_decoded(body: bytes, headers: dict[str, str]) -> None:
    assert not may_refresh(HtmlResponse(URL, body=body, headers=headers))
    response = follow(middleware(), body, headers, Undecodable)
    assert isinstance(response, Undecodable)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (PAGE.format(head="").encode(), {}),  # undeclared and not ASCII: Scrapy guesses
        (PAGE.format(head="").encode("utf-16"), {}),
        ((" " * 5000 + PAGE.format(head=REFRESH)).encode(), UTF8),  # too far in: not followed
        (PAGE.format(head="").encode(), {"Content-Type": "text/html; charset=utf-7"}),
    ],
    ids=["undeclared", "utf-16", "far-in", "utf-7"],
)
def test_any_other_page_is_left_to_scrapy(body: bytes, headers: dict[str, str]) -> None:
    assert may_refresh(HtmlResponse(URL, body=body, headers=headers))
    ours = follow(middleware(), body, headers, HtmlResponse)
    scrapys = follow(middleware(ScrapyMetaRefresh), body, headers, HtmlResponse)
    assert type(ours) is type(scrapys) is HtmlResponse
