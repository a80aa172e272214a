"""Shared crawls through a real redis-server: two `gleaner crawl --frontier` workers and one
`gleaner load` loader end with the warehouse a one-process crawl of the demo site makes, whatever
is killed on the way, and the two workers together keep to the site's shared request rate."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GLEANER, ROOT, gleaner, query
from tests.redis_server import RedisServer, fresh_redis, redis_server  # noqa: F401 - fixtures
from tests.served import Served, serve_demo, sites_file

pytestmark = pytest.mark.e2e

ARTICLES = 40
RATE = 10  # requests per second to the site, both workers together
LEASE = "2"  # seconds: a killed worker's requests go back to the queue this soon


@dataclass
class Site:
    served: Served
    sites: Path
    baseline: Path
    baseline_requests: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo site, served with timed request logs, and a one-process crawl of it."""
    tmp = tmp_path_factory.mktemp("frontier")
    with serve_demo(tmp / "site", articles=ARTICLES, log_times=True) as served:
        sites = sites_file(tmp / "sites.toml", {"demo": served.url}, concurrency=4)
        baseline = tmp / "one.duckdb"
        gleaner("crawl", "demo", "--sites", str(sites), "--db", str(baseline))
        requests = len(served.log.read_text().splitlines())
        yield Site(served, sites, baseline, requests)


def start(args: list[str], log: Path, **env: str) -> subprocess.Popen[str]:
    """A real `gleaner` process, its output in ``log``."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **env}
    for name in ("GLEANER_DB", "GLEANER_SITES", "GLEANER_BATCH_SIZE"):
        full_env.pop(name, None)
    with log.open("w") as out:
        return subprocess.Popen(
            [*GLEANER, *args], cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )


def worker(site: Site, redis: RedisServer, log: Path, db: Path) -> subprocess.Popen[str]:
    return start(
        ["crawl", "demo", "--sites", str(site.sites), "--db", str(db), "--frontier", redis.url],
        log,
        GLEANER_FRONTIER_RATE=str(RATE),
        GLEANER_FRONTIER_LEASE=LEASE,
    )


def loader(redis: RedisServer, db: Path, log: Path, *extra: str) -> subprocess.Popen[str]:
    return start(["load", "--from", redis.url, "--db", str(db), "--until-idle", *extra], log)


def finish(proc: subprocess.Popen[str], log: Path, timeout: float = 120) -> None:
    assert proc.wait(timeout=timeout) == 0, log.read_text()


def outcome(db: Path) -> dict[str, Any]:
    """What a user compares: articles, sightings, decisions, the run's status."""
    return {
        "articles": query(db, "SELECT url_key, title, text FROM articles ORDER BY url_key"),
        "sightings": query(
            db,
            "SELECT listing_url, url_key, position, tag FROM sightings ORDER BY ALL",
        ),
        "decisions": dict(query(db, "SELECT decision, count(*) FROM decisions GROUP BY ALL")),
        "rejects": sorted(query(db, "SELECT url, reason FROM rejects")),
        "runs": query(db, "SELECT status, finish_reason FROM runs"),
    }


def wait_for_workers(redis: RedisServer, count: int) -> None:
    """Wait until ``count`` workers have joined the site's run."""
    deadline = time.monotonic() + 60
    while True:
        run = redis.client.get("gleaner:site:demo:run")
        if run and redis.client.scard(f"gleaner:run:{run.decode()}:workers") >= count:
            return
        assert time.monotonic() < deadline
        time.sleep(0.05)


def run_keys(redis: RedisServer) -> list[bytes]:
    return list(redis.client.scan_iter("gleaner:run:*"))


@dataclass
class SharedRun:
    db: Path
    times: list[float]
    report: str


@pytest.fixture(scope="module")
def shared(
    site: Site,
    redis_server: RedisServer,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> SharedRun:
    """Two workers and a loader crawl the site; the request times it served meanwhile."""
    redis_server.flush()
    tmp = tmp_path_factory.mktemp("shared")
    db = tmp / "shared.duckdb"
    before = len(site.served.log.read_text().splitlines())
    workers = [worker(site, redis_server, tmp / f"w{i}.log", db) for i in (1, 2)]
    # both workers wait for the loader's state: started then, they crawl side by side
    wait_for_workers(redis_server, 2)
    load = loader(redis_server, db, tmp / "load.log")
    for i, proc in enumerate(workers, 1):
        finish(proc, tmp / f"w{i}.log")
    finish(load, tmp / "load.log")
    lines = site.served.log.read_text().splitlines()[before:]
    times = sorted(float(line.split()[3]) for line in lines if line.strip())
    assert not run_keys(redis_server)
    return SharedRun(db, times, (tmp / "load.log").read_text())


def test_two_workers_and_a_loader_store_what_one_process_stores(
    site: Site, shared: SharedRun
) -> None:
    got, want = outcome(shared.db), outcome(site.baseline)
    assert len(want["articles"]) >= ARTICLES - 5
    assert got == want
    assert "finished" in shared.report
    assert "Items by decision" in shared.report
    # each worker kept its raw pages in a file of its own, and both fetched articles
    files = query(shared.db, "SELECT DISTINCT warc_path FROM raw_pages")
    assert len(files) == 2
    pages = query(shared.db, "SELECT count(*) FROM raw_pages")
    assert pages == query(site.baseline, "SELECT count(*) FROM raw_pages")


def most_in_a_second(times: list[float]) -> int:
    """The most requests the server received within any one second."""
    return max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))


