"""Run ids and the ``runs`` rows that open and close a run."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from tests.warehouse_factories import query
from warehouse.errors import UnknownRunError, WarehouseError
from warehouse.runs import finish_run, new_run_id, start_run

if TYPE_CHECKING:
    from pathlib import Path


def test_run_id_is_utc_and_sortable() -> None:
    paris = timezone(timedelta(hours=2))
    run_id = new_run_id(datetime(2026, 8, 25, 12, 15, 0, tzinfo=paris))
    assert re.fullmatch(r"20260825T101500Z-[0-9a-f]{4}", run_id)
    earlier = new_run_id(datetime(2026, 8, 25, 10, 14, 59, tzinfo=UTC))
    assert earlier < run_id
    assert new_run_id() > run_id


def test_start_and_finish_a_run(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    start_run(db, "r1", ["example", "other"], {"max_pages": 5, "since": datetime(2026, 1, 1)})
    assert query(db, "SELECT sites, status, finished_at, settings FROM runs") == [
        (["example", "other"], "running", None, '{"max_pages": 5, "since": "2026-01-01 00:00:00"}')
    ]
    finish_run(db, "r1", "finished", "closespider_pagecount", {"pages": 5})
    [(status, reason, counters, started, finished)] = query(
        db, "SELECT status, finish_reason, counters, started_at, finished_at FROM runs"
    )
    assert (status, reason, json.loads(counters)) == (
        "finished",
        "closespider_pagecount",
        {"pages": 5},
    )
    assert started <= finished
    assert finished.utcoffset() == timedelta(0)


def test_run_ids_are_unique(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    start_run(db, "r1", ["example"], {})
    with pytest.raises(WarehouseError, match="already recorded"):
        start_run(db, "r1", ["example"], {})


def test_finish_checks_status_and_run(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    start_run(db, "r1", ["example"], {})
    with pytest.raises(ValueError, match="status must be one of"):
        finish_run(db, "r1", "running", None, {})
    with pytest.raises(UnknownRunError, match=r"Unknown run 'r2'\. Known runs, newest first: r1"):
        finish_run(db, "r2", "failed", "error", {})
    assert query(db, "SELECT status FROM runs") == [("running",)]
