"""A real ``gleaner crawl`` killed with SIGKILL at several points: the warehouse opens, the run is
interrupted, what it committed is intact, and the next run ends where an uninterrupted one does."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import gleaner, query
from tests.served import Served, serve_demo, sites_file, start_gleaner

pytestmark = pytest.mark.e2e

#: Small batches, so that a crawl commits many times before it ends.
SMALL_BATCHES = {"GLEANER_BATCH_SIZE": "10"}
#: Enough articles for the crawl's commits to spread over a few seconds.
ARTICLES = 150


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve_demo(tmp_path_factory.mktemp("kill-site"), articles=ARTICLES) as served:
        yield served


@pytest.fixture(scope="module")
def sites(site: Served, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sites_file(tmp_path_factory.mktemp("kill-sites") / "sites.toml", {"demo": site.url})


def stored(db: Path) -> dict[str, tuple[str, str]]:
    """url_key -> (title, text) of every stored article."""
    rows = query(db, "SELECT url_key, title, text FROM articles")
    return {key: (title, text) for key, title, text in rows}


@pytest.fixture(scope="module")
def uninterrupted(sites: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The articles of one uninterrupted crawl."""
    db = tmp_path_factory.mktemp("kill-reference") / "w.duckdb"
    gleaner("crawl", "demo", "--sites", str(sites), "--db", str(db))
    return stored(db)


def poll(db: Path, sql: str) -> int:
    """One count from the warehouse, read-only; -1 while it is missing or being written."""
    try:
        return int(query(db, sql)[0][0])
    except (duckdb.Error, IndexError):
        return -1


def runs_json(db: Path) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = json.loads(gleaner("runs", "--json", "--db", str(db)).stdout)
    return runs


#: Kill points: a condition on the warehouse, polled while the crawl runs.
POINTS: dict[str, Callable[[Path], bool]] = {
    "before the first commit": lambda db: poll(db, "SELECT count(*) FROM runs") == 1,
    "after one batch": lambda db: poll(db, "SELECT count(*) FROM articles") >= 1,
    "mid-way": lambda db: poll(db, "SELECT count(*) FROM articles") >= ARTICLES // 2,
}


def kill_at(point: str, db: Path, sites: Path) -> None:
    """Start a crawl with small batches; kill it with SIGKILL once ``point`` is reached."""
    crawl = start_gleaner(
        "crawl", "demo", "--sites", str(sites), "--db", str(db), env=SMALL_BATCHES
    )
    deadline = time.monotonic() + 60
    while not POINTS[point](db):
        assert crawl.poll() is None, f"the crawl ended before the kill point ({point})"
        assert time.monotonic() < deadline, f"the kill point ({point}) was never reached"
        time.sleep(0.02)
    workers = children(crawl.pid)
    if point != "before the first commit":
        assert workers, "the crawl has extraction workers"
    os.kill(crawl.pid, signal.SIGKILL)
    assert crawl.wait(timeout=10) == -signal.SIGKILL
    # The extraction workers do not outlive the crawl.
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers):
        assert time.monotonic() < deadline, "extraction workers outlived the killed crawl"
        time.sleep(0.1)


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.parametrize("point", list(POINTS))
def test_a_crawl_killed_mid_run_is_interrupted_and_the_next_run_finishes_its_work(
    point: str, site: Served, sites: Path, uninterrupted: dict[str, Any], tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    kill_at(point, db, sites)

    runs = runs_json(db)  # opens the warehouse, and records what it finds
    assert [(r["status"], r["finish_reason"]) for r in runs] == [("interrupted", "process_gone")]
    assert query(db, "SELECT status FROM runs") == [("interrupted",)]
    truth = site.truth()
    kept = query(db, "SELECT url, title, text FROM articles")
    assert len(kept) < len(uninterrupted), "killed before the crawl was done"
    for url, title, text in [k for k in kept if k[0] in truth]:  # a wire copy is no truth article
        assert title == truth[url]["title"]
        assert text.split() == truth[url]["text"].split()

    mark = len(site.requested())
    gleaner("crawl", "demo", "--sites", str(sites), "--db", str(db))

    # Which of an article and its wire copy is stored follows the order they are committed in,
    # so the texts and their number are compared.
    after = stored(db)
    assert sorted(text for _, text in after.values()) == sorted(
        text for _, text in uninterrupted.values()
    )
    assert query(db, "SELECT count(*), count(DISTINCT url_key) FROM articles")[0] == (
        len(uninterrupted),
        len(uninterrupted),
    )
    assert query(db, "SELECT max(version_count) FROM articles") == [(1,)]
    assert query(db, "SELECT count(*) FROM article_versions")[0][0] == len(uninterrupted)
    assert [r["status"] for r in runs_json(db)] == ["finished", "interrupted"]
    # After an interrupted run the next one follows every listing's pagination: a page that
    # lists only articles the killed run stored must not hide the pages after it.
    again = site.requested(mark)
    paginated = {p for p in site.requested() if "/page/" in p}
    assert paginated <= set(again)
