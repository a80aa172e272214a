"""Site boilerplate in the warehouse: the learner's state per batch, user rules, removed counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pytest

from tests.warehouse_factories import article, query, reject
from warehouse.boilerplate import (
    boilerplate_sites,
    delete_rule,
    read_boilerplate,
    set_rule,
)
from warehouse.errors import UnknownRunError, WarehouseMissingError
from warehouse.migrations import MIGRATIONS, apply_migrations
from warehouse.rows import Batch, BoilerplateKeyRow, BoilerplatePageRow
from warehouse.runs import start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path

A1 = "https://example.test/a/1"
A2 = "https://example.test/a/2"
A3 = "https://example.test/a/3"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    for run_id in ("r1", "r2"):
        start_run(path, run_id, ["example"], {})
    return path


def key_row(key: str, pages: int, sample: str | None = None) -> BoilerplateKeyRow:
    return BoilerplateKeyRow("example", key, pages, 120, tuple(range(pages)), sample)


def page_row(url_key: str) -> BoilerplatePageRow:
    return BoilerplatePageRow("example", url_key, f"text-of-{url_key}")


def test_each_batch_stores_the_learner_state_it_was_given(db: Path) -> None:
    first = Batch(
        "r1",
        articles=[article(A1, "One.")],
        boilerplate_keys=[key_row("aaaa", 1), key_row("bbbb", 1)],
        boilerplate_pages=[page_row(A1)],
    )
    write_batch(db, first)
    second = Batch(
        "r2",
        articles=[article(A2, "Two.")],
        boilerplate_keys=[key_row("aaaa", 2, "Support us."), key_row("cccc", 1)],
        boilerplate_pages=[page_row(A2)],
    )
    write_batch(db, second)
    assert query(
        db,
        "SELECT key, pages, contexts, sample, first_seen_run, last_seen_run "
        "FROM boilerplate_counts ORDER BY key",
    ) == [
        ("aaaa", 2, [0, 1], "Support us.", "r1", "r2"),
        ("bbbb", 1, [0], None, "r1", "r1"),
        ("cccc", 1, [0], None, "r2", "r2"),
    ]
    assert query(db, "SELECT url_key, run_id FROM boilerplate_pages ORDER BY url_key") == [
        (A1, "r1"),
        (A2, "r2"),
    ]
    stored = read_boilerplate(db, "example")
    assert stored.total_pages == 2
    assert [(k.key, k.pages) for k in stored.keys] == [("aaaa", 2), ("bbbb", 1), ("cccc", 1)]
    assert {p.url_key for p in stored.pages} == {A1, A2}
    few = read_boilerplate(db, "example", min_pages=2, with_pages=False)
    assert (few.total_pages, [k.key for k in few.keys], few.pages) == (2, ["aaaa"], [])
    assert read_boilerplate(db, "other").keys == []


def test_a_failed_batch_stores_no_learner_state(db: Path) -> None:
    broken = Batch(
        "no-such-run",
        articles=[article(A1, "One.")],
        boilerplate_keys=[key_row("aaaa", 1)],
        boilerplate_pages=[page_row(A1)],
    )
    with pytest.raises(UnknownRunError):
        write_batch(db, broken)
    assert read_boilerplate(db, "example").total_pages == 0


def test_decisions_record_paragraphs_removed_per_article(db: Path) -> None:
    rows = [
        article(A3, "Third.", boilerplate_removed=0),
        article(A1, "First.", boilerplate_removed=2),
        article(A2, "Second.", boilerplate_removed=1),
    ]
    write_batch(db, Batch("r1", articles=rows, rejects=[reject("https://example.test/x")]))
    assert query(db, "SELECT url, boilerplate_removed FROM decisions ORDER BY url") == [
        (A1, 2),
        (A2, 1),
        (A3, 0),
        ("https://example.test/x", None),
    ]


def test_user_rules_are_set_replaced_and_deleted(db: Path) -> None:
    set_rule(db, "example", "aaaa", "Support us.", "drop")
    set_rule(db, "example", "bbbb", "A standing note.", "keep")
    set_rule(db, "example", "aaaa", "SUPPORT US.", "keep")
    rules = read_boilerplate(db, "example").rules
    assert [(r.key, r.text, r.action) for r in rules] == [
        ("bbbb", "A standing note.", "keep"),
        ("aaaa", "SUPPORT US.", "keep"),
    ]
    gone = delete_rule(db, "example", "aaaa")
    assert gone is not None
    assert gone.action == "keep"
    assert delete_rule(db, "example", "aaaa") is None
    assert [r.key for r in read_boilerplate(db, "example").rules] == ["bbbb"]
    with pytest.raises(ValueError, match="'drop' or 'keep'"):
        set_rule(db, "example", "cccc", "x", "ignore")


def test_a_ruled_key_is_read_whatever_its_pages(db: Path) -> None:
    write_batch(
        db,
        Batch("r1", articles=[article(A1, "One.")], boilerplate_keys=[key_row("aaaa", 1)]),
    )
    set_rule(db, "example", "aaaa", "Once only.", "drop")
    stored = read_boilerplate(db, "example", min_pages=3, with_pages=False)
    assert [k.key for k in stored.keys] == ["aaaa"]


def test_sites_known_are_crawled_ones_and_ruled_ones(db: Path) -> None:
    set_rule(db, "later", "aaaa", "x", "drop")
    assert boilerplate_sites(db) == ["example", "later"]


def test_reading_needs_a_warehouse_and_tolerates_an_older_one(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissingError):
        read_boilerplate(tmp_path / "none.duckdb", "example")
    raw = duckdb.connect(str(tmp_path / "old.duckdb"))
    apply_migrations(raw, [m for m in MIGRATIONS if m.name != "site_boilerplate"])
    raw.close()
    stored = read_boilerplate(tmp_path / "old.duckdb", "example")
    assert (stored.total_pages, stored.keys, stored.rules) == (0, [], [])
    assert boilerplate_sites(tmp_path / "old.duckdb") == []
