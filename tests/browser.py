"""A small DevTools-protocol client: render a local file in headless Chromium and read it back.

Chromium is driven over ``--remote-debugging-pipe`` (it reads commands on fd 3 and writes replies
and events on fd 4, each message JSON ending in a NUL byte), so no port is opened. Every flag that
would let Chromium reach the network on its own is set, and host names resolve nowhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where Debian's ``chromium`` package puts its launcher.
CHROMIUM_PATHS = ("chromium", "/usr/bin/chromium")

_FLAGS = (
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
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-pipe",
)

# What page.evaluate reads back after the load event.
_PROBE = """JSON.stringify({
  text: document.body.innerText,
  scripts: document.querySelectorAll('script').length,
  bars: Array.from(document.querySelectorAll('svg rect.bar'),
                   r => r.getAttribute('data-decision')),
  title: document.title,
})"""


class BrowserError(RuntimeError):
    """Chromium did not start, answer or render in time."""


def find_chromium() -> str | None:
    """The Chromium launcher to use, or None when none is installed."""
    for candidate in CHROMIUM_PATHS:
        found = shutil.which(candidate)
        if found:
            return found
    return None


@dataclass
class Rendered:
    """What a page looked like once loaded."""

    text: str
    """``document.body.innerText``."""
    scripts: int
    """How many ``<script>`` elements the document has."""
    bars: list[str]
    """``data-decision`` of each ``svg rect.bar``, in document order."""
    title: str
    errors: list[str] = field(default_factory=list)
    """Console errors, uncaught exceptions and error log entries, as text."""
    seconds: float = 0.0
    """From starting Chromium to having read the page back."""


class _Pipe:
    """The DevTools protocol over a pair of file descriptors."""

    def __init__(self, to_browser: int, from_browser: int, deadline: float) -> None:
        self.to_browser = to_browser
        self.from_browser = from_browser
        self.deadline = deadline
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> int:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.to_browser, data) :]
        return self.next_id

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str = ""
    ) -> dict[str, Any]:
        """Send a command and return its result; events read meanwhile are kept."""
        wanted = self.send(method, params, session)
        while True:
            message = self._read()
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """Return the first event named ``method`` for ``session``, read or yet to come."""
        for event in self.events:
            if event["method"] == method and event.get("sessionId") == session:
                return event
        while True:
            message = self._read()
            if "method" in message:
                self.events.append(message)
                if message["method"] == method and message.get("sessionId") == session:
                    return message

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the pipe")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message


def _errors(events: list[dict[str, Any]], session: str) -> list[str]:
    """Console errors, exceptions and error log entries among a page's events."""
    found = []
    for event in events:
        if event.get("sessionId") != session:
            continue
        params = event.get("params", {})
        if event["method"] == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            found.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif event["method"] == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            found.append(details.get("exception", {}).get("description") or details["text"])
        elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append(f"{params['entry']['source']}: {params['entry']['text']}")
    return found


def render(path: Path, *, chromium: str, timeout_s: float = 30.0) -> Rendered:
    """Open a local file in a fresh headless Chromium and read the rendered page back.

    Args:
        path: The HTML file.
        chromium: The Chromium launcher (see :func:`find_chromium`).
        timeout_s: The longest the whole start, load and read may take.

    Returns:
        The page's text, its script and chart-bar counts, and every error Chromium reported.

    Raises:
        BrowserError: Chromium failed or took longer than ``timeout_s``.
    """
    started = time.monotonic()
    commands_read, commands_write = os.pipe()
    replies_read, replies_write = os.pipe()
    with tempfile.TemporaryDirectory(prefix="gleaner-chromium-") as profile:
        log = Path(profile) / "chromium.log"
        pid = os.posix_spawn(
            chromium,
            [chromium, *_FLAGS, f"--user-data-dir={profile}/data", "about:blank"],
            {**os.environ, "HOME": profile},
            file_actions=[
                (os.POSIX_SPAWN_DUP2, commands_read, 3),
                (os.POSIX_SPAWN_DUP2, replies_write, 4),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, str(log), os.O_WRONLY | os.O_CREAT, 0o600),
            ],
            setsid=True,
        )
        os.close(commands_read)
        os.close(replies_write)
        pipe = _Pipe(commands_write, replies_read, started + timeout_s)
        try:
            target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            for domain in ("Runtime", "Log", "Page"):
                pipe.call(f"{domain}.enable", session=session)
            pipe.call("Page.navigate", {"url": path.resolve().as_uri()}, session)
            pipe.wait_for("Page.loadEventFired", session)
            probe = pipe.call(
                "Runtime.evaluate", {"expression": _PROBE, "returnByValue": True}, session
            )
            if "exceptionDetails" in probe:
                raise BrowserError(f"reading the page failed: {probe['exceptionDetails']}")
            page = json.loads(probe["result"]["value"])
            errors = _errors(pipe.events, session)
            pipe.send("Browser.close")
        except BrowserError as exc:
            raise BrowserError(f"{exc}\n{log.read_text(errors='replace')[-2000:]}") from None
        finally:
            os.close(commands_write)
            os.close(replies_read)
            _stop(pid, started + timeout_s)
    return Rendered(
        text=page["text"],
        scripts=page["scripts"],
        bars=page["bars"],
        title=page["title"],
        errors=errors,
        seconds=time.monotonic() - started,
    )


def _stop(pid: int, deadline: float) -> None:
    """Wait for Chromium to exit after ``Browser.close``; kill its process group if it lingers."""
    limit = min(deadline, time.monotonic() + 5)
    while time.monotonic() < limit:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    # Helpers (zygote, renderer) share the group and leave with the browser; make sure of it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
