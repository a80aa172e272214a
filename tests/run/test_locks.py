"""Per-site crawl locks: one holder at a time, named in the refusal, freed when its process dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.run.locks import SiteLockedError, lock_holder, lock_path, site_lock
from tests.conftest import ROOT

_HOLD = """
import sys, time
from crawler.run.locks import site_lock
with site_lock(sys.argv[1], sys.argv[2], sys.argv[3]):
    print("held", flush=True)
    time.sleep(60)
"""


def hold_in_child(db: Path, site: str, run_id: str) -> subprocess.Popen[str]:
    """A process holding the site's lock until it is killed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db), site, run_id],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_held_lock_refuses_a_second_holder_and_names_the_first(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with site_lock(db, "demo", "20261125T180000Z-1a2b") as path:
        assert path == lock_path(db, "demo") == tmp_path / "w.duckdb.locks" / "demo.lock"
        holder = lock_holder(db, "demo")
        assert holder is not None
        assert (holder.pid, holder.run_id) == (os.getpid(), "20261125T180000Z-1a2b")
        assert lock_holder(db, "other") is None, "locks are per site"
        with site_lock(db, "other", "r2"):
            pass
    assert lock_holder(db, "demo") is None
    with site_lock(db, "demo", "r3"):
        assert lock_holder(db, "demo").run_id == "r3"  # type: ignore[union-attr]


def test_another_process_is_refused_until_the_holder_is_killed(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    proc = hold_in_child(db, "demo", "20261125T180000Z-beef")
    try:
        with pytest.raises(SiteLockedError) as caught, site_lock(db, "demo", "mine"):
            pass
        message = str(caught.value)
        assert f"pid {proc.pid}" in message
        assert "run 20261125T180000Z-beef" in message
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    assert lock_holder(db, "demo") is None, "a killed holder leaves the site free"
    with site_lock(db, "demo", "mine"):
        assert lock_holder(db, "demo").run_id == "mine"  # type: ignore[union-attr]
