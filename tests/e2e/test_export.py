"""``gleaner export`` on real warehouses: the files it writes, read back with DuckDB, hold the
warehouse's rows, partitioned by site and date. Real server, real CLI, real DuckDB files."""

from __future__ import annotations

import csv
import json
import re
import shutil
import urllib.request
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pytest

from tests.conftest import gleaner, query
from tests.served import serve_demo

if TYPE_CHECKING:
    from tests.conftest import DemoRun

pytestmark = pytest.mark.e2e

_DATE_OF = {
    "articles": "coalesce(published_at, first_seen_at)",
    "sightings": "seen_at",
    "decisions": "decided_at",
}
_ORDER = {
    "articles": "article_id",
    "sightings": "run_id, listing_url, position, article_url, source",
    "decisions": "run_id, url, decision, decided_at",
}
_READER = {"parquet": "read_parquet", "csv": "read_csv", "jsonl": "read_json"}


def columns(db: Path, table: str) -> list[tuple[str, str]]:
    """(name, type) of the columns an export writes for a table, in the table's order."""
    rows = query(
        db,
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
        "AND column_name <> 'fingerprint' ORDER BY column_index",
        table,
    )
    return [(str(name), str(kind)) for name, kind in rows]


def warehouse_rows(db: Path, table: str, where: str = "TRUE") -> list[tuple[Any, ...]]:
    """A table's rows as an export should hold them: its columns, then the partition date."""
    names = ", ".join(name for name, _ in columns(db, table))
    date = f"CAST(timezone('UTC', {_DATE_OF[table]}) AS DATE)"
    return query(db, f"SELECT {names}, {date} FROM {table} WHERE {where} ORDER BY {_ORDER[table]}")


def read_back(
    db: Path, out: Path, table: str, fmt: str
) -> tuple[list[tuple[Any, ...]], dict[str, str]]:
    """An exported table read back with DuckDB (Hive partitions on), in the warehouse's types.

    Returns:
        The rows, and the type DuckDB gave each column when reading the files as they are.
    """
    spec = columns(db, table)
    pattern = str(out / table / "**" / f"*.{fmt}")
    source = f"{_READER[fmt]}('{pattern}', hive_partitioning = true)"
    with duckdb.connect() as conn:
        conn.execute("SET TimeZone = 'UTC'")
        read = {
            str(r[0]): str(r[1])
            for r in conn.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        }
        typed = []
        for name, kind in spec:
            if fmt == "csv" and kind.endswith("[]"):
                typed.append(f"from_json({name}, '[\"VARCHAR\"]')")
            else:
                typed.append(f"CAST({name} AS {kind})")
        sql = (
            f"SELECT {', '.join(typed)}, CAST(date AS DATE) FROM {source} ORDER BY {_ORDER[table]}"
        )
        return conn.execute(sql).fetchall(), read


def partitions(out: Path, table: str) -> set[tuple[str, str]]:
    """(site, date) of every partition directory holding a file."""
    found = set()
    for file in (out / table).glob("site=*/date=*/*"):
        found.add(
            (file.parent.parent.name.removeprefix("site="), file.parent.name.removeprefix("date="))
        )
    return found


