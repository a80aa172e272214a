"""SIGTERM to ``gleaner crawl`` at any moment (spider opening, crawling, closing at its page
limit) leaves no run ``running``. Real server, real CLI, real warehouse."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from crawler.run.locks import lock_path
from tests.conftest import GLEANER, ROOT, query

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("after_s", [0.1, 0.4, 1.2, 1.8, 2.2])
def test_sigterm_at_any_moment_ends_the_run(
    tmp_path: Path, served_demo: tuple[str, Path], after_s: float
) -> None:
    base, _ = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "demo"\nstart_urls = ["{base}"]\ndownload_delay = 0.05\nmax_pages = 6\n',
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [*GLEANER, "crawl", "demo", "--sites", str(sites), "--db", str(db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = lock_path(db, "demo")
    deadline = time.monotonic() + 30
    while not (lock.exists() and lock.read_text()) and proc.poll() is None:
        assert time.monotonic() < deadline, "the crawl never took its site's lock"
        time.sleep(0.02)
    time.sleep(after_s)  # from the lock, taken just before the crawl starts
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)

    runs = query(db, "SELECT status, finish_reason FROM runs") if db.exists() else []
    for run in runs:  # a signal during the interpreter's own exit may end it by SIGTERM: harmless
        assert run in {("interrupted", "shutdown"), ("finished", "closespider_pagecount")}, stderr
    if not runs:  # signalled before any crawl started: nothing to record
        assert proc.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM), stderr
    elif runs == [("interrupted", "shutdown")]:
        assert proc.returncode == 0, stderr
