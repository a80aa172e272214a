"""A warehouse with history for ``gleaner serve``, and the real server over it.

The demo site is crawled, moved a day forward (new articles, one edited) and crawled again, so
the warehouse holds updates, duplicates, a near-duplicate, rejects, learned boilerplate and raw
pages; then a small site whose article title is an HTML payload is crawled too. ``gleaner serve``
runs over the result in a child process, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GLEANER, ROOT, fetch, gleaner
from tests.hostile_site import article_html, prose
from tests.served import serve_demo, serve_handler

HOSTILE_TITLE = (
    "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
    " Harbour Council Votes on the Ferry Budget"
)
"""An article title that would run a script if a page printed it as markup."""
HOSTILE_PATH = "/news/2025/03/01/harbour-council-votes-on-the-ferry-budget.html"
_QUIET_PATH = "/news/2025/03/02/the-library-opens-a-reading-garden-by-the-river.html"


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class HostileHandler(BaseHTTPRequestHandler):
    """A home page listing two articles, one titled :data:`HOSTILE_TITLE`."""

    def do_GET(self) -> None:
        pages = {
            HOSTILE_PATH: article_html(_escaped(HOSTILE_TITLE), prose(11)),
            _QUIET_PATH: article_html("The Library Opens a Reading Garden by the River", prose(12)),
        }
        if self.path == "/":
            items = "".join(
                f'<article class="teaser"><h2><a href="{path}">Story</a></h2></article>'
                for path in pages
            )
            body = f"<!doctype html><html><body><main>{items}</main></body></html>"
        elif self.path in pages:
            body = pages[self.path]
        else:
            self.send_error(404)
            return
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Served:
    """``gleaner serve`` over a warehouse with history."""

    url: str
    """The server's root, ending in ``/``."""
    db: Path
    sites: Path
    demo: str
    """The demo site's root, as its article URLs begin."""
    truth: dict[str, dict[str, Any]]
    """The demo site's articles on the second day, by URL."""
    runs: list[str]
    """The runs, oldest first: the demo's two, then the hostile site's."""

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
        """``(status, headers, body)`` of one request to the server."""
        status, found, body = fetch(self.url + path.lstrip("/"), headers)
        return int(status), found, bytes(body)

    def json(self, path: str) -> Any:
        """A page's JSON view."""
        status, headers, body = self.get(path + ("&" if "?" in path else "?") + "format=json")
        assert status == 200, (path, status, body[:500])
        assert headers["Content-Type"].startswith("application/json")
        return json.loads(body)

    def sql(self, query: str, **params: str) -> Any:
        """What ``gleaner sql --format json`` returns for a query."""
        args = [a for name, value in params.items() for a in ("-p", name, value)]
        result = gleaner("sql", query, "--db", str(self.db), "--format", "json", *args)
        return json.loads(result.stdout)


@contextmanager
def serving(db: Path, *args: str) -> Iterator[str]:
    """``gleaner serve --port 0`` over ``db`` in a child process; yields its root URL. What it
    logs goes to ``serve.log`` beside the warehouse."""
    log = db.parent / "serve.log"
    with log.open("a", encoding="utf-8") as errors:
        proc = subprocess.Popen(
            [*GLEANER, "serve", "--db", str(db), "--port", "0", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving "), line + log.read_text(encoding="utf-8")
        yield line.split()[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def _sites_file(path: Path, demo: str, hostile: str) -> Path:
    path.write_text(
        f'[[site]]\nname = "demo"\nstart_urls = ["{demo}"]\nfeeds = ["{demo}feed.xml"]\n'
        f'sitemaps = ["{demo}sitemap.xml"]\ndownload_delay = 0.0\nconcurrency = 8\n'
        'schedule = "@daily"\n\n'
        f'[[site]]\nname = "hostile"\nstart_urls = ["{hostile}/"]\ndownload_delay = 0.0\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="package")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Two demo crawls a day apart and a crawl of the hostile site, served by ``gleaner serve``."""
    tmp = tmp_path_factory.mktemp("serve")
    db = tmp / "warehouse.duckdb"
    with serve_demo(tmp / "demo") as demo, serve_handler(HostileHandler) as hostile:
        sites = _sites_file(tmp / "sites.toml", demo.url, hostile)
        gleaner("crawl", "demo", "--sites", str(sites), "--db", str(db))
        request = urllib.request.Request(f"{demo.url}_demo/day/1", method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.load(answer) == {"day": 1}
        gleaner("crawl", "demo", "--sites", str(sites), "--db", str(db))
        gleaner("crawl", "hostile", "--sites", str(sites), "--db", str(db))
        truth = demo.truth()
    runs = json.loads(gleaner("runs", "--db", str(db), "--json").stdout)
    with serving(db, "--sites", str(sites)) as url:
        yield Served(url, db, sites, demo.url, truth, [r["run_id"] for r in reversed(runs)])
