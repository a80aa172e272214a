"""Raw pages on a real crawl: WARC files beside the warehouse, and ``gleaner reextract`` from them.

The demo crawl's server is stopped by the time these tests run, so a re-extraction that asked
it for anything would fail.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import duckdb
import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo import build_site
from crawler.raw.warc import iter_pages
from tests.conftest import GLEANER, ROOT, gleaner, query

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import DemoRun

pytestmark = pytest.mark.e2e

#: The environment of a crawl started here (as the ``gleaner`` fixture has it).
ENV = {k: v for k, v in os.environ.items() if not k.startswith("GLEANER_")} | {
    "PYTHONPATH": str(ROOT)
}


def copy_warehouse(run: DemoRun, tmp_path: Path) -> Path:
    """The demo crawl's warehouse and raw pages, copied so a test may add runs to them."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(run.db, db)
    shutil.copytree(run.db.with_suffix(".warc"), db.with_suffix(".warc"))
    return db


def sites_file(tmp_path: Path, port: int, cleanup: str = "") -> Path:
    """A sites file with the demo site (as ``gleaner demo`` crawls it) and extra cleanup rules."""
    path = tmp_path / "sites.toml"
    path.write_text(
        f'[[site]]\nname = "demo"\nstart_urls = ["http://127.0.0.1:{port}/"]\n'
        f"[site.cleanup]\n{cleanup}\n"
    )
    return path


def reextract_run(db: Path) -> dict[str, Any]:
    """The latest run, which must be a re-extraction, as ``gleaner runs --json`` shows it."""
    runs = json.loads(gleaner("runs", "--json", "--db", str(db)).stdout)
    assert runs[0]["finish_reason"] == "reextract"
    return dict(runs[0])


def decisions(db: Path, run_id: str) -> dict[int, str]:
    rows = query(db, "SELECT article_id, decision FROM decisions WHERE run_id = ?", run_id)
    return dict(rows)


