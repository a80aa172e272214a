"""Stored text that looks like SQL, HTML, rich markup or terminal control: kept verbatim, shown
escaped.

A page carrying such text is served on 127.0.0.1 and crawled by the real command line; rows
holding control characters (which no HTML parser lets through, but JSON-LD, a user's rule or a
run id can carry) are written by the warehouse's own writer. Every command that shows them on a
terminal prints them as typed, with control characters as visible escapes, and the HTML report
escapes them.
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

import pytest
from rich.console import Console

from crawler.reports.html import render_html
from crawler.reports.output import plain, render_rows, shown, visible
from tests.conftest import gleaner
from tests.hostile_text import (
    CONTROLS,
    FIRST,
    LINK,
    MARKUP,
    SCRIPT,
    SQL,
    TAGS,
    TITLE,
    hostile_page,
)
from tests.served import serve_handler, sites_file
from tests.warehouse_factories import article, reject
from warehouse.rows import Batch
from warehouse.runs import finish_run, start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Raw control characters that must never reach a terminal.
RAW_CONTROLS = ("\x1b[2J", "\x1b]", "\x07", "\x9b", "\r", "\u202e")
#: What they look like once made visible.
SHOWN_CONTROLS = r"\x1b[2J\x1b]0;pwned\x07\x9b31m\x0dback\u202eevil"
#: Rich's own styling (select graphic rendition), dropped to read a forced-colour output.
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _colour_free(output: str) -> str:
    """Output printed to a (forced) colour terminal, without rich's own styles."""
    assert "\x1b]8;" not in output, "a hyperlink was rendered"
    return _SGR.sub("", output)


def _column(output: str, header: str) -> str:
    """The text of one column of the rich table headed ``header``, its wrapped lines joined."""
    lines = output.splitlines()
    heads = [[cell.strip() for cell in line.split("┃")] for line in lines]
    start = next(i for i, cells in enumerate(heads) if header in cells)
    index = heads[start].index(header)
    cells = []
    for line in lines[start + 2 :]:
        if "│" not in line:
            break
        cells.append(line.split("│")[index].strip())
    return " ".join(cell for cell in cells if cell)


def _assert_terminal_safe(output: str) -> None:
    for raw in RAW_CONTROLS:
        assert raw not in output, f"{raw!r} reached the terminal"


# Plain functions.


def test_visible_escapes_control_characters_only() -> None:
    assert visible(CONTROLS) == SHOWN_CONTROLS
    text = f"{TITLE}\n\ttab, é, 日本語, עברית \u200f, {LINK}"
    assert visible(text) == text
    assert visible("\x00\x08\x0b\x0c\x1f\x7f\x85\u2066\u2069") == (
        r"\x00\x08\x0b\x0c\x1f\x7f\x85\u2066\u2069"
    )


def test_plain_text_is_never_markup() -> None:
    text = plain(f"{MARKUP} {LINK} {CONTROLS}")
    assert text.plain == f"{MARKUP} {LINK} {SHOWN_CONTROLS}"
    assert not text.spans
    assert plain(None).plain == ""


def test_shown_reaches_nested_strings() -> None:
    value = {"a": [CONTROLS, ("x\x1b", 3)], "b": None}
    assert shown(value) == {"a": [SHOWN_CONTROLS, ("x\\x1b", 3)], "b": None}


def test_result_table_shows_markup_and_controls_as_typed() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=300, highlight=False)
    render_rows([MARKUP, "v"], [(f"{TITLE} {CONTROLS}", [LINK, SQL])], "table", console)
    printed = _colour_free(out.getvalue())
    _assert_terminal_safe(printed)
    assert MARKUP in printed
    assert TITLE in printed
    assert SHOWN_CONTROLS in printed
    assert json.dumps([LINK, SQL]) in printed


def test_html_report_escapes_every_hostile_value() -> None:
    report = _report_with(title=f"{TITLE} {CONTROLS}", detail=f"{SCRIPT} {LINK}")
    page = render_html(report)
    assert SCRIPT not in page
    assert "<script" not in page
    assert html.escape(TITLE, quote=True) in page
    assert html.escape(f"{SCRIPT} {LINK}", quote=True) in page
    _assert_terminal_safe(page)
    assert html.escape(SHOWN_CONTROLS) in page


