"""How the report writes numbers, changes and links, and how its HTML escapes hostile values."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from crawler.reports.html import decisions_chart, render_html
from crawler.reports.terminal import change_pct_text, change_text, duration, percent
from tests.report_warehouse import two_runs
from warehouse.queries import run_report


@pytest.mark.parametrize(
    ("previous", "current", "pct", "expected"),
    [
        (100, 3, -97.0, "new 3 (down 97% from 100)"),
        (5, 1, -80.0, "new 1 (down 80% from 5)"),
        (4, 5, 25.0, "new 5 (up 25% from 4)"),
        (3, 1, -66.7, "new 1 (down 66.7% from 3)"),
        (2, 2, 0.0, "new 2 (same)"),
        (0, 7, None, "new 7 (up from 0)"),
    ],
)
def test_change_text(previous: int, current: int, pct: float | None, expected: str) -> None:
    change = {"previous": previous, "current": current, "change_pct": pct}
    assert change_text("new", change) == expected


def test_change_pct_text() -> None:
    assert [change_pct_text(p) for p in (-80.0, 25.0, 0.0, None)] == [
        "-80%",
        "+25%",
        "0%",
        "up from 0",
    ]


def test_percent_and_duration() -> None:
    assert [percent(f) for f in (1.0, 0.93, 0.9133, 0.2, 0.0, None)] == [
        "100%",
        "93%",
        "91.3%",
        "20%",
        "0%",
        "-",
    ]
    assert [duration(s) for s in (None, 0.076, 40.8, 62.8, 3725)] == [
        "-",
        "0.1 s",
        "40.8 s",
        "1 min 03 s",
        "62 min 05 s",
    ]


def test_chart_has_one_bar_per_decision_scaled_to_the_largest() -> None:
    svg = decisions_chart({"new": 40, "updated": 10, "rejected": 0})
    bars = [attrs for tag, attrs in _start_tags(svg) if tag == "rect"]
    assert [b["data-decision"] for b in bars] == ["new", "updated", "rejected"]
    widths = [float(b["width"]) for b in bars]
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 4)
    assert widths[2] == 0


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("html") / "w.duckdb"
    two_runs(db)
    return run_report(db)


def test_html_escapes_urls_inside_links_and_links_only_http(report: dict[str, Any]) -> None:
    hostile = dict(report)
    duplicate = dict(report["duplicates"][0])
    duplicate["url"] = 'https://daily.example/a"onmouseover="alert(1)'
    duplicate["matched_url"] = "data:text/html,<script>alert(1)</script>"
    duplicate["matched_title"] = "</td></tr></table><script>alert(1)</script>"
    hostile["duplicates"] = [duplicate]
    page = render_html(hostile)
    anchors = [attrs for tag, attrs in _start_tags(page) if tag == "a"]
    assert {"href": duplicate["url"], "rel": "noopener noreferrer nofollow"} in anchors
    assert all(set(a) == {"href", "rel"} for a in anchors), "no attribute slipped in"
    assert all(a["href"].startswith(("http://", "https://")) for a in anchors)
    assert "<script" not in page
    assert "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;" in page


def test_html_sections_say_when_they_are_empty(report: dict[str, Any]) -> None:
    quiet = {**report, "duplicates": [], "updated": [], "previous_run": None}
    quiet["rejects"] = {"total": 0, "by_reason": {}, "list": []}
    page = render_html(quiet)
    for heading in ("Duplicates: 0", "Updated articles: 0", "Rejects: 0"):
        start = page.index(heading)
        assert page.index('<p class="muted">None.</p>', start) < page.index("</section>", start)
    assert "No earlier run of the same sites to compare with." in page


def _start_tags(markup: str) -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, {k: v or "" for k, v in attrs}))

    Collector().feed(markup)
    return found
