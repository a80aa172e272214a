"""A crawl of the hostile site (tests/hostile_site.py) through the real ``gleaner crawl`` into a
real DuckDB file: every good article stored once, every bad case rejected with its reason, no
request off the site or into robots.txt's disallowed paths, memory bounded with 1 GiB bombs, and
a crawl killed with SIGKILL ends, when run again, with the same articles.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import GLEANER, ROOT, gleaner, query
from tests.hostile_site import (
    BOMB_BYTES,
    CASES,
    FARM_LINKS,
    FEED_BOMB,
    MAX_LINKS_PER_PAGE,
    MAX_URL_LENGTH,
    MUSEUM,
    Case,
    HostileSite,
)
from tests.served import start_gleaner

pytestmark = pytest.mark.e2e

#: Runs the command in its arguments and prints the largest resident set size (KiB) of it and
#: every process it waited for (the extraction workers included).
_PEAK_RSS = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)
GOOD = [c for c in CASES if c.expect == "stored"]
BAD = [c for c in CASES if c.expect != "stored"]


def _slug(case: Case) -> str:
    return case.path.rsplit("/", 1)[1].removesuffix(".html")


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **extra}
    env.pop("GLEANER_DB", None)
    env.pop("GLEANER_SITES", None)
    return env


@dataclass
class Crawl:
    """The hostile site and one finished crawl of it."""

    site: HostileSite
    sites: Path
    db: Path
    requested: list[str]
    """Paths the site was asked for during the crawl."""
    peak_rss: int
    """Bytes."""
    seconds: float

    def url(self, path: str) -> str:
        return self.site.root + path

    def rejects(self, path: str) -> list[tuple[str, str | None, int | None]]:
        """(reason, detail, status) of every reject of ``path``."""
        rows = query(
            self.db, "SELECT reason, detail, http_status FROM rejects WHERE url = ?", self.url(path)
        )
        return [(str(r[0]), r[1], r[2]) for r in rows]


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileSite]:
    site = HostileSite()
    with site.serving():
        yield site


@pytest.fixture(scope="module")
def crawl(hostile: HostileSite, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    tmp = tmp_path_factory.mktemp("hostile")
    sites = hostile.sites_toml(tmp / "sites.toml")
    db = tmp / "w.duckdb"
    start = len(hostile.log)
    began = time.monotonic()
    args = [*GLEANER, "crawl", "hostile", "--sites", str(sites), "--db", str(db)]
    result = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seconds = time.monotonic() - began
    peak_kib = int(result.stdout.strip().splitlines()[-1])
    return Crawl(hostile, sites, db, hostile.log.paths(start), peak_kib * 1024, seconds)


def _stored(db: Path) -> set[tuple[str, str, str]]:
    return {
        (str(u), str(t), str(x)) for u, t, x in query(db, "SELECT url, title, text FROM articles")
    }


# Good articles


@pytest.mark.parametrize("case", GOOD, ids=_slug)
def test_a_good_article_is_stored_once_with_its_text(crawl: Crawl, case: Case) -> None:
    rows = query(crawl.db, "SELECT url, text FROM articles WHERE title = ?", case.title)
    assert len(rows) == 1, rows
    url, text = rows[0]
    assert url == crawl.url(MUSEUM if "redirected-twice" in case.path else case.path)
    if case.needle:
        assert case.needle in text
    assert "\ufffd" not in text  # decoded right: no replacement characters


def test_the_good_articles_are_all_the_articles(crawl: Crawl) -> None:
    titles = sorted(str(t) for (t,) in query(crawl.db, "SELECT title FROM articles"))
    assert titles == sorted(str(c.title) for c in GOOD)


def test_nul_bytes_and_lone_surrogates_never_reach_the_warehouse(crawl: Crawl) -> None:
    rows = query(crawl.db, "SELECT title, text, authors FROM articles")
    for title, text, authors in rows:
        for value in (title, text, *authors):
            assert "\x00" not in value
            assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    (text,) = query(crawl.db, "SELECT text FROM articles WHERE title = 'Tunnel works begin'")[0]
    assert "Tunnel works begin" in text


def test_a_429_is_retried_after_its_retry_after(crawl: Crawl) -> None:
    path = next(c.path for c in GOOD if "retry-after-429" in c.path)
    hits = [h for h in crawl.site.log.hits if h.path == path]
    assert len(hits) == 2
    assert hits[1].at - hits[0].at >= 0.95  # Retry-After: 1


def test_a_503_asking_to_wait_past_the_cap_is_not_retried(crawl: Crawl) -> None:
    path = next(c.path for c in BAD if "retry-after-too-long" in c.path)
    assert crawl.requested.count(path) == 1
    assert crawl.rejects(path) == [("http_error", "article page answered HTTP 503", 503)]


# Bad cases: each rejected once, with its reason


@pytest.mark.parametrize("case", BAD, ids=_slug)
def test_a_bad_case_is_rejected_with_its_reason(crawl: Crawl, case: Case) -> None:
    reasons = [reason for reason, _detail, _status in crawl.rejects(case.path)]
    assert reasons == [case.expect]
    assert not query(crawl.db, "SELECT 1 FROM articles WHERE fetched_url = ?", crawl.url(case.path))


def test_a_feed_that_is_a_gzip_bomb_is_too_large(crawl: Crawl) -> None:
    [(reason, detail, _status)] = crawl.rejects(FEED_BOMB)
    assert reason == "too_large"
    assert "decompress" in (detail or "")


def test_bombs_stop_inflating_at_the_size_cap(crawl: Crawl) -> None:
    for case in BAD:
        if "bomb" in case.path:
            [(_reason, detail, _status)] = crawl.rejects(case.path)
            assert "exceeded DOWNLOAD_MAXSIZE (5242880 B) during decompression" in (detail or "")


def _inflated_size(data: bytes, wbits: int) -> int:
    """Bytes ``data`` inflates to, checked to the end (checksum included), 16 MiB at a time."""
    inflater = zlib.decompressobj(wbits)
    size = 0
    while data:
        size += len(inflater.decompress(data, 16 * 1024 * 1024))
        data = inflater.unconsumed_tail
    assert inflater.eof
    return size


def test_peak_memory_stays_under_1_gib_with_bombs_of_more_than_1_gib(crawl: Crawl) -> None:
    assert _inflated_size(crawl.site.gzip_bomb, 31) == BOMB_BYTES > 1024**3
    assert _inflated_size(crawl.site.deflate_bomb, 15) == BOMB_BYTES
    assert crawl.peak_rss < 1024**3, f"peak RSS {crawl.peak_rss / 2**20:.0f} MiB"


def test_slow_and_silent_servers_are_dropped_at_the_timeout(crawl: Crawl) -> None:
    for case in BAD:
        if case.expect == "timeout":
            # Three tries (two retries) of 1.5 s each; then the page is a reject.
            assert crawl.requested.count(case.path) == 3
    assert crawl.seconds < 60


def test_a_redirect_chain_stops_after_five_hops(crawl: Crawl) -> None:
    path = next(c.path for c in BAD if "redirect-chain" in c.path)
    hops = [p for p in crawl.requested if p.split("?")[0] == path]
    assert len(hops) == 6  # the page and five redirects


def test_a_redirect_to_a_file_url_is_never_followed(crawl: Crawl) -> None:
    path = next(c.path for c in BAD if "redirect-to-file" in c.path)
    [(_reason, detail, status)] = crawl.rejects(path)
    assert status == 302
    assert "file:///etc/passwd" in (detail or "")


# Scope: nothing off the site, nothing robots.txt disallows


def test_no_request_ever_reaches_another_host(crawl: Crawl) -> None:
    assert crawl.site.offsite_log.paths() == []
    port = urlsplit(crawl.site.root).port
    assert {h.host for h in crawl.site.log.hits} == {f"127.0.0.1:{port}"}


@pytest.mark.parametrize("kind", ["redirect-off-site", "meta-refresh-off-site"])
def test_an_off_site_hop_is_refused_and_named(crawl: Crawl, kind: str) -> None:
    path = next(c.path for c in BAD if kind in c.path)
    [(reason, detail, _status)] = crawl.rejects(path)
    assert reason == "off_site"
    assert "localhost" in (detail or "")


def test_base_href_scheme_relative_and_canonical_links_stay_on_the_site(crawl: Crawl) -> None:
    assert "/tag/based/" in crawl.requested
    fetched = [str(u) for (u,) in query(crawl.db, "SELECT url FROM fetches")]
    assert all(u.startswith(crawl.site.root + "/") for u in fetched)
    off = crawl.site.offsite_root
    assert not query(crawl.db, "SELECT url FROM articles WHERE url LIKE ?", off + "%")


def test_robots_disallowed_pages_are_never_requested(crawl: Crawl) -> None:
    assert not [p for p in crawl.requested if p.startswith("/private/")]
    assert "/robots.txt" in crawl.requested


def test_non_http_links_are_never_followed(crawl: Crawl) -> None:
    never = ("data-story", "js-story-here", "file-story-here")
    assert not [p for p in crawl.requested if any(n in p for n in never)]
    for table in ("fetches", "rejects", "decisions"):
        urls = [str(u) for (u,) in query(crawl.db, f"SELECT url FROM {table}")]
        assert all(u.startswith("http://") for u in urls), table


# Traps


def test_a_link_farm_gives_at_most_the_link_cap(crawl: Crawl) -> None:
    farm = [p for p in crawl.requested if "/farm-" in p]
    assert len(farm) == MAX_LINKS_PER_PAGE < FARM_LINKS


def test_a_calendar_trap_ends_at_the_url_length_cap(crawl: Crawl) -> None:
    pages = [p for p in crawl.requested if p.startswith("/tag/calendar/")]
    assert 3 <= len(pages) <= 15
    assert max(len(crawl.url(p)) for p in crawl.requested) <= MAX_URL_LENGTH


def test_a_link_longer_than_the_cap_is_never_requested(crawl: Crawl) -> None:
    assert not [p for p in crawl.requested if "very-long-" in p]


# A crawl killed partway


def test_a_crawl_killed_partway_and_run_again_stores_the_same_articles(
    crawl: Crawl, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    args = ("crawl", "hostile", "--sites", str(crawl.sites), "--db", str(db))
    start = len(crawl.site.log)
    killed = start_gleaner(*args, env={"GLEANER_BATCH_SIZE": "2"})
    deadline = time.monotonic() + 60
    good = {c.path for c in GOOD}
    while len(good.intersection(crawl.site.log.paths(start))) < 4:
        assert killed.poll() is None, "the crawl ended before it was killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(killed.pid, signal.SIGKILL)
    assert killed.wait(timeout=10) == -signal.SIGKILL
    gleaner(*args, timeout=180)
    assert _stored(db) == _stored(crawl.db)