def rfc3339(text: str) -> bool:
    """Whether a timestamp is written as RFC 3339 in UTC, as other warehouses read it."""
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", text))


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_read_back_equals_the_warehouse(demo_run: DemoRun, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "export"
    result = gleaner(
        "export",
        str(out),
        "--format",
        fmt,
        "--include",
        "sightings",
        "--include",
        "decisions",
        "--db",
        str(demo_run.db),
    )

    for table in ("articles", "sightings", "decisions"):
        expected = warehouse_rows(demo_run.db, table)
        assert expected, table
        rows, types = read_back(demo_run.db, out, table, fmt)
        assert rows == expected, table
        assert types["site"] == "VARCHAR"
        assert types["date"] == "DATE"
        dated = query(
            demo_run.db,
            f"SELECT DISTINCT site, strftime(timezone('UTC', {_DATE_OF[table]}), '%Y-%m-%d') "
            f"FROM {table}",
        )
        assert partitions(out, table) == set(dated), table
        assert re.search(
            rf"{table}\s+{len(expected)} rows\s+\d+ files?\s+{re.escape(str(out / table))}",
            result.stdout,
        )
    assert f"exported to {out} ({fmt})" in result.stdout

    _, types = read_back(demo_run.db, out, "articles", fmt)
    if fmt == "parquet":
        spec = dict(columns(demo_run.db, "articles"))
        assert {name: types[name] for name in spec if name != "site"} == {
            name: kind for name, kind in spec.items() if name != "site"
        }, "Parquet keeps every type: timestamps with their zone, lists, integers"
    elif fmt == "jsonl":
        assert types["authors"] == "VARCHAR[]"
        assert types["tags"] == "VARCHAR[]"
        assert types["first_seen_at"] == "TIMESTAMP WITH TIME ZONE"
        first = next((out / "articles").rglob("*.jsonl"))
        for line in first.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert isinstance(record["authors"], list), "one JSON object per line"
            assert rfc3339(record["first_seen_at"])
    else:
        assert types["authors"] == "VARCHAR", "CSV has no lists: a JSON array as text"
        assert types["first_seen_at"] == "TIMESTAMP WITH TIME ZONE"
        [(url, authors)] = query(
            demo_run.db,
            "SELECT url, authors FROM articles WHERE len(authors) > 1 ORDER BY article_id LIMIT 1",
        )
        found = []
        for file in (out / "articles").rglob("*.csv"):
            with file.open(newline="", encoding="utf-8") as f:
                found += [row for row in csv.DictReader(f) if row["url"] == url]
        [row] = found
        assert row["authors"].startswith('["')
        assert json.loads(row["authors"]) == authors
        assert rfc3339(row["first_seen_at"])


@dataclass
class TwoSites:
    """A copy of the demo crawl's warehouse, plus a second site crawled on day 0 and on day 1."""

    db: Path
    other_runs: list[str]
    """The second site's runs: day 0, then day 1."""
    truth: list[dict[str, Any]]
    """The second site's ground truth on day 1 (``change``: new, updated or unchanged)."""


@pytest.fixture(scope="module")
def two_sites(demo_run: DemoRun, tmp_path_factory: pytest.TempPathFactory) -> TwoSites:
    tmp = tmp_path_factory.mktemp("two-sites")
    db = tmp / "w.duckdb"
    shutil.copy(demo_run.db, db)
    with serve_demo(tmp / "other", seed=11) as served:
        base = served.url
        sites = tmp / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "other"\nstart_urls = ["{base}"]\nfeeds = ["{base}feed.xml"]\n'
            "download_delay = 0.0\nconcurrency = 8\n",
            encoding="utf-8",
        )
        gleaner("crawl", "other", "--sites", str(sites), "--db", str(db))
        request = urllib.request.Request(f"{base}_demo/day/1", method="POST")
        with urllib.request.urlopen(request) as answer:
            assert json.load(answer) == {"day": 1}
        gleaner("crawl", "other", "--sites", str(sites), "--db", str(db))
        records = list(served.truth().values())
    runs = [
        str(r[0])
        for r in query(db, "SELECT run_id FROM runs WHERE 'other' IN sites ORDER BY started_at")
    ]
    return TwoSites(db=db, other_runs=runs, truth=records)


def exported_urls(out: Path) -> set[str]:
    """URLs of the articles in a Parquet export."""
    pattern = str(out / "articles" / "**" / "*.parquet")
    with duckdb.connect() as conn:
        rows = conn.execute(f"SELECT url FROM read_parquet('{pattern}', hive_partitioning = true)")
        return {str(r[0]) for r in rows.fetchall()}


