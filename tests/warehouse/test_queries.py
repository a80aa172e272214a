"""The run list and the per-run report read back from the warehouse."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.warehouse_factories import T0, article, fetch, reject, sighting
from warehouse.db import connect
from warehouse.errors import UnknownRunError, WarehouseMissingError
from warehouse.queries import change_pct, list_runs, run_report
from warehouse.rows import Batch, SightingRow
from warehouse.runs import finish_run, start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path

A1 = "https://example.test/a/1"
A2 = "https://example.test/a/2"
A3 = "https://example.test/a/3"
A4 = "https://example.test/a/4"
A5 = "https://example.test/a/5"
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
        "by_role_status": {"article": {"200": 2, "404": 1}},
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
            "method": "url_key",
            "detail": None,
        },
        {
            "site": "example",
            "url": A3,
            "decision": "duplicate_content",
            "matched_article_id": 2,
            "matched_url": A2,
            "matched_title": f"Title of {A2}",
            "similarity": 1.0,
            "method": "content_key",
            "detail": None,
        },
    ]
    [updated] = report["updated"]
    similarity = updated.pop("similarity")
    assert updated == {
        "site": "example",
        "url": A1,
        "article_id": 1,
        "title": f"Title of {A1}",
        "version": 2,
        "changed": pytest.approx(1 - similarity),
        "method": "url_key",
        "detail": "version 2",
    }
    assert report["items_by_method"] == {
        "updated": {"url_key": 1},
        "duplicate_url": {"url_key": 1},
        "duplicate_content": {"content_key": 1},
    }
    assert report["sightings"] == {"total": 0, "articles": 0, "by_source": {}}
    # r1 crawled "example" alone: it is no earlier run of the same sites.
    assert report["previous_run"] is None
    assert report["duration_s"] is None
    assert report["counters"] == {}


def test_report_of_a_finished_run(db: Path) -> None:
    report = run_report(db, "r1")
    assert (report["status"], report["finish_reason"]) == ("finished", "finished")
    assert report["counters"] == {"downloader/request_count": 3}
    assert report["pages"]["by_role"] == {"article": 2, "listing": 1}
    assert report["items"]["new"] == 2
    assert report["duplicates"] == []
    assert report["rejects"] == {"total": 0, "by_reason": {}, "list": []}
    assert report["sightings"] == {"total": 2, "articles": 2, "by_source": {"listing": 2}}
    assert report["duration_s"] >= 0
    assert report["previous_run"] is None


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


@pytest.fixture
def db3(db: Path) -> Path:
    """A third run of "example" alone, with every kind of item the report explains.

    One new article (id 3), one updated, one near-duplicate of the new one, and one item known
    without a fetch.

    The columns ``write_batch`` does not fill yet (method, detail, the similarity of an update,
    near-duplicates and items known without a fetch) are written with plain SQL.
    """
    start_run(db, "r3", ["example"], {})
    write_batch(
        db,
        Batch(
            "r3",
            articles=[article(A4, "Four.", title="Fourth"), article(A2, "Two, edited.")],
            fetches=[
                fetch(HOME, 304, role="listing"),
                fetch(f"{HOME}feed.xml", 304, role="feed"),
                fetch(A4),
                fetch(A2),
            ],
            sightings=[
                sighting(A4, 1),
                SightingRow(
                    site="example",
                    listing_url=f"{HOME}feed.xml",
                    article_url=A4,
                    url_key=A4,
                    position=1,
                    seen_at=T0,
                    source="feed",
                ),
            ],
        ),
    )
    conn = connect(db)
    try:
        conn.execute(
            "UPDATE decisions SET similarity = 0.75, method = 'url_key', detail = 'text changed' "
            "WHERE run_id = 'r3' AND decision = 'updated'"
        )
        conn.execute(
            "INSERT INTO decisions (run_id, site, url, url_key, decision, matched_article_id, "
            "similarity, method, detail, decided_at) VALUES "
            "('r3', 'example', ?, ?, 'near_duplicate', 3, 0.91, 'minhash', 'reworded copy', ?), "
            "('r3', 'example', ?, ?, 'unchanged', NULL, NULL, 'known', 'listed, not fetched', ?)",
            [A5, A5, T0, A1, A1, T0],
        )
        conn.execute("UPDATE decisions SET article_id = 1 WHERE run_id = 'r3' AND url = ?", [A1])
    finally:
        conn.close()
    return db


def test_pages_by_role_and_status_count_conditional_gets(db3: Path) -> None:
    pages = run_report(db3, "r3")["pages"]
    assert pages == {
        "total": 4,
        "by_status": {"200": 2, "304": 2},
        "by_role": {"article": 2, "feed": 1, "listing": 1},
        "by_role_status": {"article": {"200": 2}, "feed": {"304": 1}, "listing": {"304": 1}},
    }


def test_decisions_split_by_method(db3: Path) -> None:
    report = run_report(db3, "r3")
    assert report["items"] == {
        "new": 1,
        "updated": 1,
        "unchanged": 1,
        "duplicate_url": 0,
        "duplicate_content": 0,
        "near_duplicate": 1,
        "rejected": 0,
    }
    # New articles record no method, so they are not split.
    assert report["items_by_method"] == {
        "updated": {"url_key": 1},
        "unchanged": {"known": 1},
        "near_duplicate": {"minhash": 1},
    }


def test_near_duplicates_and_updates_say_what_they_matched_and_how_much_changed(
    db3: Path,
) -> None:
    report = run_report(db3, "r3")
    assert report["duplicates"] == [
        {
            "site": "example",
            "url": A5,
            "decision": "near_duplicate",
            "matched_article_id": 3,
            "matched_url": A4,
            "matched_title": "Fourth",
            "similarity": 0.91,
            "method": "minhash",
            "detail": "reworded copy",
        }
    ]
    assert report["updated"] == [
        {
            "site": "example",
            "url": A2,
            "article_id": 2,
            "title": f"Title of {A2}",
            "version": 2,
            "similarity": 0.75,
            "changed": 0.25,
            "method": "url_key",
            "detail": "text changed",
        }
    ]


def test_sightings_by_source(db3: Path) -> None:
    assert run_report(db3, "r3")["sightings"] == {
        "total": 2,
        "articles": 1,
        "by_source": {"feed": 1, "listing": 1},
    }


def test_change_from_the_previous_run_of_the_same_sites(db3: Path) -> None:
    previous = run_report(db3, "r3")["previous_run"]
    assert previous is not None
    # r2 crawled "example" and "other", so the run before r3 with the same sites is r1.
    assert (previous["run_id"], previous["status"]) == ("r1", "finished")
    assert previous["started_at"] == run_report(db3, "r1")["started_at"]
    assert previous["changes"]["new"] == {"previous": 2, "current": 1, "change_pct": -50.0}
    assert previous["changes"]["updated"] == {"previous": 0, "current": 1, "change_pct": None}
    assert previous["changes"]["rejected"] == {"previous": 0, "current": 0, "change_pct": 0.0}
    assert list(previous["changes"]) == list(run_report(db3, "r3")["items"])
    assert run_report(db3, "r1")["previous_run"] is None


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (5, 1, -80.0),
        (100, 3, -97.0),
        (4, 5, 25.0),
        (3, 3, 0.0),
        (0, 0, 0.0),
        (0, 7, None),
        (3, 0, -100.0),
        (3, 1, -66.7),
    ],
)
def test_change_pct(previous: int, current: int, expected: float | None) -> None:
    assert change_pct(previous, current) == expected


def test_list_runs_duration(db3: Path) -> None:
    runs = {r["run_id"]: r for r in list_runs(db3)}
    assert runs["r1"]["duration_s"] >= 0
    assert runs["r3"]["duration_s"] is None
    assert runs["r3"]["duplicates"] == 1
