"""``gleaner serve`` benchmark: each page's response time over a large warehouse, and serving
while a crawl commits.

Serves the demo site (5,000 articles by default) on 127.0.0.1 and crawls it into a new warehouse
with ``gleaner crawl``. Then starts ``gleaner serve`` over that warehouse, moves the site a day
forward and crawls it again with ``--refresh`` (every article fetched, extracted and committed
again, in batches) while a client asks for every page in turn, one request at a time, with no
pause, until the crawl ends. Printed: the requests answered during the crawl, those that failed,
their median, 95th percentile and longest time, and the crawl's status and duration beside the
first crawl's (which did as much work with nothing served).

Then, with nothing else running, each page's median response time over ``--repeat`` requests
(after one unmeasured request), beside the floor measured in the same run: the SQL page
(``--allow-sql``) answering ``SELECT count(*) FROM articles``, which opens the warehouse, runs a
plain SELECT and closes it, as every page does at least once. The ratio is the page's time over
the floor's. A request for the style sheet (no warehouse read) is printed too.

    python -m bench.serve [--articles N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from crawler.demo import DemoServer, build_site
from warehouse.db import connect

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only
TARGET_MS = 300.0
"""Each page should answer within this on the project's machine."""


def _gleaner(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("gleaner")), *args]


def _get(url: str) -> tuple[int, float, bytes]:
    """``(status, seconds, body)`` of one GET."""
    started = time.perf_counter()
    try:
        with _OPENER.open(url, timeout=120) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        with error:
            body, status = error.read(), error.code
    return status, time.perf_counter() - started, body


def _json(base: str, path: str) -> Any:
    status, _, body = _get(base + path.lstrip("/") + ("&" if "?" in path else "?") + "format=json")
    if status != 200:
        raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
    return json.loads(body)


def _pages(base: str) -> list[tuple[str, str]]:
    """One path of each kind of page, named, from the warehouse's own ids."""
    first = _json(base, "/runs")["runs"][-1]["run_id"]
    dedupe = _json(base, "/dedupe")
    decisions = {d["decision"]: d for d in dedupe["decisions"]}
    near = decisions["near_duplicate"]
    updated = decisions.get("updated")
    article_id = (updated or near)["article_id"]
    cluster = dedupe["clusters"][0]["cluster_id"]
    raw = _json(base, f"/articles/{article_id}")["raw_pages"][0]
    # The edited article's changes, once a crawl has found the edit.
    versions = [("version changes", f"/articles/{article_id}/versions/2")] if updated else []
    explain = "/explain?" + urlencode({"run": near["run_id"], "url": near["url"]})
    return [
        ("sites", "/"),
        ("runs", "/runs"),
        ("run (first crawl)", f"/runs/{first}"),
        ("dedupe", "/dedupe"),
        ("explain near-duplicate", explain),
        ("cluster", f"/clusters/{cluster}"),
        ("articles", "/articles"),
        ("search, common words", "/articles?q=council+minister"),
        ("search, a phrase", '/articles?q="the+border+agency"'),
        ("search, no match", "/articles?q=zyxwvutsrq"),
        ("articles of a tag", "/articles?tag=world&since=2025-01-01"),
        ("article", f"/articles/{article_id}"),
        *versions,
        ("raw page", f"/raw/{raw['run_id']}/demo/{raw['warc_offset']}"),
        ("rejects", "/rejects"),
        ("boilerplate", "/boilerplate"),
    ]


def _first_run(db: Path) -> float:
    """The duration of the warehouse's only run, as it recorded it, in seconds."""
    conn = connect(db, read_only=True)
    try:
        rows = conn.execute(
            "SELECT date_diff('millisecond', started_at, finished_at) / 1000 FROM runs"
        ).fetchall()
    finally:
        conn.close()
    return float(rows[0][0])


