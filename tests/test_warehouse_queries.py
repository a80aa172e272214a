"""The run list and the per-run report read back from the warehouse."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.warehouse_factories import article, fetch, reject, sighting
from warehouse.db import connect
from warehouse.errors import UnknownRunError, WarehouseMissingError
from warehouse.queries import list_runs, run_report
from warehouse.rows import Batch
from warehouse.runs import finish_run, start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path

A1 = "https://example.test/a/1"
A2 = "https://example.test/a/2"
A3 = "https://example.test/a/3"
HOME = "https://example.test/"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Two runs: the first loads two articles, the second sees duplicates and rejects."""
    path = tmp_path / "w.duckdb"
    start_run(path, "r1", ["example"], {})
    write_batch(
        path,
        Batch(
            "r1",
            articles=[article(A1, "One.", title="First"), article(A2, "Two.")],
            fetches=[fetch(HOME, role="listing"), fetch(A1), fetch(A2)],
            sightings=[sighting(A1, 1), sighting(A2, 2)],
        ),
    )
    finish_run(path, "r1", "finished", "finished", {"downloader/request_count": 3})
    start_run(path, "r2", ["example", "other"], {})
    write_batch(
        path,
        Batch(
            "r2",
            articles=[
                article(A1, "One, edited."),
                article(A3, "Two."),
                article(A1, "One.", fetched_url=f"{A1}?utm_source=feed"),
            ],
            rejects=[reject(f"{A3}/x", "http_error", status=404), reject(A3 + "/y")],
            fetches=[fetch(A1), fetch(A3), fetch(f"{A3}/x", 404)],
        ),
    )
    return path


def test_list_runs_newest_first_with_counts(db: Path) -> None:
    runs = list_runs(db)
    assert [r["run_id"] for r in runs] == ["r2", "r1"]
    counts = ["pages", "items", "new", "updated", "unchanged", "duplicates", "rejects"]
    assert {k: runs[1][k] for k in counts} == {
        "pages": 3,
        "items": 2,
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 0,
        "rejects": 0,
    }
    assert {k: runs[0][k] for k in counts} == {
        "pages": 3,
        "items": 5,
        "new": 0,
        "updated": 1,
        "unchanged": 0,
        "duplicates": 2,
        "rejects": 2,
    }
    assert runs[0]["sites"] == ["example", "other"]
    assert (runs[0]["status"], runs[0]["finished_at"]) == ("running", None)
    assert runs[1]["status"] == "finished"
    assert runs[1]["finished_at"].endswith("+00:00")
    json.dumps(runs)


def test_run_report(db: Path) -> None:
    report = run_report(db, "r2")
    assert json.loads(json.dumps(report)) == report
    assert report["run_id"] == "r2"
    assert report["pages"] == {
        "total": 3,
        "by_status": {"200": 2, "404": 1},
        "by_role": {"article": 3},
    }
    assert report["items"] == {
        "new": 0,
        "updated": 1,
        "unchanged": 0,
        "duplicate_url": 1,
        "duplicate_content": 1,
        "near_duplicate": 0,
        "rejected": 2,
    }
    assert report["rejects"] == {
        "total": 2,
        "by_reason": {"http_error": 1, "too_short": 1},
        "list": [
            {
                "site": "example",
                "url": f"{A3}/x",
                "reason": "http_error",
                "detail": "why",
                "http_status": 404,
            },
            {
                "site": "example",
                "url": f"{A3}/y",
                "reason": "too_short",
                "detail": "why",
                "http_status": 200,
            },
        ],
    }
    # Article 1 now carries the edited text; the report names what each duplicate matched.
    assert report["duplicates"] == [
        {
            "site": "example",
            "url": A1,
            "decision": "duplicate_url",
            "matched_article_id": 1,
            "matched_url": A1,
            "matched_title": f"Title of {A1}",
            "similarity": None,
        },
        {
            "site": "example",
            "url": A3,
            "decision": "duplicate_content",
            "matched_article_id": 2,
            "matched_url": A2,
            "matched_title": f"Title of {A2}",
            "similarity": 1.0,
        },
    ]
    assert report["counters"] == {}


def test_report_of_a_finished_run(db: Path) -> None:
    report = run_report(db, "r1")
    assert (report["status"], report["finish_reason"]) == ("finished", "finished")
    assert report["counters"] == {"downloader/request_count": 3}
    assert report["pages"]["by_role"] == {"article": 2, "listing": 1}
    assert report["items"]["new"] == 2
    assert report["duplicates"] == []
    assert report["rejects"] == {"total": 0, "by_reason": {}, "list": []}


def test_latest_is_the_last_started_run(db: Path) -> None:
    assert run_report(db)["run_id"] == "r2"
    assert run_report(db) == run_report(db, "r2")


def test_unknown_run_names_the_known_ones(db: Path) -> None:
    with pytest.raises(KeyError, match=r"Unknown run 'r9'\. Known runs, newest first: r2, r1\."):
        run_report(db, "r9")


def test_no_warehouse_or_no_runs_yet(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with pytest.raises(WarehouseMissingError):
        list_runs(db)
    connect(db).close()
    assert list_runs(db) == []
    with pytest.raises(UnknownRunError, match="holds no runs yet"):
        run_report(db)