def _report_with(*, title: str, detail: str) -> dict[str, Any]:
    decisions = ("new", "updated", "unchanged", "duplicate_url", "duplicate_content")
    items = dict.fromkeys((*decisions, "near_duplicate", "rejected"), 0)
    items["duplicate_content"] = items["rejected"] = 1
    url = "https://example.test/a"
    return {
        "run_id": "r1",
        "sites": ["example"],
        "status": "finished",
        "finish_reason": "finished",
        "started_at": None,
        "finished_at": None,
        "duration_s": 1.0,
        "pages": {"total": 0, "by_status": {}, "by_role": {}, "by_role_status": {}},
        "items": items,
        "items_by_method": {},
        "previous_run": None,
        "sightings": {"total": 0, "articles": 0, "by_source": {}},
        "duplicates": [
            {
                "url": url + "/copy",
                "decision": "duplicate_content",
                "matched_title": title,
                "matched_url": url,
                "similarity": 1.0,
                "method": "content_key",
                "detail": detail,
            }
        ],
        "updated": [],
        "rejects": {
            "total": 1,
            "by_reason": {"too_short": 1},
            "list": [{"reason": "too_short", "http_status": 200, "url": url, "detail": detail}],
        },
    }


# A crawl of a page carrying the hostile strings.

ARTICLES = (
    "/news/2025/11/12/budget-vote-goes-to-the-council.html",
    "/news/2025/11/12/budget-vote-copied-on-another-page.html",
)


class HostileSite(BaseHTTPRequestHandler):
    """A home page listing two article URLs that serve the same hostile page."""

    def do_GET(self) -> None:
        if self.path == "/":
            links = "".join(f'<li><a href="{p}">Budget vote</a></li>' for p in ARTICLES)
            self._send(f"<html><body><ul>{links}</ul></body></html>".encode())
        elif self.path in ARTICLES:
            self._send(hostile_page())
        else:
            self.send_error(404)

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(warehouse, site root) after crawling the hostile site; the site is served until the
    module's tests end."""
    tmp = tmp_path_factory.mktemp("hostile")
    db = tmp / "w.duckdb"
    with serve_handler(HostileSite) as root:
        sites = sites_file(tmp / "sites.toml", {"hostile": root + "/"})
        gleaner("crawl", "hostile", "--sites", str(sites), "--db", str(db))
        yield db, root


def _sql_json(db: Path, sql: str) -> list[dict[str, Any]]:
    result = gleaner("sql", sql, "--db", str(db), "--format", "json")
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_hostile_text_is_stored_verbatim(crawled: tuple[Path, str]) -> None:
    db, _ = crawled
    rows = _sql_json(db, "SELECT title, text, tags FROM articles")
    assert len(rows) == 1
    assert rows[0]["title"] == TITLE
    assert rows[0]["text"].split("\n\n")[0] == FIRST
    assert rows[0]["tags"] == list(TAGS)
    decisions = _sql_json(db, "SELECT decision, count(*) AS n FROM decisions GROUP BY ALL")
    assert sorted((d["decision"], d["n"]) for d in decisions) == [
        ("duplicate_content", 1),
        ("new", 1),
    ]
    tables = _sql_json(
        db, "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'articles'"
    )
    assert tables == [{"n": 1}]


