"""Serves a built demo site over HTTP from a background thread, recording every request.

Besides the site's pages it answers ``POST /_demo/day/N``: the site is rebuilt as it stands on day
``N`` (same articles and seed) and swapped in, so a test can move a running site forward in time.
"""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import IO

from crawler.demo.generator import build_site
from crawler.demo.site import BASE_DATE, DemoSite, Page, write_truth

#: Days a site can be moved forward to (a year: every date stays a plausible one).
MAX_DAY = 366
_DAY_PATH = re.compile(r"/_demo/day/(\d{1,4})")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], owner: DemoServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "DemoDaily/1.0"
    timeout = 30

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        match = _DAY_PATH.fullmatch(self.path)
        if match is None:
            self._send_json(404, {"error": "the only POST is /_demo/day/N"})
            return
        day = int(match.group(1))
        if day > MAX_DAY:
            self._send_json(400, {"error": f"the day must be 0 to {MAX_DAY}"})
            return
        self.server.owner.move_to(day)
        self._send_json(200, {"day": day})

    def _send_json(self, status: int, data: dict[str, object]) -> None:
        body = json.dumps(data).encode() + b"\n"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _respond(self, *, send_body: bool) -> None:
        owner = self.server.owner
        page = owner.site.page(self.path, f"http://{owner.host}:{owner.port}")
        etag, modified = page.etag, page.last_modified_header
        if page.status == 200 and self._not_modified(page, etag):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            return
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        if send_body:
            self.wfile.write(page.body)

    def _not_modified(self, page: Page, etag: str) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in candidates or etag in candidates
        if_modified_since = self.headers.get("If-Modified-Since")
        if not if_modified_since:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return (page.last_modified or BASE_DATE).replace(microsecond=0) <= since

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = int(code) if isinstance(code, int) or str(code).isdigit() else 0
        self.server.owner._record(self.command or "-", getattr(self, "path", "-"), status)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the request log is the only record."""


class DemoServer:
    """The demo site on ``http://127.0.0.1:PORT/``; a context manager that starts and stops it.

    Args:
        site: the site to serve.
        host: the address to bind.
        port: the port (0: any free one).
        log_path: a file that gets one ``METHOD PATH STATUS`` line per request.
        log_times: end each line of the log with the time the answer started (Unix seconds).
        truth_path: a file that gets the ground truth of the site served (JSON lines), on start
            and whenever another site is swapped in.
    """

    def __init__(
        self,
        site: DemoSite,
        host: str = "127.0.0.1",
        port: int = 0,
        log_path: str | Path | None = None,
        truth_path: str | Path | None = None,
        log_times: bool = False,
    ) -> None:
        self.site = site
        self.log_times = log_times
        self.host = host
        self.port = port
        self.log_path = Path(log_path) if log_path is not None else None
        self.truth_path = Path(truth_path) if truth_path is not None else None
        self._lock = threading.Lock()
        self._site_lock = threading.RLock()
        self._requests: list[tuple[str, str, int]] = []
        self._log: IO[str] | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL, ending in ``/``; known once the server is started."""
        if self._httpd is None:
            raise RuntimeError("the demo server is not started")
        return f"http://{self.host}:{self.port}/"

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """A snapshot of every request answered so far: (method, path with query, status)."""
        with self._lock:
            return list(self._requests)

    def start(self) -> DemoServer:
        """Bind, write the truth, open the request log (truncated), serve from a daemon thread."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), self)
        self.port = int(httpd.server_address[1])
        try:
            if self.truth_path is not None:
                write_truth(self.site, f"http://{self.host}:{self.port}/", self.truth_path)
            if self.log_path is not None:
                self._log = self.log_path.open("w", encoding="utf-8")
        except OSError:
            httpd.server_close()
            raise
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket and the log; safe to call twice."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self._log is not None:
                self._log.close()
                self._log = None

    def set_site(self, site: DemoSite) -> None:
        """Serve ``site`` from now on (requests in flight finish with the old one).

        The truth file, if any, is rewritten for it first.
        """
        with self._site_lock:
            if self.truth_path is not None and self._httpd is not None:
                write_truth(site, self.url, self.truth_path)
            self.site = site

    def move_to(self, day: int) -> DemoSite:
        """Rebuild the site served as it stands on ``day`` (same articles and seed), serve it."""
        with self._site_lock:
            current = self.site
            site = build_site(current.day0_articles, current.seed, day)
            self.set_site(site)
        return site

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._requests.append((method, path, status))
            if self._log is not None:
                when = f" {time.time():.6f}" if self.log_times else ""
                self._log.write(f"{method} {path} {status}{when}\n")
                self._log.flush()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
