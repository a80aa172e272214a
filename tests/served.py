"""Helpers for tests that run gleaner in the background against a demo site they serve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import GLEANER, ROOT


@dataclass(frozen=True)
class Served:
    """A demo site served on 127.0.0.1: its URL, request log and ground truth."""

    url: str
    log: Path
    truth_file: Path

    def truth(self) -> dict[str, dict[str, Any]]:
        """The site's articles by URL."""
        lines = self.truth_file.read_text(encoding="utf-8").splitlines()
        return {t["url"]: t for t in map(json.loads, lines)}

    def requested(self, start: int = 0) -> list[str]:
        """Paths requested from line ``start`` of the log on."""
        lines = self.log.read_text(encoding="utf-8").splitlines()[start:]
        return [line.split()[1] for line in lines if line.strip()]


@contextmanager
def serve_demo(
    tmp: Path, articles: int = 60, seed: int = 7, *, log_times: bool = False
) -> Iterator[Served]:
    """Serve the demo site (``python -m crawler.demo``) in a child process until the block ends
    (``log_times``: each log line ends with the time of the request)."""
    tmp.mkdir(parents=True, exist_ok=True)
    log, truth = tmp / "requests.log", tmp / "truth.jsonl"
    args = ["--port", "0", "--articles", str(articles), "--seed", str(seed)]
    args += ["--log", str(log), "--truth", str(truth), *(["--log-times"] if log_times else [])]
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving "), line
        yield Served(line.split()[1], log, truth)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


@contextmanager
def serve_handler(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 (a free port) in a thread until the block ends; yields
    the site's root, ``http://127.0.0.1:PORT`` (no trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def sites_file(
    path: Path, sites: dict[str, str], *, delay: float = 0.0, concurrency: int = 4
) -> Path:
    """Write a sites file: one site per (name, start URL), listing pages only (no feeds or
    sitemaps, so that pagination is how the articles are found)."""
    path.write_text(
        "".join(
            f'[[site]]\nname = "{name}"\nstart_urls = ["{url}"]\n'
            f"download_delay = {delay}\nconcurrency = {concurrency}\n"
            for name, url in sites.items()
        ),
        encoding="utf-8",
    )
    return path


def start_gleaner(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start the real ``gleaner`` command line in a child process, output discarded."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    full_env.pop("GLEANER_DB", None)
    full_env.pop("GLEANER_SITES", None)
    return subprocess.Popen(
        [*GLEANER, *args],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
