"""`gleaner sql` through the real command line: it reads the warehouse and nothing else.

Every form that would read or write another file, attach a database, load an extension or undo
the sandbox with a setting is refused, and the content of a local file it names never shows.
``--allow-files`` lets a query read local files, and nothing more.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, ClassVar

import duckdb
import pytest

from tests.conftest import gleaner, query
from tests.served import serve_handler
from tests.warehouse_factories import article
from warehouse.db import connect
from warehouse.rows import Batch
from warehouse.runs import start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "gleaner-secret-7f3a91"


@pytest.fixture
def place(tmp_path: Path) -> Path:
    """A directory holding a warehouse of three articles and a local file with a secret."""
    db = tmp_path / "w.duckdb"
    start_run(db, "r1", ["example"], {})
    urls = [f"https://example.test/a/{i}" for i in range(3)]
    write_batch(db, Batch("r1", articles=[article(u, f"Text {u}") for u in urls]))
    (tmp_path / "secret.csv").write_text(f"name,value\n{SECRET},1\n", encoding="utf-8")
    return tmp_path


def _sql(place: Path, sql: str, *extra: str) -> tuple[int, str]:
    result = gleaner("sql", sql, "--db", str(place / "w.duckdb"), *extra, check=False)
    return result.returncode, result.stdout + result.stderr


# {secret}: the local file; {dir}: its directory; {out}: a path that must not be created.
READS = [
    "SELECT * FROM read_csv('{secret}')",
    "SELECT * FROM read_csv_auto('{secret}', header = false)",
    "SELECT * FROM read_text('{secret}')",
    "SELECT * FROM read_blob('{secret}')",
    "SELECT * FROM read_json('{secret}')",
    "SELECT * FROM read_parquet('{secret}')",
    "SELECT * FROM sniff_csv('{secret}')",
    "SELECT * FROM '{secret}'",
    "FROM query_table('{secret}')",
    "SELECT * FROM glob('{dir}/*')",
    "SELECT * FROM query('SELECT * FROM read_text(''{secret}'')')",
    "WITH f AS (SELECT content FROM read_text('{secret}')) SELECT * FROM f",
    "SELECT title, (SELECT content FROM read_text('{secret}')) FROM articles",
    "DESCRIBE SELECT * FROM read_csv('{secret}')",
    "SUMMARIZE SELECT * FROM read_csv('{secret}')",
    "EXPLAIN ANALYZE SELECT * FROM read_text('{secret}')",
]

NEVER = [
    "COPY articles TO '{out}'",
    "COPY (SELECT * FROM articles) TO '{out}' (FORMAT csv)",
    "COPY articles FROM '{secret}'",
    "EXPORT DATABASE '{out}'",
    "ATTACH '{out}' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "LOAD '{out}'",
    "SET enable_external_access = true",
    "SET GLOBAL enable_external_access = true",
    "RESET enable_external_access",
    "SET lock_configuration = false",
    "SET enable_external_access = true; SELECT * FROM read_text('{secret}')",
    "SELECT 1; SET enable_external_access = true",
    "PRAGMA enable_external_access",
    "CALL enable_logging()",
    "/* SELECT */ COPY articles TO '{out}'",
]


def _fill(sql: str, place: Path) -> str:
    return sql.format(secret=place / "secret.csv", dir=place, out=place / "out.csv")


@pytest.mark.parametrize("sql", READS)
def test_local_files_cannot_be_read(place: Path, sql: str) -> None:
    code, output = _sql(place, _fill(sql, place))
    assert code == 1
    assert SECRET not in output
    assert "secret.csv" not in output or "file system operations are disabled" in output
    assert "--allow-files" in output


@pytest.mark.parametrize("sql", NEVER)
@pytest.mark.parametrize("flag", [(), ("--allow-files",)], ids=["sandboxed", "allow-files"])
def test_writes_attachments_extensions_and_settings_are_refused(
    place: Path, sql: str, flag: tuple[str, ...]
) -> None:
    before = sorted(p.name for p in place.iterdir())
    code, output = _sql(place, _fill(sql, place), *flag)
    assert code == 1
    assert SECRET not in output
    assert "Only queries may run here" in output or "exactly one statement" in output
    assert sorted(p.name for p in place.iterdir()) == before
    assert query(place / "w.duckdb", "SELECT count(*) FROM articles") == [(3,)]


def test_refusals_say_what_to_use_instead(place: Path) -> None:
    _, copy = _sql(place, _fill("COPY articles TO '{out}'", place))
    assert "gleaner export" in copy
    assert "--allow-files" in copy
    _, setting = _sql(place, "SET enable_external_access = true")
    assert "cannot change DuckDB's settings" in setting


def test_allow_files_reads_a_local_csv(place: Path) -> None:
    sql = _fill("SELECT name, value FROM read_csv('{secret}')", place)
    code, output = _sql(place, sql, "--allow-files", "--format", "json")
    assert code == 0, output
    assert json.loads(output) == [{"name": SECRET, "value": 1}]
    # A parameter may name the file too.
    code, output = _sql(
        place,
        "SELECT content FROM read_text($f)",
        "--allow-files",
        "--format",
        "json",
        "-p",
        "f",
        str(place / "secret.csv"),
    )
    assert code == 0, output
    assert SECRET in json.loads(output)[0]["content"]


def test_allow_files_still_fetches_nothing(place: Path) -> None:
    class Logged(BaseHTTPRequestHandler):
        paths: ClassVar[list[str]] = []

        def do_GET(self) -> None:
            self.paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            self.wfile.write(b"a\n1\n")

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serve_handler(Logged) as root:
        for flag in ((), ("--allow-files",)):
            code, output = _sql(place, f"SELECT * FROM read_csv('{root}/x.csv')", *flag)
            assert code == 1
            assert "no extension" in output or "--allow-files" in output
    assert Logged.paths == []


INJECTION = "x'); DROP TABLE articles; --"


def test_command_line_values_are_never_sql(place: Path) -> None:
    db = str(place / "w.duckdb")
    # A directory name holding a quote is written to, not run.
    target = place / f"out {INJECTION}"
    gleaner("export", str(target), "--db", db, "--format", "jsonl")
    exported = [p for p in target.rglob("*.jsonl") if p.is_file()]
    lines = [json.loads(line) for p in exported for line in p.read_text().splitlines()]
    assert sorted(row["url"] for row in lines) == [f"https://example.test/a/{i}" for i in range(3)]
    for args in (
        ("export", str(place / "o2"), "--site", INJECTION),
        ("export", str(place / "o3"), "--since", INJECTION),
        ("report", INJECTION),
    ):
        result = gleaner(*args, "--db", db, check=False)
        assert result.returncode == 1
        assert INJECTION in result.stderr
    found = gleaner(
        "sql",
        "SELECT count(*) AS n FROM articles WHERE url = $u",
        "-p",
        "u",
        INJECTION,
        "--db",
        db,
        "--format",
        "json",
    )
    assert json.loads(found.stdout) == [{"n": 0}]
    assert query(place / "w.duckdb", "SELECT count(*) FROM articles") == [(3,)]


@pytest.mark.parametrize("allow_files", [False, True], ids=["sandboxed", "allow-files"])
def test_duckdb_enforces_the_sandbox_without_the_statement_check(
    place: Path, allow_files: bool
) -> None:
    # The connection `gleaner sql` opens, given statements the first check would refuse.
    conn = connect(place / "w.duckdb", read_only=True, external_access=allow_files, sandboxed=True)
    try:
        for sql in (
            "SET enable_external_access = true",
            "SET autoinstall_known_extensions = true",
            "SET autoload_known_extensions = true",
            "SET allow_community_extensions = true",
            "SET lock_configuration = false",
            "RESET enable_external_access",
        ):
            with pytest.raises(duckdb.InvalidInputException, match="locked"):
                conn.execute(sql)
        with pytest.raises(duckdb.Error):
            conn.execute("LOAD httpfs")
        with pytest.raises(duckdb.Error):
            conn.execute("DELETE FROM articles")
        settings = dict(
            conn.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN "
                "('enable_external_access', 'autoinstall_known_extensions', "
                "'autoload_known_extensions', 'lock_configuration')"
            ).fetchall()
        )
    finally:
        conn.close()
    assert settings == {
        "enable_external_access": str(allow_files).lower(),
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        "lock_configuration": "true",
    }