def test_sql_table_shows_hostile_text_as_typed(
    crawled: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = crawled
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = gleaner("sql", "SELECT title, tags FROM articles", "--db", str(db))
    printed = _colour_free(result.stdout)
    assert TITLE in printed
    assert json.dumps(list(TAGS), ensure_ascii=False) in printed


def test_report_shows_hostile_title_as_typed(
    crawled: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db, _ = crawled
    monkeypatch.setenv("FORCE_COLOR", "1")
    printed = _colour_free(gleaner("report", "latest", "--db", str(db)).stdout)
    assert TITLE in _column(printed, "matched article")
    page = tmp_path / "report.html"
    gleaner("report", "latest", "--db", str(db), "--html", str(page))
    text = page.read_text(encoding="utf-8")
    assert html.escape(TITLE, quote=True) in text
    assert SCRIPT not in text


def test_extract_shows_hostile_page_as_typed(
    crawled: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, root = crawled
    monkeypatch.setenv("FORCE_COLOR", "1")
    printed = _colour_free(gleaner("extract", root + ARTICLES[0], "--explain").stdout)
    for expected in (TITLE, FIRST, MARKUP, SCRIPT, SQL):
        assert expected in printed
    record = json.loads(gleaner("extract", root + ARTICLES[0], "--json").stdout)
    assert (record["title"], record["tags"]) == (TITLE, list(TAGS))


# Rows carrying control characters, written by the warehouse's writer.

HOSTILE_RUN = "run-\x1b]0;pwned\x07-1"


@pytest.fixture
def controlled(tmp_path: Path) -> Path:
    """A warehouse whose article, copy, reject, rule and run id hold control characters."""
    db = tmp_path / "w.duckdb"
    start_run(db, HOSTILE_RUN, ["example"], {})
    text = f"{FIRST} {CONTROLS}\n\nSecond paragraph."
    title = f"{TITLE} {CONTROLS}"
    authors = (f"Ann {CONTROLS}", MARKUP)
    rows = [
        article(u, text, title=title, authors=authors, tags=(CONTROLS, LINK))
        for u in ("https://example.test/a", "https://example.test/copy")
    ]
    bad = reject("https://example.test/short")
    bad = dataclasses.replace(bad, detail=CONTROLS)
    write_batch(db, Batch(HOSTILE_RUN, articles=rows, rejects=[bad]))
    finish_run(db, HOSTILE_RUN, "finished", "finished", {})
    return db


def test_control_characters_are_stored_byte_for_byte(controlled: Path) -> None:
    rows = _sql_json(controlled, "SELECT title, text, authors, tags FROM articles")
    assert rows == [
        {
            "title": f"{TITLE} {CONTROLS}",
            "text": f"{FIRST} {CONTROLS}\n\nSecond paragraph.",
            "authors": [f"Ann {CONTROLS}", MARKUP],
            "tags": [CONTROLS, LINK],
        }
    ]
    assert _sql_json(controlled, "SELECT detail FROM rejects") == [{"detail": CONTROLS}]


def test_terminal_commands_show_control_characters_as_escapes(
    controlled: Path, tmp_path: Path
) -> None:
    db = str(controlled)
    sites = tmp_path / "sites.toml"
    sites.write_text(
        '[[site]]\nname = "example"\nstart_urls = ["http://127.0.0.1:9/"]\nschedule = "every 1h"\n',
        encoding="utf-8",
    )
    rule = f"Advertisement {CONTROLS} {MARKUP}"
    added = gleaner("boilerplate", "drop", "example", rule, "--db", db).stdout
    outputs = {
        "sql": gleaner("sql", "SELECT title FROM articles", "--db", db).stdout,
        "sql authors": gleaner("sql", "SELECT authors, tags FROM articles", "--db", db).stdout,
        "report": gleaner("report", "latest", "--db", db).stdout,
        "runs": gleaner("runs", "--db", db).stdout,
        "boilerplate drop": added,
        "boilerplate list": gleaner("boilerplate", "list", "--db", db).stdout,
        "schedule list": gleaner("schedule", "list", "--db", db, "--sites", str(sites)).stdout,
    }
    for command, output in outputs.items():
        _assert_terminal_safe(output)
        assert "\x1b" not in output, command
    assert f"{TITLE} {SHOWN_CONTROLS}" in outputs["sql"]
    # Lists are shown as JSON, whose escapes (\u001b) are visible too.
    authors = json.dumps([f"Ann {CONTROLS}", MARKUP], ensure_ascii=False)
    assert visible(authors) in _column(outputs["sql authors"], "authors")
    assert f"{TITLE} {SHOWN_CONTROLS}" in _column(outputs["report"], "matched article")
    assert _column(outputs["report"], "detail") == SHOWN_CONTROLS
    assert visible(HOSTILE_RUN) in outputs["runs"]
    assert visible(HOSTILE_RUN) in outputs["schedule list"]
    assert visible(rule) in outputs["boilerplate drop"]
    assert visible(rule) in outputs["boilerplate list"]
    listed = json.loads(gleaner("boilerplate", "list", "--db", db, "--json").stdout)
    assert [r["text"] for r in listed if r["status"] == "user drop"] == [rule]


def test_html_report_of_control_characters(controlled: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    gleaner("report", "latest", "--db", str(controlled), "--html", str(page))
    text = page.read_text(encoding="utf-8")
    _assert_terminal_safe(text)
    assert html.escape(SHOWN_CONTROLS) in text
    assert SCRIPT not in text


def test_sites_file_problems_show_control_characters_as_escapes(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        '[[site]]\nname = "example"\nstart_urls = ["http://127.0.0.1:9/"]\n'
        '"\\u001b[2J\\u001b]0;pwned\\u0007" = 1\n',
        encoding="utf-8",
    )
    checked = gleaner("sites", "--check", "--sites", str(sites), check=False)
    crawled = gleaner("crawl", "example", "--sites", str(sites), check=False)
    for result in (checked, crawled):
        assert result.returncode == 1
        _assert_terminal_safe(result.stdout + result.stderr)
        assert r"\x1b[2J\x1b]0;pwned\x07" in result.stderr
