"""The command line as a user drives it: sql, runs, report, sites --check, extract."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import DemoRun, gleaner

pytestmark = pytest.mark.e2e


def test_sql_formats(demo_run: DemoRun) -> None:
    db = str(demo_run.db)
    sql = "SELECT title, published_at FROM articles ORDER BY published_at DESC LIMIT 3"
    as_json = json.loads(gleaner("sql", sql, "--db", db, "--format", "json").stdout)
    assert isinstance(as_json, list)
    assert len(as_json) == 3
    assert set(as_json[0]) == {"title", "published_at"}
    lines = gleaner("sql", sql, "--db", db, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == as_json
    rows = list(csv.reader(io.StringIO(gleaner("sql", sql, "--db", db, "--format", "csv").stdout)))
    assert rows[0] == ["title", "published_at"]
    assert [r[0] for r in rows[1:]] == [o["title"] for o in as_json]
    table = gleaner("sql", sql, "--db", db).stdout
    assert as_json[0]["title"][:20] in table


def test_sql_parameters_and_stdin(demo_run: DemoRun) -> None:
    db = str(demo_run.db)
    title = demo_run.truth[0]["title"]
    out = gleaner(
        "sql",
        "SELECT count(*) AS n FROM articles WHERE title = $t",
        "--db",
        db,
        "-p",
        "t",
        title,
        "--format",
        "json",
    ).stdout
    assert json.loads(out) == [{"n": 1}]
    piped = gleaner("sql", "-", "--db", db, "--format", "json", input="SELECT 41 + 1 AS x")
    assert json.loads(piped.stdout) == [{"x": 42}]


def test_sql_is_read_only(demo_run: DemoRun) -> None:
    db = str(demo_run.db)
    for statement in ("DELETE FROM articles", "DROP TABLE articles", "COPY articles TO 'x.csv'"):
        result = gleaner("sql", statement, "--db", db, check=False)
        assert result.returncode != 0, statement
        assert "Error" in result.stderr
    count = gleaner("sql", "SELECT count(*) AS n FROM articles", "--db", db, "--format", "json")
    assert json.loads(count.stdout) == [{"n": len(demo_run.truth)}]


def test_runs_and_report_json(demo_run: DemoRun) -> None:
    db = str(demo_run.db)
    runs = json.loads(gleaner("runs", "--db", db, "--json").stdout)
    assert len(runs) == 1
    assert runs[0]["status"] == "finished"
    report = json.loads(gleaner("report", "latest", "--db", db, "--json").stdout)
    assert report["run_id"] == runs[0]["run_id"]
    near = sum(1 for record in demo_run.truth if record["near_duplicate_of"])
    assert report["items"]["new"] == len(demo_run.truth) - near
    assert report["items"]["near_duplicate"] == near
    assert report["pages"]["by_status"]["404"] >= 1
    by_id = json.loads(gleaner("report", runs[0]["run_id"], "--db", db, "--json").stdout)
    assert by_id == report
    human = gleaner("report", "--db", db).stdout
    assert runs[0]["run_id"] in human
    missing = gleaner("report", "nope", "--db", db, check=False)
    assert missing.returncode != 0
    assert "nope" in missing.stderr


def test_sites_check_names_every_problem(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        '[[site]]\nname = "daily"\nstart_urls = ["https://daily.example/"]\n'
        "strat_urls = []\narticle_patterns = ['/story/(\\\\d+']\n"
    )
    result = gleaner("sites", "--check", "--sites", str(sites), check=False)
    assert result.returncode == 1
    assert "'daily'" in result.stderr
    assert "strat_urls" in result.stderr
    assert "article_patterns" in result.stderr
    ok = gleaner("sites", "--check", "--sites", str(Path(__file__).parents[2] / "sites.toml"))
    assert "no problems" in ok.stdout


def test_extract_a_saved_page(tmp_path: Path) -> None:
    from crawler.demo import build_site

    site = build_site()
    truth = site.truth("http://127.0.0.1:8931/")[0]
    path = truth["url"].removeprefix("http://127.0.0.1:8931")
    saved = tmp_path / "saved.html"
    saved.write_bytes(site.page(path).body)
    out = gleaner("extract", str(saved), "--url", truth["url"], "--json").stdout
    record = json.loads(out)
    assert record["title"] == truth["title"]
    assert record["authors"] == truth["authors"]
    assert record["url"] == truth["url"]
    human = gleaner("extract", str(saved), "--url", truth["url"]).stdout
    assert truth["title"] in human


def test_crawl_unknown_site_is_a_clear_error(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "daily"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    result = gleaner("crawl", "weekly", "--sites", str(sites), check=False)
    assert result.returncode != 0
    assert "no site named 'weekly'" in result.stderr
