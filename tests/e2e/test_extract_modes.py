"""Extraction in the pool, bounded, and inline on the reactor thread: the same articles."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.served import sites_file

pytestmark = pytest.mark.e2e


def crawl(sites: Path, db: Path, *settings: str) -> str:
    """``scrapy crawl news -a site=local`` with ``settings``; returns its log (stats included)."""
    args = [str(Path(sys.executable).parent / "scrapy"), "crawl", "news", "-a", "site=local"]
    for setting in (f"GLEANER_DB={db}", f"GLEANER_SITES_FILE={sites}", *settings):
        args += ["-s", setting]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stderr


def articles(db: Path) -> dict[str, tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute("SELECT url, title, text FROM articles").fetchall()
    return {url: (title, text) for url, title, text in rows}


def test_inline_and_bounded_pool_extraction_store_the_same_articles(
    served_demo: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = served_demo
    sites = sites_file(tmp_path / "sites.toml", {"local": url}, concurrency=8)
    pooled_log = crawl(
        sites,
        tmp_path / "pool.duckdb",
        "GLEANER_EXTRACT_WORKERS=2",
        "GLEANER_EXTRACT_MAX_PENDING=2",
        "GLEANER_KEEP_RAW=0",
    )
    inline_log = crawl(
        sites, tmp_path / "inline.duckdb", "GLEANER_EXTRACT_INLINE=1", "GLEANER_KEEP_RAW=0"
    )
    pooled, inline = articles(tmp_path / "pool.duckdb"), articles(tmp_path / "inline.duckdb")
    assert len(pooled) >= 50
    assert inline == pooled
    peaks = re.findall(r"'gleaner/extract/pending_peak': (\d+)", pooled_log)
    assert peaks == ["2"]  # the pool filled up to its bound, and never beyond
    assert "gleaner/extract/pending_peak" not in inline_log  # no pool was used
