"""``gleaner schedule list|add|remove``: schedules from the sites file and the warehouse, their
next run and last run. Real server, real CLI, real warehouse."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.scheduling.expressions import parse_schedule
from tests.conftest import gleaner, query

pytestmark = pytest.mark.e2e


def listed(db: Path, sites: Path) -> dict[str, dict[str, Any]]:
    out = gleaner("schedule", "list", "--json", "--db", str(db), "--sites", str(sites)).stdout
    return {row["site"]: row for row in json.loads(out)}


def test_schedules_are_added_listed_and_removed(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    base, _ = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "a"\nstart_urls = ["{base}"]\ndownload_delay = 0.0\n'
        'schedule = "every 5m"\n'
        f'[[site]]\nname = "b"\nstart_urls = ["{base}"]\n'
        f'[[site]]\nname = "c"\nstart_urls = ["{base}"]\nschedule = "@daily"\n',
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    args = ("--db", str(db), "--sites", str(sites))

    before = datetime.now(UTC)
    rows = listed(db, sites)
    assert {s: (r["expression"], r["origin"]) for s, r in rows.items()} == {
        "a": ("every 5m", "sites file"),
        "c": ("@daily", "sites file"),
    }
    next_a = datetime.fromisoformat(rows["a"]["next_run"])
    assert next_a == parse_schedule("every 5m").next_after(before)
    assert rows["a"]["last_run_id"] is None

    added = gleaner("schedule", "add", "b", "*/10 * * * * *", *args)
    assert "b: scheduled '*/10 * * * * *'" in added.stdout
    gleaner("schedule", "add", "a", "every", "1s", *args)  # unquoted works too
    rows = listed(db, sites)
    assert (rows["a"]["expression"], rows["a"]["origin"]) == ("every 1s", "warehouse")
    assert (rows["b"]["expression"], rows["b"]["origin"]) == ("*/10 * * * * *", "warehouse")
    assert query(db, "SELECT site, expression FROM schedules ORDER BY site") == [
        ("a", "every 1s"),
        ("b", "*/10 * * * * *"),
    ]

    unknown = gleaner("schedule", "add", "zz", "@daily", *args, check=False)
    assert unknown.returncode == 1
    assert "no site named 'zz' (known: a, b, c)" in unknown.stderr
    bad = gleaner("schedule", "add", "c", "61 * * * *", *args, check=False)
    assert bad.returncode == 1
    assert "'61 * * * *' is not a schedule" in bad.stderr
    assert listed(db, sites)["c"]["expression"] == "@daily", "a refused schedule changes nothing"

    gleaner("crawl", "a", *args, "--max-pages", "3")
    (run_id,) = query(db, "SELECT run_id FROM runs")[0]
    row = listed(db, sites)["a"]
    assert (row["last_run_id"], row["last_status"]) == (run_id, "finished")
    assert row["last_finished_at"] is not None
    assert row["missed"] is True, "every 1s has had a slot since the crawl started"
    table = gleaner("schedule", "list", *args).stdout
    assert "now (missed)" in table
    assert run_id in table

    removed = gleaner("schedule", "remove", "a", *args)
    assert "a: removed 'every 1s'; the sites file's 'every 5m' applies again" in removed.stdout
    assert (listed(db, sites)["a"]["origin"]) == "sites file"
    again = gleaner("schedule", "remove", "a", *args, check=False)
    assert again.returncode == 1
    assert "has no schedule for site 'a'" in again.stderr
