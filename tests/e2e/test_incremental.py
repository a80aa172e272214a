"""Incremental crawls of the demo site: a second crawl costs only what changed, and its report
counts what the site's truth says changed. Real server, real CLI, real warehouse."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.demo import build_site
from tests.conftest import gleaner, query

pytestmark = pytest.mark.e2e

_SOURCES = ("/", "/tag/", "/feed.xml", "/atom.xml", "/sitemap.xml", "/sitemaps/")


def sites_file(tmp_path: Path, base: str, extra: str = "") -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(
        f'[[site]]\nname = "demo"\nstart_urls = ["{base}"]\nfeeds = ["{base}feed.xml"]\n'
        f'sitemaps = ["{base}sitemap.xml"]\ndownload_delay = 0.0\nconcurrency = 8\n{extra}',
        encoding="utf-8",
    )
    return path


def crawl(tmp_path: Path, base: str, db: Path) -> dict[str, Any]:
    """Crawl the demo site once; return the run's report."""
    gleaner("crawl", "demo", "--sites", str(sites_file(tmp_path, base)), "--db", str(db))
    report: dict[str, Any] = json.loads(gleaner("report", "--db", str(db), "--json").stdout)
    return report


def requests(log: Path, start: int = 0) -> list[tuple[str, str, int]]:
    """(method, path, status) of each request logged from line ``start`` on."""
    lines = log.read_text(encoding="utf-8").splitlines()[start:]
    return [(m, p, int(s)) for m, p, s in (line.split() for line in lines if line.strip())]


def is_source(path: str) -> bool:
    clean = path.partition("?")[0]
    return clean == "/" or clean.startswith(_SOURCES[1:])


def is_article(path: str) -> bool:
    return path.partition("?")[0].partition(";")[0].endswith(".html")


