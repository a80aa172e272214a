"""``gleaner scheduler``: two demo sites on schedules seconds apart start on time, a crawl slower
than its interval is never run twice at once, and SIGTERM ends every run. Real server, real
scheduler process, real crawls, real warehouse."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from crawler.scheduling.expressions import parse_schedule
from tests.conftest import GLEANER, ROOT, gleaner, query

pytestmark = pytest.mark.e2e

SCHEDULES = {"slow": "every 2s", "quick": "*/5 * * * * *"}
SPREAD_S = 1.0
#: How late a start may be logged after its slot: the spread, and a loaded machine's latency.
LATE_S = SPREAD_S + 0.75
#: How long after its start line a crawl may record its run (interpreter start, imports).
RECORDED_S = 15.0

_LINE = re.compile(r"^(?P<at>\S+) (?P<event>start|finish|skip) site=(?P<site>\S+) (?P<rest>.*)$")


def run_scheduler(tmp_path: Path, sites: Path, db: Path, seconds: float, *options: str) -> str:
    """Run the real ``gleaner scheduler`` for ``seconds``, stop it with SIGTERM, check that it
    exits 0, and return its log (stderr)."""
    log = tmp_path / "scheduler.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GLEANER_DB", None)
    command = [*GLEANER, "scheduler", "--sites", str(sites), "--db", str(db), *options]
    with log.open("w") as err:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        try:
            time.sleep(seconds)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=90)
    text = log.read_text()
    assert code == 0, text
    return text


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def fields(rest: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in rest.split() if "=" in pair)


def test_scheduler_starts_on_time_never_overlaps_a_site_and_stops_cleanly(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    base, _ = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(
        # slow: one request at a time, 0.4 s apart: a crawl lasts far longer than its 2 s interval.
        f'[[site]]\nname = "slow"\nstart_urls = ["{base}"]\ndownload_delay = 0.4\n'
        f'concurrency = 1\nschedule = "{SCHEDULES["slow"]}"\n'
        f'[[site]]\nname = "quick"\nstart_urls = ["{base}"]\ndownload_delay = 0.0\n'
        f'max_pages = 4\nschedule = "{SCHEDULES["quick"]}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    text = run_scheduler(tmp_path, sites, db, 16, "--spread", str(SPREAD_S))

    lines = [m for m in map(_LINE.match, text.splitlines()) if m]
    starts = [m for m in lines if m["event"] == "start"]
    finishes = {fields(m["rest"])["run"]: m for m in lines if m["event"] == "finish"}
    skips = [m for m in lines if m["event"] == "skip"]
    assert {m["site"] for m in starts} == {"slow", "quick"}, text

    # Each start is logged on one of its site's slots, within the spread and a little latency.
    for m in starts:
        slot = when(fields(m["rest"])["slot"])
        schedule = parse_schedule(SCHEDULES[m["site"]])
        assert schedule.next_after(slot - timedelta(milliseconds=1)) == slot, m.group(0)
        late = (when(m["at"]) - slot).total_seconds()
        assert 0 <= late <= LATE_S, m.group(0)

    # Every start has one finish line, and the warehouse recorded each run soon after its start.
    runs = {
        run_id: (site, started, finished, status)
        for run_id, site, started, finished, status in query(
            db, "SELECT run_id, sites[1], started_at, finished_at, status FROM runs"
        )
    }
    for m in starts:
        run_id = fields(m["rest"])["run"]
        assert run_id in finishes, f"no finish line for {m.group(0)}"
        if run_id in runs:
            recorded = (runs[run_id][1] - when(m["at"])).total_seconds()
            assert 0 <= recorded <= RECORDED_S, (m.group(0), runs[run_id])
    assert set(runs) <= {fields(m["rest"])["run"] for m in starts}

    # The slow site's slots came while its crawl ran: skipped, never a second crawl at once.
    assert any(m["site"] == "slow" and "still running" in m["rest"] for m in skips), text
    for site in SCHEDULES:
        spans = sorted(
            (when(m["at"]), when(finishes[fields(m["rest"])["run"]]["at"]))
            for m in starts
            if m["site"] == site
        )
        for (_, end), (next_start, _) in pairwise(spans):
            assert end <= next_start, f"{site}: two crawls at once\n{text}"
        recorded_spans = sorted((s, f) for s_, s, f, _ in runs.values() if s_ == site)
        for (_, end), (next_start, _) in pairwise(recorded_spans):
            assert end is not None
            assert end <= next_start, f"{site}: two runs at once in the warehouse"

    # SIGTERM: every run ended, the slow one cut short as interrupted.
    statuses = {run_id: status for run_id, (_, _, _, status) in runs.items()}
    assert set(statuses.values()) <= {"finished", "interrupted"}, statuses
    assert "interrupted" in statuses.values()
    assert "stopping on SIGTERM" in text
    assert text.rstrip().endswith("scheduler stopped")


def test_slots_missed_while_the_scheduler_was_down_run_once_at_start(
    tmp_path: Path, served_demo: tuple[str, Path]
) -> None:
    base, _ = served_demo
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "late"\nstart_urls = ["{base}"]\ndownload_delay = 0.0\n'
        'max_pages = 2\nschedule = "every 1s"\n',
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    gleaner("crawl", "late", "--sites", str(sites), "--db", str(db))
    time.sleep(2)  # the scheduler was down for several slots since that crawl started

    text = run_scheduler(tmp_path, sites, db, 4)

    started_line = next(line for line in text.splitlines() if "scheduler started" in line)
    up = when(started_line.split()[0])
    lines = [m for m in map(_LINE.match, text.splitlines()) if m]
    starts = [m for m in lines if m["event"] == "start"]
    schedule = parse_schedule("every 1s")
    off_slot = [
        m
        for m in starts
        if schedule.next_after(when(fields(m["rest"])["slot"]) - timedelta(milliseconds=1))
        != when(fields(m["rest"])["slot"])
    ]
    assert off_slot == starts[:1], f"one catch-up crawl, not one per missed slot\n{text}"
    slot = when(fields(starts[0]["rest"])["slot"])
    assert abs((slot - up).total_seconds()) <= 2.0, "run when the scheduler started"
    assert any(m["event"] == "skip" for m in lines), "its later slots came while it ran"
    statuses = [row[0] for row in query(db, "SELECT status FROM runs ORDER BY started_at")]
    assert len(statuses) >= 2
    assert set(statuses) <= {"finished", "interrupted"}
