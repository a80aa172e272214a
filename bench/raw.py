"""Raw-pages benchmark: what keeping article pages as WARC costs, and how fast re-extraction is.

1. Writing: the CPU time one WARC record costs (``WarcFile.write``: gzip and digests), for the
   demo site's article pages and for 100 KB pages, and what the spider's reactor thread spends
   per page when the record is written in the keeper's writer thread (``RawKeeper.keep``).
2. A crawl: serves the demo site (2,000 articles by default) on 127.0.0.1, crawls it with
   ``gleaner crawl`` into a new warehouse with raw pages kept (and, unless ``--quick``, once more
   without), and prints the WARC bytes per page and the crawls' wall times.
3. ``gleaner reextract`` of that warehouse: wall time and pages per second.

    python -m bench.raw [--articles N] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from scrapy.http import HtmlResponse

from crawler.demo import DemoServer, build_site
from crawler.raw.store import RawKeeper
from crawler.raw.warc import RawPage, WarcFile

_HEADERS = (("Content-Type", "text/html; charset=utf-8"), ("ETag", '"1f2e3d"'))


def _article_bodies(articles: int) -> list[bytes]:
    site = build_site(articles)
    return [
        page.body
        for path, page in site.pages.items()
        if path.endswith(".html") and page.status == 200 and page.content_type.startswith("text/")
    ]


def _large(bodies: list[bytes], size: int, count: int) -> list[bytes]:
    """``count`` pages of ``size`` bytes, each made of different article pages."""
    out = []
    i = 0
    for _ in range(count):
        body = b""
        while len(body) < size:
            body += bodies[i % len(bodies)]
            i += 1
        out.append(body[:size])
    return out


def _write_cost(folder: Path, bodies: list[bytes]) -> float:
    """CPU milliseconds per record written straight to a file, as the reactor would spend."""
    file = WarcFile(folder, f"direct-{len(bodies[0])}.warc.gz")
    now = datetime.now(UTC)
    started = time.thread_time()
    for n, body in enumerate(bodies):
        file.write(RawPage(f"http://127.0.0.1/{n}.html", 200, _HEADERS, body, now))
    spent = time.thread_time() - started
    file.close()
    return spent * 1000 / len(bodies)


def _keeper_cost(folder: Path, bodies: list[bytes]) -> float:
    """CPU milliseconds per page the calling (reactor) thread spends in ``RawKeeper.keep``."""
    keeper = RawKeeper(folder, f"keeper-{len(bodies[0])}", "bench")
    responses = [
        HtmlResponse(f"http://127.0.0.1/{n}.html", body=body, headers=dict(_HEADERS))
        for n, body in enumerate(bodies)
    ]

    async def keep_all() -> float:
        started = time.thread_time()
        for response in responses:
            await keeper.keep(response, datetime.now(UTC))
        return time.thread_time() - started

    spent = asyncio.run(keep_all())
    keeper.close()
    return spent * 1000 / len(bodies)


def _gleaner(*args: str, env: dict[str, str] | None = None) -> float:
    """Run the ``gleaner`` command line once; return its wall time in seconds."""
    command = [str(Path(sys.executable).with_name("gleaner")), *args]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.raw", description=__doc__)
    parser.add_argument("--articles", type=int, default=2000, help="demo articles (default 2000)")
    parser.add_argument("--quick", action="store_true", help="no crawl without raw pages")
    args = parser.parse_args(argv)

    bodies = _article_bodies(60)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("ms of CPU per page    direct write   reactor thread with the writer thread")
        for label, pages in (
            (f"demo pages ({sum(map(len, bodies)) // len(bodies):,} B)", bodies * 4),
            ("100 KB pages", _large(bodies, 100_000, 200)),
        ):
            direct = _write_cost(folder, pages)
            keeper = _keeper_cost(folder, pages)
            print(f"{label:<22}{direct:12.3f}{keeper:17.3f}")

    site = build_site(args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "raw.duckdb"
        sites = folder / "sites.toml"
        without = None
        with DemoServer(site) as server:
            sites.write_text(
                f'[[site]]\nname = "demo"\nstart_urls = ["{server.url}"]\n'
                "download_delay = 0.0\nconcurrency = 8\n",
                encoding="utf-8",
            )
            crawl = _gleaner("crawl", "demo", "--sites", str(sites), "--db", str(db))
            if not args.quick:
                env = {**os.environ, "GLEANER_KEEP_RAW": "0"}
                plain = str(folder / "plain.duckdb")
                without = _gleaner("crawl", "demo", "--sites", str(sites), "--db", plain, env=env)
        with duckdb.connect(str(db), read_only=True) as conn:
            pages, body_bytes = conn.execute(
                "SELECT count(*), sum(bytes) FROM fetches "
                "WHERE role = 'article' AND status = 200 AND url IN (SELECT url FROM raw_pages)"
            ).fetchall()[0]
            articles = conn.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        warc = sum(p.stat().st_size for p in db.with_suffix(".warc").rglob("*.warc.gz"))
        # The server is stopped: nothing can be fetched.
        reextract = _gleaner("reextract", "--sites", str(sites), "--db", str(db))

    print(f"\ndemo site: {args.articles} articles; {pages} article pages kept, {articles} articles")
    print(f"WARC: {warc:,} bytes, {warc / pages:,.0f} per page ({body_bytes / pages:,.0f} served)")
    print(f"crawl with raw pages: {crawl:.1f} s", end="")
    print(f"; without: {without:.1f} s" if without is not None else "")
    print(f"reextract: {reextract:.1f} s, {articles / reextract:.0f} pages/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
