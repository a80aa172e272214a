"""The HTML report in a real headless Chromium: no console errors, and hostile titles stay text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser import find_chromium, render
from tests.conftest import gleaner
from tests.report_warehouse import MARKUP_TITLE, SCRIPT_TITLE, two_runs
from warehouse.dedupe.plan import DECISIONS

if TYPE_CHECKING:
    from pathlib import Path

CHROMIUM = find_chromium()

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed; `make test` installs Debian's chromium package",
)

#: A fresh Chromium start, load and read-back takes about a second; this is the ceiling.
TIMEOUT_S = 30.0


def test_html_report_renders_without_errors_and_shows_titles_as_text(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    runs = two_runs(tmp_path / "w.duckdb")
    page = tmp_path / "report.html"
    gleaner("report", "--db", str(tmp_path / "w.duckdb"), "--html", str(page))

    rendered = render(page, chromium=CHROMIUM, timeout_s=TIMEOUT_S)

    assert rendered.errors == []
    assert rendered.title == f"gleaner run {runs.second}"
    assert SCRIPT_TITLE in rendered.text
    assert MARKUP_TITLE in rendered.text
    assert rendered.scripts == 0
    assert rendered.bars == list(DECISIONS)
    assert "new 1 (down 80% from 5)" in rendered.text


def test_the_browser_check_sees_console_errors_and_scripts(tmp_path: Path) -> None:
    """The check above can fail: a page that logs an error and throws is caught."""
    assert CHROMIUM is not None
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>broken</title></head><body>"
        "<p>text</p><script>console.error('logged'); missingFunction();</script></body></html>"
    )
    rendered = render(page, chromium=CHROMIUM, timeout_s=TIMEOUT_S)
    assert rendered.scripts == 1
    assert rendered.bars == []
    assert any("logged" in e for e in rendered.errors), rendered.errors
    assert any("missingFunction" in e for e in rendered.errors), rendered.errors
