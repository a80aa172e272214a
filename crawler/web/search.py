"""Full-text search over the articles' titles and texts, with DuckDB built-ins only.

DuckDB's ``fts`` extension is not part of the ``duckdb`` wheel: it would have to be downloaded,
and its index written into the warehouse, while ``gleaner serve`` never lets DuckDB reach the
network and never writes. So a query is cut into terms (words, or ``"quoted phrases"``), every
term must occur in the title or the text (``ILIKE``, case-insensitive), and the matches are
ranked by a score: a term in the title counts :data:`TITLE_WEIGHT`, each whole-word occurrence
in the text one (up to :data:`MAX_HITS` per term). Ties go to the newer article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MAX_TERMS: Final = 8
"""Terms of a query beyond this many are ignored."""
MAX_TERM_CHARS: Final = 100
TITLE_WEIGHT: Final = 10
MAX_HITS: Final = 20
SNIPPET_CHARS: Final = 240

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_LIKE_SPECIAL = re.compile(r"([\\%_])")


@dataclass(frozen=True, slots=True)
class Search:
    """A parsed query: its terms, lower-cased, in the order given."""

    terms: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def where(self) -> tuple[str, dict[str, object]]:
        """The condition every match meets, and its parameters (``$t0``, ``$t1``, ...)."""
        clauses = [
            f"(a.title ILIKE $t{i} ESCAPE '\\' OR a.text ILIKE $t{i} ESCAPE '\\')"
            for i in range(len(self.terms))
        ]
        params: dict[str, object] = {
            f"t{i}": f"%{like_escape(term)}%" for i, term in enumerate(self.terms)
        }
        return " AND ".join(clauses) or "true", params

    def score(self) -> tuple[str, dict[str, object]]:
        """The score of a match as SQL, and its parameters (``$w0``, ``$w1``, ...)."""
        parts = [
            f"(CASE WHEN a.title ILIKE $t{i} ESCAPE '\\' THEN {TITLE_WEIGHT} ELSE 0 END"
            f" + least({MAX_HITS}, len(regexp_extract_all(a.text, $w{i}))))"
            for i in range(len(self.terms))
        ]
        params: dict[str, object] = {
            f"w{i}": word_pattern(term) for i, term in enumerate(self.terms)
        }
        return " + ".join(parts) or "0", params


def parse(query: str | None) -> Search:
    """Cut a query into terms: ``"quoted phrases"`` stay whole, other words go alone.

    Args:
        query: What the user typed (None: no query).

    Returns:
        At most :data:`MAX_TERMS` distinct terms, lower-cased, each at most
        :data:`MAX_TERM_CHARS` characters, in the order given.
    """
    terms: list[str] = []
    for phrase, word in _TERM.findall(query or ""):
        term = " ".join((phrase or word).split()).lower()[:MAX_TERM_CHARS]
        if term and term not in terms:
            terms.append(term)
    return Search(tuple(terms[:MAX_TERMS]))


def like_escape(term: str) -> str:
    """``term`` for a ``LIKE`` pattern with ``ESCAPE '\\'``: its ``%``, ``_`` and ``\\`` literal."""
    return _LIKE_SPECIAL.sub(r"\\\1", term)


def word_pattern(term: str) -> str:
    """An RE2 pattern that finds ``term`` as a whole word (or words), case-insensitively."""
    start = r"\b" if _ascii_word(term[:1]) else ""
    end = r"\b" if _ascii_word(term[-1:]) else ""
    body = r"\s+".join(re.escape(word) for word in term.split())
    return f"(?i){start}{body}{end}"


def _ascii_word(char: str) -> bool:
    """Whether RE2's ``\\b`` (ASCII only) sees ``char`` as a word character."""
    return char.isascii() and (char.isalnum() or char == "_")


def snippet(
    text: str, terms: tuple[str, ...], chars: int = SNIPPET_CHARS
) -> list[tuple[str, bool]]:
    """The part of ``text`` around the first term found, cut into pieces that match or not.

    Args:
        text: An article's text.
        terms: The query's terms (lower-case).
        chars: About how many characters to show.

    Returns:
        ``(piece, is_match)`` pairs that spell the excerpt (with ``…`` where it is cut); the
        text's start when no term occurs in it (a title-only match).
    """
    flat = " ".join(text.split())
    lowered = flat.lower()
    found = [i for i in (lowered.find(t) for t in terms if t) if i >= 0]
    start = max(0, min(found) - chars // 3) if found else 0
    excerpt = flat[start : start + chars]
    pieces = _marked(excerpt, terms)
    if start > 0:
        pieces.insert(0, ("…", False))
    if start + chars < len(flat):
        pieces.append(("…", False))
    return pieces


def _marked(excerpt: str, terms: tuple[str, ...]) -> list[tuple[str, bool]]:
    """``excerpt`` cut at every occurrence of a term."""
    usable = sorted({t for t in terms if t}, key=len, reverse=True)
    if not usable:
        return [(excerpt, False)] if excerpt else []
    pattern = re.compile("|".join(re.escape(t) for t in usable), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in pattern.finditer(excerpt):
        if match.start() > at:
            pieces.append((excerpt[at : match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < len(excerpt):
        pieces.append((excerpt[at:], False))
    return pieces
