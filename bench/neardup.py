"""Near-duplicate benchmark: MinHash LSH beside SimHash, each confirmed by shingle similarity.

Both methods file each text under bucket keys; texts sharing enough keys are candidates, and a
candidate is a near-duplicate when ``warehouse.dedupe.neardup``'s similarity reaches the threshold. On
the development corpus (true texts) and the demo site, for each method and setting:

- cand: the pairs of distinct pages that are candidates, and their share (the cost of confirming);
- FP: pairs of distinct pages confirmed as near-duplicates (false positives, should be none);
- recall at 2, 5 and 10 %: the share of copies, with that share of their words replaced, inserted
  or deleted at random (seeded), whose original is found through keys and confirmed; ``stray``
  counts copies confirmed against a page other than their original (or its twin at another URL);
- the demo site's edited re-publication: found through keys and confirmed, or not;
- microseconds per 5 KB text to compute the keys, and per ``similarity()`` of two 5 KB texts.

Settings: ``b=42 r=3 >=2`` is MinHash LSH with 42 bands of 3 rows, candidates sharing at least 2
keys; ``words d<=3`` is a 64-bit SimHash of word counts (``shingles``: of shingles) under
permuted-block keys that catch fingerprints at most 3 bits apart, candidates sharing 1 key.

Unless ``--quick``, also the exact similarity of the closest distinct pages and of the edited
copies for shingles of 2 to 6 words: what the shingle size and threshold are chosen from.

    python -m bench.neardup [--corpus DIR] [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from hashlib import blake2b
from itertools import combinations
from pathlib import Path

from warehouse.dedupe import neardup
from warehouse.dedupe.neardup import NearDupSettings

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wcxb-dev-articles"
RATES = (0.02, 0.05, 0.10)
SEED = 20240


@dataclass
class Collection:
    """Texts to compare, and the pairs among them that really are near-duplicates."""

    name: str
    urls: list[str]
    texts: list[str]
    known: set[tuple[int, int]] = field(default_factory=set)
    """Pairs ``(i, j)``, ``i < j``, of the same article: not counted as false positives."""


@dataclass(frozen=True)
class Scheme:
    """One way of filing texts under keys, and how many keys make two texts candidates."""

    method: str
    label: str
    keys: Callable[[str], list[int]]
    min_shared: int = 1


def edit_words(text: str, rate: float, rng: random.Random, vocabulary: Sequence[str]) -> str:
    """A copy of ``text`` with ``rate`` of its words edited at random positions.

    Each edit replaces a word with one drawn from ``vocabulary``, inserts one, or deletes one,
    with equal chance; at least one edit is made. Words are whitespace-separated.
    """
    tokens = text.split()
    for _ in range(max(1, round(rate * len(tokens)))):
        action = rng.randrange(3)
        if action == 0 and tokens:
            tokens[rng.randrange(len(tokens))] = rng.choice(vocabulary)
        elif action == 1 or not tokens:
            tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(vocabulary))
        else:
            del tokens[rng.randrange(len(tokens))]
    return " ".join(tokens)


def same_page_pairs(urls: Sequence[str]) -> set[tuple[int, int]]:
    """Pairs of URLs that differ only in case, query, fragment or a trailing slash (none empty)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, url in enumerate(urls):
        if not url:
            continue
        key = url.split("#", 1)[0].split("?", 1)[0].rstrip("/").casefold()
        by_key[key].append(index)
    return {pair for ids in by_key.values() for pair in combinations(ids, 2)}


#: Each byte value spread over eight 32-bit lanes, one per bit, to count eight bits in one addition.
_SPREAD = [sum(1 << 32 * bit for bit in range(8) if value >> bit & 1) for value in range(256)]


def simhash(features: Counter[str]) -> int:
    """64-bit SimHash: bit ``i`` is set when features whose hash has it set outweigh the rest."""
    lanes, total = [0] * 8, 0
    for feature, weight in features.items():
        total += weight
        for position, byte in enumerate(blake2b(feature.encode(), digest_size=8).digest()):
            lanes[position] += _SPREAD[byte] * weight
    fingerprint = 0
    for position, counts in enumerate(lanes):
        for bit in range(8):
            if 2 * (counts >> 32 * bit & 0xFFFFFFFF) > total:
                fingerprint |= 1 << 8 * position + bit
    return fingerprint


