"""Opening the warehouse: migrations, lock waits and errors, write sessions."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from tests.warehouse_factories import T0, article, query
from warehouse.db import connect, default_path, lock_holder, write_session
from warehouse.errors import WarehouseError, WarehouseLockedError, WarehouseMissingError
from warehouse.migrations import MIGRATIONS, Migration, applied_versions, apply_migrations
from warehouse.rows import Batch
from warehouse.runs import finish_run, start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from collections.abc import Iterator

TABLES = {
    "_migrations",
    "runs",
    "articles",
    "article_versions",
    "sightings",
    "decisions",
    "rejects",
    "fetches",
    "article_buckets",
    "listing_state",
    "raw_pages",
    "boilerplate_counts",
    "boilerplate_pages",
    "boilerplate_rules",
    "schedules",
    "loaded_items",
}
LATEST = MIGRATIONS[-1].version
VERSIONS = [m.version for m in MIGRATIONS]

INSERT_RUN = "INSERT INTO runs (run_id, sites, started_at, status) VALUES ('r', [], ?, 'running')"

# Opens the warehouse in another process and holds it until its stdin closes.
HOLDER = """
import sys
from warehouse.db import connect
conn = connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("ready", flush=True)
sys.stdin.readline()
"""

# Opens the warehouse for writing without waiting, and exits 0 if it could.
OPENER = """
import sys
from warehouse.db import connect
connect(sys.argv[1], retry_s=0).close()
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


