"""``<meta http-equiv="refresh">`` hops, ruled out in the bytes before any page is decoded.

Scrapy's ``MetaRefreshMiddleware`` looks for a meta refresh in the first 4096 characters of every
HTML page by decoding the whole body (``response.text``, kept on the response), on the reactor
thread; article pages are decoded again by the extraction workers (:mod:`crawler.extract.pool`).
:class:`MetaRefreshMiddleware` takes its place: a page whose first bytes cannot spell ``refresh``
passes on undecoded, and every other page goes to Scrapy's, which decides as before.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.http import HtmlResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: The bytes that hold the 4096 characters Scrapy reads, at up to 4 bytes a character.
HEAD_BYTES = 4 * 4096
#: ASCII (its backslash escaped), then what an encoding that does not write ASCII characters as
#: their own bytes decodes differently: escapes, UTF-7's base64, HZ's and ISO-2022's shifts.
_PROBE = bytes(range(128)).replace(b"\\", b"\\\\") + b"\\u0072 \\x72 +AHI- ~{x~} \x1b(Bx \x0ex\x0fx"


def may_refresh(response: HtmlResponse) -> bool:
    """Whether the first 4096 characters of ``response`` may hold a meta refresh.

    ``False`` only when they cannot: the bytes that hold them do not spell ``refresh`` in any
    case, and the page is read in an encoding that writes every ASCII character as its own
    byte (so its text does not spell it either). The encoding is the one its byte-order mark,
    ``Content-Type`` charset or markup declares (each of them is checked), else cp1252 for bytes
    that are all ASCII; anything else (UTF-16 or UTF-32 text, whose head has NUL bytes, or an
    undeclared page Scrapy would guess the encoding of) may.
    """
    head = response.body[:HEAD_BYTES]
    if b"\x00" in head or b"refresh" in head.lower():
        return True
    content_type = response.headers.get(b"Content-Type") or b""
    declared = [
        encoding
        for encoding in (
            read_bom(head)[0],
            http_content_type_encoding(content_type.decode("latin-1")),
            html_body_declared_encoding(head),
        )
        if encoding
    ]
    if not declared:
        return not response.body.isascii()
    return not all(_ascii_as_bytes(encoding) for encoding in declared)


@cache
def _ascii_as_bytes(encoding: str) -> bool:
    """Whether ``encoding`` writes each ASCII character as its own byte and only so (as UTF-8,
    cp1252, Shift_JIS or GB18030 do; not UTF-16, EBCDIC, UTF-7 or ISO-2022)."""
    try:
        return _PROBE.decode(encoding, "replace") == _PROBE.decode("ascii")
    except (LookupError, UnicodeError):  # not a text encoding, or not one for whole documents
        return False


class MetaRefreshMiddleware(ScrapyMetaRefresh):
    """Scrapy's ``MetaRefreshMiddleware`` for every page that :func:`may_refresh`; any other
    HTML page is passed on untouched, its body never decoded."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        """Follow the page's meta refresh as Scrapy does, if it may have one."""
        if isinstance(response, HtmlResponse) and not may_refresh(response):
            return response
        return super().process_response(request, response)