def block_keys(fingerprint: int, blocks: int, key_blocks: int) -> list[int]:
    """Permuted-block keys of a 64-bit fingerprint: one per choice of ``key_blocks`` blocks.

    The fingerprint is cut into ``blocks`` blocks; two fingerprints that differ in at most
    ``blocks - key_blocks`` bits agree on some ``key_blocks`` whole blocks, so share a key. A key's
    top bits are the index of its choice (its table), the others the chosen blocks' bits.
    """
    edges = [64 * i // blocks for i in range(blocks + 1)]
    widths = [edges[i + 1] - edges[i] for i in range(blocks)]
    parts = [fingerprint >> edges[i] & ((1 << widths[i]) - 1) for i in range(blocks)]
    keys = []
    for table, chosen in enumerate(combinations(range(blocks), key_blocks)):
        if table >= 128 or sum(widths[i] for i in chosen) > 56:
            raise ValueError("at most 128 tables of 56-bit keys")
        key = 0
        for i in chosen:
            key = key << widths[i] | parts[i]
        keys.append(table << 56 | key)
    return keys


def simhash_keys(
    text: str, features: str, blocks: int, key_blocks: int, settings: NearDupSettings
) -> list[int]:
    """SimHash keys of a text, over its word counts (``words``) or its shingles (``shingles``)."""
    tokens = neardup.words(text)
    if len(tokens) < settings.min_words:
        return []
    if features == "words":
        counted = Counter(tokens)
    else:
        counted = Counter(neardup.shingles(tokens, settings.shingle_words))
    return block_keys(simhash(counted), blocks, key_blocks)


def schemes(settings: NearDupSettings) -> list[Scheme]:
    """The default MinHash LSH, a few other shapes of it, and SimHash configurations."""
    found: list[Scheme] = []
    shapes = [(settings.bands, settings.rows, settings.min_shared_buckets)]
    shapes += [s for s in ((42, 3, 1), (64, 3, 2), (32, 4, 1), (21, 3, 1)) if s != shapes[0]]
    for bands, rows, shared in shapes:
        shaped = replace(settings, bands=bands, rows=rows, min_shared_buckets=shared)
        mark = " (default)" if shaped == settings else ""
        label = f"b={bands} r={rows} >={shared}{mark}"
        keys = partial(neardup.buckets, settings=shaped)
        found.append(Scheme("minhash", label, keys, shared))
    for features, blocks, key_blocks in (("words", 4, 1), ("words", 8, 2), ("shingles", 4, 1)):
        label = f"{features} d<={blocks - key_blocks}"
        keys = partial(
            simhash_keys, features=features, blocks=blocks, key_blocks=key_blocks, settings=settings
        )
        found.append(Scheme("simhash", label, keys))
    return found


def index_keys(key_lists: Iterable[Sequence[int]]) -> dict[int, list[int]]:
    """Each key's items, by position, ascending."""
    members: dict[int, list[int]] = defaultdict(list)
    for item, keys in enumerate(key_lists):
        for key in set(keys):
            members[key].append(item)
    return members


def candidate_pairs(members: dict[int, list[int]], min_shared: int) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of items that share at least ``min_shared`` keys."""
    shared: Counter[tuple[int, int]] = Counter()
    for items in members.values():
        shared.update(combinations(items, 2))
    return {pair for pair, count in shared.items() if count >= min_shared}


def lookup(members: dict[int, list[int]], keys: Iterable[int], min_shared: int) -> list[int]:
    """Items sharing at least ``min_shared`` of ``keys``, ascending."""
    shared = Counter(item for key in set(keys) for item in members.get(key, ()))
    return sorted(item for item, count in shared.items() if count >= min_shared)


class Texts:
    """A collection's texts prepared once: word counts and shingle sets."""

    def __init__(self, texts: Sequence[str], settings: NearDupSettings) -> None:
        self.settings = settings
        tokens = [neardup.words(text) for text in texts]
        self.counts = [len(t) for t in tokens]
        self.sets = [neardup.shingles(t, settings.shingle_words) for t in tokens]

    def similarity(self, i: int, j: int) -> float:
        """``similarity()`` of texts ``i`` and ``j``."""
        return neardup.jaccard(self.sets[i], self.sets[j])

    def confirmed(self, i: int, j: int) -> bool:
        """What ``is_near_duplicate()`` says of texts ``i`` and ``j``."""
        s = self.settings
        long_enough = min(self.counts[i], self.counts[j]) >= s.min_words
        return long_enough and self.similarity(i, j) >= s.threshold


def pair_counts(
    collection: Collection, prepared: Texts, keys: list[list[int]], min_shared: int
) -> tuple[int, int, int]:
    """Candidate pairs, false positives, and known pairs found through keys and confirmed."""
    candidates = candidate_pairs(index_keys(keys), min_shared)
    confirmed = {pair for pair in candidates if prepared.confirmed(*pair)}
    return len(candidates), len(confirmed - collection.known), len(confirmed & collection.known)


def recall(
    collection: Collection,
    originals: Texts,
    members: dict[int, list[int]],
    copies: list[str],
    scheme: Scheme,
) -> tuple[float, int]:
    """Share of eligible copies whose original is found and confirmed, and stray matches.

    A stray match is a copy confirmed against a page other than its original or the original's
    known twin.
    """
    twins: dict[int, set[int]] = defaultdict(set)
    for i, j in collection.known:
        twins[i].add(j)
        twins[j].add(i)
    settings, found, stray, eligible = originals.settings, 0, 0, 0
    for original, copy in enumerate(copies):
        if originals.counts[original] < settings.min_words:
            continue
        eligible += 1
        tokens = neardup.words(copy)
        copy_set = neardup.shingles(tokens, settings.shingle_words)
        for hit in lookup(members, scheme.keys(copy), scheme.min_shared):
            long_enough = min(len(tokens), originals.counts[hit]) >= settings.min_words
            score = neardup.jaccard(originals.sets[hit], copy_set)
            if long_enough and score >= settings.threshold:
                found += hit == original
                stray += hit != original and hit not in twins[original]
    return found / max(eligible, 1), stray


def keys_of(keys: Callable[[str], list[int]], texts: Iterable[str]) -> list[list[int]]:
    """The keys of each text."""
    return [keys(text) for text in texts]


def micros(function: Callable[[], object], calls: int, repeats: int = 3) -> float:
    """Microseconds per call: ``function`` makes ``calls`` calls; the best of ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


def corpus_collection(directory: Path, limit: int | None) -> Collection:
    """The development corpus's true texts; pages at two URLs of one page are known pairs."""
    urls, texts = [], []
    with (directory / "truth.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            urls.append(row["url"] or "")
            texts.append(row["body"] or "")
    urls, texts = urls[:limit], texts[:limit]
    return Collection("development corpus", urls, texts, same_page_pairs(urls))


def demo_collection(articles: int) -> Collection:
    """The demo site's truth articles; the edited re-publication and its original are known."""
    from crawler.demo import build_site

    records = build_site(articles).truth("http://127.0.0.1:1/")
    urls = [str(r["url"]) for r in records]
    where = {url: i for i, url in enumerate(urls)}
    known: set[tuple[int, int]] = set()
    for i, record in enumerate(records):
        if record["near_duplicate_of"]:
            j = where[str(record["near_duplicate_of"])]
            known.add((min(i, j), max(i, j)))
    return Collection("demo site", urls, [str(r["text"]) for r in records], known)


def five_kb(texts: Iterable[str], limit: int) -> list[str]:
    """Texts of at least 5,000 characters, cut to 5,000 at a space."""
    return [t[:5000].rsplit(" ", 1)[0] for t in texts if len(t) >= 5000][:limit]


def copies_of(texts: Sequence[str], vocabulary: Sequence[str]) -> dict[float, list[str]]:
    """An edited copy of every text at each rate of :data:`RATES`, each from its own seed."""
    return {
        rate: [
            edit_words(text, rate, random.Random(f"{SEED} {rate} {i}"), vocabulary)
            for i, text in enumerate(texts)
        ]
        for rate in RATES
    }


def closest_distinct(sets: Sequence[set[str]], known: set[tuple[int, int]]) -> float:
    """The highest similarity of two distinct texts, known pairs left out."""
    order = sorted(range(len(sets)), key=lambda i: len(sets[i]))
    best = 0.0
    for a, i in enumerate(order):
        for j in order[a + 1 :]:
            if len(sets[i]) <= best * len(sets[j]):
                break  # the rest are longer still: their similarity cannot beat ``best``
            if (min(i, j), max(i, j)) not in known:
                best = max(best, neardup.jaccard(sets[i], sets[j]))
    return best


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 2) -> None:
    """Print rows under headers, the first ``left`` columns left-aligned, the others right."""
    widths = [max(len(r[c]) for r in [headers, *rows]) for c in range(len(headers))]
    for row in [headers, *rows]:
        cells = [
            cell.ljust(width) if c < left else cell.rjust(width)
            for c, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())


def shingle_size_table(
    corpus: Collection, demo: Collection, copies: dict[float, list[str]]
) -> None:
    """Print, for shingles of 2 to 6 words, the exact similarities the threshold must separate."""
    print("\nexact similarity by shingle size: the closest distinct pages; edited copies' lowest")
    print("and 1st percentile (no buckets involved)")
    rows = []
    for size in range(2, 7):
        settings = replace(neardup.DEFAULT, shingle_words=size)
        originals = Texts(corpus.texts, settings)
        row = [
            str(size),
            f"{closest_distinct(originals.sets, corpus.known):.3f}",
            f"{closest_distinct(Texts(demo.texts, settings).sets, demo.known):.3f}",
        ]
        for rate in RATES:
            scores = sorted(
                neardup.jaccard(originals.sets[i], neardup.shingles(neardup.words(copy), size))
                for i, copy in enumerate(copies[rate])
                if originals.counts[i] >= settings.min_words
            )
            row.append(f"{scores[0]:.3f}, {scores[len(scores) // 100]:.3f}")
        rows.append(row)
    copies_headers = [f"{rate:.0%} copies" for rate in RATES]
    print_table(["words", "corpus closest", "demo closest", *copies_headers], rows, left=1)


def scheme_tables(
    corpus: Collection,
    demo: Collection,
    copies: dict[float, list[str]],
    settings: NearDupSettings,
    timing: list[str],
) -> None:
    """Print the corpus and demo tables, one row per scheme."""
    originals, demo_texts = Texts(corpus.texts, settings), Texts(demo.texts, settings)
    n, m = len(corpus.texts), len(demo.texts)
    pairs, demo_pairs = n * (n - 1) // 2, m * (m - 1) // 2
    corpus_rows, demo_rows = [], []
    for scheme in schemes(settings):
        keys = [scheme.keys(text) for text in corpus.texts]
        candidates, false_positives, found = pair_counts(corpus, originals, keys, scheme.min_shared)
        members = index_keys(keys)
        recalls, strays = [], 0
        for rate in RATES:
            share, stray = recall(corpus, originals, members, copies[rate], scheme)
            recalls.append(f"{share:.1%}")
            strays += stray
        cost = micros(partial(keys_of, scheme.keys, timing), len(timing))
        corpus_rows.append(
            [
                scheme.method,
                scheme.label,
                str(max(map(len, keys))),
                str(candidates),
                f"{candidates / pairs:.4%}",
                str(false_positives),
                f"{found}/{len(corpus.known)}",
                *recalls,
                str(strays),
                f"{cost:.0f}",
            ]
        )
        keys = [scheme.keys(text) for text in demo.texts]
        candidates, false_positives, found = pair_counts(demo, demo_texts, keys, scheme.min_shared)
        demo_rows.append(
            [
                scheme.method,
                scheme.label,
                str(candidates),
                f"{candidates / demo_pairs:.4%}",
                str(false_positives),
                "found" if found else "missed",
            ]
        )
    same = ", ".join(f"{originals.similarity(i, j):.3f}" for i, j in sorted(corpus.known))
    print(f"\n{corpus.name}: {n} pages, {pairs:,} pairs of distinct pages")
    print(f"({len(corpus.known)} of one page at two URLs, similarity {same or '-'}: column 'same')")
    print(
        f"threshold {settings.threshold}, shingles of {settings.shingle_words} words, at least "
        f"{settings.min_words} words; µs/5KB: keys of one 5 KB text ({len(timing)} texts)"
    )
    recall_headers = [f"recall {rate:.0%}" for rate in RATES]
    headers = ["method", "settings", "keys", "cand", "cand %", "FP", "same", *recall_headers]
    print_table([*headers, "stray", "µs/5KB"], corpus_rows)
    similar = ", ".join(f"{demo_texts.similarity(i, j):.3f}" for i, j in sorted(demo.known))
    print(f"\n{demo.name}: {m} articles, {demo_pairs:,} pairs of distinct articles")
    print(f"(the edited re-publication's similarity to its original: {similar})")
    print_table(["method", "settings", "cand", "cand %", "FP", "re-publication"], demo_rows)


def main() -> None:
    """Run every measurement and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--quick", action="store_true", help="300 corpus pages, 200 demo articles, no size table"
    )
    args = parser.parse_args()
    settings = neardup.DEFAULT
    corpus = corpus_collection(args.corpus, 300 if args.quick else None)
    demo = demo_collection(200 if args.quick else 500)
    vocabulary = sorted({word for text in corpus.texts for word in text.split()})
    copies = copies_of(corpus.texts, vocabulary)
    timing = five_kb(corpus.texts, 100 if args.quick else 400)
    scheme_tables(corpus, demo, copies, settings, timing)
    edited = [edit_words(t, 0.05, random.Random(i), vocabulary) for i, t in enumerate(timing)]
    pairs = list(zip(timing, edited, strict=True))
    cost = micros(lambda: [neardup.similarity(a, b) for a, b in pairs], len(pairs))
    print(f"\nsimilarity() of two 5 KB texts: {cost:.0f} µs ({len(pairs)} pairs)")
    if not args.quick:
        shingle_size_table(corpus, demo, copies)


if __name__ == "__main__":
    main()
