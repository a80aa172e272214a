"""Shared-crawl benchmark: the throughput of one worker, then of two, on the demo site.

Starts a ``redis-server`` (Debian's package) on a free 127.0.0.1 port, without persistence, and
serves the demo site (300 articles by default) on 127.0.0.1. For one worker, then two, it crawls
the site into a new warehouse: the workers (``gleaner crawl demo --frontier``) start, join the
run and wait; the loader (``gleaner load --until-idle``) starts the run. Prints the pages the
site served during each crawl (one process without Redis, one worker, two workers) per second
of the run's duration as ``gleaner runs`` records it: from the run's start (the crawl's, or the
loader's) to its end, after the last commit, so no set-up counts its processes' start-up. No
shared rate limit applies (the site's ``download_delay`` is 0).

    python -m bench.workers [--articles N] [--concurrency N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import redis

from crawler.demo import DemoServer, build_site

#: Seconds to wait for redis-server to answer, and for the workers to join the run.
DEADLINE = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A redis-server on 127.0.0.1 in ``folder``; its process and URL."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = _free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    proc = subprocess.Popen(
        [*args, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + DEADLINE
    try:
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None:
                    raise RuntimeError(f"{binary} exited ({proc.returncode})") from None
                if time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    raise RuntimeError(
                        f"{binary} did not answer on 127.0.0.1:{port} within {DEADLINE} s"
                    ) from None
                time.sleep(0.05)
    finally:
        client.close()
    return proc, f"redis://127.0.0.1:{port}/0"


def _gleaner(*args: str) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).with_name("gleaner")), *args]
    env = {**os.environ, "GLEANER_FRONTIER_RATE": "0"}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _run_seconds(db: Path) -> float:
    """The duration of the warehouse's one run, as ``gleaner runs`` records it."""
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute("SELECT epoch(finished_at) - epoch(started_at) FROM runs").fetchall()
    return float(rows[0][0])


def _crawl(url: str, sites_file: Path, db: Path, workers: int) -> None:
    """Crawl with ``workers`` workers and a loader into ``db``."""
    client = redis.Redis.from_url(url)
    client.flushall()
    crawl = ["crawl", "demo", "--sites", str(sites_file), "--db", str(db), "--frontier", url]
    procs = [_gleaner(*crawl) for _ in range(workers)]
    deadline = time.monotonic() + DEADLINE
    while True:  # every worker waits for the loader's state: they start together
        run = client.get("gleaner:site:demo:run")
        run_id = run.decode() if isinstance(run, bytes) else run
        if run_id and client.scard(f"gleaner:run:{run_id}:workers") == workers:
            break
        if time.monotonic() > deadline:
            for proc in procs:
                proc.kill()
                proc.wait()
            raise RuntimeError(f"{workers} workers did not all join the run within {DEADLINE} s")
        time.sleep(0.02)
    loader = _gleaner("load", "--from", url, "--db", str(db), "--until-idle")
    for proc in procs:
        if proc.wait() != 0:
            raise RuntimeError("a worker failed")
    if loader.wait() != 0:
        raise RuntimeError("the loader failed")
    client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--articles", type=int, default=300, help="demo articles (default 300)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight per worker")
    args = parser.parse_args(argv)

    site = build_site(args.articles)
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site) as server:
        folder = Path(tmp)
        proc, url = _redis_server(folder)
        try:
            sites_file = folder / "sites.toml"
            sites_file.write_text(
                f'[[site]]\nname = "demo"\nstart_urls = ["{server.url}"]\n'
                f"download_delay = 0.0\nconcurrency = {args.concurrency}\n",
                encoding="utf-8",
            )
            print(f"demo site: {args.articles} articles; {os.cpu_count()} cores")
            before = len(server.requests)
            db = folder / "0.duckdb"
            if _gleaner("crawl", "demo", "--sites", str(sites_file), "--db", str(db)).wait() != 0:
                raise RuntimeError("the crawl failed")
            pages, seconds = len(server.requests) - before, _run_seconds(db)
            print(
                f"one process (no Redis): {pages} pages in {seconds:5.2f} s = "
                f"{pages / seconds:6.1f} pages/s"
            )
            rates = []
            for workers in (1, 2):
                before = len(server.requests)
                db = folder / f"{workers}.duckdb"
                _crawl(url, sites_file, db, workers)
                pages, seconds = len(server.requests) - before, _run_seconds(db)
                rate = pages / seconds
                rates.append(rate)
                print(
                    f"{workers} worker{'s' if workers > 1 else ' '}: {pages} pages in "
                    f"{seconds:5.2f} s = {rate:6.1f} pages/s"
                )
            print(f"two workers / one worker: {rates[1] / rates[0]:.2f}x")
        finally:
            proc.terminate()
            proc.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