def truth(log: Path) -> list[dict[str, Any]]:
    lines = (log.parent / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_second_crawl_of_an_unchanged_site_requests_no_article(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    base, log = served_demo
    db = tmp_path / "w.duckdb"
    first = crawl(tmp_path, base, db)
    assert first["items"]["new"] > 0
    mark = len(requests(log))

    second = crawl(tmp_path, base, db)

    again = [r for r in requests(log, mark) if r[1] != "/robots.txt"]
    assert again, "listing sources are requested every run"
    assert [r for r in again if is_article(r[1])] == [], "no article page requested"
    assert {status for _, path, status in again if is_source(path)} == {304}
    assert all(is_source(path) for _, path, _ in again)
    records = truth(log)
    assert second["items"]["new"] == 0
    assert second["items"]["updated"] == 0
    assert second["items"]["unchanged"] == len(records)
    assert second["pages"]["by_status"].get("200", 0) <= 1  # robots.txt at most


def test_a_day_later_only_new_and_edited_articles_are_fetched(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    base, log = served_demo
    db = tmp_path / "w.duckdb"
    crawl(tmp_path, base, db)
    with urllib.request.urlopen(urllib.request.Request(f"{base}_demo/day/1", method="POST")) as r:
        assert json.load(r) == {"day": 1}
    mark = len(requests(log))

    report = crawl(tmp_path, base, db)

    records = truth(log)
    changes = {record["url"].removeprefix(base.rstrip("/")): record["change"] for record in records}
    fresh = {path for path, change in changes.items() if change in ("new", "updated")}
    again = requests(log, mark)
    fetched_articles = {path for _, path, _ in again if is_article(path)}
    assert fetched_articles == fresh, "exactly the new articles and the edited one"
    # Listing sources answer 304 exactly when their bytes did not change overnight.
    day0, day1 = build_site(), build_site(day=1)
    for _, path, status in again:
        if not is_source(path):
            continue
        same = day0.page(path, base).body == day1.page(path, base).body
        assert status == (304 if same else 200), path
    assert any(status == 304 for _, path, status in again if is_source(path))
    counts = {change: list(changes.values()).count(change) for change in ("new", "updated")}
    assert report["items"]["new"] == counts["new"]
    assert report["items"]["updated"] == counts["updated"]
    assert report["items"]["unchanged"] == list(changes.values()).count("unchanged")
    [updated] = report["updated"]
    assert updated["version"] == 2
    assert 0 < updated["changed"] < 0.5, "the report says how much of the text changed"
    [edited] = [record for record in records if record["change"] == "updated"]
    stored = query(
        db, "SELECT modified_at, modified_source FROM articles WHERE url = ?", edited["url"]
    )
    [(modified_at, modified_source)] = stored
    assert modified_at == datetime.fromisoformat(edited["modified_at"])
    assert modified_source in ("json-ld", "meta", "time")


def test_recheck_after_asks_conditionally_and_a_304_is_unchanged(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    base, log = served_demo
    db = tmp_path / "w.duckdb"
    sites = str(sites_file(tmp_path, base, 'recheck_after = "1s"\n'))
    gleaner("crawl", "demo", "--sites", sites, "--db", str(db))
    time.sleep(1.1)
    mark = len(requests(log))
    gleaner("crawl", "demo", "--sites", sites, "--db", str(db))
    rechecked = {p for _, p, s in requests(log, mark) if is_article(p) and s == 304}
    assert len(rechecked) >= len(truth(log)), "every article asked again, and not modified"
    report = json.loads(gleaner("report", "--db", str(db), "--json").stdout)
    assert report["items"]["unchanged"] == len(truth(log))
    assert report["items_by_method"]["unchanged"]["not_modified"] == len(truth(log))


def test_refresh_fetches_every_article_again(tmp_path: Path, served_demo: tuple[str, Path]) -> None:
    base, log = served_demo
    db = tmp_path / "w.duckdb"
    crawl(tmp_path, base, db)
    mark = len(requests(log))
    sites = str(sites_file(tmp_path, base))
    gleaner("crawl", "demo", "--sites", sites, "--db", str(db), "--refresh")
    again = requests(log, mark)
    assert len({p for _, p, s in again if is_article(p) and s == 200}) >= len(truth(log))
    assert all(s != 304 for _, _, s in again)
    report = json.loads(gleaner("report", "--db", str(db), "--json").stdout)
    assert report["items"]["new"] == 0
    assert report["items"]["unchanged"] == len(truth(log))


def test_dedupe_on_the_demo_site(tmp_path: Path, served_demo: tuple[str, Path]) -> None:
    base, log = served_demo
    db = tmp_path / "w.duckdb"
    report = crawl(tmp_path, base, db)
    records = truth(log)
    # Every tracking-parameter and session-id variant of an article is that one article.
    variants = [(r["url"], other) for r in records for other in r["other_urls"]]
    assert any(";jsessionid=" in o for _, o in variants)
    assert any("?sid=" in o for _, o in variants)
    assert any("utm_" in o for _, o in variants)
    for url, _ in variants:
        assert query(db, "SELECT count(*) FROM articles WHERE url = ?", url) == [(1,)]
    assert query(db, "SELECT count(*) FROM articles")[0][0] == len(records)
    duplicates = {d["url"]: d for d in report["duplicates"]}
    # The syndicated copy is a duplicate of the original's content.
    site = build_site()
    syndicated = duplicates[base.rstrip("/") + site.syndicated_path]
    assert syndicated["decision"] == "duplicate_content"
    [original] = [r for r in records if base.rstrip("/") + site.syndicated_path in r["other_urls"]]
    assert syndicated["matched_url"] == original["url"]
    assert syndicated["matched_title"] == original["title"]
    # The edited re-publication is a near-duplicate of its original, in the same cluster.
    [republished] = [r for r in records if r["near_duplicate_of"]]
    near = duplicates[republished["url"]]
    assert near["decision"] == "near_duplicate"
    assert near["matched_url"] == republished["near_duplicate_of"]
    assert 0.5 < near["similarity"] < 1
    assert near["method"] == "minhash"
    clusters = query(
        db,
        "SELECT count(DISTINCT cluster_id) FROM articles WHERE url IN (?, ?)",
        republished["url"],
        republished["near_duplicate_of"],
    )
    assert clusters == [(1,)]
