"""Incremental-crawl benchmark: a first crawl of the demo site, then a second of the same site.

The second crawl should cost only what changed: nothing, on an unchanged site. Serves the demo
site (2,000 articles by default) on 127.0.0.1, runs ``gleaner crawl`` twice into a new warehouse,
and prints each crawl's wall time and requests by kind (from the server's own log), and the ratio
of the first crawl's wall time to the second's.

    python -m bench.incremental [--articles N] [--day-two]

``--day-two`` moves the site forward a day between the crawls (new articles, one edited).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from crawler.demo import DemoServer, build_site


def _kind(path: str) -> str:
    """A served path's kind: listing, feed, sitemap, article or other."""
    clean = path.partition("?")[0].partition(";")[0]
    if clean == "/" or clean.startswith("/tag/"):
        return "listing"
    if clean.endswith((".xml", ".xml.gz")):
        return "sitemap" if "sitemap" in clean else "feed"
    if clean.endswith(".html"):
        return "article"
    return "other"


def _crawl(sites_file: Path, db: Path) -> float:
    """Run ``gleaner crawl demo`` once; return its wall time in seconds."""
    command = [str(Path(sys.executable).with_name("gleaner")), "crawl", "demo"]
    command += ["--sites", str(sites_file), "--db", str(db)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def _sites_file(folder: Path, base: str, with_sitemaps: bool) -> Path:
    extra = ""
    if with_sitemaps:
        extra = f'feeds = ["{base}feed.xml"]\nsitemaps = ["{base}sitemap.xml"]\n'
    path = folder / "sites.toml"
    path.write_text(
        f'[[site]]\nname = "demo"\nstart_urls = ["{base}"]\n{extra}'
        "download_delay = 0.0\nconcurrency = 8\n",
        encoding="utf-8",
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.incremental", description=__doc__)
    parser.add_argument("--articles", type=int, default=2000, help="demo articles (default 2000)")
    parser.add_argument("--day-two", action="store_true", help="move the site a day forward")
    args = parser.parse_args(argv)

    site = build_site(args.articles)
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site) as server:
        folder = Path(tmp)
        sitemaps = "/sitemap.xml" in site.pages
        sites_file = _sites_file(folder, server.url, sitemaps)
        db = folder / "bench.duckdb"
        rows = []
        for label in ("first", "second"):
            if label == "second" and args.day_two:
                server.set_site(build_site(args.articles, day=1))
            before = len(server.requests)
            wall = _crawl(sites_file, db)
            kinds = Counter(
                f"{_kind(path)} {status}" for _, path, status in server.requests[before:]
            )
            rows.append((label, wall, kinds))

    print(f"demo site: {args.articles} articles; sitemaps and feeds: {'yes' if sitemaps else 'no'}")
    for label, wall, kinds in rows:
        detail = ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items()))
        print(f"{label:>6} crawl: {wall:6.2f} s  requests {sum(kinds.values()):5d}  ({detail})")
    ratio = rows[0][1] / rows[1][1]
    print(f"first / second crawl wall time: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
