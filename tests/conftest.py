"""Fixtures: the demo site served over 127.0.0.1, crawled by the real CLI into real DuckDB files."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

import tests.fuzzing  # noqa: F401 - registers and loads the hypothesis profile

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
