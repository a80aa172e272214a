"""Opening the DuckDB warehouse: the one place that connects, waits on locks and migrates."""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.errors import WarehouseError, WarehouseLockedError, WarehouseMissingError
from warehouse.lifecycle import mark_gone_runs
from warehouse.migrations import apply_migrations

if TYPE_CHECKING:
    from collections.abc import Iterator

DEFAULT_RETRY_S = 30.0
"""How long :func:`connect` waits for another process to release the file lock."""

ENV_VAR = "GLEANER_DB"
DEFAULT_FILENAME = "gleaner.duckdb"

# DuckDB: 'Could not set lock on file "/x.duckdb": Conflicting lock is held in /usr/bin/python3
# (PID 4902). See also https://duckdb.org/docs/current/connect/concurrency'
_LOCK_MARKER = "Could not set lock on file"
_HOLDER_RE = re.compile(r"Conflicting lock is held in (?P<holder>.*?) \(PID (?P<pid>\d+)\)")
_FIRST_BACKOFF_S = 0.05
_MAX_BACKOFF_S = 1.0
_SANDBOX_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
}


def default_path() -> Path:
    """Return the warehouse path to use when none is given.

    Returns:
        ``$GLEANER_DB`` when set and not empty, else ``./gleaner.duckdb``.
    """
    return Path(os.environ.get(ENV_VAR) or DEFAULT_FILENAME)


def lock_holder(message: str) -> tuple[int | None, str | None]:
    """Parse DuckDB's lock-conflict message.

    Args:
        message: The text of the ``duckdb.IOException``.

    Returns:
        ``(pid, executable)`` of the process holding the lock, or ``(None, None)`` when the
        message does not name it.
    """
    match = _HOLDER_RE.search(message)
    if match is None:
        return None, None
    return int(match["pid"]), match["holder"]


def connect(
    path: str | os.PathLike[str],
    *,
    read_only: bool = False,
    retry_s: float = DEFAULT_RETRY_S,
    external_access: bool = True,
    sandboxed: bool | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting a bounded time for another process's lock.

    Every connection uses UTC as its session time zone. A writable connection creates the file
    if needed, applies pending migrations and marks the runs of this host whose process is gone
    ``interrupted`` (:func:`warehouse.lifecycle.mark_gone_runs`) before it is returned.

    Args:
        path: The DuckDB file.
        read_only: Open for reading only; many readers may share the file, but not with a writer.
        retry_s: How long to keep retrying, with backoff, while another process holds the lock.
        external_access: When false, DuckDB may not read or write any other file (no
            ``read_csv``, ``COPY``, ``ATTACH``, extension installs). Used for user-supplied SQL.
        sandboxed: No extension is installed or loaded, even on demand (so no ``httpfs``),
            and the connection's configuration is locked, so no ``SET`` or ``RESET`` can undo
            this or ``external_access``. Defaults to ``not external_access``.

    Returns:
        An open connection; the caller closes it.

    Raises:
        WarehouseMissingError: ``read_only`` and the file does not exist.
        WarehouseLockedError: The lock was still held after ``retry_s`` seconds.
        WarehouseError: This process already has the file open with different settings.
    """
    db_path = Path(path)
    if read_only and not db_path.exists():
        raise WarehouseMissingError(db_path)
    config: dict[str, str | bool | int | float | list[str]] = {}
    if not external_access:
        config["enable_external_access"] = False
    if sandboxed is None:
        sandboxed = not external_access
    if sandboxed:
        config.update(_SANDBOX_CONFIG)
    conn = _open_with_retry(db_path, read_only=read_only, retry_s=retry_s, config=config)
    try:
        # ICU is built in; the session zone otherwise follows the machine's TZ.
        conn.execute("SET TimeZone = 'UTC'")
        if sandboxed:
            conn.execute("SET lock_configuration = true")
        if not read_only:
            apply_migrations(conn)
            mark_gone_runs(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _open_with_retry(
    path: Path,
    *,
    read_only: bool,
    retry_s: float,
    config: dict[str, str | bool | int | float | list[str]],
) -> duckdb.DuckDBPyConnection:
    """Call ``duckdb.connect``, retrying with backoff while the file is locked."""
    started = time.monotonic()
    backoff = _FIRST_BACKOFF_S
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.ConnectionException as exc:
            if "different configuration" not in str(exc):
                raise
            # Another thread of this process has the file open another way (a crawl reading
            # its site's state while the run's end is recorded): wait for it, as for a lock.
            waited = time.monotonic() - started
            if waited >= retry_s:
                raise WarehouseError(
                    f"This process already has {path} open with other settings (read-only or "
                    "sandboxed vs writable); close that connection before opening it this way."
                ) from exc
            time.sleep(min(backoff, retry_s - waited))
            backoff = min(backoff * 2, _MAX_BACKOFF_S)
            continue
        except duckdb.IOException as exc:
            message = str(exc)
            if _LOCK_MARKER not in message:
                if read_only and "database does not exist" in message:
                    raise WarehouseMissingError(path) from exc
                raise
            waited = time.monotonic() - started
            if waited >= retry_s:
                pid, holder = lock_holder(message)
                raise WarehouseLockedError(
                    path, pid=pid, holder=holder, waited_s=waited, read_only=read_only
                ) from exc
            time.sleep(min(backoff, retry_s - waited))
            backoff = min(backoff * 2, _MAX_BACKOFF_S)


@contextmanager
def write_session(
    path: str | os.PathLike[str], *, retry_s: float = DEFAULT_RETRY_S, checkpoint: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for one transaction and close it, so the lock is held only briefly.

    Usage::

        with write_session(path) as conn:
            conn.execute("INSERT ...", params)

    Args:
        path: The DuckDB file (created and migrated if needed).
        retry_s: How long to wait for another process's lock (see :func:`connect`).
        checkpoint: Checkpoint when the connection closes (DuckDB's default); off, the
            transaction stays in the write-ahead log until a later checkpoint.

    Returns:
        A context manager yielding a connection inside ``BEGIN``; it commits on normal exit,
        rolls back if the block raises, and always closes the connection.
    """
    conn = connect(path, retry_s=retry_s)
    try:
        conn.execute("BEGIN TRANSACTION")
        try:
            if not checkpoint:
                conn.execute("PRAGMA disable_checkpoint_on_shutdown")
            yield conn
        except BaseException:
            # Closing would discard the transaction too; never let ROLLBACK hide the error.
            with suppress(duckdb.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()
