"""Page bytes to text: byte-order mark, then the declared ``<meta charset>``, then detection."""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

#: Used when nothing is declared and the bytes are not UTF-8: the usual legacy web encoding.
FALLBACK_ENCODING = "cp1252"


def decode_html(data: bytes) -> str:
    """Decode a page.

    Args:
        data: the raw page body.

    Returns:
        The page as text. A byte-order mark wins; else a ``<meta charset>`` (or ``http-equiv``, or
        XML) declaration is used, unless it claims UTF-8 for bytes that are not; else the bytes are
        UTF-8 when they decode as such, and cp1252 otherwise. Undecodable bytes become U+FFFD.
    """
    bom_encoding, bom = read_bom(data)
    if bom_encoding and bom:
        return data[len(bom) :].decode(bom_encoding, "replace")
    encoding = declared_encoding(data)
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            if encoding != "utf-8":
                return data.decode(encoding, "replace")
    return detect_and_decode(data)


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
    """Undeclared bytes as text: UTF-8 when valid, cp1252 otherwise."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(FALLBACK_ENCODING, "replace")
