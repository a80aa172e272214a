"""Loading in many small batches, and a crawl killed mid-run: nothing committed is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, query

pytestmark = pytest.mark.e2e


def scrapy_crawl(sites: Path, db: Path, *settings: str) -> subprocess.Popen[bytes]:
    """``scrapy crawl news -a site=local`` in a child process."""
    args = [str(Path(sys.executable).parent / "scrapy"), "crawl", "news", "-a", "site=local"]
    for setting in (
        f"GLEANER_DB={db}",
        f"GLEANER_SITES_FILE={sites}",
        "LOG_LEVEL=ERROR",
        *settings,
    ):
        args += ["-s", setting]
    return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write_sites(tmp_path: Path, url: str, delay: float = 0) -> Path:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "local"\nstart_urls = ["{url}"]\ndownload_delay = {delay}\n'
        "concurrency = 2\n"
    )
    return sites


def stored_matches_truth(db: Path, truth_file: Path) -> None:
    truth = {t["url"]: t for t in map(json.loads, truth_file.read_text().splitlines())}
    rows = query(db, "SELECT url, title, text FROM articles")
    assert len(rows) == len(truth)
    for url, title, text in rows:
        assert title == truth[url]["title"]
        assert text.split() == truth[url]["text"].split()


def test_many_small_batches_store_what_one_batch_would(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    url, log = served_demo
    db = tmp_path / "w.duckdb"
    crawl = scrapy_crawl(write_sites(tmp_path, url), db, "GLEANER_BATCH_SIZE=10")
    assert crawl.wait(timeout=300) == 0
    stored_matches_truth(db, log.parent / "truth.jsonl")
    batches = query(db, "SELECT count(DISTINCT decided_at) FROM decisions")[0][0]
    assert batches > 3
    assert query(db, "SELECT status FROM runs") == [("finished",)]


def test_a_killed_crawl_keeps_its_commits_and_the_next_run_finishes(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    url, log = served_demo
    db = tmp_path / "w.duckdb"
    sites = write_sites(tmp_path, url, delay=0.05)
    crawl = scrapy_crawl(sites, db, "GLEANER_BATCH_SIZE=10", "AUTOTHROTTLE_ENABLED=False")
    deadline = time.monotonic() + 120
    committed = 0
    while committed < 5 and time.monotonic() < deadline and crawl.poll() is None:
        time.sleep(0.2)
        try:
            committed = query(db, "SELECT count(*) FROM articles")[0][0]
        except (duckdb.Error, IndexError):
            continue  # not created yet, or the loader is committing
    assert crawl.poll() is None, "the crawl ended before it could be killed"
    os.kill(crawl.pid, signal.SIGKILL)
    crawl.wait()

    kept = query(db, "SELECT url, title, text FROM articles")
    assert 5 <= len(kept) < 60, "killed after some batches were committed, before the last"
    truth = {
        t["url"]: t for t in map(json.loads, (log.parent / "truth.jsonl").read_text().splitlines())
    }
    for article_url, title, text in kept:
        assert title == truth[article_url]["title"]
        assert text.split() == truth[article_url]["text"].split()
    assert query(db, "SELECT status FROM runs") == [("running",)]

    rerun = scrapy_crawl(sites, db)
    assert rerun.wait(timeout=300) == 0
    stored_matches_truth(db, log.parent / "truth.jsonl")
    assert query(db, "SELECT count(*), count(DISTINCT url_key) FROM articles")[0] == (
        len(truth),
        len(truth),
    )
