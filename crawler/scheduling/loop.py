"""The ``gleaner scheduler`` loop: start each due crawl as a child process, one per site at a time.

The rules (slots, the missed-slot rule, spreading) are in :mod:`crawler.scheduling.expressions`; this module
owns the clock, the children and the signals. Each crawl is ``gleaner crawl SITE`` in a process
of its own (its own session, so a Ctrl-C on the terminal reaches the scheduler only), with its
output in ``<warehouse>.logs/SITE/RUN_ID.log``. The scheduler writes one line to stderr per start,
per finish and per skipped slot.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING

from crawler.run.locks import lock_holder
from crawler.scheduling.effective import SiteSchedule, effective_schedules
from crawler.scheduling.expressions import next_due, spread_offset
from crawler.sites import load_sites, sites_file_path
from warehouse.db import DEFAULT_RETRY_S
from warehouse.errors import WarehouseError, WarehouseLockedError
from warehouse.runs import new_run_id
from warehouse.schedules import last_runs, stored_schedules

if TYPE_CHECKING:
    from types import FrameType

#: Seconds between two readings of the warehouse's schedules.
RELOAD_S = 5.0
#: Longest sleep of the loop, so finished children are noticed promptly.
TICK_S = 0.2


@dataclass
class _Child:
    """A running crawl started by the scheduler."""

    site: str
    run_id: str
    proc: subprocess.Popen[bytes]
    started: float
    log: IO[bytes]


@dataclass
class _Plan:
    """A scheduled site: its schedule, its next slot and the slot it last fired at."""

    scheduled: SiteSchedule
    slot: datetime
    fired: datetime | None = None


@dataclass
class Scheduler:
    """Runs due crawls until told to stop.

    Args:
        db_path: The warehouse the crawls write to and the schedules are read from.
        sites_file: The sites file (``None``: ``$GLEANER_SITES``, else ``./sites.toml``).
        spread_s: Starts due at the same moment are spread over this many seconds.
        stop_wait_s: On SIGTERM or SIGINT, how long running crawls get to end before SIGKILL.
    """

    db_path: str
    sites_file: str | None = None
    spread_s: float = 30.0
    stop_wait_s: float = 60.0
    _plans: dict[str, _Plan] = field(default_factory=dict)
    _children: dict[str, _Child] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _problems: set[str] = field(default_factory=set)

    def run(self) -> int:
        """Schedule until SIGTERM or SIGINT, then stop the running crawls and return 0.

        Raises:
            SitesFileError: The sites file cannot be used.
        """
        self._sites_path = str(sites_file_path(self.sites_file).resolve())
        self._sites = load_sites(self._sites_path)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        self._reload(self._now(), retry_s=DEFAULT_RETRY_S)
        self._log(f"scheduler started: {len(self._plans)} scheduled site(s), pid {os.getpid()}")
        next_reload = time.monotonic() + RELOAD_S
        while not self._stop.is_set():
            self._reap()
            if time.monotonic() >= next_reload:
                self._reload(self._now(), retry_s=0.0)
                next_reload = time.monotonic() + RELOAD_S
            now = self._now()
            starts = self._starts()
            for site, start_at in sorted(starts.items(), key=lambda item: item[1]):
                if start_at <= now and not self._stop.is_set():
                    self._fire(site, now)
            pending = [t for s, t in self._starts().items() if t > now]
            wait = min([(min(pending) - now).total_seconds(), TICK_S]) if pending else TICK_S
            self._stop.wait(max(wait, 0.0))
        self._shutdown()
        return 0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self._stop.is_set():
            self._log(f"stopping on {signal.Signals(signum).name}")
        self._stop.set()

    def _now(self) -> datetime:
        return datetime.now(UTC)

    def _log(self, message: str) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        sys.stderr.write(f"{stamp} {message}\n")
        sys.stderr.flush()

    def _reload(self, now: datetime, *, retry_s: float) -> None:
        """Read the warehouse's schedules again; plan new or changed ones from their last run.

        Later readings do not wait for a crawl that is committing (``retry_s=0``), so as not to
        delay a start: the schedules are read at the next reload instead.
        """
        try:
            stored = stored_schedules(self.db_path, retry_s=retry_s)
        except WarehouseLockedError:
            return
        except WarehouseError as exc:
            self._note(f"schedules not read again this time: {exc}")
            return
        found, problems = effective_schedules(
            self._sites, {site: s.expression for site, s in stored.items()}
        )
        for problem in problems:
            self._note(f"ignored: {problem}")
        for site in set(self._plans) - set(found):
            del self._plans[site]
        changed = [
            s
            for s in found.values()
            if s.site not in self._plans or self._plans[s.site].scheduled != s
        ]
        if not changed:
            return
        try:
            last = last_runs(self.db_path, [s.site for s in changed], retry_s=retry_s)
        except WarehouseLockedError:
            return
        except WarehouseError as exc:
            self._note(f"last runs not read this time: {exc}")
            return
        for scheduled in changed:
            previous = self._plans.get(scheduled.site)
            started = previous.fired if previous else None
            if started is None and scheduled.site in last:
                started = last[scheduled.site].started_at
            slot = next_due(scheduled.schedule, started, now)
            self._plans[scheduled.site] = _Plan(
                scheduled, slot, previous.fired if previous else None
            )

    def _note(self, message: str) -> None:
        """Log a problem once, not at every reload."""
        if message not in self._problems:
            self._problems.add(message)
            self._log(message)

    def _starts(self) -> dict[str, datetime]:
        """Each scheduled site's start time: its slot, spread among the sites due with it."""
        starts: dict[str, datetime] = {}
        for site, plan in self._plans.items():
            peers = [s for s, p in self._plans.items() if plan.slot in (p.slot, p.fired)]
            offset = spread_offset(site, peers, self.spread_s)
            starts[site] = plan.slot + timedelta(seconds=offset)
        return starts

    def _fire(self, site: str, now: datetime) -> None:
        """Start the site's crawl for its due slot, or skip the slot if its crawl still runs."""
        plan = self._plans[site]
        slot = plan.slot
        plan.fired = slot
        plan.slot = plan.scheduled.schedule.next_after(max(slot, now))
        child = self._children.get(site)
        if child is not None and child.proc.poll() is None:
            self._log(
                f"skip site={site} slot={_iso(slot)}: its crawl (run {child.run_id}, pid "
                f"{child.proc.pid}) is still running"
            )
            return
        holder = lock_holder(self.db_path, site)
        if holder is not None:
            self._log(f"skip site={site} slot={_iso(slot)}: crawled by {holder.describe()}")
            return
        self._start(site, slot)

    def _start(self, site: str, slot: datetime) -> None:
        run_id = new_run_id()
        log_path = Path(f"{self.db_path}.logs") / site / f"{run_id}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = log_path.open("ab")
        command = [
            sys.executable,
            "-m",
            "crawler.cli",
            "crawl",
            site,
            "--db",
            self.db_path,
            "--sites",
            self._sites_path,
            "--run-id",
            run_id,
        ]
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._children[site] = _Child(site, run_id, proc, time.monotonic(), log)
        self._log(f"start site={site} run={run_id} pid={proc.pid} slot={_iso(slot)} log={log_path}")

    def _reap(self) -> None:
        """Log the crawls that ended."""
        for site, child in list(self._children.items()):
            code = child.proc.poll()
            if code is None:
                continue
            del self._children[site]
            child.log.close()
            duration = time.monotonic() - child.started
            self._log(
                f"finish site={site} run={child.run_id} pid={child.proc.pid} exit={code} "
                f"duration={duration:.1f}s"
            )

    def _shutdown(self) -> None:
        """SIGTERM every running crawl, wait for them, SIGKILL those left after the wait."""
        running = [c for c in self._children.values() if c.proc.poll() is None]
        if running:
            self._log(f"waiting for {len(running)} running crawl(s) to stop")
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_wait_s
        while self._children and time.monotonic() < deadline:
            self._reap()
            time.sleep(TICK_S)
        for child in self._children.values():
            self._log(f"killing site={child.site} run={child.run_id} pid={child.proc.pid}")
            with contextlib.suppress(ProcessLookupError):
                child.proc.kill()
            child.proc.wait()
        self._reap()
        self._log("scheduler stopped")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
