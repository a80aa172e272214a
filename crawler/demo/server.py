"""Serves a built demo site over HTTP from a background thread, recording every request."""

from __future__ import annotations

import threading
from datetime import UTC
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import IO

from crawler.demo.site import BASE_DATE, DemoSite, Page


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

    def _respond(self, *, send_body: bool) -> None:
        page = self.server.owner.site.page(self.path)
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
    """The demo site on ``http://127.0.0.1:PORT/``; a context manager that starts and stops it."""

    def __init__(
        self,
        site: DemoSite,
        host: str = "127.0.0.1",
        port: int = 0,
        log_path: str | Path | None = None,
    ) -> None:
        self.site = site
        self.host = host
        self.port = port
        self.log_path = Path(log_path) if log_path is not None else None
        self._lock = threading.Lock()
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
        """Bind, open the request log (truncated) and serve from a daemon thread."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), self)
        self.port = int(httpd.server_address[1])
        if self.log_path is not None:
            self._log = self.log_path.open("w", encoding="utf-8")
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

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._requests.append((method, path, status))
            if self._log is not None:
                self._log.write(f"{method} {path} {status}\n")
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
