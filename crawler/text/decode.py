"""Page bytes to text: byte-order mark, then the HTTP header's charset, then the page's ``<meta>``,
then detection. NULs and lone surrogates never reach the text.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Used when nothing is declared and the bytes are not UTF-8: the usual legacy web encoding.
FALLBACK_ENCODING = "cp1252"
#: Multi-byte encodings detection may choose for undeclared bytes that are not UTF-8 (else cp1252).
_DETECTABLE = ("shift_jis", "cp932", "euc_jp", "gb18030", "gbk", "gb2312", "big5", "euc_kr")
#: Bytes looked at to tell UTF-16 without a BOM, or a multi-byte legacy encoding.
_SAMPLE = 64 * 1024
_UNSAFE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without NUL characters and lone surrogates (which no stored text may hold)."""
    return _UNSAFE.sub("", text)


def decode_html(data: bytes, content_type: str | bytes | None = None) -> str:
    """Decode a page.

    Args:
        data: the raw page body.
        content_type: the response's ``Content-Type`` header, if any.

    Returns:
        The page as text, NULs and lone surrogates removed. A byte-order mark wins; else the
        header's charset, else a ``<meta charset>`` (or ``http-equiv``, or XML) declaration is
        used, unless it claims UTF-8 for bytes that are not (then the next source decides); else
        the bytes are UTF-8 when they decode as such, UTF-16 when every other byte is NUL, a
        detected multi-byte legacy encoding (Shift_JIS, GB18030, ...), and cp1252 otherwise.
        Undecodable bytes become U+FFFD.
    """
    bom_encoding, bom = read_bom(data)
    if bom_encoding and bom:
        return clean_text(data[len(bom) :].decode(bom_encoding, "replace"))
    for encoding in _declared_encodings(data, content_type):
        if encoding is None:
            continue
        try:
            return clean_text(data.decode(encoding))
        except UnicodeDecodeError:
            if encoding != "utf-8":
                return clean_text(data.decode(encoding, "replace"))
    return clean_text(detect_and_decode(data))


def _declared_encodings(data: bytes, content_type: str | bytes | None) -> Iterator[str | None]:
    """The header's charset, then the page's own declaration, each looked for only when the one
    before it did not decode the page."""
    yield header_encoding(data, content_type)
    yield declared_encoding(data)


def header_encoding(data: bytes, content_type: str | bytes | None) -> str | None:
    """The Python codec a ``Content-Type`` header names, if it names one Python knows.

    A UTF-16 or UTF-32 charset is believed only when the body has NUL bytes, as text in those
    encodings does; otherwise the label is wrong and ``None`` is returned.
    """
    if not content_type:
        return None
    header = content_type.decode("latin-1") if isinstance(content_type, bytes) else content_type
    encoding = http_content_type_encoding(header)
    if not encoding:
        return None
    name = codecs.lookup(encoding).name
    if name.startswith(("utf-16", "utf-32")) and b"\x00" not in data[:_SAMPLE]:
        return None
    if name == "utf-16":  # no BOM (that came first): the byte order the NULs show
        return _utf16_order(data[:_SAMPLE]) or name
    return name


def declared_encoding(data: bytes) -> str | None:
    """The Python codec a page declares in its markup, if it names one Python knows."""
    declared = html_body_declared_encoding(data)
    encoding = resolve_encoding(declared) if declared else None
    if not encoding:
        return None
    name = codecs.lookup(encoding).name
    # A UTF-16/32 declaration inside ASCII-compatible bytes is wrong by construction (WHATWG).
    return "utf-8" if name.startswith(("utf-16", "utf-32", "utf-8")) else name


def detect_and_decode(data: bytes) -> str:
    """Undeclared bytes as text: UTF-8 when valid, UTF-16 when every other byte is NUL, a
    multi-byte legacy encoding when detection finds one, cp1252 otherwise."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_order(data[:_SAMPLE])
    if utf16:
        return data.decode(utf16, "replace")
    return data.decode(_legacy_encoding(data[:_SAMPLE]), "replace")


def _utf16_order(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when most odd (or even) bytes are NUL, as in markup."""
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _legacy_encoding(sample: bytes) -> str:
    """A multi-byte encoding the sample is written in, else cp1252."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=[FALLBACK_ENCODING, *_DETECTABLE]).best()
    if best is None or best.encoding not in _DETECTABLE:
        return FALLBACK_ENCODING
    return "gb18030" if best.encoding in ("gbk", "gb2312") else best.encoding
