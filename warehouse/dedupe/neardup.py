"""Near-duplicate texts: MinHash LSH bucket keys to find candidates, shingle Jaccard to confirm.

An edited re-publication or a syndicated copy with a few words changed keeps most of its runs of
``shingle_words`` consecutive words. :func:`similarity` is the exact Jaccard similarity of the
two texts' sets of such runs (shingles), the number shown to people. :func:`buckets` gives the
keys under which a text is filed: two texts whose similarity is well above ``threshold`` share
several keys with near certainty, and unrelated texts almost never share ``min_shared_buckets`` of
them, so a lookup of the keys finds the few candidates worth confirming with :func:`similarity`.

The MinHash signature is one-permutation hashing (one hash per shingle, ``bands * rows`` bins,
the least value of each bin) with optimal densification for the empty bins of short texts; bins
agree with probability equal to the Jaccard similarity. A band of ``rows`` bins is hashed into
one key, which encodes the band index in its top 8 bits. Hashes are BLAKE2b, so keys are the same
in every process and every Python run.

Texts are compared as words: NFKC-normalized, casefolded, ``\\w+`` tokens. Quotes, dashes and
other punctuation are never part of a token, so typographic and ASCII forms compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

METHOD: Final = "minhash"
"""How near-duplicates are found, as recorded in each ``decisions`` row."""

_VERSION: Final = 1
"""Bumped whenever the same settings would give different bucket values."""
_TOKEN = re.compile(r"\w+")
#: Soft hyphen, zero-width characters, word joiner and BOM: deleted so they do not split words.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_BAND_BITS: Final = 56
_BAND_MASK: Final = (1 << _BAND_BITS) - 1
_MAX_BANDS: Final = 1 << (64 - _BAND_BITS)


@dataclass(frozen=True, slots=True)
class NearDupSettings:
    """How texts are compared and filed; the defaults are measured by ``python -m bench.neardup``.

    Bucket values depend on ``shingle_words``, ``bands`` and ``rows`` (see :attr:`scheme`): stored
    buckets must be computed again when one of them changes. The other settings only change
    decisions.
    """

    threshold: float = 0.45
    """Least :func:`similarity` of two texts for one to be a near-duplicate of the other. Lower
    finds heavier edits, and risks flagging distinct articles built from the same stock phrases."""
    shingle_words: int = 4
    """Words per shingle. Each edited word changes up to this many shingles."""
    bands: int = 42
    """Bucket keys per text. More bands find pairs of lower similarity, and more unrelated ones."""
    rows: int = 3
    """MinHash values per band. Two texts of similarity ``s`` share each band's key with
    probability ``s ** rows``, so the count of keys they share is binomial (``bands`` trials)."""
    min_shared_buckets: int = 2
    """Bucket keys two texts must share to be candidates. With 1, pairs just above ``threshold``
    are found a little more often, at many times the candidates on sites whose texts share
    stock phrases."""
    min_words: int = 8
    """Texts with fewer words get no buckets and are never near-duplicates: one edited word swings
    their similarity too far to tell an edit from another text."""

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.shingle_words < 1:
            raise ValueError(f"shingle_words must be at least 1, got {self.shingle_words}")
        if not 1 <= self.bands <= _MAX_BANDS:
            raise ValueError(f"bands must be in [1, {_MAX_BANDS}], got {self.bands}")
        if self.rows < 1:
            raise ValueError(f"rows must be at least 1, got {self.rows}")
        if not 1 <= self.min_shared_buckets <= self.bands:
            raise ValueError(
                f"min_shared_buckets must be in [1, bands], got {self.min_shared_buckets}"
            )
        if self.min_words < 1:
            raise ValueError(f"min_words must be at least 1, got {self.min_words}")

    @property
    def scheme(self) -> str:
        """What bucket values depend on, as ``minhash-v1 k=4 b=42 r=3``: same scheme, same keys."""
        return f"{METHOD}-v{_VERSION} k={self.shingle_words} b={self.bands} r={self.rows}"


DEFAULT: Final = NearDupSettings()


def words(text: str) -> list[str]:
    """The words of ``text`` as compared: NFKC-normalized, casefolded ``\\w+`` tokens.

    Args:
        text: Any text.

    Returns:
        The tokens in order, repeats kept.
    """
    folded = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).casefold()
    return _TOKEN.findall(folded)


def shingles(tokens: list[str], size: int) -> set[str]:
    """Every run of ``size`` consecutive tokens, joined by spaces; fewer tokens make one shingle.

    Args:
        tokens: Words, as from :func:`words`.
        size: Tokens per shingle.

    Returns:
        The distinct shingles (empty for no tokens).
    """
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """Size of the intersection over size of the union; 0.0 when either set is empty."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def similarity(a: str, b: str, settings: NearDupSettings = DEFAULT) -> float:
    """Exact similarity of two texts: Jaccard similarity of their shingle sets.

    Args:
        a: One text.
        b: The other text; the result does not depend on the order.
        settings: ``shingle_words`` is used.

    Returns:
        A number in [0, 1]: 1.0 for texts with the same words, 0.0 when either has no words.
    """
    k = settings.shingle_words
    return jaccard(shingles(words(a), k), shingles(words(b), k))


