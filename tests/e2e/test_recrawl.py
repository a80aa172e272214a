"""Crawling again: no new article rows, and the second run's report says why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import free_port, gleaner, query

pytestmark = pytest.mark.e2e


def test_demo_twice_adds_no_articles(tmp_path: Path) -> None:
    db, truth = tmp_path / "w.duckdb", tmp_path / "truth.jsonl"
    port = str(free_port())
    gleaner("demo", "--port", port, "--db", str(db), "--truth", str(truth))
    first = query(db, "SELECT count(*) FROM articles")[0][0]
    assert first == len(truth.read_text().splitlines())

    gleaner("demo", "--port", port, "--db", str(db))
    assert query(db, "SELECT count(*) FROM articles")[0][0] == first

    report = json.loads(gleaner("report", "latest", "--db", str(db), "--json").stdout)
    assert report["items"]["unchanged"] == first
    assert report["items"].get("new", 0) == 0
    runs = json.loads(gleaner("runs", "--db", str(db), "--json").stdout)
    assert [r["status"] for r in runs] == ["finished", "finished"]
    versions = query(db, "SELECT max(version_count) FROM articles")[0][0]
    assert versions == 1


def test_crawl_command_with_a_sites_file(tmp_path: Path, served_demo: tuple[str, Path]) -> None:
    url, log = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "local"\nstart_urls = ["{url}"]\ndownload_delay = 0\n')
    db = tmp_path / "w.duckdb"
    result = gleaner("crawl", "local", "--sites", str(sites), "--db", str(db), "--max-pages", "5")
    assert "local" in result.stdout
    pages = query(db, "SELECT count(*) FROM fetches WHERE role <> 'robots'")[0][0]
    assert 1 <= pages <= 5 + 4  # requests already in flight (concurrency 4) still complete
    assert query(db, "SELECT sites, status, finish_reason FROM runs") == [
        (["local"], "finished", "closespider_pagecount")
    ]
    assert len(log.read_text().splitlines()) <= 1 + 5 + 4


def test_scrapy_crawl_news_works_too(tmp_path: Path, served_demo: tuple[str, Path]) -> None:
    import subprocess
    import sys

    url, _ = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "local"\nstart_urls = ["{url}"]\ndownload_delay = 0\n')
    db = tmp_path / "w.duckdb"
    scrapy = Path(sys.executable).parent / "scrapy"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            str(scrapy), "crawl", "news", "-a", "site=local",
            "-s", f"GLEANER_DB={db}", "-s", f"GLEANER_SITES_FILE={sites}",
            "-s", "CLOSESPIDER_PAGECOUNT=8", "-s", "LOG_LEVEL=WARNING", "-s", "GLEANER_PROGRESS=1",
        ],
        cwd=root, check=True, timeout=300, capture_output=True, text=True,
    )  # fmt: skip
    assert re.search(r"local: \d+ pages, \d+ items, \d+ rejects", result.stderr)
    assert query(db, "SELECT status FROM runs") == [("finished",)]
    assert query(db, "SELECT count(*) FROM sightings")[0][0] > 0


def test_a_page_over_the_size_limit_is_a_too_large_reject(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    url, _ = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "local"\nstart_urls = ["{url}"]\ndownload_delay = 0\n'
        "max_page_bytes = 2048\n"
    )
    db = tmp_path / "w.duckdb"
    gleaner("crawl", "local", "--sites", str(sites), "--db", str(db))
    assert query(db, "SELECT url, reason FROM rejects") == [(url, "too_large")]
    assert query(db, "SELECT count(*) FROM articles") == [(0,)]


def test_demo_serve_only_serves(tmp_path: Path) -> None:
    import signal
    import subprocess
    import urllib.request

    from tests.conftest import GLEANER

    port = free_port()
    proc = subprocess.Popen(
        [*GLEANER, "demo", "--serve", "--port", str(port), "--db", str(tmp_path / "w.duckdb")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith(f"serving http://127.0.0.1:{port}/")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=10) as resp:
            assert b"Disallow: /members/" in resp.read()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
        proc.wait()
        if proc.stdout:
            proc.stdout.close()
    assert not (tmp_path / "w.duckdb").exists(), "serving alone crawls nothing"
