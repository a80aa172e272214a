"""Fixtures: the demo site served over 127.0.0.1, crawled by the real CLI into real DuckDB files,
and Debian's chromium driven by Playwright for the tests that render pages."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pytest

import tests.fuzzing  # noqa: F401 - registers and loads the hypothesis profile

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).parent / "gleaner"
#: The installed console script (``make test`` installs it), else the module.
GLEANER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "crawler.cli"]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Any:
    """(status, headers, body) of one request; error statuses are answers, not exceptions."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gleaner(
    *args: str, cwd: Path | None = None, check: bool = True, timeout: float = 300, **kw: Any
) -> subprocess.CompletedProcess[str]:
    """Run the real ``gleaner`` command line in a child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("GLEANER_DB", None)
    env.pop("GLEANER_SITES", None)
    result = subprocess.run(
        [*GLEANER, *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"gleaner {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on a warehouse file, read-only."""
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


@dataclass
class DemoRun:
    """A ``gleaner demo`` crawl: its warehouse, ground truth, request log and output."""

    db: Path
    truth: list[dict[str, Any]]
    log: Path
    port: int
    stdout: str
    stderr: str

    def requested_paths(self) -> list[str]:
        """Every path the demo server was asked for."""
        return [line.split()[1] for line in self.log.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One full ``gleaner demo`` crawl, shared by the read-only tests."""
    tmp = tmp_path_factory.mktemp("demo")
    port = free_port()
    db, truth, log = tmp / "warehouse.duckdb", tmp / "truth.jsonl", tmp / "requests.log"
    result = gleaner(
        "demo", "--port", str(port), "--db", str(db), "--truth", str(truth), "--log", str(log)
    )
    records = [json.loads(line) for line in truth.read_text().splitlines()]
    return DemoRun(
        db=db, truth=records, log=log, port=port, stdout=result.stdout, stderr=result.stderr
    )


@pytest.fixture
def served_demo(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The demo site served by ``python -m crawler.demo`` in a child process: (URL, request log).

    Its ground truth is in ``truth.jsonl`` beside the log.
    """
    from tests.served import serve_demo  # it imports this module

    with serve_demo(tmp_path) as served:
        yield served.url, served.log


#: Where Debian's ``chromium`` package puts its launcher (``make browser`` installs it).
CHROMIUM_PATHS = ("/usr/bin/chromium", "chromium")

#: Chromium's flags: headless, and nothing that would let it reach the network on its own (host
#: names resolve nowhere and only 127.0.0.1 answers, so only it and files can load). Playwright adds its own
#: automation flags and talks to it over a pipe, not a port.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-dev-shm-usage",
    "--metrics-recording-only",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)

#: The longest one browser action (a launch, a page load) may take, in milliseconds.
BROWSER_TIMEOUT_MS = 30_000


def find_chromium() -> str | None:
    """The system's Chromium launcher, or None when none is installed."""
    for candidate in CHROMIUM_PATHS:
        found = shutil.which(candidate)
        if found:
            return found
    return None


@dataclass
class BrowserPage:
    """A fresh browser tab, and every error it reports."""

    page: Page
    errors: list[str]
    """Console errors and assertions, uncaught exceptions, and requests blocked for leaving
    127.0.0.1, as text, in the order they came."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, launched by Playwright from its own executable: never a downloaded
    browser. Skips the test when chromium is not installed."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("chromium is not installed; `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=list(CHROMIUM_ARGS), timeout=BROWSER_TIMEOUT_MS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[BrowserPage]:
    """A tab in a fresh browser context that may load only files and 127.0.0.1, collecting
    console errors and uncaught exceptions."""
    context = browser.new_context(service_workers="block")
    errors: list[str] = []

    def only_local(route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "http://127.0.0.1:")):
            route.continue_()
        else:
            errors.append(f"blocked request to {url}")
            route.abort()

    context.route("**/*", only_local)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda exc: errors.append(f"{exc.name}: {exc.message}"))
    try:
        yield BrowserPage(page, errors)
    finally:
        context.close()
