"""End to end: a crawl learns the demo site's own boilerplate, stores no text with it, lists it,
and the user's keep and drop rules change what the next crawl stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.demo import SITE_BOILERPLATE, STANDING_FOOTNOTE, SUPPORT_APPEAL, build_site
from tests.conftest import DemoRun, gleaner, query

pytestmark = pytest.mark.e2e


def has_appeal() -> dict[str, bool]:
    """Path of each demo article -> whether its page carries the appeal."""
    return {story.path: story.has_appeal for story in build_site().articles}


def test_no_stored_text_holds_the_site_boilerplate(demo_run: DemoRun) -> None:
    texts = query(demo_run.db, "SELECT url, text FROM articles")
    assert len(texts) == len(demo_run.truth)
    for url, text in texts:
        for paragraph in SITE_BOILERPLATE:
            assert paragraph not in text, url


def test_each_decision_says_how_many_paragraphs_were_removed(demo_run: DemoRun) -> None:
    appeal = has_appeal()
    removed = query(
        demo_run.db,
        "SELECT a.url, d.boilerplate_removed FROM decisions d JOIN articles a USING (article_id) "
        "WHERE d.decision IN ('new', 'near_duplicate')",
    )
    assert len(removed) == len(demo_run.truth)
    for url, count in removed:
        assert count == 1 + appeal[urlsplit(url).path], url


def test_list_shows_the_learned_paragraphs_with_their_pages(demo_run: DemoRun) -> None:
    db = str(demo_run.db)
    listed = json.loads(gleaner("boilerplate", "list", "demo", "--db", db, "--json").stdout)
    with_appeal = sum(has_appeal().values())
    articles = len(demo_run.truth)
    assert [(r["text"], r["status"], r["pages"]) for r in listed] == [
        (STANDING_FOOTNOTE, "learned", articles),
        (SUPPORT_APPEAL, "learned", with_appeal),
    ]
    assert listed[1]["share"] == round(with_appeal / articles, 4)
    table = gleaner("boilerplate", "list", "--db", db).stdout
    assert "learned" in table
    assert f"{with_appeal}" in table
    assert "reader-funded" in table


def test_list_errors_are_one_line(demo_run: DemoRun, tmp_path: Path) -> None:
    missing = gleaner("boilerplate", "list", "--db", str(tmp_path / "none.duckdb"), check=False)
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: No warehouse at")
    assert len(missing.stderr.strip().splitlines()) == 1
    unknown = gleaner("boilerplate", "list", "nosuch", "--db", str(demo_run.db), check=False)
    assert unknown.returncode == 1
    assert "Unknown site 'nosuch'" in unknown.stderr
    assert "demo" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


def stored(db: Path) -> dict[str, tuple[str, int]]:
    rows = query(db, "SELECT url, text, version_count FROM articles")
    return {url: (text, versions) for url, text, versions in rows}


def test_keep_and_drop_change_what_a_refresh_crawl_stores(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    url, log = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "local"\nstart_urls = ["{url}"]\ndownload_delay = 0\nconcurrency = 8\n'
    )
    db = tmp_path / "w.duckdb"
    crawl = ("crawl", "local", "--sites", str(sites), "--db", str(db))
    gleaner(*crawl)
    truth: dict[str, dict[str, Any]] = {
        t["url"]: t for t in map(json.loads, (log.parent / "truth.jsonl").read_text().splitlines())
    }
    first = stored(db)
    assert {u: text.split() for u, (text, _) in first.items()} == {
        u: t["text"].split() for u, t in truth.items()
    }

    appeal = has_appeal()
    copied = {t["near_duplicate_of"] for t in truth.values()}
    target = next(
        u
        for u, t in truth.items()
        if not appeal[urlsplit(u).path] and not t["near_duplicate_of"] and u not in copied
    )
    phrase = truth[target]["text"].split("\n\n")[2]
    kept = gleaner("boilerplate", "keep", "local", SUPPORT_APPEAL.upper(), "--db", str(db)).stdout
    assert "local: keep" in kept
    assert f"on {sum(appeal.values())} page(s)" in kept
    gleaner("boilerplate", "drop", "local", phrase, "--db", str(db))
    listed = json.loads(gleaner("boilerplate", "list", "local", "--db", str(db), "--json").stdout)
    assert [(r["status"], r["text"]) for r in listed] == [
        ("user keep", SUPPORT_APPEAL.upper()),
        ("user drop", phrase),
        ("learned", STANDING_FOOTNOTE),
    ]

    shown = gleaner("extract", target, "--site", "local", "--sites", str(sites), "--db", str(db))
    assert "Removed as local's boilerplate (2 paragraph(s))" in shown.stdout
    assert f"  - {phrase}" in shown.stdout

    gleaner(*crawl, "--refresh")
    second = stored(db)
    for article_url, record in truth.items():
        text, versions = second[article_url]
        paragraphs = text.split("\n\n")
        assert STANDING_FOOTNOTE not in paragraphs
        if appeal[urlsplit(article_url).path]:
            assert paragraphs.count(SUPPORT_APPEAL) == 1, article_url
            assert versions == 2, article_url
            paragraphs.remove(SUPPORT_APPEAL)
        expected = record["text"].split("\n\n")
        if article_url == target:
            assert versions == 2
            expected.remove(phrase)
        elif not appeal[urlsplit(article_url).path]:
            assert versions == 1, article_url
        assert paragraphs == expected, article_url
    report = json.loads(gleaner("report", "latest", "--db", str(db), "--json").stdout)
    assert report["items"]["updated"] == sum(appeal.values()) + 1

    gone = gleaner("boilerplate", "forget", "local", phrase.lower(), "--db", str(db)).stdout
    assert gone.startswith("local: forgot drop")
    again = gleaner("boilerplate", "forget", "local", phrase, "--db", str(db), check=False)
    assert again.returncode == 1
    assert "has no rule for that paragraph" in again.stderr