def test_two_workers_keep_to_the_sites_shared_rate(site: Site, shared: SharedRun) -> None:
    times = shared.times
    assert len(times) > 4 * RATE
    assert most_in_a_second(times) <= RATE
    assert (len(times) - 1) / (times[-1] - times[0]) <= RATE
    # unlimited, the same site is crawled much faster (so the limit is what held the rate)
    lines = site.served.log.read_text().splitlines()[: site.baseline_requests]
    assert most_in_a_second([float(line.split()[3]) for line in lines]) > 2 * RATE


def test_a_worker_killed_mid_run_loses_nothing(
    site: Site,
    fresh_redis: RedisServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = tmp_path / "killed.duckdb"
    before = len(site.served.log.read_text().splitlines())
    load = loader(fresh_redis, db, tmp_path / "load.log")
    first = worker(site, fresh_redis, tmp_path / "w1.log", db)
    deadline = time.monotonic() + 60
    while len(site.served.log.read_text().splitlines()) - before < 25:
        assert time.monotonic() < deadline
        assert first.poll() is None
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    second = worker(site, fresh_redis, tmp_path / "w2.log", db)
    finish(second, tmp_path / "w2.log")
    finish(load, tmp_path / "load.log")
    got, want = outcome(db), outcome(site.baseline)
    assert got["articles"] == want["articles"]
    assert got["sightings"] == want["sightings"]
    assert got["decisions"] == want["decisions"]
    assert got["rejects"] == want["rejects"]
    assert got["runs"] == [("finished", "finished")]
    assert not run_keys(fresh_redis)


def test_a_loader_killed_mid_batch_and_restarted_loses_and_duplicates_nothing(
    site: Site,
    fresh_redis: RedisServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = tmp_path / "reloaded.duckdb"
    log = tmp_path / "load1.log"
    first = start(["load", "--from", fresh_redis.url, "--db", str(db), "--batch-size", "9"], log)
    loading = threading.Event()

    def watch() -> None:
        while first.poll() is None:
            if log.read_text().count(": loading ") >= 4:
                loading.set()
                return
            time.sleep(0.005)

    threading.Thread(target=watch, daemon=True).start()
    workers = [worker(site, fresh_redis, tmp_path / f"w{i}.log", db) for i in (1, 2)]
    assert loading.wait(timeout=90), log.read_text()
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert log.read_text().count(": committed ") >= 3
    for i, proc in enumerate(workers, 1):
        finish(proc, tmp_path / f"w{i}.log")
    assert fresh_redis.client.hlen("gleaner:items:loading") > 0  # taken, not all committed
    second = loader(fresh_redis, db, tmp_path / "load2.log", "--batch-size", "9")
    finish(second, tmp_path / "load2.log")
    # every item decided once, as in one process; which of two copies of one text is kept, and
    # what the site's boilerplate learned by then, depend on the batches (here 9 items each)
    got, want = outcome(db), outcome(site.baseline)
    decided = "SELECT url FROM decisions ORDER BY url"
    assert query(db, decided) == query(site.baseline, decided)
    assert len(got["articles"]) == len(want["articles"])
    assert got["sightings"] == want["sightings"]
    fetch_rejects = "SELECT url, reason FROM rejects WHERE reason <> 'too_short' ORDER BY ALL"
    assert query(db, fetch_rejects) == query(site.baseline, fetch_rejects)
    assert got["runs"] == [("finished", "finished")]
    assert query(db, "SELECT count(*) FROM loaded_items") == [(0,)]
    assert not run_keys(fresh_redis)
    assert fresh_redis.client.hlen("gleaner:items:loading") == 0


def latest_decisions(db: Path) -> dict[str, int]:
    """Decisions of the warehouse's latest run, with the method that took them."""
    latest = query(db, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")[0][0]
    sql = "SELECT decision || '/' || method, count(*) FROM decisions WHERE run_id = ? GROUP BY ALL"
    return dict(query(db, sql, latest))


def test_a_second_shared_crawl_is_incremental_like_a_second_crawl_in_one_process(
    site: Site,
    shared: SharedRun,
    fresh_redis: RedisServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    # the workers know what the warehouse has from the loader: they fetch no known article
    db = tmp_path / "shared.duckdb"
    shutil.copy(shared.db, db)
    before = len(site.served.log.read_text().splitlines())
    load = loader(fresh_redis, db, tmp_path / "load.log")
    again = worker(site, fresh_redis, tmp_path / "w.log", db)
    finish(again, tmp_path / "w.log")
    finish(load, tmp_path / "load.log")
    paths = site.served.requested(before)
    assert paths
    assert not [p for p in paths if p.startswith(("/news/", "/partners/"))]
    one = tmp_path / "one.duckdb"
    shutil.copy(site.baseline, one)
    gleaner("crawl", "demo", "--sites", str(site.sites), "--db", str(one))
    decided = latest_decisions(db)
    assert decided == latest_decisions(one)
    assert decided["unchanged/known"] > ARTICLES / 2
