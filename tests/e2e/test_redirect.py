"""Redirects are followed: a listed URL that moved gives the article at its new address."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.conftest import gleaner, query
from tests.served import serve_handler

pytestmark = pytest.mark.e2e

MOVED = "/news/2025/01/01/the-story-that-moved.html"
FINAL = "/news/2025/01/02/the-story-at-its-new-home.html"
BODY = "".join(
    f"<p>Paragraph {n} of the story that moved, told in enough words to count as prose.</p>"
    for n in range(8)
)
PAGES = {
    "/": f'<html><body><main><h2><a href="{MOVED}">The story that moved</a></h2></main></body></html>',
    FINAL: "<html><head><title>The story that moved</title></head><body><article>"
    f"<h1>The story that moved</h1>{BODY}</article></body></html>",
}


class Handler(BaseHTTPRequestHandler):
    """Serves two pages and one permanent redirect."""

    def do_GET(self) -> None:
        if self.path == MOVED:
            self.send_response(301)
            self.send_header("Location", FINAL)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        page = PAGES.get(self.path)
        body = (page or "not found").encode()
        self.send_response(200 if page else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def moving_site() -> Iterator[str]:
    with serve_handler(Handler) as root:
        yield root + "/"


def test_a_redirected_article_is_fetched_at_its_new_url(tmp_path: Path, moving_site: str) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "moving"\nstart_urls = ["{moving_site}"]\ndownload_delay = 0\n'
    )
    db = tmp_path / "w.duckdb"
    gleaner("crawl", "moving", "--sites", str(sites), "--db", str(db))
    assert query(db, "SELECT url, title FROM articles") == [
        (moving_site.rstrip("/") + FINAL, "The story that moved")
    ]
    assert query(db, "SELECT count(*) FROM rejects") == [(0,)]
    fetched = query(db, "SELECT url, status FROM fetches WHERE role = 'article'")
    assert fetched == [(moving_site.rstrip("/") + FINAL, 200)]
