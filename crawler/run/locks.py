"""Per-site crawl locks: one crawl of a site at a time, whoever starts it.

A crawl holds an exclusive ``flock`` on ``<warehouse>.locks/<site>.lock`` for as long as it runs.
The kernel releases a ``flock`` when its process ends, however it ends, so a crash or a SIGKILL
never leaves a site locked. The file holds the holder's pid and run id, for messages only: whether
a site is locked is the lock's business, never the file's content.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a site's lock, as its lock file says (``None``: not written yet)."""

    pid: int | None
    run_id: str | None

    def describe(self) -> str:
        """``pid 4242, run 20261125T180000Z-1a2b``, or what is known of it."""
        pid = f"pid {self.pid}" if self.pid is not None else "an unknown process"
        return f"{pid}, run {self.run_id}" if self.run_id else pid


class SiteLockedError(Exception):
    """A site's lock is held by another process: its crawl is still running."""

    def __init__(self, site: str, holder: LockHolder, path: Path) -> None:
        self.site = site
        self.holder = holder
        self.path = path
        super().__init__(
            f"site {site!r} is being crawled by {holder.describe()} (lock {path}); "
            "wait for that crawl to end, or stop it"
        )


def lock_dir(db_path: str | os.PathLike[str]) -> Path:
    """The directory of the warehouse's site locks: its path with ``.locks`` appended."""
    return Path(f"{os.fspath(db_path)}.locks")


def lock_path(db_path: str | os.PathLike[str], site: str) -> Path:
    """The lock file of one site of a warehouse."""
    return lock_dir(db_path) / f"{site}.lock"


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _read_holder(fd: int) -> LockHolder:
    os.lseek(fd, 0, os.SEEK_SET)
    words = os.read(fd, 256).decode("utf-8", "replace").split()
    pid = int(words[0]) if words and words[0].isdigit() else None
    return LockHolder(pid, words[1] if len(words) > 1 else None)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def site_lock(db_path: str | os.PathLike[str], site: str, run_id: str) -> Iterator[Path]:
    """Hold a site's lock for the block, or fail at once if another process holds it.

    Args:
        db_path: The warehouse the crawl writes to.
        site: The site's name.
        run_id: The crawl's run id, written in the lock file with this process's pid.

    Returns:
        A context manager yielding the lock file's path.

    Raises:
        SiteLockedError: Another process holds the lock; the error names its pid and run.
    """
    path = lock_path(db_path, site)
    fd = _open(path)
    try:
        if not _try_lock(fd):
            raise SiteLockedError(site, _read_holder(fd), path)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {run_id}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the only descriptor releases the flock


@contextlib.contextmanager
def site_locks(db_path: str | os.PathLike[str], run_ids: Mapping[str, str]) -> Iterator[None]:
    """Hold the locks of several sites (site name to run id); all or none.

    Raises:
        SiteLockedError: One of them is held elsewhere; those taken already are released.
    """
    with contextlib.ExitStack() as stack:
        for site, run_id in run_ids.items():
            stack.enter_context(site_lock(db_path, site, run_id))
        yield


def lock_holder(db_path: str | os.PathLike[str], site: str) -> LockHolder | None:
    """Who holds a site's lock now, or ``None`` when nobody does.

    Args:
        db_path: The warehouse.
        site: The site's name.

    Returns:
        The holder as its lock file names it, or ``None``.
    """
    path = lock_path(db_path, site)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd)
        return None
    finally:
        os.close(fd)
