"""The HTML report in a real headless Chromium: no console errors, and hostile titles stay text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.conftest import BrowserPage, gleaner
from tests.report_warehouse import MARKUP_TITLE, SCRIPT_TITLE, two_runs
from warehouse.dedupe.plan import DECISIONS

if TYPE_CHECKING:
    from pathlib import Path

# What the test reads back from the page once it has loaded.
_PROBE = """() => ({
  text: document.body.innerText,
  scripts: document.querySelectorAll('script').length,
  bars: Array.from(document.querySelectorAll('svg rect.bar'),
                   r => r.getAttribute('data-decision')),
  title: document.title,
})"""


def render(tab: BrowserPage, page: Path) -> dict[str, Any]:
    """Load a local file in the tab and read back its text, scripts, chart bars and title."""
    tab.page.goto(page.resolve().as_uri(), wait_until="load")
    found: dict[str, Any] = tab.page.evaluate(_PROBE)
    return found


def test_html_report_renders_without_errors_and_shows_titles_as_text(
    tmp_path: Path, browser_page: BrowserPage
) -> None:
    runs = two_runs(tmp_path / "w.duckdb")
    page = tmp_path / "report.html"
    gleaner("report", "--db", str(tmp_path / "w.duckdb"), "--html", str(page))

    rendered = render(browser_page, page)

    assert browser_page.errors == []
    assert rendered["title"] == f"gleaner run {runs.second}"
    assert SCRIPT_TITLE in rendered["text"]
    assert MARKUP_TITLE in rendered["text"]
    assert rendered["scripts"] == 0
    assert rendered["bars"] == list(DECISIONS)
    assert "new 1 (down 80% from 5)" in rendered["text"]


def test_the_browser_check_sees_console_errors_and_scripts(
    tmp_path: Path, browser_page: BrowserPage
) -> None:
    """The check above can fail: a page that logs an error and throws is caught."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>broken</title></head><body>"
        "<p>text</p><script>console.error('logged'); missingFunction();</script></body></html>"
    )
    rendered = render(browser_page, page)
    assert rendered["scripts"] == 1
    assert rendered["bars"] == []
    errors = browser_page.errors
    assert any("logged" in e for e in errors), errors
    assert any("missingFunction" in e for e in errors), errors
