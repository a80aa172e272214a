"""Loading batches: exact dedupe decisions and the rows they write, one transaction per batch."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import duckdb
import pytest

from tests.warehouse_factories import T0, article, fetch, query, reject, sighting
from warehouse.errors import UnknownRunError
from warehouse.rows import Batch, RawPageRow
from warehouse.runs import start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path

A1 = "https://example.test/a/1"
A2 = "https://example.test/a/2"
A3 = "https://example.test/a/3"
OTHER = "https://other.test/story/9"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    for run_id in ("r1", "r2", "r3"):
        start_run(path, run_id, ["example"], {})
    return path


def decisions(db: Path, run_id: str) -> list[tuple[object, ...]]:
    return query(
        db,
        "SELECT url, decision, article_id, matched_article_id, similarity, reason "
        "FROM decisions WHERE run_id = ? ORDER BY url, decision",
        [run_id],
    )


def day(n: int) -> datetime:
    return T0 - timedelta(days=n)


def test_new_article_writes_article_version_and_decision(db: Path) -> None:
    row = article(
        A1,
        "First text.",
        title="One",
        published_at=day(1),
        authors=("Ann", "Bo"),
        tags=("world",),
        language="en",
        published_source="json-ld",
        modified_at=day(0),
        modified_source="sitemap",
    )
    result = write_batch(db, Batch("r1", articles=[row]))

    assert result.counts["new"] == 1
    assert sum(result.counts.values()) == 1
    assert result.decisions[0].article_id == 1
    got = query(
        db,
        "SELECT article_id, site, url, url_key, title, text, authors, tags, language, "
        "published_at, published_source, content_key, first_seen_run, last_seen_run, "
        "version_count, first_seen_at, last_seen_at, fingerprint, modified_at, modified_source "
        "FROM articles",
    )
    assert got == [
        (
            1,
            "example",
            A1,
            A1,
            "One",
            "First text.",
            ["Ann", "Bo"],
            ["world"],
            "en",
            day(1),
            "json-ld",
            row.content_key,
            "r1",
            "r1",
            1,
            T0,
            T0,
            None,
            day(0),
            "sitemap",
        )
    ]
    assert query(db, "SELECT article_id, version, run_id, text FROM article_versions") == [
        (1, 1, "r1", "First text.")
    ]
    assert decisions(db, "r1") == [(A1, "new", 1, None, None, None)]


def test_same_article_next_run_is_unchanged(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A1, "Same.")]))
    later = T0 + timedelta(hours=2)
    result = write_batch(db, Batch("r2", articles=[article(A1, "Same.", fetched_at=later)]))

    assert result.counts["unchanged"] == 1
    assert query(
        db,
        "SELECT article_id, first_seen_run, last_seen_run, version_count, last_seen_at "
        "FROM articles",
    ) == [(1, "r1", "r2", 1, later)]
    assert query(db, "SELECT count(*) FROM article_versions") == [(1,)]
    assert decisions(db, "r2") == [(A1, "unchanged", 1, None, None, None)]


def test_changed_text_next_run_is_a_new_version(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A1, "Old text.", title="Old")]))
    edited = article(
        A1, "New text.", title="New", tags=("politics",), modified_at=T0, modified_source="meta"
    )
    result = write_batch(db, Batch("r2", articles=[edited]))

    assert result.counts["updated"] == 1
    assert query(
        db,
        "SELECT article_id, title, text, tags, content_key, version_count, last_seen_run, "
        "modified_at, modified_source FROM articles",
    ) == [(1, "New", "New text.", ["politics"], edited.content_key, 2, "r2", T0, "meta")]
    assert query(db, "SELECT version, run_id, title, text FROM article_versions ORDER BY 1") == [
        (1, "r1", "Old", "Old text."),
        (2, "r2", "New", "New text."),
    ]
    [(url, decision, article_id, matched, similarity, reason)] = decisions(db, "r2")
    assert (url, decision, article_id, matched, reason) == (A1, "updated", 1, None, None)
    assert similarity is not None  # how alike the two versions are
    assert 0 <= similarity < 1


def test_a_page_fetched_earlier_does_not_move_last_seen_back(db: Path) -> None:
    # As a re-extraction does: it loads pages with the time they were fetched.
    later = T0 + timedelta(days=2)
    write_batch(db, Batch("r1", articles=[article(A1, "Same."), article(A2, "Old.")]))
    write_batch(db, Batch("r2", articles=[article(A1, "Same.", fetched_at=later)]))
    again = [article(A1, "Same.", fetched_at=T0), article(A2, "New.", fetched_at=T0)]
    result = write_batch(db, Batch("r3", articles=again))

    assert (result.counts["unchanged"], result.counts["updated"]) == (1, 1)
    assert query(db, "SELECT url, last_seen_run, last_seen_at FROM articles ORDER BY 1") == [
        (A1, "r3", later),
        (A2, "r3", T0),
    ]


def test_raw_pages_are_stored_with_the_run(db: Path) -> None:
    page = RawPageRow(
        site="example",
        url=A1,
        url_key=A1,
        fetched_at=T0,
        http_status=200,
        warc_path="example/r1.warc.gz",
        warc_offset=312,
        warc_length=4051,
        sha256="ab" * 32,
    )
    result = write_batch(db, Batch("r1", raw_pages=[page]))

    assert result.rows == 1
    assert query(db, "SELECT * FROM raw_pages") == [
        ("r1", "example", A1, A1, T0, 200, "example/r1.warc.gz", 312, 4051, "ab" * 32)
    ]


def test_same_url_twice_in_a_run_is_duplicate_url(db: Path) -> None:
    result = write_batch(
        db, Batch("r1", articles=[article(A1, "Text."), article(A1, "Other text.")])
    )
    assert result.counts["new"] == 1
    assert result.counts["duplicate_url"] == 1
    write_batch(db, Batch("r1", articles=[article(A1, "Third text.")]))

    assert decisions(db, "r1") == [
        (A1, "duplicate_url", None, 1, None, None),
        (A1, "duplicate_url", None, 1, None, None),
        (A1, "new", 1, None, None, None),
    ]
    assert query(db, "SELECT count(*), max(version_count) FROM articles") == [(1, 1)]


def test_seen_again_then_twice_in_the_next_run(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A1, "Text.")]))
    again = [
        article(A1, "Text.", published_at=day(1)),
        article(A1, "Changed.", published_at=day(2)),
    ]
    write_batch(db, Batch("r2", articles=again))
    # The earlier-published copy comes first and makes a version; the other is a duplicate.
    assert decisions(db, "r2") == [
        (A1, "duplicate_url", None, 1, None, None),
        (A1, "updated", 1, None, 0.0, None),
    ]
    assert query(db, "SELECT text, version_count FROM articles") == [("Changed.", 2)]


def test_same_text_at_another_url_and_site_is_duplicate_content(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A1, "Syndicated story.")]))
    result = write_batch(
        db,
        Batch(
            "r2",
            articles=[
                article(A2, "Syndicated story."),
                article(OTHER, "Syndicated story.", site="other"),
            ],
        ),
    )
    assert result.counts["duplicate_content"] == 2
    assert decisions(db, "r2") == [
        (A2, "duplicate_content", None, 1, 1.0, None),
        (OTHER, "duplicate_content", None, 1, 1.0, None),
    ]
    assert query(db, "SELECT url FROM articles") == [(A1,)]


def test_duplicate_content_matches_the_oldest_article_with_that_text(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A1, "X."), article(A2, "Y.")]))
    # A2 is edited to A1's text, so two articles now hold it; A3 matches the older one.
    write_batch(db, Batch("r2", articles=[article(A2, "X."), article(A3, "X.")]))
    assert decisions(db, "r2") == [
        (A2, "updated", 2, None, 0.0, None),
        (A3, "duplicate_content", None, 1, 1.0, None),
    ]


def test_rejects_get_a_reject_row_and_a_decision(db: Path) -> None:
    result = write_batch(
        db,
        Batch("r1", rejects=[reject(A1, "too_short"), reject(A2, "http_error", status=500)]),
    )
    assert result.counts["rejected"] == 2
    assert query(db, "SELECT url, reason, detail, http_status FROM rejects ORDER BY url") == [
        (A1, "too_short", "why", 200),
        (A2, "http_error", "why", 500),
    ]
    assert decisions(db, "r1") == [
        (A1, "rejected", None, None, None, "too_short"),
        (A2, "rejected", None, None, None, "http_error"),
    ]


def test_sightings_and_fetches_are_stored_with_the_run(db: Path) -> None:
    write_batch(db, Batch("r1", sightings=[sighting(A1, 3)], fetches=[fetch(A1, 304)]))
    assert query(db, "SELECT run_id, article_url, url_key, position, tag FROM sightings") == [
        ("r1", f"{A1}?utm_source=home", A1, 3, "world")
    ]
    assert query(db, "SELECT run_id, url, role, status, bytes, elapsed_s FROM fetches") == [
        ("r1", A1, "article", 304, 1234, 0.1)
    ]


def test_new_ids_continue_across_batches(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A1, "a"), article(A2, "b")]))
    write_batch(db, Batch("r2", articles=[article(A3, "c")]))
    assert query(db, "SELECT article_id, url FROM articles ORDER BY 1") == [
        (1, A1),
        (2, A2),
        (3, A3),
    ]


def test_items_of_one_batch_decide_as_if_committed_in_order(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A1, "Version X.")]))
    batch = [
        # Processed by published_at: A1 changes to Y, so A2 (text Y) duplicates article 1 and
        # A3 (text X, which no article has any more) is new.
        article(A1, "Version Y.", published_at=day(3)),
        article(A2, "Version Y.", published_at=day(2)),
        article(A3, "Version X.", published_at=day(1)),
    ]
    write_batch(db, Batch("r2", articles=batch))
    assert decisions(db, "r2") == [
        (A1, "updated", 1, None, 0.0, None),
        (A2, "duplicate_content", None, 1, 1.0, None),
        (A3, "new", 2, None, None, None),
    ]


def test_earlier_published_wins_and_undated_go_last(db: Path) -> None:
    undated = article(A1, "Shared.")
    older = article(A3, "Shared.", published_at=day(5))
    newer = article(A2, "Shared.", published_at=day(1))
    result = write_batch(db, Batch("r1", articles=[undated, newer, older]))
    assert [(d.url, d.decision) for d in result.decisions] == [
        (A3, "new"),
        (A2, "duplicate_content"),
        (A1, "duplicate_content"),
    ]


def test_decisions_do_not_depend_on_arrival_order(tmp_path: Path) -> None:
    rows = [
        article(A1, "one", published_at=day(2)),
        article(A1, "one, edited", published_at=day(1)),
        article(A2, "one", published_at=day(3)),
        article(A3, "three"),
        article(A3, "three", fetched_url=f"{A3}?page=1"),
        article(OTHER, "three", site="other", published_at=day(9)),
    ]
    states = []
    for seed in range(4):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        path = tmp_path / f"w{seed}.duckdb"
        start_run(path, "r1", ["example"], {})
        write_batch(path, Batch("r1", articles=shuffled))
        states.append(
            (
                query(path, "SELECT article_id, url, fetched_url, text FROM articles ORDER BY 1"),
                query(
                    path,
                    "SELECT url, decision, article_id, matched_article_id FROM decisions "
                    "ORDER BY ALL",
                ),
            )
        )
    assert all(state == states[0] for state in states)
    assert states[0][0] == [
        (1, OTHER, OTHER, "three"),
        (2, A2, A2, "one"),
        (3, A1, A1, "one, edited"),
    ]


def test_failed_batch_leaves_nothing_behind(db: Path) -> None:
    write_batch(db, Batch("r1", articles=[article(A1, "Before.")]))
    bad = Batch(
        "r2",
        articles=[article(A1, "After."), article(A2, "Fresh.")],
        rejects=[reject(A3)],
        # position is 1-based: the CHECK constraint fails after articles and decisions went in.
        sightings=[sighting(A2, position=0)],
    )
    with pytest.raises(duckdb.ConstraintException, match="position"):
        write_batch(db, bad)

    assert query(db, "SELECT article_id, text, last_seen_run, version_count FROM articles") == [
        (1, "Before.", "r1", 1)
    ]
    assert query(db, "SELECT count(*) FROM article_versions") == [(1,)]
    for table in ("decisions", "rejects", "sightings"):
        assert query(db, f"SELECT count(*) FROM {table} WHERE run_id = 'r2'") == [(0,)]
    # The same rows, fixed, then load as if the failure never happened.
    bad.sightings = [sighting(A2, position=1)]
    assert write_batch(db, bad).counts["updated"] == 1


def test_unknown_run_is_refused(db: Path) -> None:
    with pytest.raises(UnknownRunError, match=r"'nope'.*r3, r2, r1"):
        write_batch(db, Batch("nope", articles=[article(A1)]))
    assert query(db, "SELECT count(*) FROM articles") == [(0,)]


def test_empty_batch_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    result = write_batch(path, Batch("r1"))
    assert result.decisions == []
    assert set(result.counts.values()) == {0}
    assert not path.exists()
