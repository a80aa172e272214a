"""A cheap static server for benchmarks: pre-built files sent with ``sendfile``, on 127.0.0.1.

``python -m bench.fileserver DIR`` serves the site :func:`write_site` wrote to ``DIR`` and prints
``serving http://127.0.0.1:PORT`` once it listens. Each path's status and Content-Type come from
``DIR/index.json``; bodies go from the page cache to the socket without passing through Python,
over persistent HTTP/1.1 connections, so the server costs little CPU beside the crawl it feeds.
"""

from __future__ import annotations

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.demo.site import BASE_MARK, clean_path

if TYPE_CHECKING:
    from crawler.demo import DemoSite

_INDEX = "index.json"


def write_site(site: DemoSite, root: Path) -> dict[str, tuple[int, str, str, bool]]:
    """Write every page of a demo site to ``root`` as a file, with an index of them.

    Args:
        site: the demo site.
        root: an empty or new directory.

    Returns:
        The index: each path's status, Content-Type, file name (in ``root``) and whether the
        body holds :data:`~crawler.demo.BASE_MARK`.
    """
    root.mkdir(parents=True, exist_ok=True)
    index: dict[str, tuple[int, str, str, bool]] = {}
    pages = {**site.pages, "/__not_found__": site.not_found}
    for number, (path, page) in enumerate(pages.items()):
        name = f"{number}.body"
        (root / name).write_bytes(page.body)
        index[path] = (page.status, page.content_type, name, page.absolute)
    (root / _INDEX).write_text(json.dumps(index), encoding="utf-8")
    return index


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        raw = json.loads((root / _INDEX).read_text(encoding="utf-8"))
        base = f"http://127.0.0.1:{self.server_address[1]}".encode()
        self.pages: dict[str, tuple[int, str, Path]] = {}
        for path, (status, ctype, name, absolute) in raw.items():
            file = root / name
            if absolute:  # put the server's own URL where the page names it
                file = root / f"{name}.served"
                file.write_bytes((root / name).read_bytes().replace(BASE_MARK.encode(), base))
            self.pages[path] = (status, ctype, file)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        pages = self.server.pages
        status, ctype, file = pages.get(clean_path(self.path)) or pages["/__not_found__"]
        with file.open("rb") as body:
            size = os.fstat(body.fileno()).st_size
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.connection.sendfile(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""


def main(argv: list[str] | None = None) -> int:
    """Serve the directory named on the command line until killed."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bench.fileserver DIR", file=sys.stderr)
        return 2
    server = _Server(Path(args[0]))
    print(f"serving http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
