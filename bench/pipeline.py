"""Pipeline benchmark: a whole ``gleaner crawl`` against extraction alone, on the same pages.

Generates the demo site with article pages the size of real news pages (50 to 150 KB: the demo
article wrapped in inline CSS and scripts, JSON-LD, a mega-menu, trending links and a comment
thread, see :mod:`crawler.demo.furniture`), writes it to files once and serves them from a child
process (:mod:`bench.fileserver`, ``sendfile``), then measures in one run:

- **floor**: the project's own ``extract_article`` over the site's article pages in a pool of
  spawned processes of the same size (the page bytes sent to the workers and decoded there, as
  the crawl does), no network; the workers are started and warmed up before the clock starts;
- **pipeline**: ``gleaner crawl`` of the site into a fresh warehouse, in a child process (no
  politeness delay, 16 requests in flight; raw pages kept as WARC, as by default);
- **usual**: the same crawl with ``GLEANER_EXTRACT_INLINE=1``: extraction in the spider callback
  on the reactor thread, as most Scrapy + trafilatura projects do.

Pages/s counts article pages (the floor's: every article page of the site; a crawl's: its
article fetches answered 200) over the run's duration as ``gleaner runs`` records it (from the
run's start, before any request, to its end, after the last commit); the crawl process's wall
time, interpreter start-up included, is printed beside it. Also printed: the server's CPU
time as a share of all CPU time spent during each crawl (``/proc/PID/stat`` of the server,
``getrusage`` of the crawl and its workers); the CPU time per page of the crawl process and of
its extraction workers (each worker's ``/proc/PID/stat`` as last polled, start-up included),
beside the floor's (its processes' count over its pages/s): the workers' share is what
extraction costs in the crawl, the crawl process's what everything else costs; the crawl's peak
RSS: the largest sum, polled every 0.2 s, of ``VmRSS`` over the crawl process and all its
descendants (the extraction workers), so pages shared between them count once per process; the
loader's rows/s over the whole run (every table row the crawl's batches wrote, over the time the
warehouse was open for them, from opening through dedupe lookups, inserts, commit and
checkpoint to closing; also over the loader's
whole time, which adds learning the site's boilerplate and hashing texts for near-duplicates:
the stats ``gleaner/load/table_rows``, ``gleaner/load/write_ms`` and ``gleaner/load/ms`` of the
crawl's log) against a bare DuckDB insert of the same rows (each table read back from the crawl's
warehouse and inserted as Arrow, in as many batches as the crawl committed, into a fresh
warehouse of the same schema, one transaction per batch, the closing checkpoint timed); and the
peak RSS of pipeline crawls of 1,000 and 5,000 articles.

Run it on a quiet machine (the load average is printed at the start and at the end)::

    .venv/bin/python -m bench.pipeline                      # 3,000 articles, memory 1,000 vs 5,000
    .venv/bin/python -m bench.pipeline --articles 500 --no-memory     # a quick look
    .venv/bin/python -m bench.pipeline --workers 2 --keep /tmp/bench  # keep sites and warehouses
    .venv/bin/python -m bench.pipeline --articles 800 --corpus ../shared/data/wcxb-dev-articles

Every target gets a ``PASS`` or ``FAIL`` line; the exit status is 1 when any fails.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from crawler.demo import ARTICLE_MARK, build_site
from crawler.extract.article import extract_article
from crawler.extract.pool import _start_worker, default_workers
from crawler.sites import SiteConfig

ROOT = Path(__file__).resolve().parent.parent
PAGE_KB = (50, 150)
CONCURRENCY = 16
#: Tables a crawl writes rows to, for the bare insert.
TABLES = (
    "articles",
    "article_versions",
    "article_buckets",
    "decisions",
    "sightings",
    "rejects",
    "fetches",
    "raw_pages",
    "listing_state",
    "boilerplate_pages",
    "boilerplate_counts",
)
TARGET_FLOOR = 0.85
TARGET_USUAL = 1.7
TARGET_LOADER = 0.5
TARGET_MEMORY = 0.20


@dataclass(frozen=True)
class Served:
    """A site written to files and served by a child process."""

    url: str
    process: subprocess.Popen[str]
    article_files: list[tuple[str, Path]]
    """(URL, file) of every article page."""

    def cpu_s(self) -> float:
        """CPU seconds the server has used so far (all its threads)."""
        return _proc_cpu_s(self.process.pid)


@dataclass(frozen=True)
class Crawl:
    """What one ``gleaner crawl`` did and cost."""

    articles: int
    run_s: float
    process_s: float
    peak_rss: int
    cpu_s: float
    """CPU time of the crawl process and its extraction workers."""
    workers_cpu_s: float
    """CPU time of the extraction workers (as last polled), start-up included."""
    server_cpu_s: float
    counters: dict[str, int]
    db: Path

    @property
    def pages_per_s(self) -> float:
        return self.articles / self.run_s

    def ms_per_page(self, cpu_s: float) -> float:
        return 1000 * cpu_s / self.articles

    @property
    def server_share(self) -> float:
        return self.server_cpu_s / (self.cpu_s + self.server_cpu_s)


def _proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> dict[int, tuple[int, float]]:
    """Bytes resident and CPU seconds used so far of ``pid`` and each of its descendants."""
    found: dict[int, tuple[int, float]] = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            rss = 0
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
            found[current] = (rss, _proc_cpu_s(current))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def serve(articles: int, root: Path, corpus: list[bytes] | None = None) -> Served:
    """Build the site of ``articles`` articles with real-sized pages, write it, serve it.

    With ``corpus``, each article page's file holds one of those pages instead, in turn.
    """
    from bench.fileserver import write_site

    site = build_site(articles, page_kb=None if corpus else PAGE_KB)
    index = write_site(site, root)
    if corpus:
        article_paths = [p for p, page in site.pages.items() if _is_article(page.body)]
        for number, path in enumerate(article_paths):
            (root / index[path][2]).write_bytes(corpus[number % len(corpus)])
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.fileserver", str(root)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("serving "):
        proc.kill()
        raise RuntimeError(f"the file server did not start: {line!r}")
    url = line.split()[1]
    files = [
        (url + path, root / index[path][2])
        for path, page in site.pages.items()
        if page.status == 200 and _is_article(page.body)
    ]
    return Served(url, proc, files)


def _is_article(body: bytes) -> bool:
    return ARTICLE_MARK in body


def corpus_bodies(directory: Path) -> list[bytes]:
    """The pages of the development corpus at ``directory`` (see ``bench.extraction``)."""
    from bench.extraction import corpus_pages

    return [page.html for page in corpus_pages(directory)]


def _warm(_: int) -> int:
    time.sleep(0.5)  # long enough that every worker gets one
    return os.getpid()


def floor(files: list[tuple[str, Path]], workers: int) -> float:
    """Pages/s of ``extract_article`` alone over the pages, in ``workers`` spawned processes."""
    site = SiteConfig(name="demo", start_urls=("http://127.0.0.1/",))
    bodies = [(url, path.read_bytes()) for url, path in files]
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    ) as pool:
        list(pool.map(_warm, range(workers)))
        started = time.perf_counter()
        futures = [pool.submit(extract_article, body, url, site) for url, body in bodies]
        for future in futures:
            future.result()
        return len(bodies) / (time.perf_counter() - started)


def crawl(served: Served, work: Path, name: str, workers: int, *, inline: bool) -> Crawl:
    """Run ``gleaner crawl`` of the served site into a fresh warehouse and measure it."""
    db = work / f"{name}.duckdb"
    sites = work / f"{name}.toml"
    sites.write_text(
        f'[[site]]\nname = "bench"\nstart_urls = ["{served.url}/"]\n'
        f"download_delay = 0.0\nconcurrency = {CONCURRENCY}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GLEANER_EXTRACT_WORKERS": str(workers)}
    env["GLEANER_EXTRACT_INLINE"] = "1" if inline else "0"
    gleaner = [sys.executable, "-m", "crawler.cli"]
    args = ["crawl", "bench", "--sites", str(sites), "--db", str(db), "-v"]
    server_before = served.cpu_s()
    children_before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*gleaner, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    worker_cpu: dict[int, float] = {}  # the last CPU time seen of each descendant
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.wait(0.2):
            tree = _tree(proc.pid)
            peak = max(peak, sum(rss for rss, _ in tree.values()))
            worker_cpu.update((p, cpu) for p, (_, cpu) in tree.items() if p != proc.pid)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    _, err = proc.communicate()
    done.set()
    poller.join()
    process_s = time.perf_counter() - started
    children_after = os.times()
    cpu_s = (children_after.children_user - children_before.children_user) + (
        children_after.children_system - children_before.children_system
    )
    server_cpu = served.cpu_s() - server_before
    if proc.returncode != 0:
        raise RuntimeError(f"gleaner crawl failed ({proc.returncode}): {err[-2000:]}")
    with duckdb.connect(str(db), read_only=True) as conn:
        row = conn.execute(
            "SELECT epoch(finished_at) - epoch(started_at), counters FROM runs"
        ).fetchall()[0]
        articles = conn.execute(
            "SELECT count(*) FROM fetches WHERE role = 'article' AND status = 200"
        ).fetchall()[0][0]
    counters = {k: int(v) for k, v in json.loads(row[1]).items()}
    for key, value in re.findall(r"'gleaner/((?:load|extract)/[a-z_]+)': (\d+)", err):
        counters[key] = int(value)
    workers_s = sum(worker_cpu.values())
    return Crawl(
        articles, float(row[0]), process_s, peak, cpu_s, workers_s, server_cpu, counters, db
    )


def bare_insert(source: Path, work: Path, batches: int) -> tuple[int, float]:
    """Rows and seconds to insert the rows of ``source``'s tables into a fresh warehouse of the
    same schema, as Arrow, in ``batches`` transactions, the closing checkpoint included."""
    from warehouse.db import connect

    with duckdb.connect(str(source), read_only=True) as conn:
        data = {t: conn.sql(f"SELECT * FROM {t}").to_arrow_table() for t in TABLES}
    target = work / "bare.duckdb"
    connect(target).close()  # create it and apply the migrations
    rows = sum(int(t.num_rows) for t in data.values())
    started = time.perf_counter()
    conn = duckdb.connect(str(target))
    for number in range(batches):
        conn.execute("BEGIN TRANSACTION")
        for name, table in data.items():
            size = -(-table.num_rows // batches)
            part: pa.Table = table.slice(number * size, size)
            if part.num_rows:
                conn.register("_part", part)
                conn.execute(f"INSERT INTO {name} SELECT * FROM _part")
                conn.unregister("_part")
        conn.execute("COMMIT")
    conn.close()
    return rows, time.perf_counter() - started


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def _verdict(ok: bool, what: str) -> str:
    return f"{'PASS' if ok else 'FAIL'}  {what}"


def run(args: argparse.Namespace, work: Path) -> list[str]:
    """Run every measurement; print as it goes; return the verdict lines."""
    workers: int = args.workers
    verdicts: list[str] = []
    started = time.perf_counter()
    corpus = corpus_bodies(args.corpus) if args.corpus else None
    served = serve(args.articles, work / "site", corpus)
    try:
        size = sum(p.stat().st_size for _, p in served.article_files)
        count = len(served.article_files)
        print(
            f"site        {count:,} article pages, mean {size / count / 1000:.0f} KB, "
            f"built and written in {time.perf_counter() - started:.1f} s; served at {served.url}"
        )
        floor_rate = floor(served.article_files, workers)
        print(
            f"floor       extract_article in {workers} processes: {floor_rate:.1f} pages/s "
            f"({1000 * workers / floor_rate:.1f} ms of CPU per page with every process busy)"
        )
        pipe = crawl(served, work, "pipeline", workers, inline=False)
        _print_crawl("pipeline", pipe)
        usual = crawl(served, work, "usual", workers, inline=True)
        _print_crawl("usual", usual)
        load_rows = pipe.counters.get("load/table_rows", 0)
        load_s = pipe.counters.get("load/ms", 0) / 1000
        write_s = pipe.counters.get("load/write_ms", 0) / 1000
        batches = pipe.counters.get("load/batches", 1)
        bare_rows, bare_s = bare_insert(pipe.db, work, batches)
        loader_rate, bare_rate = load_rows / write_s, bare_rows / bare_s
        print(
            f"loader      {load_rows:,} rows in {batches} batches: warehouse writes {write_s:.2f} s "
            f"= {loader_rate:,.0f} rows/s ({load_s:.2f} s = {load_rows / load_s:,.0f} rows/s with "
            f"boilerplate learning and near-duplicate hashing); bare DuckDB insert of the same "
            f"rows: {bare_rows:,} in {bare_s:.2f} s = {bare_rate:,.0f} rows/s"
        )
    finally:
        served.process.kill()
        served.process.wait()
    ratio_floor = pipe.pages_per_s / floor_rate
    ratio_usual = pipe.pages_per_s / usual.pages_per_s
    ratio_loader = loader_rate / bare_rate
    verdicts.append(
        _verdict(
            ratio_floor >= TARGET_FLOOR,
            f"pipeline/floor = {ratio_floor:.2f} (target >= {TARGET_FLOOR})",
        )
    )
    verdicts.append(
        _verdict(
            ratio_usual >= TARGET_USUAL,
            f"pipeline/usual = {ratio_usual:.2f} (target >= {TARGET_USUAL})",
        )
    )
    verdicts.append(
        _verdict(
            ratio_loader >= TARGET_LOADER,
            f"loader/bare insert = {ratio_loader:.2f} (target >= {TARGET_LOADER})",
        )
    )
    if not args.no_memory:
        verdicts.append(memory(args.memory_sizes, work, workers))
    return verdicts


def _print_crawl(name: str, result: Crawl) -> None:
    print(
        f"{name:<11} gleaner crawl: {result.articles:,} article pages in {result.run_s:.1f} s: "
        f"{result.pages_per_s:.1f} pages/s (process {result.process_s:.1f} s); "
        f"peak RSS {_mb(result.peak_rss)}; server CPU {result.server_share:.1%} of "
        f"{result.cpu_s + result.server_cpu_s:.0f} CPU-s; CPU per page: crawl process "
        f"{result.ms_per_page(result.cpu_s - result.workers_cpu_s):.1f} ms, extraction workers "
        f"{result.ms_per_page(result.workers_cpu_s):.1f} ms"
    )


def memory(sizes: list[int], work: Path, workers: int) -> str:
    """Peak RSS of pipeline crawls of each size; the verdict compares the first and the last."""
    peaks: list[int] = []
    for articles in sizes:
        served = serve(articles, work / f"site-{articles}")
        try:
            result = crawl(served, work, f"memory-{articles}", workers, inline=False)
        finally:
            served.process.kill()
            served.process.wait()
        peaks.append(result.peak_rss)
        print(
            f"memory      {articles:,} articles: peak RSS {_mb(result.peak_rss)} "
            f"({result.pages_per_s:.1f} pages/s)"
        )
    growth = peaks[-1] / peaks[0] - 1
    return _verdict(
        growth <= TARGET_MEMORY,
        f"peak RSS {sizes[-1]:,} vs {sizes[0]:,} articles = {growth:+.1%} "
        f"(target <= +{TARGET_MEMORY:.0%})",
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmark in a scratch directory, print the verdicts."""
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__)
    parser.add_argument("--articles", type=int, default=3000, help="articles (default 3000)")
    parser.add_argument(
        "--memory-sizes",
        default="1000,5000",
        help="article counts of the memory crawls, smallest first (default 1000,5000)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory crawls")
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="pool size (default: cores)"
    )
    parser.add_argument("--keep", type=Path, help="work here and keep sites and warehouses")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="serve the real pages of this development corpus (as bench.extraction reads it) as "
        "the article pages, in turn, for the floor and the two crawls (the memory crawls keep "
        "the demo's pages)",
    )
    args = parser.parse_args(argv)
    args.memory_sizes = [int(n) for n in args.memory_sizes.split(",")]
    print(
        f"gleaner pipeline benchmark: {args.articles:,} articles, pages "
        + (f"of {args.corpus}" if args.corpus else f"{PAGE_KB[0]}-{PAGE_KB[1]} KB")
        + f", {args.workers} workers, {os.cpu_count()} cores, load average {load_average()}"
    )
    started = time.perf_counter()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gleaner-bench-"))
    try:
        verdicts = run(args, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for line in verdicts:
        print(line)
    print(
        f"done in {time.perf_counter() - started:.0f} s; load average {load_average()}",
    )
    return 0 if all(v.startswith("PASS") for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
