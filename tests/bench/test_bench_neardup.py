"""The near-duplicate benchmark's helpers: edited copies, SimHash keys, candidates and counts."""

from __future__ import annotations

import random
from collections import Counter
from functools import partial
from hashlib import blake2b
from math import comb

from bench.neardup import (
    Collection,
    Scheme,
    Texts,
    block_keys,
    candidate_pairs,
    closest_distinct,
    edit_words,
    index_keys,
    lookup,
    pair_counts,
    recall,
    same_page_pairs,
    simhash,
)
from warehouse.dedupe.neardup import DEFAULT, buckets

FOX = "the quick brown fox jumps over the lazy dog near the river bank at dawn " * 3
LEDGER = "a ledger of grain shipments lists every barge that left the northern port in spring " * 3


def test_edit_words_changes_the_given_share_of_words_reproducibly() -> None:
    text = " ".join(f"w{n}" for n in range(200))
    copy = edit_words(text, 0.05, random.Random(3), ["NEW"])
    assert copy == edit_words(text, 0.05, random.Random(3), ["NEW"])
    kept = Counter(copy.split()) & Counter(text.split())
    added = copy.split().count("NEW")
    deleted = 200 - sum(kept.values())
    # ten edits (5 % of 200): each inserts a word, deletes one, or does both (a replacement)
    assert added <= 10
    assert deleted <= 10
    assert 10 <= added + deleted <= 20
    assert copy != text
    assert edit_words("one two three", 0.0, random.Random(1), ["NEW"]) != "one two three"


def test_same_page_pairs_fold_case_query_fragment_and_trailing_slash() -> None:
    urls = [
        "https://a.org/story",
        "https://a.org/story/",
        "https://A.org/story?utm_source=x#top",
        "https://a.org/other",
        "",
        "",
    ]
    assert same_page_pairs(urls) == {(0, 1), (0, 2), (1, 2)}


def test_simhash_follows_the_heavier_feature() -> None:
    heavy = int.from_bytes(blake2b(b"heavy", digest_size=8).digest(), "little")
    assert simhash(Counter({"heavy": 5, "light": 1, "lighter": 1})) == heavy
    assert simhash(Counter({"x": 1, "y": 2})) == simhash(Counter({"y": 2, "x": 1}))


def test_block_keys_share_a_key_within_the_guaranteed_distance_only() -> None:
    rng = random.Random(5)
    for blocks, key_blocks in ((4, 1), (8, 2)):
        distance = blocks - key_blocks
        for _ in range(200):
            a = rng.getrandbits(64)
            b = a
            for bit in rng.sample(range(64), distance):
                b ^= 1 << bit
            keys = block_keys(a, blocks, key_blocks)
            assert len(keys) == comb(blocks, key_blocks)
            assert set(keys) & set(block_keys(b, blocks, key_blocks))
    one_bit_in_each_block = 1 | 1 << 16 | 1 << 32 | 1 << 48
    assert not set(block_keys(0, 4, 1)) & set(block_keys(one_bit_in_each_block, 4, 1))


def test_candidates_need_the_given_number_of_shared_keys() -> None:
    members = index_keys([[1, 2, 3], [2, 3, 4], [3, 9], [7]])
    assert candidate_pairs(members, 1) == {(0, 1), (0, 2), (1, 2)}
    assert candidate_pairs(members, 2) == {(0, 1)}
    assert lookup(members, [2, 3, 3], 2) == [0, 1]
    assert lookup(members, [8], 1) == []


def test_pair_counts_tell_false_positives_from_known_pairs() -> None:
    texts = [FOX, FOX.upper(), LEDGER]
    prepared = Texts(texts, DEFAULT)
    keys = [buckets(t) for t in texts]
    unknown = Collection("c", ["a", "b", "c"], texts)
    assert pair_counts(unknown, prepared, keys, 2) == (1, 1, 0)
    known = Collection("c", ["a", "b", "c"], texts, {(0, 1)})
    assert pair_counts(known, prepared, keys, 2) == (1, 0, 1)
    assert closest_distinct(prepared.sets, set()) == 1.0
    assert closest_distinct(prepared.sets, {(0, 1)}) < DEFAULT.threshold


def test_recall_finds_light_copies_and_counts_matches_to_other_pages() -> None:
    texts = [FOX, LEDGER]
    collection = Collection("c", ["a", "b"], texts)
    originals = Texts(texts, DEFAULT)
    members = index_keys([buckets(t) for t in texts])
    scheme = Scheme("minhash", "default", partial(buckets, settings=DEFAULT), 2)
    light = [FOX.replace("dawn", "dusk", 1), LEDGER.replace("spring", "autumn", 1)]
    assert recall(collection, originals, members, light, scheme) == (1.0, 0)
    swapped = [LEDGER, FOX]  # each "copy" is the other page
    assert recall(collection, originals, members, swapped, scheme) == (0.0, 2)
