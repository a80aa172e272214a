"""``gleaner report`` and ``gleaner runs`` through the real command line on a real warehouse."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest

from tests.conftest import gleaner
from tests.report_warehouse import (
    BAD_DETAIL,
    BAD_URL,
    COPY_URL,
    MARKUP_TITLE,
    NEAR_URL,
    SCRIPT_TITLE,
    SCRIPT_URL,
    TwoRuns,
    story,
    two_runs,
)
from warehouse.dedupe.plan import DECISIONS

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TwoRuns]:
    """Two runs of one site, the second with every kind of item the report explains."""
    path = tmp_path_factory.mktemp("report") / "w.duckdb"
    return path, two_runs(path)


def test_terminal_report_lists_each_duplicate_with_what_it_matched(
    warehouse: tuple[Path, TwoRuns],
) -> None:
    db, runs = warehouse
    out = gleaner("report", "--db", str(db)).stdout
    assert runs.second in out
    duplicates = out[out.index("Duplicates") : out.index("Updated articles")]
    rows = {
        NEAR_URL: (SCRIPT_TITLE, SCRIPT_URL, "93%", "minhash"),
        COPY_URL: ("Story 2", story(2), "100%", "content_key"),
    }
    for url, (title, matched_url, similarity, method) in rows.items():
        line = next(line for line in duplicates.splitlines() if url in line)
        for cell in (title, similarity, method):
            assert cell in line, (url, cell)
        # The matched URL is printed under the matched title, in the same cell.
        following = duplicates.splitlines()[duplicates.splitlines().index(line) + 1]
        assert matched_url in following
    assert re.search(r"duplicate_url\s+\W\s+\[bold\]Breaking", duplicates)


def test_terminal_report_shows_the_change_and_the_tables(warehouse: tuple[Path, TwoRuns]) -> None:
    db, runs = warehouse
    out = gleaner("report", runs.second, "--db", str(db)).stdout
    assert f"Since run {runs.first}" in out
    assert "new 1 (down 80% from 5)" in out
    assert "rejected 2 (up from 0)" in out
    assert re.search(r"\blisting\s+\W\s+\W\s+1\s+\W\s+\W\s+1\b", out), "listing: one 304"
    assert re.search(r"\bnew\s+\W\s+1\s+\W\s+\W\s+5\s+\W\s+-80%", out)
    assert re.search(r"\bunchanged\s+\W\s+1\s+\W\s+known 1\b", out)
    updated = out[out.index("Updated articles") : out.index("Rejects by reason")]
    assert re.search(r"\W\s+2\s+\W\s+20%", updated), "version 2, 20% changed"
    assert "3 sightings of 2 articles (feed 1, listing 2)" in out
    first = gleaner("report", runs.first, "--db", str(db)).stdout
    assert "No earlier run of the same sites to compare with." in first


def test_terminal_report_prints_titles_and_details_as_text(
    warehouse: tuple[Path, TwoRuns],
) -> None:
    db, _ = warehouse
    out = gleaner("report", "--db", str(db)).stdout
    # Rich markup in a title would vanish (or fail) if it were interpreted.
    assert MARKUP_TITLE in out
    assert SCRIPT_TITLE in out
    assert BAD_DETAIL in out
    assert BAD_URL in out


def test_json_gives_the_change_in_percent_from_the_previous_run(
    warehouse: tuple[Path, TwoRuns],
) -> None:
    db, runs = warehouse
    report = json.loads(gleaner("report", "latest", "--db", str(db), "--json").stdout)
    previous = report["previous_run"]
    assert previous["run_id"] == runs.first
    assert previous["changes"]["new"] == {"previous": 5, "current": 1, "change_pct": -80.0}
    assert previous["changes"]["rejected"] == {"previous": 0, "current": 2, "change_pct": None}
    assert list(previous["changes"]) == list(DECISIONS)
    first = json.loads(gleaner("report", runs.first, "--db", str(db), "--json").stdout)
    assert first["previous_run"] is None
    assert first["items"]["new"] == 5


def test_json_lists_duplicates_updates_and_rejects(warehouse: tuple[Path, TwoRuns]) -> None:
    db, _ = warehouse
    out = gleaner("report", "--db", str(db), "--json").stdout
    report = json.loads(out)
    near = next(d for d in report["duplicates"] if d["decision"] == "near_duplicate")
    assert (near["url"], near["matched_url"], near["matched_title"]) == (
        NEAR_URL,
        SCRIPT_URL,
        SCRIPT_TITLE,
    )
    assert (near["similarity"], near["method"]) == (0.93, "minhash")
    assert [d["url"] for d in report["duplicates"]] == sorted(
        d["url"] for d in report["duplicates"]
    )
    [updated] = report["updated"]
    assert (updated["url"], updated["title"], updated["version"], updated["changed"]) == (
        story(1),
        MARKUP_TITLE,
        2,
        0.2,
    )
    assert report["rejects"]["by_reason"] == {"bad_url": 1, "http_error": 1}
    assert report["pages"]["by_role_status"]["listing"] == {"304": 1}
    assert report["items_by_method"]["unchanged"] == {"known": 1}
    assert report["sightings"]["by_source"] == {"feed": 1, "listing": 2}
    # Stable: the same run gives the same bytes.
    assert gleaner("report", "--db", str(db), "--json").stdout == out


def test_runs_json(warehouse: tuple[Path, TwoRuns]) -> None:
    db, runs = warehouse
    found = json.loads(gleaner("runs", "--db", str(db), "--json").stdout)
    assert [r["run_id"] for r in found] == [runs.second, runs.first]
    latest = found[0]
    assert {k: latest[k] for k in ("status", "sites", "pages", "items")} == {
        "status": "finished",
        "sites": ["example"],
        "pages": 8,
        "items": 8,
    }
    counts = ("new", "updated", "unchanged", "duplicates", "rejects")
    assert [latest[k] for k in counts] == [1, 1, 1, 3, 2]
    assert [found[1][k] for k in counts] == [5, 0, 0, 0, 0]
    assert all(r["duration_s"] >= 0 for r in found)


def test_runs_table_shows_status_duration_and_counts(warehouse: tuple[Path, TwoRuns]) -> None:
    db, runs = warehouse
    out = gleaner("runs", "--db", str(db)).stdout
    header = out.splitlines()[0].split()
    for column in ("status", "duration", "pages", "new", "updated", "unchanged", "duplicates"):
        assert column in header
    row = next(line for line in out.splitlines() if runs.second in line)
    assert re.search(
        r"finished\s+\W.*\d s\s+\W\s+8\s+\W\s+1\s+\W\s+1\s+\W\s+1\s+\W\s+3\s+\W\s+2", row
    )


def test_html_report_is_written_escaped_and_self_contained(
    warehouse: tuple[Path, TwoRuns], tmp_path: Path
) -> None:
    db, runs = warehouse
    target = tmp_path / "out" / "report.html"
    result = gleaner("report", "--db", str(db), "--html", str(target))
    assert result.stdout.strip() == f"wrote {target}"
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert runs.second in page
    assert "Content-Security-Policy" in page
    assert "script-src" not in page, "scripts fall under default-src 'none'"
    assert "<script" not in page.lower()
    assert "Ad Networks Still Slip &lt;script&gt; Tags Into News Pages" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    tags = _tags(page)
    names = {name for name, _ in tags}
    assert not names & {"script", "img", "link", "iframe", "object", "embed", "base", "form"}
    attributes = [(name, key, value) for name, attrs in tags for key, value in attrs]
    assert not [a for a in attributes if a[1] == "src" or a[1].startswith("on")]
    # Links go to the articles' own http(s) URLs only; a javascript: URL stays text.
    hrefs = [value for _, key, value in attributes if key == "href"]
    assert SCRIPT_URL in hrefs
    assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    assert "javascript:alert(document.domain)" in page
    style = page[page.index("<style>") : page.index("</style>")]
    assert "url(" not in style
    assert "@import" not in style
    bars = [dict(attrs) for name, attrs in tags if name == "rect"]
    assert [b["data-decision"] for b in bars] == list(DECISIONS)
    assert [b["data-count"] for b in bars] == ["1", "1", "1", "1", "1", "1", "2"]


def test_json_and_html_exclude_each_other(warehouse: tuple[Path, TwoRuns], tmp_path: Path) -> None:
    db, _ = warehouse
    result = gleaner(
        "report", "--db", str(db), "--json", "--html", str(tmp_path / "r.html"), check=False
    )
    assert result.returncode == 2
    assert "Choose one of --json and --html" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_html_to_an_unwritable_place_is_a_clear_error(
    warehouse: tuple[Path, TwoRuns], tmp_path: Path
) -> None:
    db, _ = warehouse
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = gleaner("report", "--db", str(db), "--html", str(blocker / "r.html"), check=False)
    assert result.returncode == 1
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.stderr


def _tags(page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every start tag of an HTML page, with its attributes."""
    found: list[tuple[str, list[tuple[str, str]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, [(k, v or "") for k, v in attrs]))

    Collector().feed(page)
    return found
