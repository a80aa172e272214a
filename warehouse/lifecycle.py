"""Who runs a run, and runs whose process is gone: found and marked ``interrupted``.

A run records the host, the PID and the start time of the process running it (see
:func:`this_process`). A run still ``running`` whose process is no longer there (killed with
SIGKILL, a power cut, an out-of-memory kill) is marked ``interrupted`` by the next gleaner command
that opens the warehouse: writable connections do it in :func:`warehouse.db.connect`, readers
through :func:`settle_runs`. Runs of other hosts are left alone: their processes cannot be seen.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import duckdb

GONE_REASON: Final = "process_gone"
"""The ``finish_reason`` of a run whose process was found gone."""


@dataclass(frozen=True, slots=True)
class ProcessId:
    """What tells one process apart from every other, on this host and across PID reuse."""

    host: str
    pid: int
    started: str | None
    """Boot id and start time in clock ticks since boot (``/proc``); ``None`` where unknown."""


@dataclass(frozen=True, slots=True)
class GoneRun:
    """A run recorded as ``running`` whose process is gone."""

    run_id: str
    finished_at: datetime
    """When it last committed a batch, else when it was found gone."""


def host_name() -> str:
    """This machine's host name, as runs record it."""
    return socket.gethostname()


def process_started(pid: int) -> str | None:
    """The start time of a process, as ``"<boot id>:<clock ticks since boot>"``.

    Args:
        pid: The process.

    Returns:
        The start time, or ``None`` when the process does not exist or ``/proc`` cannot say.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces; field 22 is the start time.
    fields = stat.rpartition(")")[2].split()
    if len(fields) < 20:
        return None
    return f"{_boot_id()}:{fields[19]}"


def this_process() -> ProcessId:
    """The identity of the current process."""
    pid = os.getpid()
    return ProcessId(host_name(), pid, process_started(pid))


def is_gone(process: ProcessId, *, host: str | None = None) -> bool:
    """Whether a process recorded on this host no longer runs.

    Args:
        process: The recorded identity.
        host: This host's name (default: :func:`host_name`).

    Returns:
        True when ``process`` was recorded on this host and no process has its PID, or the
        process with its PID started at another time (the PID was reused). False for another
        host's process, and when in doubt.
    """
    if process.host != (host or host_name()):
        return False
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, under another user
    if process.started is None:
        return False
    now = process_started(process.pid)
    return now is not None and now != process.started


def gone_runs(conn: duckdb.DuckDBPyConnection) -> list[GoneRun]:
    """The runs recorded as ``running`` on this host whose process is gone.

    Works on a read-only connection, and on a warehouse whose ``runs`` has no process columns
    yet (then nothing is found).

    Args:
        conn: An open connection.

    Returns:
        The gone runs, with the time each last committed.
    """
    if not _has_process_columns(conn):
        return []
    host = host_name()
    running = conn.execute(
        "SELECT run_id, pid, process_started FROM runs "
        "WHERE status = 'running' AND host = ? AND pid IS NOT NULL",
        [host],
    ).fetchall()
    gone = [
        str(run_id) for run_id, pid, started in running if is_gone(ProcessId(host, pid, started))
    ]
    return [GoneRun(run_id, _last_commit(conn, run_id) or datetime.now(UTC)) for run_id in gone]


def mark_gone_runs(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Mark the runs of this host whose process is gone ``interrupted`` (reason ``process_gone``).

    Args:
        conn: A writable connection with no transaction open.

    Returns:
        The run ids marked.
    """
    found = gone_runs(conn)
    for run in found:
        conn.execute(
            "UPDATE runs SET status = 'interrupted', finish_reason = ?, finished_at = ? "
            "WHERE run_id = ? AND status = 'running'",
            [GONE_REASON, run.finished_at, run.run_id],
        )
    return [run.run_id for run in found]


def _last_commit(conn: duckdb.DuckDBPyConnection, run_id: str) -> datetime | None:
    """When a run's last batch was decided (``None`` when it committed none)."""
    row = conn.execute(
        "SELECT greatest((SELECT max(decided_at) FROM decisions WHERE run_id = $run), "
        "(SELECT max(fetched_at) FROM fetches WHERE run_id = $run))",
        {"run": run_id},
    ).fetchall()
    found = row[0][0] if row else None
    return found if isinstance(found, datetime) else None


def _has_process_columns(conn: duckdb.DuckDBPyConnection) -> bool:
    rows = conn.execute(
        "SELECT count(*) FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND table_name = 'runs' AND column_name = 'process_started'"
    ).fetchall()
    return bool(rows[0][0])


@cache
def _boot_id() -> str:
    """This boot's id: start times in clock ticks only compare within one boot."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return "-"
