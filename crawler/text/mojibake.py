"""Mojibake: text whose UTF-8 bytes were read as cp1252 or Latin-1 by the page itself, read again.

A page that shows ``youâ€™re`` for ``you’re`` was built from text decoded with the wrong
codec; decoding the page right cannot undo that, but the runs of characters that stand for one
UTF-8 sequence can be turned back into it.
"""

from __future__ import annotations

import re

#: The byte each character stands for when UTF-8 was read as cp1252 (``€`` for 0x80) or as
#: Latin-1 (U+0080 to U+00FF for themselves).
_MOJIBAKE_BYTES = {
    **{chr(b): b for b in range(0x80, 0x100)},
    **{c: b for b in range(0x80, 0xA0) if len(c := bytes([b]).decode("cp1252", "ignore")) == 1},
}
_CONTINUATION = "[" + "".join(c for c, b in _MOJIBAKE_BYTES.items() if b < 0xC0) + "]"

#: UTF-8 read as cp1252 or Latin-1, as it shows in English and European text: punctuation
#: (``â€™`` for ’, ``â€œ`` for “) and Latin-1 letters and signs (``Ã©`` for é, ``Â®`` for ®).
_MOJIBAKE = re.compile(f"â{_CONTINUATION}{_CONTINUATION}|[ÂÃ]{_CONTINUATION}")


def repair_mojibake(text: str) -> str:
    """``text`` with its mojibake read again: ``youâ€™re`` becomes ``you’re``, ``Â®`` ``®``.

    Only runs that form one UTF-8 sequence change; everything else is left as it is.
    """
    if "â" not in text and "Â" not in text and "Ã" not in text:
        return text
    return _MOJIBAKE.sub(_reread, text)


def _reread(match: re.Match[str]) -> str:
    run = match.group()
    try:
        return bytes(_MOJIBAKE_BYTES[c] for c in run).decode("utf-8")
    except UnicodeDecodeError:
        return run