def is_near_duplicate(a: str, b: str, settings: NearDupSettings = DEFAULT) -> tuple[bool, float]:
    """Whether one text is a near-duplicate of the other, and their :func:`similarity`.

    Args:
        a: One text.
        b: The other text.
        settings: ``threshold``, ``min_words`` and ``shingle_words`` are used.

    Returns:
        ``(True, similarity)`` when both texts have at least ``min_words`` words and their
        similarity is at least ``threshold``; else ``(False, similarity)``.
    """
    tokens_a, tokens_b = words(a), words(b)
    k = settings.shingle_words
    score = jaccard(shingles(tokens_a, k), shingles(tokens_b, k))
    long_enough = min(len(tokens_a), len(tokens_b)) >= settings.min_words
    return long_enough and score >= settings.threshold, score


def signature(shingle_set: set[str], bins: int) -> list[int]:
    """One-permutation MinHash of a shingle set, densified: ``bins`` non-negative 64-bit values.

    Each shingle's 64-bit hash picks a bin (the hash modulo ``bins``) and a value (the quotient);
    a bin keeps its least value. An empty bin takes the value of the first non-empty bin in its own
    fixed probe order, so two sets agree in a bin with probability equal to their Jaccard
    similarity.

    Args:
        shingle_set: Shingles, as from :func:`shingles`; not empty.
        bins: Values in the signature.

    Returns:
        The signature.
    """
    none = 1 << 64
    mins = [none] * bins
    for shingle in shingle_set:
        value, bin_index = divmod(_hash64(shingle.encode()), bins)
        if value < mins[bin_index]:
            mins[bin_index] = value
    if none not in mins:
        return mins
    orders = _probe_orders(bins)
    return [
        value if value != none else mins[next(c for c in orders[index] if mins[c] != none)]
        for index, value in enumerate(mins)
    ]


def buckets(text: str, settings: NearDupSettings = DEFAULT) -> list[int]:
    """The LSH bucket keys of ``text``: one per band, each a signed 64-bit integer.

    A key's top 8 bits are the band index and the other 56 a hash of the band's MinHash values, so
    two texts share a key only when they agree in a whole band. Texts with fewer than
    ``min_words`` words get no keys.

    Args:
        text: The article text.
        settings: ``shingle_words``, ``bands``, ``rows`` and ``min_words`` are used.

    Returns:
        ``bands`` distinct keys in band order (DuckDB ``BIGINT``), or an empty list.
    """
    tokens = words(text)
    return shingle_buckets(shingles(tokens, settings.shingle_words), len(tokens), settings)


def shingle_buckets(
    shingle_set: set[str], word_count: int, settings: NearDupSettings = DEFAULT
) -> list[int]:
    """:func:`buckets` of a text of ``word_count`` words with these :func:`shingles`."""
    if word_count < settings.min_words:
        return []
    rows = settings.rows
    values = signature(shingle_set, settings.bands * rows)
    keys = []
    for band in range(settings.bands):
        packed = b"".join(v.to_bytes(8, "little") for v in values[band * rows : (band + 1) * rows])
        key = (band << _BAND_BITS) | (_hash64(packed) & _BAND_MASK)
        keys.append(key - (1 << 64) if key >= 1 << 63 else key)
    return keys


def is_candidate(a: Sequence[int], b: Sequence[int], settings: NearDupSettings = DEFAULT) -> bool:
    """Whether two texts' bucket keys make them candidates: ``min_shared_buckets`` keys in common.

    Args:
        a: One text's :func:`buckets`.
        b: The other text's.
        settings: ``min_shared_buckets`` is used.

    Returns:
        True when the texts share enough keys to be worth confirming with :func:`similarity`.
    """
    return len(set(a).intersection(b)) >= settings.min_shared_buckets


def _hash64(data: bytes) -> int:
    """A 64-bit BLAKE2b hash: the same in every process."""
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "little")


@lru_cache(maxsize=4)
def _probe_orders(bins: int) -> tuple[tuple[int, ...], ...]:
    """For each bin, the fixed order in which it looks for a bin to borrow a value from."""
    return tuple(
        tuple(sorted(range(bins), key=lambda c: _hash64(f"probe {index} {c}".encode())))
        for index in range(bins)
    )
