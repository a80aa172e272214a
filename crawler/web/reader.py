"""The web view's way into the warehouse: one short read-only connection at a time.

Each request opens the file read-only, as ``gleaner sql`` does (sandboxed: no file but the
warehouse, no extension, settings locked), waits with the same backoff while a crawl commits a
batch, and closes it before answering, so a crawl is never kept from writing for longer than a
query takes. Connections are taken one at a time in this process: DuckDB shares one database
instance between a process's connections, and a sandboxed instance locks its settings, so a
second connection could not set its time zone.

A crawl that wants to commit tries the lock now and then, backing off; were reads to follow one
another without a pause, it could miss every gap. So while a run is recorded ``running``, after
each read the file is left unlocked for as long as that read held it (up to :data:`MAX_GAP_S`)
before the next read opens it: it is free at least half the time, however busy the server is.

Nothing here writes; runs whose process is gone are shown ``interrupted`` without being marked so
in the file.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.db import DEFAULT_RETRY_S, connect
from warehouse.errors import WarehouseError
from warehouse.lifecycle import gone_runs
from warehouse.migrations import MIGRATIONS, applied_versions
from warehouse.sql import run_user_sql

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from warehouse.sql import QueryResult

SQL_TIMEOUT_S = 10.0
"""The longest a query typed on the SQL page may run."""
MAX_GAP_S = 1.0
"""The longest the file is left unlocked between two reads."""


class Reader:
    """Read-only connections to one warehouse file, one at a time."""

    def __init__(self, path: str | os.PathLike[str], *, retry_s: float = DEFAULT_RETRY_S) -> None:
        self.path = Path(path)
        self.retry_s = retry_s
        self._lock = threading.Lock()
        self._free_until = 0.0
        self._crawling = False

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """Hold this process's turn at the file: after the gap the last read left, leaving a
        gap as long as this turn took."""
        with self._lock:
            time.sleep(max(0.0, self._free_until - time.monotonic()))
            started = time.monotonic()
            try:
                yield
            finally:
                ended = time.monotonic()
                gap = min(ended - started, MAX_GAP_S) if self._crawling else 0.0
                self._free_until = ended + gap

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only, sandboxed connection, closed when the block ends.

        Raises:
            WarehouseMissingError: There is no warehouse file.
            WarehouseLockedError: A writer kept the lock for longer than ``retry_s``.
        """
        with self._turn():
            conn = connect(self.path, read_only=True, retry_s=self.retry_s, external_access=False)
            try:
                self._crawling = _running(conn)
                yield conn
            finally:
                conn.close()

    def check(self) -> None:
        """Check that the warehouse exists and has this gleaner's schema.

        Raises:
            WarehouseMissingError: There is no warehouse file.
            WarehouseError: Its schema is older than this gleaner's; a read-only view cannot
                migrate it.
        """
        with self.connection() as conn:
            applied = applied_versions(conn)
        latest = MIGRATIONS[-1].version
        if not applied or max(applied) < latest:
            raise WarehouseError(
                f"The warehouse {self.path} has schema version {max(applied, default=0)}, older "
                f"than this gleaner's ({latest}); `gleaner serve` only reads, so it cannot "
                "migrate it. Any writing command (`gleaner crawl SITE`, `gleaner schedule add`) "
                "migrates it."
            )

    def user_sql(self, sql: str, params: Mapping[str, object] | None, limit: int) -> QueryResult:
        """Run a query typed by the user, in ``gleaner sql``'s sandbox, without writing.

        Raises:
            UserSQLError: The SQL was refused, failed, or ran longer than :data:`SQL_TIMEOUT_S`.
        """
        with self._turn():
            return run_user_sql(
                self.path,
                sql,
                params,
                limit,
                timeout_s=SQL_TIMEOUT_S,
                retry_s=self.retry_s,
                settle=False,
            )


def _running(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether a run is recorded ``running``: a crawl may want to commit soon (False for a file
    without gleaner's ``runs``, which :meth:`Reader.check` refuses)."""
    try:
        found = conn.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchall()
    except duckdb.Error:
        return False
    return bool(found[0][0])


def unsettled_runs(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """The runs still ``running`` in the file whose process is gone: shown ``interrupted``."""
    return {run.run_id for run in gone_runs(conn)}
