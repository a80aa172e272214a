"""Errors the warehouse raises, each with a message a person can act on."""

from __future__ import annotations

from pathlib import Path


class WarehouseError(Exception):
    """Root of every error the warehouse package raises on purpose."""


class WarehouseLockedError(WarehouseError):
    """Another process holds the DuckDB file lock and did not release it in time."""

    def __init__(
        self,
        path: Path,
        *,
        pid: int | None,
        holder: str | None,
        waited_s: float,
        read_only: bool,
    ) -> None:
        self.path = path
        self.pid = pid
        """PID of the process holding the lock, when DuckDB reported it."""
        self.holder = holder
        """Executable of that process, when DuckDB reported it."""
        self.waited_s = waited_s
        who = "another process"
        if pid is not None:
            command = command_line(pid) or holder
            who = f"process {pid}" + (f" ({command})" if command else "")
        if read_only:
            advice = (
                "A crawl or load holds the lock only while it commits a batch, so try again in a "
                "moment; if that process is idle, stop it or query a copy of the file."
            )
        else:
            advice = (
                "DuckDB allows one writing process or many readers, never both: close that "
                f"process's connection (e.g. a `gleaner sql` session or a notebook), or kill {pid}"
                " if it is stuck, then retry."
                if pid is not None
                else "DuckDB allows one writing process or many readers, never both: close the "
                "other connection, then retry."
            )
        super().__init__(
            f"The warehouse {path} is locked by {who}; gave up after {waited_s:.1f} s. {advice}"
        )


def command_line(pid: int) -> str | None:
    """The command line of a process, from ``/proc`` (``None`` where it cannot be read)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = [w.decode("utf-8", "replace") for w in raw.split(b"\0") if w]
    return " ".join(words) or None


class WarehouseMissingError(WarehouseError, FileNotFoundError):
    """A read-only open found no warehouse file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"No warehouse at {path}. Run a crawl first (`gleaner crawl SITE` or `gleaner demo`), "
            "or point to an existing file with --db PATH or the GLEANER_DB environment variable."
        )


class UnknownRunError(WarehouseError, KeyError):
    """A run id that the warehouse does not hold."""

    def __init__(self, run_id: str, known: list[str]) -> None:
        self.run_id = run_id
        self.known = known
        if not known:
            message = f"Unknown run {run_id!r}: the warehouse holds no runs yet."
        else:
            shown = ", ".join(known[:10]) + (", ..." if len(known) > 10 else "")
            message = f"Unknown run {run_id!r}. Known runs, newest first: {shown}."
        super().__init__(message)

    def __str__(self) -> str:
        # KeyError would quote the message as if it were a key.
        return str(self.args[0])


class UserSQLError(WarehouseError, ValueError):
    """SQL given to ``gleaner sql`` that it refuses or that DuckDB could not run."""
