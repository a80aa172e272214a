"""Pages that are not articles, whatever their Content-Type says: binaries, empty bodies,
script-only pages, soft 404s, and paywall or consent stubs.

Pure functions. :func:`body_problem` looks at the bytes before anything parses them;
:func:`thin_page_problem` looks again at a page whose extraction came out thin (no title, or
little text), to say why.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

if TYPE_CHECKING:
    from crawler.items import RejectReason

#: Leading bytes of common binary formats.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or office document)"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"\x00\x00\x01\x00", "icon"),
)
#: Control bytes that text (in an ASCII-compatible encoding) does not hold.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
#: Share of control bytes in the first KiB above which a body is binary.
_CONTROL_SHARE = 0.1
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

#: Below this many characters of extracted text a page is looked at again.
THIN_TEXT_CHARS = 1500
#: A page with less visible text than this, outside scripts, styles and ``<noscript>``, is empty.
_VISIBLE_CHARS = 40

_SOFT_404 = re.compile(
    r"^\W*(?:error\s*)?404\b|\bpage\s+not\s+found\b|^\W*not\s+found\W*$"
    r"|\b(?:page|article|story)\s+(?:does\s+not|doesn't|could\s+not|couldn't|cannot|can't)\s+"
    r"(?:exist|be\s+found)|\bno\s+longer\s+(?:exists|available)\b|\bnothing\s+(?:was\s+)?found\b",
    re.IGNORECASE,
)
_STUB = re.compile(
    r"\bsubscribe\s+(?:now\s+)?to\s+(?:continue|keep|read)|\bsubscribers?[\s-]+only\b"
    r"|\bfor\s+(?:paying\s+)?subscribers\b|\balready\s+a\s+subscriber\b"
    r"|\b(?:sign|log)\s+in\s+to\s+(?:continue|read|keep\s+reading)\b"
    r"|\bregister\s+(?:for\s+free\s+)?to\s+(?:continue|read)\b"
    r"|\breached\s+your\s+(?:free\s+)?(?:article\s+)?limit\b"
    r"|\baccept\s+(?:all\s+)?cookies\s+to\s+(?:continue|read|view|access)\b"
    r"|\b(?:consent|agree)\s+to\s+(?:continue|proceed)\b"
    r"|\bbefore\s+you\s+continue\s+to\b|\bmanage\s+(?:your\s+)?(?:privacy|cookie)\s+"
    r"(?:preferences|settings|choices)\b",
    re.IGNORECASE,
)
_INVISIBLE = ("script", "style", "noscript", "template", "head")
_SPACE = re.compile(r"\s+")


def body_problem(body: bytes) -> tuple[RejectReason, str] | None:
    """``("empty", ...)`` for a body of nothing but whitespace, ``("binary", ...)`` for one that is
    an image, PDF, archive or other binary (by its leading bytes, or by control bytes in its first
    KiB), else ``None``."""
    if not body or body.isspace():
        return "empty", f"the body is empty ({len(body)} bytes, whitespace only)"
    head = body[:1024]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return "binary", f"the body is a {kind}, not HTML"
    if head.startswith(_UTF16_BOMS) or _looks_utf16(head):
        return None
    controls = len(head) - len(head.translate(None, _CONTROL))
    if controls > _CONTROL_SHARE * len(head):
        return "binary", f"the body is binary: {controls} control bytes in its first {len(head)}"
    return None


def _looks_utf16(head: bytes) -> bool:
    even, odd = head[0::2], head[1::2]
    return bool(odd) and (odd.count(0) > 0.6 * len(odd) or even.count(0) > 0.6 * len(even))


def is_soft_404(title: str | None) -> bool:
    """Whether a page's title (or main heading) says the page was not found."""
    return bool(title and _SOFT_404.search(title.strip()))


def needs_second_look(title: str | None, text: str, min_text_chars: int) -> bool:
    """Whether :func:`thin_page_problem` may find something: the page has no title or less text
    than ``min_text_chars``, or a thin text with a title saying "not found" or a wall's words.
    Cheap: no parsing, so articles pay nothing for it."""
    length = len(text.strip())
    if not title or length < min_text_chars:
        return True
    return length < THIN_TEXT_CHARS and (is_soft_404(title) or _STUB.search(text) is not None)


def thin_page_problem(
    html: str, title: str | None, text: str, min_text_chars: int
) -> tuple[RejectReason, str] | None:
    """Why a thin page is not an article, if one of these says so.

    Args:
        html: the decoded page.
        title: the title extraction found.
        text: the text extraction found.
        min_text_chars: the site's shortest article text.

    Returns:
        ``soft_404`` (a title or ``<h1>`` saying "not found" on a page of little text),
        ``paywall_stub`` (a subscription or cookie-consent wall: in the extracted text, or anywhere
        on a page whose text is shorter than ``min_text_chars``), ``script_only``
        (no visible text outside scripts, on a page with scripts), or ``None``: a page with
        :data:`THIN_TEXT_CHARS` characters of text or more is never one of these.
    """
    if len(text.strip()) >= THIN_TEXT_CHARS:
        return None
    try:
        doc = lxml.html.fromstring(html) if html.strip() else None
    except (ValueError, etree.ParserError):
        doc = None
    if doc is None:
        return None
    headings = [title, *doc.xpath("//title/text()"), *(h.text_content() for h in doc.iter("h1"))]
    for heading in headings:
        if is_soft_404(heading):
            return "soft_404", f"the page says it was not found: {_clip(heading or '')!r}"
    has_script = next(doc.iter("script"), None) is not None
    for element in list(doc.iter(*_INVISIBLE)):
        if element.getparent() is not None:
            element.drop_tree()
    visible = _SPACE.sub(" ", doc.text_content()).strip()
    stub = _STUB.search(text) or (
        _STUB.search(visible) if len(text.strip()) < min_text_chars else None
    )
    if stub:
        return "paywall_stub", f"a subscription or consent wall: {stub.group(0)!r}"
    if has_script and len(visible) < _VISIBLE_CHARS:
        return "script_only", f"no text outside scripts ({len(visible)} visible characters)"
    return None


def _clip(text: str, limit: int = 80) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