def test_the_crawl_keeps_every_article_page_in_a_warc_file_beside_the_warehouse(
    demo_run: DemoRun,
) -> None:
    db = demo_run.db
    root = db.with_suffix(".warc")
    [(run_id,)] = query(db, "SELECT run_id FROM runs")
    assert [p.relative_to(root).as_posix() for p in root.rglob("*.*")] == [f"demo/{run_id}.warc.gz"]
    rows = query(
        db, "SELECT url, warc_path, warc_offset, warc_length, sha256, http_status FROM raw_pages"
    )
    assert {row[1] for row in rows} == {f"demo/{run_id}.warc.gz"}
    assert {row[5] for row in rows} == {200}
    unkept = query(
        db,
        "SELECT url FROM articles WHERE fetched_url NOT IN (SELECT url FROM raw_pages) "
        "UNION ALL SELECT url FROM rejects WHERE http_status = 200 "
        "AND url NOT IN (SELECT url FROM raw_pages)",
    )
    assert unkept == []
    assert query(db, "SELECT count(*) FROM rejects WHERE http_status = 200")[0][0] >= 1

    # Any WARC reader finds the records where the index says, with the bodies it hashed...
    found = {}
    with (root / rows[0][1]).open("rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type == "response":
                body = record.content_stream().read()
                url = record.rec_headers.get_header("WARC-Target-URI")
                span = (records.get_record_offset(), records.get_record_length())
                found[url] = (*span, hashlib.sha256(body).hexdigest())
    assert found == {url: (offset, length, sha) for url, _, offset, length, sha, _ in rows}

    # ...and those bodies are the bytes the site served (a windows-1252 page included).
    site = build_site()
    base = f"http://127.0.0.1:{demo_run.port}"
    for url, *_, sha, _ in rows:
        served = site.page(urlsplit(url).path, base).body
        assert hashlib.sha256(served).hexdigest() == sha, url


def test_reextract_fetches_nothing_and_finds_every_text_unchanged(
    demo_run: DemoRun, tmp_path: Path
) -> None:
    with pytest.raises(ConnectionRefusedError):  # the demo server is gone: nothing could be fetched
        socket.create_connection(("127.0.0.1", demo_run.port), timeout=2).close()
    db = copy_warehouse(demo_run, tmp_path)
    articles = query(db, "SELECT count(*) FROM articles")[0][0]
    result = gleaner("reextract", "--db", str(db), "--sites", str(sites_file(tmp_path, 1)))
    run = reextract_run(db)
    assert run["status"] == "finished"
    assert run["pages"] == 0
    assert (run["items"], run["unchanged"]) == (articles, articles)
    assert query(db, "SELECT count(*) FROM fetches WHERE run_id = ?", run["run_id"]) == [(0,)]
    assert "finished (reextract)" in result.stdout
    assert f"{articles} unchanged" in result.stdout
    listed = gleaner("runs", "--db", str(db)).stdout.splitlines()
    [line] = [line for line in listed if run["run_id"] in line]
    assert "finished (reextract)" in line
    [(settings,)] = query(db, "SELECT settings FROM runs WHERE run_id = ?", run["run_id"])
    assert json.loads(settings)["mode"] == "reextract"
    assert query(db, "SELECT max(version_count) FROM articles") == [(1,)]


def test_a_new_cleanup_rule_makes_a_new_version_of_each_article_it_changes(
    demo_run: DemoRun, tmp_path: Path
) -> None:
    db = copy_warehouse(demo_run, tmp_path)
    before = dict(query(db, "SELECT article_id, text FROM articles ORDER BY article_id"))
    in_articles = Counter(p for text in before.values() for p in set(text.split("\n\n")))
    phrase = max((p for p, n in in_articles.items() if 1 < n < len(before)), key=in_articles.get)
    changed = {i for i, text in before.items() if phrase in text.split("\n\n")}
    sites = sites_file(tmp_path, demo_run.port, f"drop_phrases = [{json.dumps(phrase)}]")

    result = gleaner("reextract", "--site", "demo", "--db", str(db), "--sites", str(sites))
    run = reextract_run(db)
    decided = decisions(db, run["run_id"])
    assert {i for i, d in decided.items() if d == "updated"} == changed
    assert {i for i, d in decided.items() if d == "unchanged"} == set(before) - changed
    versions = query(
        db, "SELECT article_id, version, text FROM article_versions WHERE run_id = ?", run["run_id"]
    )
    assert {i for i, _, _ in versions} == changed
    for article_id, version, text in versions:
        assert version == 2
        kept = [p for p in before[article_id].split("\n\n") if p != phrase]
        assert text.split("\n\n") == kept
    now = dict(query(db, "SELECT article_id, text FROM articles"))
    assert all(phrase not in now[i].split("\n\n") for i in changed)
    report = json.loads(gleaner("report", "--json", "--db", str(db)).stdout)
    assert {u["article_id"] for u in report["updated"]} == changed
    assert all(u["version"] == 2 and 0 < u["changed"] < 0.2 for u in report["updated"])
    assert "Updated articles" in result.stdout


def test_a_page_whose_record_is_lost_is_a_raw_missing_reject_and_the_run_goes_on(
    demo_run: DemoRun, tmp_path: Path
) -> None:
    db = copy_warehouse(demo_run, tmp_path)
    kept = query(
        db,
        "SELECT a.article_id, a.fetched_url, r.warc_path, r.warc_offset, r.warc_length "
        "FROM articles AS a JOIN raw_pages AS r ON r.url = a.fetched_url "
        "ORDER BY r.warc_offset DESC",
    )
    (cut_id, cut_url, path, offset, length), (gone_id, gone_url, *_) = kept[:2]
    warc = db.with_suffix(".warc") / path
    with warc.open("r+b") as fh:  # the last record cut short, as a killed crawl leaves it
        fh.truncate(offset + length // 2)
    with duckdb.connect(str(db)) as conn:  # a page crawled before raw pages were kept
        conn.execute("DELETE FROM raw_pages WHERE url = ?", [gone_url])

    gleaner("reextract", "--db", str(db), "--sites", str(sites_file(tmp_path, demo_run.port)))
    run = reextract_run(db)
    assert run["status"] == "finished"
    assert (run["rejects"], run["unchanged"]) == (2, len(kept) - 2)
    rejects = query(
        db, "SELECT url, reason, detail FROM rejects WHERE run_id = ? ORDER BY url", run["run_id"]
    )
    assert {(url, reason) for url, reason, _ in rejects} == {
        (cut_url, "raw_missing"),
        (gone_url, "raw_missing"),
    }
    details = {url: detail for url, _, detail in rejects}
    assert "cut short" in details[cut_url]
    assert "no raw page" in details[gone_url]
    assert cut_id not in decisions(db, run["run_id"])  # a reject names no article
    assert (
        query(db, "SELECT count(*) FROM articles WHERE article_id IN (?, ?)", cut_id, gone_id)[0][0]
        == 2
    )  # the stored articles stay as they were


def test_raw_pages_go_where_gleaner_raw_dir_says_or_nowhere_with_keep_raw_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "raw"
    monkeypatch.setenv("GLEANER_RAW_DIR", str(elsewhere))
    db = tmp_path / "moved.duckdb"
    gleaner("demo", "--port", "0", "--db", str(db))
    assert not db.with_suffix(".warc").exists()
    [(run_id,)] = query(db, "SELECT run_id FROM runs")
    assert (elsewhere / "demo" / f"{run_id}.warc.gz").stat().st_size > 0
    sites = sites_file(tmp_path, 1)
    gleaner("reextract", "--db", str(db), "--sites", str(sites))
    assert reextract_run(db)["rejects"] == 0
    monkeypatch.delenv("GLEANER_RAW_DIR")  # and --raw-dir says the same
    gleaner("reextract", "--db", str(db), "--sites", str(sites), "--raw-dir", str(elsewhere))
    assert reextract_run(db)["rejects"] == 0

    monkeypatch.setenv("GLEANER_KEEP_RAW", "0")
    db = tmp_path / "plain.duckdb"
    gleaner("demo", "--port", "0", "--db", str(db))
    assert not db.with_suffix(".warc").exists()
    assert query(db, "SELECT count(*) FROM raw_pages") == [(0,)]
    articles = query(db, "SELECT count(*) FROM articles")[0][0]
    gleaner("reextract", "--db", str(db), "--sites", str(sites))
    run = reextract_run(db)
    assert (run["status"], run["rejects"], run["items"]) == ("finished", articles, articles)
    reasons = query(db, "SELECT DISTINCT reason FROM rejects WHERE run_id = ?", run["run_id"])
    assert reasons == [("raw_missing",)]


def test_a_crawl_killed_mid_run_leaves_every_record_before_the_kill_readable(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    base, _ = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(  # slow enough to be killed mid-run
        f'[[site]]\nname = "demo"\nstart_urls = ["{base}"]\ndownload_delay = 0.05\n'
        "concurrency = 1\n"
    )
    db = tmp_path / "killed.duckdb"
    command = [*GLEANER, "crawl", "demo", "--sites", str(sites), "--db", str(db)]
    crawl = subprocess.Popen(
        command,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    folder = db.with_suffix(".warc") / "demo"
    deadline = time.monotonic() + 60
    try:
        while sum(1 for _ in folder.glob("*.warc.gz")) == 0 or _size(folder) < 20_000:
            assert crawl.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
    finally:
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait(timeout=10)
    [warc] = folder.glob("*.warc.gz")
    kept = list(iter_pages(warc))
    assert len(kept) >= 3
    site = build_site()
    for _, page in kept:
        assert page.body == site.page(urlsplit(page.url).path, base.rstrip("/")).body
    # Up to the end of its last complete record the file is a WARC any reader takes whole.
    end = kept[-1][0].offset + kept[-1][0].length
    with warc.open("rb") as fh:
        records = list(ArchiveIterator(io.BytesIO(fh.read(end))))
    assert [r.rec_type for r in records] == ["warcinfo"] + ["response"] * len(kept)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.warc.gz"))


def test_reextract_says_plainly_what_it_cannot_do(demo_run: DemoRun, tmp_path: Path) -> None:
    sites = sites_file(tmp_path, 1)
    missing = tmp_path / "none.duckdb"
    result = gleaner("reextract", "--site", "demo", "--db", str(missing), check=False)
    assert result.returncode == 1
    assert "No warehouse at" in result.stderr
    assert not missing.exists()  # not created empty
    result = gleaner(
        "reextract", "--site", "other", "--db", str(demo_run.db), "--sites", str(sites), check=False
    )
    assert result.returncode == 1
    assert "no site named 'other'" in result.stderr
    other = tmp_path / "other.toml"
    other.write_text('[[site]]\nname = "other"\nstart_urls = ["http://127.0.0.1:1/"]\n')
    result = gleaner("reextract", "--db", str(demo_run.db), "--sites", str(other), check=False)
    assert result.returncode == 1
    assert "site 'demo' is not in" in result.stderr
    assert "holds no articles of the sites in the sites file" in result.stderr
    assert query(demo_run.db, "SELECT count(*) FROM runs") == [(1,)]  # no run was started
