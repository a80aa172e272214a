"""``gleaner crawl`` refuses a site another process is crawling, and crawls it once that process
is gone, even killed. Real server, real CLI, real warehouse."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.conftest import gleaner, query
from tests.run.test_locks import hold_in_child

pytestmark = pytest.mark.e2e


def test_crawl_refuses_a_locked_site_then_runs_once_the_holder_is_killed(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    base, log = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "demo"\nstart_urls = ["{base}"]\ndownload_delay = 0.0\n',
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    holder = hold_in_child(db, "demo", "20261125T180000Z-beef")
    try:
        refused = gleaner("crawl", "demo", "--sites", str(sites), "--db", str(db), check=False)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()

    assert refused.returncode == 1
    assert f"site 'demo' is being crawled by pid {holder.pid}" in refused.stderr
    assert "run 20261125T180000Z-beef" in refused.stderr
    assert not log.exists() or log.read_text() == "", "the refused crawl requested nothing"
    assert not db.exists(), "the refused crawl recorded no run"

    gleaner("crawl", "demo", "--sites", str(sites), "--db", str(db), "--max-pages", "3")
    assert query(db, "SELECT status FROM runs") == [("finished",)]
