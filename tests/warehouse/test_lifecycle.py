"""Run lifecycle: runs record their process, and a run whose process is gone becomes interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.warehouse_factories import query
from warehouse.db import connect
from warehouse.lifecycle import (
    GONE_REASON,
    ProcessId,
    host_name,
    is_gone,
    process_started,
    this_process,
)
from warehouse.queries import list_runs, run_report
from warehouse.runs import finish_run, settle_runs, start_run
from warehouse.sql import run_user_sql
from warehouse.state import read_site_state

# Records a run in the warehouse (and a decision taken at argv[3]), prints its PID, then waits
# until killed.
RUNNER = """
import os, sys
from warehouse.db import write_session
from warehouse.runs import start_run
start_run(sys.argv[1], sys.argv[2], ["demo"], {})
if len(sys.argv) > 3:
    with write_session(sys.argv[1]) as conn:
        conn.execute(
            "INSERT INTO decisions (run_id, site, url, decision, decided_at) "
            "VALUES (?, 'demo', 'http://a/x.html', 'rejected', ?)",
            [sys.argv[2], sys.argv[3]],
        )
print(os.getpid(), flush=True)
sys.stdin.readline()
"""

HOLD_READ = """
import sys
from warehouse.db import connect
conn = connect(sys.argv[1], read_only=True)
print("ready", flush=True)
sys.stdin.readline()
"""

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def killed_run(db: Path, run_id: str, *committed_at: str) -> int:
    """Record ``run_id`` from a child process, kill that process with SIGKILL; return its PID."""
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(db), run_id, *committed_at],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    pid = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.stdin is not None
    proc.stdin.close()
    proc.stdout.close()
    return pid


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


@needs_proc
def test_a_process_start_time_tells_a_reused_pid_apart() -> None:
    me = this_process()
    assert me.pid == os.getpid()
    assert me.host == host_name()
    assert me.started is not None
    assert process_started(os.getpid()) == me.started
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    gone_pid = int(child.stdout)
    assert not is_gone(me)
    assert is_gone(ProcessId(me.host, gone_pid, "x:1"))
    # The same PID, alive, but started at another time: another process now has that PID.
    assert is_gone(ProcessId(me.host, me.pid, f"{me.started}0"))
    # Another host's process cannot be seen from here: never called gone.
    assert not is_gone(ProcessId("elsewhere", gone_pid, None))
    assert not is_gone(ProcessId(me.host, me.pid, None))


def test_a_run_records_the_process_running_it(db: Path) -> None:
    start_run(db, "r1", ["demo"], {})
    me = this_process()
    assert query(db, "SELECT host, pid, process_started FROM runs") == [
        (me.host, me.pid, me.started)
    ]


@needs_proc
def test_the_next_writable_open_marks_a_killed_run_interrupted(db: Path) -> None:
    start_run(db, "alive", ["other"], {})
    pid = killed_run(db, "killed")
    with connect(db) as conn:  # what any gleaner command that writes does first
        conn.execute(
            "INSERT INTO runs (run_id, sites, started_at, status, host, pid, process_started) "
            "VALUES ('far', ['x'], now(), 'running', 'elsewhere', ?, 'x:1')",
            [pid],
        )
    with connect(db):
        pass
    rows = {r[0]: r[1:] for r in query(db, "SELECT run_id, status, finish_reason FROM runs")}
    assert rows == {
        "alive": ("running", None),  # this process: still running
        "killed": ("interrupted", GONE_REASON),
        "far": ("running", None),  # another host's run is left alone
    }
    finished = query(db, "SELECT finished_at FROM runs WHERE run_id = 'killed'")[0][0]
    assert abs(finished - datetime.now(UTC)) < timedelta(seconds=30)  # it committed nothing
    finish_run(db, "alive", "finished", "finished", {})


@needs_proc
def test_a_killed_run_ends_at_its_last_commit(db: Path) -> None:
    last = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    killed_run(db, "killed", last.isoformat())
    with connect(db):
        pass
    assert query(db, "SELECT status, finished_at FROM runs") == [("interrupted", last)]


@needs_proc
def test_readers_show_and_record_a_killed_run_interrupted(db: Path) -> None:
    killed_run(db, "killed")
    assert [(r["run_id"], r["status"]) for r in list_runs(db)] == [("killed", "interrupted")]
    assert query(db, "SELECT status, finish_reason FROM runs") == [("interrupted", GONE_REASON)]
    killed_run(db, "second")
    assert run_report(db, "second")["status"] == "interrupted"
    killed_run(db, "third")
    assert run_user_sql(db, "SELECT status FROM runs WHERE run_id = 'third'").rows == [
        ("interrupted",)
    ]


@needs_proc
def test_a_reader_shows_interrupted_when_the_file_cannot_be_written(db: Path) -> None:
    killed_run(db, "killed")
    with connect(db):
        pass  # marks it; the next one is killed while a reader holds the file
    killed_run(db, "later")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdin is not None
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert settle_runs(db, write_wait_s=0.2) == {"later"}
        shown = {r["run_id"]: (r["status"], r["finish_reason"]) for r in list_runs(db)}
        assert shown["later"] == ("interrupted", GONE_REASON)
        assert query(db, "SELECT status FROM runs WHERE run_id = 'later'") == [("running",)]
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
        proc.stdout.close()
    assert settle_runs(db) == set()
    assert query(db, "SELECT status FROM runs WHERE run_id = 'later'") == [("interrupted",)]


def test_a_crawl_after_an_interrupted_one_knows_the_previous_was_cut_short(db: Path) -> None:
    assert read_site_state(db, "demo").previous_complete  # no warehouse yet
    start_run(db, "r1", ["demo"], {})
    finish_run(db, "r1", "finished", "finished", {})
    start_run(db, "r2", ["demo"], {})
    assert read_site_state(db, "demo", run_id="r2").previous_complete
    killed_run(db, "r3")
    start_run(db, "r4", ["demo"], {})  # its writable open marks r3 interrupted
    assert not read_site_state(db, "demo", run_id="r4").previous_complete
    assert read_site_state(db, "other", run_id="r4").previous_complete
    finish_run(db, "r4", "finished", "finished", {})
    start_run(db, "r5", ["demo"], {})
    finish_run(db, "r5", "finished", "reextract", {})  # a re-extraction crawls nothing
    assert read_site_state(db, "demo").previous_complete
    start_run(db, "r6", ["demo"], {})
    finish_run(db, "r6", "finished", "closespider_pagecount", {})
    assert not read_site_state(db, "demo").previous_complete
