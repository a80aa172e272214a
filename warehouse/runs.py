"""The ``runs`` table: run ids, and the short writes that open and close a run."""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from warehouse.db import DEFAULT_RETRY_S, connect, write_session
from warehouse.errors import UnknownRunError, WarehouseError, WarehouseLockedError
from warehouse.lifecycle import gone_runs, this_process

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import duckdb

RUN_STATUSES: Final = ("running", "finished", "failed", "interrupted")
FINAL_STATUSES: Final = ("finished", "failed", "interrupted")


def new_run_id(now: datetime | None = None) -> str:
    """Return a new run id that sorts by start time, e.g. ``20260825T101500Z-1a2b``.

    Args:
        now: The start time (default: now); a naive datetime is read as UTC.

    Returns:
        The UTC start time to the second, a dash and four random hex digits.
    """
    when = datetime.now(UTC) if now is None else now
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return f"{when:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def start_run(
    path: str | os.PathLike[str],
    run_id: str,
    sites: Iterable[str],
    settings: Mapping[str, object],
    *,
    retry_s: float = DEFAULT_RETRY_S,
) -> None:
    """Record a run as ``running``, started now, by this process (host, PID and start time).

    Args:
        path: The warehouse file (created if needed).
        run_id: From :func:`new_run_id`.
        sites: Names of the sites the run crawls.
        settings: The settings the run uses; stored as JSON (non-JSON values as strings).
        retry_s: How long to wait for another process's lock.

    Raises:
        WarehouseError: ``run_id`` is already recorded.
    """
    with write_session(path, retry_s=retry_s) as conn:
        if run_id in known_run_ids(conn):
            raise WarehouseError(f"Run {run_id!r} is already recorded; start it with a new id.")
        me = this_process()
        conn.execute(
            "INSERT INTO runs "
            "(run_id, sites, started_at, status, settings, host, pid, process_started) "
            "VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
            [
                run_id,
                list(sites),
                datetime.now(UTC),
                _to_json(settings),
                me.host,
                me.pid,
                me.started,
            ],
        )


def finish_run(
    path: str | os.PathLike[str],
    run_id: str,
    status: str,
    finish_reason: str | None,
    counters: Mapping[str, object],
    *,
    retry_s: float = DEFAULT_RETRY_S,
) -> None:
    """Record how a run ended, with its final counters, finished now.

    Args:
        path: The warehouse file.
        run_id: A run recorded by :func:`start_run`.
        status: ``finished``, ``failed`` or ``interrupted``.
        finish_reason: Why it ended (Scrapy's close reason, an error name, ...).
        counters: The run's counters (e.g. Scrapy stats); stored as JSON.
        retry_s: How long to wait for another process's lock.

    Raises:
        ValueError: ``status`` is not a final status.
        UnknownRunError: ``run_id`` is not recorded.
    """
    if status not in FINAL_STATUSES:
        raise ValueError(f"status must be one of {', '.join(FINAL_STATUSES)}, got {status!r}")
    with write_session(path, retry_s=retry_s) as conn:
        require_run(conn, run_id)
        conn.execute(
            "UPDATE runs SET finished_at = ?, status = ?, finish_reason = ?, counters = ? "
            "WHERE run_id = ?",
            [datetime.now(UTC), status, finish_reason, _to_json(counters), run_id],
        )


def settle_runs(
    path: str | os.PathLike[str], *, retry_s: float = DEFAULT_RETRY_S, write_wait_s: float = 2.0
) -> set[str]:
    """Before reading: mark the runs of this host whose process is gone ``interrupted``.

    The check is read-only; only when it finds such a run is the warehouse opened for writing,
    briefly (its writable :func:`~warehouse.db.connect` marks them). When another process keeps
    the file locked meanwhile (a long query, a notebook), the runs stay ``running`` in the file and
    their ids are returned, so that what is shown can still say ``interrupted``.

    Args:
        path: The warehouse file; it must exist.
        retry_s: How long to wait while a writer holds the lock, for the read-only check.
        write_wait_s: How long to wait for the write lock when there is something to mark.

    Returns:
        The ids of the gone runs that could not be marked (usually none).

    Raises:
        WarehouseMissingError: There is no warehouse at ``path``.
        WarehouseLockedError: A writer held the lock for more than ``retry_s`` seconds.
    """
    conn = connect(path, read_only=True, retry_s=retry_s)
    try:
        gone = {run.run_id for run in gone_runs(conn)}
    finally:
        conn.close()
    if not gone:
        return set()
    try:
        connect(path, retry_s=write_wait_s).close()
    except WarehouseLockedError:
        return gone
    return set()


def known_run_ids(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Return every recorded run id, most recently started first.

    Args:
        conn: An open connection.

    Returns:
        The run ids.
    """
    rows = conn.execute("SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC")
    return [str(row[0]) for row in rows.fetchall()]


def require_run(conn: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Check that a run is recorded.

    Args:
        conn: An open connection.
        run_id: The run to look for.

    Raises:
        UnknownRunError: It is not; the error lists the known runs.
    """
    if conn.execute("SELECT count(*) FROM runs WHERE run_id = ?", [run_id]).fetchall()[0][0]:
        return
    raise UnknownRunError(run_id, known_run_ids(conn))


def _to_json(value: Mapping[str, object]) -> str:
    """Serialize a mapping for a JSON column, stably; unknown types become strings."""
    return json.dumps(dict(value), sort_keys=True, default=str)


def loaded_item_ids(
    path: str | os.PathLike[str], item_ids: Iterable[str], *, retry_s: float = DEFAULT_RETRY_S
) -> set[str]:
    """Which of ``item_ids`` a loader has already committed (table ``loaded_items``).

    Args:
        path: The warehouse file (opened for writing, briefly: it may need migrating).
        item_ids: Queue item ids.
        retry_s: How long to wait for another process's lock.

    Returns:
        The ids found.
    """
    wanted = list(item_ids)
    if not wanted:
        return set()
    with write_session(path, retry_s=retry_s) as conn:
        rows = conn.execute(
            "SELECT item_id FROM loaded_items WHERE item_id IN (SELECT unnest($ids))",
            {"ids": wanted},
        ).fetchall()
    return {str(row[0]) for row in rows}


def forget_loaded_items(
    path: str | os.PathLike[str], run_id: str, *, retry_s: float = DEFAULT_RETRY_S
) -> None:
    """Delete a finished run's ``loaded_items`` rows: once its queue is drained they are not needed.

    Args:
        path: The warehouse file.
        run_id: The run.
        retry_s: How long to wait for another process's lock.
    """
    with write_session(path, retry_s=retry_s) as conn:
        conn.execute("DELETE FROM loaded_items WHERE run_id = ?", [run_id])
