"""User SQL: one read-only query, no file access, limited rows and time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pytest

from tests.warehouse_factories import article, query
from warehouse.db import connect
from warehouse.errors import UserSQLError, WarehouseMissingError
from warehouse.rows import Batch
from warehouse.runs import start_run
from warehouse.sql import check_user_sql, run_user_sql
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    start_run(path, "r1", ["example"], {})
    urls = [f"https://example.test/a/{i}" for i in range(5)]
    write_batch(path, Batch("r1", articles=[article(u, f"Text {u}") for u in urls]))
    return path


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "  -- a comment\n/* another */ (SELECT 1)",
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
        "FROM articles",
        "EXPLAIN SELECT * FROM articles",
        "DESCRIBE articles",
        "SHOW TABLES",
        "SUMMARIZE articles",
        "VALUES (1), (2)",
        "TABLE runs",
        "select 1;",
    ],
)
def test_queries_are_allowed(db: Path, sql: str) -> None:
    check_user_sql(sql)
    assert run_user_sql(db, sql).columns


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("INSERT INTO runs VALUES ('x', [], now(), 'running', NULL, NULL, NULL, NULL)", "INSERT"),
        ("DELETE FROM articles", "DELETE"),
        ("DROP TABLE articles", "DROP"),
        ("CREATE TABLE t (a INTEGER)", "CREATE"),
        ("ATTACH 'other.duckdb'", "ATTACH"),
        ("COPY articles TO 'out.csv'", "COPY"),
        ("PRAGMA show_tables", "PRAGMA"),
        ("SET threads = 1", "SET"),
        ("WITH x AS (SELECT 1) INSERT INTO runs SELECT * FROM runs", "not INSERT"),
        ("SELECT 1; DROP TABLE articles", "found 2"),
        ("SELECT 1; SELECT 2", "exactly one statement"),
        ("", "No SQL"),
        ("-- only a comment", "No SQL"),
        ("SELECT FROM WHERE", "Could not parse"),
    ],
)
def test_refused_statements(db: Path, sql: str, message: str) -> None:
    with pytest.raises(UserSQLError, match=message):
        run_user_sql(db, sql)
    assert query(db, "SELECT count(*) FROM articles") == [(5,)]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "FROM glob('/etc/*')",
    ],
)
def test_file_reads_are_blocked(db: Path, sql: str) -> None:
    with pytest.raises(UserSQLError, match="file system operations are disabled"):
        run_user_sql(db, sql)


def test_sandboxed_connection_blocks_copy_and_settings(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    conn = connect(db, read_only=True, external_access=False)
    try:
        with pytest.raises(duckdb.PermissionException):
            conn.execute(f"COPY (SELECT 1) TO '{target}'")
        with pytest.raises(duckdb.Error, match="configuration"):
            conn.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.Error, match="locked"):
            conn.execute("SET TimeZone = 'Europe/Paris'")
    finally:
        conn.close()
    assert not target.exists()


def test_named_and_positional_parameters(db: Path) -> None:
    url = "https://example.test/a/3"
    sql = "SELECT article_id, url FROM articles WHERE url = $url"
    assert run_user_sql(db, sql, {"url": url}).rows == [(4, url)]
    result = run_user_sql(db, "SELECT count(*) AS n FROM articles WHERE article_id > ?", [2])
    assert (result.columns, result.rows) == (["n"], [(3,)])
    with pytest.raises(UserSQLError, match="url"):
        run_user_sql(db, sql)


def test_row_limit_reports_truncation(db: Path) -> None:
    sql = "SELECT article_id FROM articles ORDER BY 1"
    cut = run_user_sql(db, sql, limit=3)
    assert (cut.rows, cut.truncated) == ([(1,), (2,), (3,)], True)
    exact = run_user_sql(db, sql, limit=5)
    assert (len(exact.rows), exact.truncated) == (5, False)
    everything = run_user_sql(db, "SELECT * FROM range(5000)", limit=None)
    assert (len(everything.rows), everything.truncated) == (5000, False)
    assert run_user_sql(db, "SELECT * FROM range(5000)").truncated


def test_time_limit_interrupts(db: Path) -> None:
    sql = "SELECT sum(hash(a.range + b.range)) FROM range(100000) a, range(100000) b"
    with pytest.raises(UserSQLError, match=r"longer than 0\.2 s"):
        run_user_sql(db, sql, timeout_s=0.2)


def test_missing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissingError):
        run_user_sql(tmp_path / "none.duckdb", "SELECT 1")


def test_read_only_connection_refuses_writes(db: Path) -> None:
    # The last layer, under the statement check: DuckDB itself refuses to write.
    conn = connect(db, read_only=True, external_access=False)
    try:
        with pytest.raises(duckdb.InvalidInputException, match="read-only"):
            conn.execute("DELETE FROM articles")
    finally:
        conn.close()