def _during_crawl(base: str, pages: list[tuple[str, str]], crawl: subprocess.Popen[str]) -> None:
    """Ask for every page in turn until the crawl ends; print what was answered."""
    times: list[float] = []
    failed: list[tuple[str, int]] = []
    while crawl.poll() is None:
        for _, path in pages:
            status, seconds, _ = _get(base + path.lstrip("/"))
            times.append(seconds)
            if status != 200:
                failed.append((path, status))
    times.sort()
    p95 = times[int(len(times) * 0.95)] if times else 0.0
    print(
        f"during the crawl: {len(times)} requests, {len(failed)} failed; median "
        f"{statistics.median(times) * 1000:.0f} ms, 95th percentile {p95 * 1000:.0f} ms, "
        f"longest {times[-1] * 1000:.0f} ms"
    )
    for path, status in failed[:10]:
        print(f"  failed: {status} {path}")


def _median_get(url: str, repeat: int) -> float:
    """Median seconds of ``repeat`` GETs of ``url`` (after one unmeasured); it must answer 200."""
    status, _, body = _get(url)
    if status != 200:
        raise SystemExit(f"{url} answered {status}: {body[:300]!r}")
    return statistics.median(_get(url)[1] for _ in range(repeat))


def _timed(base: str, pages: list[tuple[str, str]], repeat: int) -> None:
    """Print each page's median time and its ratio to the floor's."""
    floor = _median_get(base + "sql?" + urlencode({"sql": "SELECT count(*) FROM articles"}), repeat)
    print(f"\nfloor (SQL page: open read-only, SELECT count(*), close): {floor * 1000:.1f} ms")
    static = _median_get(base + "static/style.css", repeat)
    print(f"style sheet (no warehouse read): {static * 1000:.1f} ms")
    print(f"\n{'page':<26}{'median ms':>10}{'/ floor':>9}  under {TARGET_MS:.0f} ms")
    slowest = 0.0
    for name, path in pages:
        median = _median_get(base + path.lstrip("/"), repeat)
        slowest = max(slowest, median)
        ok = "yes" if median * 1000 < TARGET_MS else "NO"
        print(f"{name:<26}{median * 1000:10.1f}{median / floor:9.1f}  {ok}")
    print(f"slowest page: {slowest * 1000:.1f} ms ({slowest / floor:.1f} x the floor)")


def _serve_during_crawl(base: str, site: DemoServer, sites: Path, db: Path, first: float) -> None:
    """Crawl the site a day later, with --refresh, while every page is asked for in turn."""
    pages = _pages(base)
    site.set_site(build_site(len(site.site.articles), day=1))
    crawl = subprocess.Popen(
        _gleaner("crawl", "demo", "--refresh", "--sites", str(sites), "--db", str(db)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    client = threading.Thread(target=_during_crawl, args=(base, pages, crawl))
    client.start()
    crawl.wait()
    client.join()
    latest = _json(base, "/runs")["runs"][0]
    print(
        f"the crawl exited {crawl.returncode}: run {latest['status']}, {latest['items']} items "
        f"committed in {latest['duration_s']:.0f} s, {latest['duration_s'] / first:.2f} x the "
        "first crawl's time"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__)
    parser.add_argument("--articles", type=int, default=5000, help="demo articles (default 5000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per page")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp, DemoServer(build_site(args.articles)) as site:
        folder = Path(tmp)
        db, sites = folder / "serve.duckdb", folder / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "demo"\nstart_urls = ["{site.url}"]\nfeeds = ["{site.url}feed.xml"]'
            f'\nsitemaps = ["{site.url}sitemap.xml"]\ndownload_delay = 0.0\nconcurrency = 8\n',
            encoding="utf-8",
        )
        crawl = _gleaner("crawl", "demo", "--sites", str(sites), "--db", str(db))
        subprocess.run(crawl, check=True, capture_output=True)
        first = _first_run(db)
        print(f"demo site: {args.articles} articles, crawled in {first:.0f} s (nothing served)")
        serve = _gleaner("serve", "--db", str(db), "--port", "0", "--sites", str(sites))
        server = subprocess.Popen([*serve, "--allow-sql"], stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None
        try:
            base = server.stdout.readline().split()[1]
            _serve_during_crawl(base, site, sites, db, first)
            _timed(base, _pages(base), args.repeat)
        finally:
            server.terminate()
            server.wait(timeout=10)
            server.stdout.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
