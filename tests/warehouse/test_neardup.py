"""Near-duplicate detection: bucket keys find edited copies, similarity confirms them."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from itertools import combinations
from typing import Any

import pytest

from crawler.demo import build_site
from tests.conftest import ROOT
from warehouse.dedupe.neardup import (
    DEFAULT,
    METHOD,
    NearDupSettings,
    buckets,
    is_candidate,
    is_near_duplicate,
    jaccard,
    shingles,
    signature,
    similarity,
    words,
)

ELECTION = (
    "The election commission said on Tuesday that it would publish the final count of the "
    "regional vote before the end of the week, after two districts asked for a recount of "
    "ballots cast by post. Officials in both districts said the request was routine."
)
HARVEST = (
    "Farmers across the valley began the grape harvest early this year because a long, dry "
    "summer ripened the fruit weeks ahead of schedule. Growers expect smaller yields but "
    "sweeter wine, and several cooperatives have hired extra pickers for September."
)


@pytest.fixture(scope="module")
def truth() -> list[dict[str, Any]]:
    return build_site().truth("http://127.0.0.1:1/")


def edited(text: str, rate: float, seed: int) -> str:
    """``text`` with ``rate`` of its words replaced, inserted or deleted at random positions."""
    rng = random.Random(seed)
    tokens = text.split()
    for n in range(max(1, round(rate * len(tokens)))):
        at = rng.randrange(len(tokens))
        action = n % 3
        if action == 0:
            tokens[at] = f"changed{n}"
        elif action == 1:
            tokens.insert(at, f"inserted{n}")
        else:
            del tokens[at]
    return " ".join(tokens)


def test_identical_texts_have_similarity_one_and_share_every_bucket(
    truth: list[dict[str, Any]],
) -> None:
    text = str(truth[0]["text"])
    assert similarity(text, text) == 1.0
    assert is_near_duplicate(text, text) == (True, 1.0)
    keys = buckets(text)
    assert len(keys) == DEFAULT.bands
    assert buckets(text) == keys
    assert is_candidate(keys, buckets(text))


def test_a_copy_with_five_percent_of_words_edited_is_found_and_confirmed(
    truth: list[dict[str, Any]],
) -> None:
    for seed, record in enumerate(truth[:20]):
        original = str(record["text"])
        copy = edited(original, 0.05, seed)
        assert words(copy) != words(original)
        assert is_candidate(buckets(original), buckets(copy)), record["url"]
        found, score = is_near_duplicate(original, copy)
        assert found, (record["url"], score)
        assert DEFAULT.threshold <= score < 1.0


def test_texts_on_different_topics_are_not_candidates_nor_near_duplicates() -> None:
    assert similarity(ELECTION, HARVEST) == 0.0
    assert not set(buckets(ELECTION)) & set(buckets(HARVEST))
    assert is_near_duplicate(ELECTION, HARVEST) == (False, 0.0)


def test_on_the_demo_site_only_the_edited_republication_is_a_near_duplicate(
    truth: list[dict[str, Any]],
) -> None:
    """Its articles share names, places and stock phrases; only the re-publication is flagged."""
    texts = [str(r["text"]) for r in truth]
    keys = [buckets(t) for t in texts]
    sets = [shingles(words(t), DEFAULT.shingle_words) for t in texts]
    flagged, above_threshold = set(), set()
    for i, j in combinations(range(len(texts)), 2):
        if jaccard(sets[i], sets[j]) >= DEFAULT.threshold:
            above_threshold.add((i, j))
        if is_candidate(keys[i], keys[j]) and is_near_duplicate(texts[i], texts[j])[0]:
            flagged.add((i, j))
    urls = [r["url"] for r in truth]
    expected = {
        tuple(sorted((urls.index(r["url"]), urls.index(r["near_duplicate_of"]))))
        for r in truth
        if r["near_duplicate_of"]
    }
    assert len(expected) == 1
    assert flagged == above_threshold == expected


def test_similarity_is_symmetric_and_ignores_case_quotes_dashes_and_invisible_characters() -> None:
    plain = "It's the end - of an era, 'they' said."
    fancy = "IT’S THE END — OF AN ERA, “THEY” SAID.\u00a0"
    assert similarity(plain, fancy) == 1.0
    assert similarity("a recount\u00ad of ballots", "a recount of ballots") == 1.0
    half = ELECTION.split(". ")[0]
    assert similarity(ELECTION, half) == similarity(half, ELECTION)
    assert 0.0 < similarity(ELECTION, half) < 1.0


def test_buckets_are_the_same_in_another_process_with_another_hash_seed(
    truth: list[dict[str, Any]],
) -> None:
    texts = [str(r["text"]) for r in truth[:3]] + [ELECTION]
    script = (
        "import json, sys\n"
        "from warehouse.dedupe.neardup import buckets\n"
        "print(json.dumps([buckets(t) for t in json.load(sys.stdin)]))\n"
    )
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        child = subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert json.loads(child.stdout) == [buckets(t) for t in texts]


def test_bucket_keys_are_signed_64_bit_and_carry_their_band_index(
    truth: list[dict[str, Any]],
) -> None:
    for record in truth:
        keys = buckets(str(record["text"]))
        assert all(-(2**63) <= key < 2**63 for key in keys)
        assert [key >> 56 & 0xFF for key in keys] == list(range(DEFAULT.bands))
        assert len(set(keys)) == len(keys)


def test_empty_and_short_texts() -> None:
    assert buckets("") == []
    assert buckets("Photo: Reuters") == []
    assert similarity("", "") == 0.0
    assert similarity("", ELECTION) == 0.0
    assert is_near_duplicate("", "") == (False, 0.0)
    assert is_near_duplicate("Read more", "Read more") == (False, 1.0)
    assert similarity("two words", "two words") == 1.0  # fewer words than a shingle: one shingle
    seven = "one two three four five six seven"
    assert buckets(seven) == []
    assert len(buckets(seven + " eight")) == DEFAULT.bands
    tiny = NearDupSettings(min_words=1)
    assert buckets("word", tiny) == buckets("WORD", tiny)
    assert not set(buckets("word", tiny)) & set(buckets("other", tiny))


def test_signature_agrees_in_about_the_share_of_bins_given_by_jaccard_similarity() -> None:
    common = {f"shared {n}" for n in range(400)}
    a = common | {f"only a {n}" for n in range(200)}
    b = common | {f"only b {n}" for n in range(200)}
    bins = DEFAULT.bands * DEFAULT.rows
    agree = sum(x == y for x, y in zip(signature(a, bins), signature(b, bins), strict=True))
    assert jaccard(a, b) == 0.5
    assert 0.35 < agree / bins < 0.65
    few = {"only", "three", "shingles"}  # most bins empty, filled from the others
    assert signature(few, bins) == signature(set(few), bins)
    assert set(signature(few, bins)) <= set(signature({"only"}, bins)) | set(
        signature({"three", "shingles"}, bins)
    )


def test_settings_are_checked_and_name_the_scheme_their_buckets_follow() -> None:
    assert METHOD == "minhash"
    assert DEFAULT.scheme == (
        f"minhash-v1 k={DEFAULT.shingle_words} b={DEFAULT.bands} r={DEFAULT.rows}"
    )
    assert NearDupSettings(threshold=0.9).scheme == DEFAULT.scheme
    assert NearDupSettings(bands=10).scheme != DEFAULT.scheme
    for bad in (
        {"threshold": 0.0},
        {"threshold": 1.5},
        {"shingle_words": 0},
        {"bands": 0},
        {"bands": 257},
        {"rows": 0},
        {"min_shared_buckets": 0},
        {"bands": 4, "min_shared_buckets": 5},
        {"min_words": 0},
    ):
        with pytest.raises(ValueError, match=next(iter(bad))):
            NearDupSettings(**bad)
