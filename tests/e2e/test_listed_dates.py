"""The date a listing page or a feed gives for an article reaches the warehouse with its source:
an undated page takes it, a page dated later than its listing keeps its own date as the
modification time, and a date in the future is never stored. Real server, CLI and warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.conftest import gleaner, query
from tests.served import serve_handler

pytestmark = pytest.mark.e2e

UNDATED = "/news/the-council-approves-the-bridge.html"
REPUBLISHED = "/news/the-ferry-returns-to-the-river.html"
FUTURE = "/news/the-market-opens-on-the-square.html"
FED = "/news/the-library-extends-its-hours.html"
LISTED = "2025-11-03T08:15:00Z"
FED_AT = "Tue, 04 Nov 2025 06:30:00 GMT"
PROSE = (
    "The council approved the plan on Tuesday after a debate that lasted well into the night, "
    "with residents from both banks of the river filling the public gallery to hear it."
)


def article(title: str, head: str = "") -> str:
    paragraphs = "".join(f"<p>{n}. {title}: {PROSE}</p>" for n in range(1, 6))
    return (
        f'<html lang="en"><head><title>{title}</title>{head}</head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def jsonld(published: str) -> str:
    return (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        f'"datePublished": "{published}"}}</script>'
    )


def item(path: str, title: str, listed: str) -> str:
    return f'<li><a href="{path}">{title}</a> <time datetime="{listed}">3 Nov</time></li>'


PAGES = {
    "/": "<html><body><main><ul>"
    + item(UNDATED, "The council approves the bridge", LISTED)
    + item(REPUBLISHED, "The ferry returns to the river", LISTED)
    + item(FUTURE, "The market opens on the square", LISTED)
    + "</ul></main></body></html>",
    "/feed.xml": '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
    f"<item><title>The library extends its hours</title><link>{{base}}{FED}</link>"
    f"<pubDate>{FED_AT}</pubDate></item></channel></rss>",
    UNDATED: article("The council approves the bridge"),
    REPUBLISHED: article("The ferry returns to the river", jsonld("2025-11-12T10:00:00Z")),
    FUTURE: article("The market opens on the square", jsonld("2099-01-01T00:00:00Z")),
    FED: article("The library extends its hours"),
}


class Handler(BaseHTTPRequestHandler):
    """Serves a listing page, a feed and four articles."""

    def do_GET(self) -> None:
        page = PAGES.get(self.path)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        body = (page or "not found").replace("{base}", base).encode()
        self.send_response(200 if page else 404)
        kind = "application/rss+xml" if self.path.endswith(".xml") else "text/html; charset=utf-8"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def dated_site() -> Iterator[str]:
    with serve_handler(Handler) as root:
        yield root


def test_listed_dates_are_stored_with_their_source(tmp_path: Path, dated_site: str) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "dated"\nstart_urls = ["{dated_site}/"]\n'
        f'feeds = ["{dated_site}/feed.xml"]\narticle_patterns = ["/news/"]\ndownload_delay = 0\n'
    )
    db = tmp_path / "w.duckdb"
    gleaner("crawl", "dated", "--sites", str(sites), "--db", str(db))
    rows = query(
        db,
        "SELECT url, published_at, published_source, modified_at, modified_source FROM articles",
    )
    stored = {url.removeprefix(dated_site): tuple(rest) for url, *rest in rows}
    listed = datetime(2025, 11, 3, 8, 15, tzinfo=UTC)
    assert stored == {
        UNDATED: (listed, "listing", None, None),
        REPUBLISHED: (listed, "listing", datetime(2025, 11, 12, 10, tzinfo=UTC), "json-ld"),
        FUTURE: (listed, "listing", None, None),
        FED: (datetime(2025, 11, 4, 6, 30, tzinfo=UTC), "feed", None, None),
    }


def test_reextract_keeps_the_dates_listings_gave(tmp_path: Path, dated_site: str) -> None:
    sites = tmp_path / "sites.toml"
    site = (
        f'[[site]]\nname = "dated"\nstart_urls = ["{dated_site}/"]\n'
        f'feeds = ["{dated_site}/feed.xml"]\narticle_patterns = ["/news/"]\ndownload_delay = 0\n'
    )
    sites.write_text(site)
    db = tmp_path / "w.duckdb"
    gleaner("crawl", "dated", "--sites", str(sites), "--db", str(db))
    # A rule that changes the undated and the fed articles' texts, so re-extraction rewrites them.
    last = [f"5. {title}: {PROSE}" for title in ("The council approves the bridge",)]
    last.append(f"5. The library extends its hours: {PROSE}")
    sites.write_text(site + f"[site.cleanup]\ndrop_phrases = {last!r}\n".replace("'", '"'))
    gleaner("reextract", "--site", "dated", "--sites", str(sites), "--db", str(db))
    rows = query(
        db,
        "SELECT url, version_count, published_at, published_source FROM articles "
        "WHERE url LIKE '%council%' OR url LIKE '%library%' ORDER BY url",
    )
    assert rows == [
        (
            dated_site + UNDATED,
            2,
            datetime(2025, 11, 3, 8, 15, tzinfo=UTC),
            "listing",
        ),
        (dated_site + FED, 2, datetime(2025, 11, 4, 6, 30, tzinfo=UTC), "feed"),
    ]