def test_site_keeps_only_that_sites_rows_in_every_table(
    two_sites: TwoSites, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    gleaner(
        "export",
        str(out),
        "--site",
        "other",
        "--include",
        "sightings",
        "--include",
        "decisions",
        "--db",
        str(two_sites.db),
    )

    for table in ("articles", "sightings", "decisions"):
        rows, _ = read_back(two_sites.db, out, table, "parquet")
        assert rows == warehouse_rows(two_sites.db, table, "site = 'other'"), table
        assert {site for site, _ in partitions(out, table)} == {"other"}, table
    assert exported_urls(out) == {r["url"] for r in two_sites.truth}
    everything = tmp_path / "all"
    gleaner(
        "export", str(everything), "--site", "other", "--site", "demo", "--db", str(two_sites.db)
    )
    assert {site for site, _ in partitions(everything, "articles")} == {"demo", "other"}

    failed = gleaner(
        "export", str(tmp_path / "none"), "--site", "nope", "--db", str(two_sites.db), check=False
    )
    assert failed.returncode != 0
    assert "No site 'nope' in the warehouse; its sites: demo, other." in failed.stderr
    assert not (tmp_path / "none").exists()


def test_since_a_run_or_a_date_exports_only_what_changed_from_then(
    two_sites: TwoSites, tmp_path: Path
) -> None:
    day0, day1 = two_sites.other_runs
    fresh = {r["url"] for r in two_sites.truth if r["change"] in ("new", "updated")}
    assert fresh, "day 1 adds and edits articles"
    assert len(fresh) < len(two_sites.truth)

    out = tmp_path / "since-run"
    result = gleaner(
        "export",
        str(out),
        "--since",
        day1,
        "--include",
        "sightings",
        "--include",
        "decisions",
        "--db",
        str(two_sites.db),
    )
    assert exported_urls(out) == fresh
    assert f"since run {day1}" in result.stdout
    for table in ("sightings", "decisions"):
        rows, _ = read_back(two_sites.db, out, table, "parquet")
        assert rows == warehouse_rows(two_sites.db, table, f"run_id = '{day1}'"), table

    out = tmp_path / "since-first-run"
    gleaner("export", str(out), "--since", day0, "--db", str(two_sites.db))
    assert exported_urls(out) == {r["url"] for r in two_sites.truth}, "the demo site's run is older"

    [(started,)] = query(two_sites.db, "SELECT started_at FROM runs WHERE run_id = ?", day1)
    stamp = started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    out = tmp_path / "since-time"
    gleaner("export", str(out), "--since", stamp, "--db", str(two_sites.db))
    assert exported_urls(out) == fresh

    today = started.astimezone(UTC).date()
    out = tmp_path / "since-yesterday"
    gleaner(
        "export", str(out), "--since", str(today - timedelta(days=1)), "--db", str(two_sites.db)
    )
    assert len(exported_urls(out)) == query(two_sites.db, "SELECT count(*) FROM articles")[0][0]
    out = tmp_path / "since-tomorrow"
    result = gleaner(
        "export", str(out), "--since", str(today + timedelta(days=1)), "--db", str(two_sites.db)
    )
    assert not [p for p in (out / "articles").rglob("*") if p.is_file()], "no rows, no files"
    assert re.search(r"articles\s+0 rows\s+0 files", result.stdout)

    failed = gleaner(
        "export",
        str(tmp_path / "x"),
        "--since",
        "20200101T000000Z-dead",
        "--db",
        str(two_sites.db),
        check=False,
    )
    assert failed.returncode != 0
    assert day1 in failed.stderr
    assert "`gleaner runs` lists every run" in failed.stderr


def test_a_directory_in_use_is_refused_unless_overwrite(demo_run: DemoRun, tmp_path: Path) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")

    refused = gleaner("export", str(out), "--db", str(demo_run.db), check=False)
    assert refused.returncode != 0
    assert f"{out} is not empty" in refused.stderr
    assert "--overwrite" in refused.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]

    gleaner("export", str(out), "--include", "sightings", "--overwrite", "--db", str(demo_run.db))
    assert sorted(p.name for p in out.iterdir()) == ["articles", "notes.txt", "sightings"]

    gleaner("export", str(out), "--format", "csv", "--overwrite", "--db", str(demo_run.db))
    assert sorted(p.name for p in out.iterdir()) == ["articles", "notes.txt"], (
        "an earlier export's tables are replaced as a whole"
    )
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not list(out.rglob("*.parquet"))
    rows, _ = read_back(demo_run.db, out, "articles", "csv")
    assert rows == warehouse_rows(demo_run.db, "articles")
