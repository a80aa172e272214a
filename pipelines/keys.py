"""Content keys: equal normalized text gives an equal key, whatever the typography."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from crawler.text.normalize import fold_quotes

_DASHES = re.compile(r"[‐‑‒–—―]")
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Text reduced to what identifies it: NFKC, folded quotes and dashes, case and spacing."""
    text = fold_quotes(unicodedata.normalize("NFKC", text))
    text = _DASHES.sub("-", text)
    return _SPACE.sub(" ", text).strip().casefold()


def content_key(text: str) -> str:
    """Hex SHA-256 (first 128 bits) of :func:`normalize_text`."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:32]
