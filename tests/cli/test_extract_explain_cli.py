"""``gleaner extract --explain`` on a saved demo article: what was removed, and by which rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.demo import SITE_BOILERPLATE, STANDING_FOOTNOTE, build_site
from tests.conftest import DemoRun, gleaner

pytestmark = pytest.mark.e2e

BASE = "http://127.0.0.1:8931"


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A demo article page with a caption printed twice, saved to a file, and its truth."""
    site = build_site()
    for truth in site.truth(BASE + "/"):
        body = site.page(str(truth["url"]).removeprefix(BASE)).body
        if b'class="photo-alt"' in body:
            path = tmp_path_factory.mktemp("explain") / "article.html"
            path.write_bytes(body)
            return path, truth
    raise AssertionError("no demo article has a caption")


def test_json_lists_the_removals_with_their_rules(saved: tuple[Path, dict[str, Any]]) -> None:
    path, truth = saved
    out = gleaner("extract", str(path), "--url", truth["url"], "--json", "--explain").stdout
    record = json.loads(out)
    removed = record["removed"]
    rules = [r["rule"] for r in removed]
    assert {"share_widget", "trailing_block", "duplicate"} <= set(rules)
    share = next(r["text"] for r in removed if r["rule"] == "share_widget")
    assert "Share on" in share
    assert share not in record["text"]
    for removal in removed:
        if removal["rule"] == "trailing_block":
            assert removal["text"].rstrip("…") not in record["text"]
    caption = str(truth["text"]).split("\n\n")[0]
    duplicate = next(r["text"] for r in removed if r["rule"] == "duplicate")
    assert caption.startswith(duplicate.replace("'", "’").rstrip("…"))  # the caption's other copy
    assert record["text"].count(caption) == 1
    # One page alone cannot tell the site's own boilerplate from its article: all else is gone.
    assert STANDING_FOOTNOTE in record["text"]
    paragraphs = [p for p in record["text"].split("\n\n") if p not in SITE_BOILERPLATE]
    assert paragraphs == str(truth["text"]).split("\n\n")


def test_with_the_site_its_learned_boilerplate_is_removed_and_listed(
    saved: tuple[Path, dict[str, Any]], demo_run: DemoRun, tmp_path: Path
) -> None:
    path, truth = saved
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "demo"\nstart_urls = ["http://127.0.0.1:{demo_run.port}/"]\n'
    )
    out = gleaner(
        "extract",
        str(path),
        "--url",
        truth["url"],
        "--site",
        "demo",
        "--sites",
        str(sites),
        "--db",
        str(demo_run.db),
        "--json",
        "--explain",
    ).stdout
    record = json.loads(out)
    assert record["text"] == truth["text"]
    learned = [r["text"] for r in record["removed"] if r["rule"] == "site_boilerplate"]
    assert STANDING_FOOTNOTE.startswith(learned[-1].rstrip("…"))
    assert record["boilerplate_removed"][-1] == STANDING_FOOTNOTE
    assert {"share_widget", "trailing_block", "duplicate"} <= {r["rule"] for r in record["removed"]}


def test_without_explain_the_json_has_no_removals(saved: tuple[Path, dict[str, Any]]) -> None:
    path, truth = saved
    record = json.loads(gleaner("extract", str(path), "--url", truth["url"], "--json").stdout)
    assert "removed" not in record
    assert record["body_source"] == "trafilatura"


def test_the_terminal_shows_a_table_of_rules_and_removed_text(
    saved: tuple[Path, dict[str, Any]],
) -> None:
    path, truth = saved
    out = gleaner("extract", str(path), "--url", truth["url"], "--explain").stdout
    record_part, _, removals_part = out.partition("Removed (")
    assert truth["title"] in record_part
    for rule in ("share_widget", "trailing_block", "duplicate"):
        assert rule in removals_part
    assert "Share on Facebook" in removals_part
    assert "Share on Facebook" not in record_part
