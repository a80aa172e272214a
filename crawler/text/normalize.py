"""String normalization shared by text cleanup, titles and metadata: whitespace, escapes, keys."""

from __future__ import annotations

import re


def _c1_as_cp1252(code: int) -> str:
    """The cp1252 character a stray C1 control stands for (``\\x92`` → ’), or nothing."""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return ""


#: One translation for every character that is not kept as is: NUL, C0 controls (but whitespace),
#: DEL, soft hyphen, zero-width space, word joiner and BOM deleted; C1 controls (text decoded as
#: Latin-1 that was cp1252) mapped to what they meant.
_INVISIBLE: dict[int, str | None] = {
    **dict.fromkeys(code for code in range(0x20) if not chr(code).isspace()),
    **{code: _c1_as_cp1252(code) for code in range(0x80, 0xA0)},
    **dict.fromkeys(map(ord, "\x7f\u00ad\u200b\u2060\ufeff")),
}

#: A backslash before a quote, as left behind by a double-escaping CMS or scraper.
_ESCAPED_QUOTE = re.compile(r"\\+(['\"])")

#: Typographic quotes folded to their ASCII twin when comparing text.
_QUOTE_FOLD: dict[str, str] = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201b": "'",
    "\u201a": "'",
    "\u2032": "'",
    "`": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
}
#: Any character :data:`_INVISIBLE` changes: most text has none, and a search for one is much
#: faster than ``str.translate`` with a dictionary.
_INVISIBLE_CHAR = re.compile("[" + "".join(re.escape(chr(code)) for code in _INVISIBLE) + "]")

#: Typographic quote characters, counted to prefer the typographic copy of a paragraph.
TYPOGRAPHIC = frozenset("\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb")


def normalize_space(text: str) -> str:
    """One line of text: NULs and invisible characters dropped, any whitespace run one space."""
    if _INVISIBLE_CHAR.search(text):
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


def repair_escapes(text: str) -> str:
    """Undo backslash-escaped quotes: ``North Korea\\'s`` becomes ``North Korea's``."""
    return _ESCAPED_QUOTE.sub(r"\1", text) if "\\" in text else text


def fold_quotes(text: str) -> str:
    """Typographic quotes replaced by ASCII ones (’ ‘ → ', “ ” → ")."""
    # One str.replace per quote present: many times faster than str.translate with a dictionary.
    for quote, ascii_quote in _QUOTE_FOLD.items():
        if quote in text:
            text = text.replace(quote, ascii_quote)
    return text


def text_key(text: str) -> str:
    """Comparison key: escapes repaired, quotes folded, whitespace collapsed, casefolded."""
    return normalize_space(fold_quotes(repair_escapes(text))).casefold()


def typographic_count(text: str) -> int:
    """How many typographic quote characters ``text`` has."""
    return sum(ch in TYPOGRAPHIC for ch in text)