@pytest.fixture
def holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    """A separate process holding a write connection to the warehouse."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), "rw"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


def can_open_from_another_process(db: Path) -> bool:
    done = subprocess.run([sys.executable, "-c", OPENER, str(db)], capture_output=True, text=True)
    return done.returncode == 0


def test_default_path_reads_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GLEANER_DB", raising=False)
    assert str(default_path()) == "gleaner.duckdb"
    monkeypatch.setenv("GLEANER_DB", str(tmp_path / "x.duckdb"))
    assert default_path() == tmp_path / "x.duckdb"


def test_writable_open_creates_schema_and_records_migrations(db: Path) -> None:
    conn = connect(db)
    try:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        views = {
            r[0]
            for r in conn.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        }
        recorded = conn.execute("SELECT version, name, applied_at FROM _migrations").fetchall()
    finally:
        conn.close()
    assert tables == TABLES
    assert views == {"latest_articles", "run_report"}
    assert [(v, n) for v, n, _ in recorded] == [(m.version, m.name) for m in MIGRATIONS]
    assert recorded[0][2].utcoffset().total_seconds() == 0


def test_migrations_apply_once(db: Path) -> None:
    connect(db).close()
    conn = connect(db)
    try:
        assert apply_migrations(conn) == []
        assert conn.execute("SELECT count(*) FROM _migrations").fetchall() == [(len(MIGRATIONS),)]
    finally:
        conn.close()


def test_later_migration_applies_in_order_and_only_once(db: Path) -> None:
    extra = Migration(LATEST + 1, "add_notes", ("ALTER TABLE runs ADD COLUMN notes VARCHAR",))
    conn = connect(db)
    try:
        assert apply_migrations(conn, (*MIGRATIONS, extra)) == [LATEST + 1]
        assert apply_migrations(conn, (*MIGRATIONS, extra)) == []
        assert applied_versions(conn) == [*VERSIONS, LATEST + 1]
        columns = conn.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'runs'")
        assert columns.fetchall()[-1] == ("notes",)
    finally:
        conn.close()


def test_failing_migration_leaves_no_trace(db: Path) -> None:
    broken = Migration(
        LATEST + 1,
        "broken",
        ("CREATE TABLE extra (x INTEGER)", "ALTER TABLE nowhere ADD COLUMN y INTEGER"),
    )
    conn = connect(db)
    try:
        with pytest.raises(duckdb.CatalogException):
            apply_migrations(conn, (*MIGRATIONS, broken))
        assert applied_versions(conn) == VERSIONS
        tables = conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        assert ("extra",) not in tables
    finally:
        conn.close()


def test_file_from_a_newer_version_is_refused(db: Path) -> None:
    conn = connect(db)
    try:
        conn.execute("INSERT INTO _migrations VALUES (99, 'future', now())")
    finally:
        conn.close()
    with pytest.raises(WarehouseError, match=r"\[99\].*newer version"):
        connect(db)


def test_read_only_open_of_missing_file(db: Path) -> None:
    with pytest.raises(WarehouseMissingError, match=r"No warehouse at .*w\.duckdb"):
        connect(db, read_only=True)
    assert not db.exists()


def test_read_only_open_does_not_migrate(db: Path) -> None:
    duckdb.connect(str(db)).close()  # an empty DuckDB file
    conn = connect(db, read_only=True)
    try:
        assert applied_versions(conn) == []
    finally:
        conn.close()


def test_connections_use_utc(db: Path) -> None:
    conn = connect(db)
    try:
        assert conn.execute("SELECT current_setting('TimeZone')").fetchall() == [("UTC",)]
    finally:
        conn.close()


def test_write_session_commits(db: Path) -> None:
    with write_session(db) as conn:
        conn.execute(INSERT_RUN, [T0])
    assert query(db, "SELECT run_id FROM runs") == [("r",)]


def test_write_session_rolls_back_when_the_block_raises(db: Path) -> None:
    def insert_then_fail() -> None:
        with write_session(db) as conn:
            conn.execute(INSERT_RUN, [T0])
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        insert_then_fail()
    assert query(db, "SELECT count(*) FROM runs") == [(0,)]
    assert can_open_from_another_process(db)


def test_lock_holder_parses_duckdb_message() -> None:
    message = (
        'IO Error: Could not set lock on file "/x/w.duckdb": Conflicting lock is held in '
        "/usr/bin/python3.11 (PID 4902). See also https://duckdb.org/docs/current/connect/concurrency"
    )
    assert lock_holder(message) == (4902, "/usr/bin/python3.11")
    assert lock_holder('IO Error: Could not set lock on file "/x"') == (None, None)


@pytest.mark.parametrize("read_only", [False, True])
def test_locked_error_names_the_holding_process(
    db: Path, holder: subprocess.Popen[str], read_only: bool
) -> None:
    started = time.monotonic()
    with pytest.raises(WarehouseLockedError) as caught:
        connect(db, read_only=read_only, retry_s=0.3)
    assert time.monotonic() - started >= 0.3
    assert caught.value.pid == holder.pid
    assert f"process {holder.pid}" in str(caught.value)
    assert str(db) in str(caught.value)
    if Path(f"/proc/{holder.pid}/cmdline").exists():  # the holder's command line, to find it by
        assert "from warehouse.db import connect" in str(caught.value)


def test_open_succeeds_once_the_holder_exits(db: Path, holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    threading.Timer(0.5, holder.stdin.close).start()
    started = time.monotonic()
    conn = connect(db, retry_s=30)
    conn.close()
    assert time.monotonic() - started >= 0.4
    assert holder.wait(timeout=10) == 0


def test_writes_release_the_lock(db: Path) -> None:
    start_run(db, "r1", ["example"], {})
    assert can_open_from_another_process(db)
    write_batch(db, Batch("r1", articles=[article("https://example.test/a/1")]))
    assert can_open_from_another_process(db)
    finish_run(db, "r1", "finished", "done", {})
    assert can_open_from_another_process(db)


def test_an_open_connection_blocks_other_processes(db: Path) -> None:
    # The control for the test above: a connection still open does keep others out.
    conn = connect(db)
    try:
        assert not can_open_from_another_process(db)
    finally:
        conn.close()


def test_a_first_schema_warehouse_upgrades_and_keeps_its_rows(db: Path) -> None:
    conn = duckdb.connect(str(db))
    try:
        apply_migrations(conn, MIGRATIONS[:1])
        conn.execute(
            "INSERT INTO articles VALUES (7, 'example', 'u', 'k', 'u', 'T', 'Text.', [], NULL, "
            "NULL, NULL, NULL, [], 'c', NULL, 'r1', 'r1', 1, ?, ?)",
            [T0, T0],
        )
    finally:
        conn.close()
    # Opening for writing applies the rest: every article a cluster of its own, for a start.
    connect(db).close()
    assert query(db, "SELECT article_id, cluster_id, text FROM articles") == [(7, 7, "Text.")]
    assert query(db, "SELECT max(version) FROM _migrations") == [(MIGRATIONS[-1].version,)]


def test_a_writer_waits_for_this_process_reading_the_file_in_another_thread(db: Path) -> None:
    # A crawl reads its site's state in a thread while a signal makes it record the run's end.
    start_run(db, "r1", ["example"], {})
    reader = connect(db, read_only=True)
    threading.Timer(0.5, reader.close).start()
    started = time.monotonic()
    finish_run(db, "r1", "interrupted", "shutdown", {})
    assert time.monotonic() - started >= 0.4
    assert query(db, "SELECT status FROM runs") == [("interrupted",)]


def test_a_reader_kept_open_in_this_process_is_named_after_the_wait(db: Path) -> None:
    connect(db).close()
    reader = connect(db, read_only=True)
    try:
        with pytest.raises(WarehouseError, match="open with other settings"):
            connect(db, retry_s=0.3)
    finally:
        reader.close()
