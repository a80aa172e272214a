"""Two texts compared word by word, for people: what the left text lost and the right one gained.

Pure functions over strings; the pages mark ``del`` and ``ins`` pieces, and the JSON views carry
them as ``[op, text]`` pairs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable

MAX_WORDS: Final = 20_000
"""Longest text (in words) compared; a longer pair is shown without marks."""
CONTEXT_WORDS: Final = 8
"""Unchanged words shown on each side of a change in the list of changes."""

_WORD = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text of one side, and whether it is shared (``same``), only on the left
    (``del``) or only on the right (``ins``)."""

    op: str
    text: str


@dataclass(frozen=True, slots=True)
class Hunk:
    """One change with a few unchanged words around it, on each side."""

    left: list[Piece]
    right: list[Piece]


@dataclass(frozen=True, slots=True)
class TextDiff:
    """Both sides of a comparison, each as pieces that together spell its whole text."""

    left: list[Piece]
    right: list[Piece]
    compared: bool
    """False when the texts were too long to compare: each side is then one ``same`` piece."""
    hunks: list[Hunk]
    """Each change in its context, in text order (none when the texts are the same)."""

    def changed(self) -> bool:
        """Whether any piece differs."""
        return any(p.op != "same" for p in (*self.left, *self.right))

    def as_json(self) -> dict[str, object]:
        """The comparison as JSON: ``compared``, ``changed``, and ``left`` and ``right`` lists
        of ``[op, text]``."""
        return {
            "compared": self.compared,
            "changed": self.changed(),
            "left": _pairs(self.left),
            "right": _pairs(self.right),
            "hunks": [{"left": _pairs(h.left), "right": _pairs(h.right)} for h in self.hunks],
        }


def words(text: str) -> list[str]:
    """``text`` cut into words, each with the whitespace after it; joined, they give it back."""
    return _WORD.findall(text)


def compare(left: str, right: str) -> TextDiff:
    """Compare two texts word by word (a word's trailing whitespace is not a difference).

    Args:
        left: The earlier or matched text.
        right: The later or matching text.

    Returns:
        Both texts cut into pieces; adjacent pieces of the same kind are merged.
    """
    a, b = words(left), words(right)
    if len(a) > MAX_WORDS or len(b) > MAX_WORDS:
        return TextDiff([Piece("same", left)], [Piece("same", right)], compared=False, hunks=[])
    matcher = SequenceMatcher(None, [w.rstrip() for w in a], [w.rstrip() for w in b], False)
    whole = _pieces(a, b, matcher.get_opcodes())
    hunks = [
        Hunk(*_pieces(a, b, group))
        for group in matcher.get_grouped_opcodes(CONTEXT_WORDS)
        if any(tag != "equal" for tag, *_ in group)
    ]
    return TextDiff(*whole, compared=True, hunks=hunks)


def _pieces(
    a: list[str], b: list[str], opcodes: Iterable[tuple[str, int, int, int, int]]
) -> tuple[list[Piece], list[Piece]]:
    """The pieces of both sides that ``opcodes`` cover."""
    left: list[Piece] = []
    right: list[Piece] = []
    for tag, i1, i2, j1, j2 in opcodes:
        same = tag == "equal"
        _add(left, "same" if same else "del", "".join(a[i1:i2]))
        _add(right, "same" if same else "ins", "".join(b[j1:j2]))
    return left, right


def _pairs(pieces: list[Piece]) -> list[list[str]]:
    return [[p.op, p.text] for p in pieces]


def _add(pieces: list[Piece], op: str, text: str) -> None:
    """Append a piece, merged into the last one when it is of the same kind."""
    if not text:
        return
    if pieces and pieces[-1].op == op:
        pieces[-1] = Piece(op, pieces[-1].text + text)
    else:
        pieces.append(Piece(op, text))
