"""Dedupe beyond exact keys: near-duplicates and their clusters, rel=canonical trust, links not
fetched, and the listing state a run leaves for the next one. Real DuckDB files throughout."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from tests.warehouse_factories import T0, article, query
from warehouse.dedupe import neardup
from warehouse.rows import Batch, ListingStateRow, SkippedRow
from warehouse.runs import start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path

_VOCABULARY = """
council budget river bridge school teachers union strike vote mayor harbour port ships cargo grain
prices farmers rain harvest storm coast police court judge ruling appeal law minister election
campaign poll voters party leader debate energy wind solar grid power plant workers factory jobs
wages inflation bank rates loans housing rents tenants market hospital doctors nurses patients
waiting times clinic vaccine research university students museum exhibition artists theatre
festival music film library books railway station trains delays bus routes airport flights tourism
hotels restaurants chefs fishing boats quota forest fire drought water supply reservoir pipeline
company shares profit losses chief executive board investors report survey data figures growth
decline region city village
"""
_WORDS = tuple(_VOCABULARY.split())


def story(seed: int, words: int = 400) -> str:
    """A plausible news text of about ``words`` words, different for each seed."""
    rng = random.Random(seed)
    sentences = []
    count = 0
    while count < words:
        n = rng.randrange(8, 20)
        sentences.append(" ".join(rng.choice(_WORDS) for _ in range(n)).capitalize() + ".")
        count += n
    return " ".join(sentences)


def edited(text: str, share: float, seed: int = 1) -> str:
    """``text`` with ``share`` of its words replaced by others."""
    rng = random.Random(seed)
    words = text.split()
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = rng.choice(_WORDS)
    return " ".join(words)


A = "https://a.test/news/2026/08/24/story-one"
B = "https://b.test/wire/story-one-copy"
C = "https://a.test/news/2026/08/25/story-one-updated"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    for run in ("r1", "r2", "r3"):
        start_run(path, run, ["example"], {})
    return path


def decisions(db: Path, run_id: str) -> list[tuple[object, ...]]:
    return query(
        db,
        "SELECT url, decision, article_id, matched_article_id, method "
        "FROM decisions WHERE run_id = ? ORDER BY url",
        [run_id],
    )


def test_lightly_edited_copies_are_near_duplicates_in_one_cluster(db: Path) -> None:
    original = story(1)
    write_batch(db, Batch("r1", articles=[article(A, original)]))
    copy = article(B, edited(original, 0.03), site="other")
    write_batch(db, Batch("r2", articles=[copy, article(C, edited(original, 0.04, seed=2))]))

    assert decisions(db, "r2") == [
        (C, "near_duplicate", 2, 1, neardup.METHOD),
        (B, "near_duplicate", 3, 1, neardup.METHOD),
    ]
    similarity = query(db, "SELECT min(similarity) FROM decisions WHERE run_id = 'r2'")[0][0]
    assert isinstance(similarity, float)
    assert neardup.DEFAULT.threshold <= similarity < 1
    clusters = query(db, "SELECT article_id, cluster_id FROM articles ORDER BY 1")
    assert clusters == [(1, 1), (2, 1), (3, 1)]


def test_different_stories_are_new_and_clusters_of_their_own(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A, story(1)), article(B, story(2))]))
    assert [d[1] for d in decisions(db, "r1")] == ["new", "new"]
    assert query(db, "SELECT article_id, cluster_id FROM articles ORDER BY 1") == [(1, 1), (2, 2)]


def test_near_duplicates_off_when_no_settings(db: Path) -> None:
    original = story(1)
    write_batch(db, Batch("r1", articles=[article(A, original)]), near=None)
    write_batch(db, Batch("r2", articles=[article(B, edited(original, 0.03))]), near=None)
    assert [d[1] for d in decisions(db, "r2")] == ["new"]


def test_an_update_records_how_alike_the_versions_are(db: Path) -> None:
    original = story(1)
    write_batch(db, Batch("r1", articles=[article(A, original)]))
    write_batch(db, Batch("r2", articles=[article(A, edited(original, 0.1))]))
    [(decision, similarity, detail)] = query(
        db, "SELECT decision, similarity, detail FROM decisions WHERE run_id = 'r2'"
    )
    assert decision == "updated"
    assert isinstance(similarity, float)
    assert 0.5 < similarity < 1
    assert detail == "version 2"


def test_canonical_naming_an_article_with_another_text_is_not_trusted(db: Path) -> None:
    home = "https://a.test/"
    write_batch(db, Batch("r1", articles=[article(home, story(1))]))
    # A site bug: every article names the home page as its canonical URL.
    lying = replace(article(home, story(2), fetched_url=A), fetched_key=A)
    write_batch(db, Batch("r2", articles=[lying]))
    [(url, decision, article_id, _, _)] = decisions(db, "r2")
    assert (url, decision, article_id) == (A, "new", 2)
    assert "rel=canonical" in str(query(db, "SELECT detail FROM decisions WHERE run_id='r2'"))
    assert query(db, "SELECT url, url_key FROM articles WHERE article_id = 2") == [(A, A)]


def test_canonical_naming_the_same_text_is_trusted(db: Path) -> None:
    text = story(1)
    write_batch(db, Batch("r1", articles=[article(A, text)]))
    amp = "https://a.test/amp/story-one"
    write_batch(
        db, Batch("r2", articles=[replace(article(A, text, fetched_url=amp), fetched_key=amp)])
    )
    assert decisions(db, "r2") == [(A, "unchanged", 1, None, "url_key")]


def test_links_not_fetched_repeat_what_the_warehouse_knows(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A, story(1))]))
    seen_at = T0 + timedelta(days=1)
    skipped = [
        SkippedRow("example", A, A, seen_at, "known", article_id=1),
        SkippedRow(
            "example", B, B, seen_at, "known", decision="duplicate_content", matched_article_id=1
        ),
    ]
    result = write_batch(db, Batch("r2", skipped=skipped))
    assert result.counts["unchanged"] == 1
    assert result.counts["duplicate_content"] == 1
    assert decisions(db, "r2") == [
        (A, "unchanged", 1, None, "known"),
        (B, "duplicate_content", None, 1, "known"),
    ]
    assert query(db, "SELECT last_seen_run, last_seen_at, version_count FROM articles") == [
        ("r2", seen_at, 1)
    ]


def test_listing_state_keeps_the_newest_row_per_source(db: Path) -> None:
    def state(run_etag: str, entries: tuple[str, ...]) -> ListingStateRow:
        return ListingStateRow(
            "example", "https://a.test/", "https://a.test/", "listing", T0, run_etag, None, entries
        )

    write_batch(db, Batch("r1", listings=[state('"1"', (A,))]))
    write_batch(db, Batch("r2", listings=[state('"2"', (A, B)), state('"3"', (A, B, C))]))
    assert query(db, "SELECT etag, entries, run_id FROM listing_state") == [
        ('"3"', [A, B, C], "r2")
    ]
