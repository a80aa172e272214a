"""Reading while a crawl writes: ``gleaner sql`` answers during a crawl, and two crawls of
different sites at the same time both finish with nothing lost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import gleaner, query
from tests.served import Served, serve_demo, sites_file, start_gleaner

pytestmark = pytest.mark.e2e


@pytest.fixture
def big_site(tmp_path: Path) -> Iterator[Served]:
    with serve_demo(tmp_path / "big", articles=1000) as served:
        yield served


def test_sql_answers_while_a_crawl_commits(big_site: Served, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    sites = sites_file(tmp_path / "sites.toml", {"big": big_site.url}, concurrency=8)
    crawl = start_gleaner("crawl", "big", "--sites", str(sites), "--db", str(db))
    while not db.exists():
        assert crawl.poll() is None
        time.sleep(0.1)
    took: list[float] = []
    while crawl.poll() is None or len(took) < 20:
        started = time.monotonic()
        result = gleaner(
            "sql", "SELECT count(*) AS n FROM articles", "--db", str(db), "--format", "csv"
        )
        took.append(time.monotonic() - started)
        assert result.stdout.splitlines()[0] == "n"
        time.sleep(0.5)
    assert crawl.wait(timeout=300) == 0
    assert len(took) >= 20
    assert max(took) < 15, f"slowest query took {max(took):.1f} s"
    truth = big_site.truth()
    assert query(db, "SELECT count(*) FROM articles")[0][0] == len(truth)
    assert query(db, "SELECT status FROM runs") == [("finished",)]


def test_two_crawls_of_different_sites_at_once_both_finish(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with serve_demo(tmp_path / "a", seed=1) as a, serve_demo(tmp_path / "b", seed=2) as b:
        sites = sites_file(tmp_path / "sites.toml", {"one": a.url, "two": b.url})
        crawls = [
            start_gleaner(
                "crawl",
                name,
                "--sites",
                str(sites),
                "--db",
                str(db),
                env={"GLEANER_BATCH_SIZE": "20"},
            )
            for name in ("one", "two")
        ]
        assert [c.wait(timeout=300) for c in crawls] == [0, 0]
        for name, served in (("one", a), ("two", b)):
            stored = query(db, "SELECT url FROM articles WHERE site = ?", name)
            assert {url for (url,) in stored} == set(served.truth())
    assert sorted(query(db, "SELECT sites[1], status FROM runs")) == [
        ("one", "finished"),
        ("two", "finished"),
    ]
