"""``gleaner serve`` in Debian's chromium (through Playwright): every page renders with no console
error and no script, a search finds a known article, a near-duplicate is shown beside the text
it matched with the differences marked, and hostile titles stay text."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

import pytest

from crawler.demo.generator import SCRIPT_TITLE
from tests.web.conftest import HOSTILE_TITLE

if TYPE_CHECKING:
    from tests.conftest import BrowserPage
    from tests.web.conftest import Served

pytestmark = pytest.mark.e2e

# What a page is made of, read back once it has loaded.
_PROBE = """() => ({
  h1: document.querySelector('h1') ? document.querySelector('h1').innerText : null,
  scripts: document.querySelectorAll('script').length,
  images: document.querySelectorAll('img').length,
  handlers: Array.from(document.querySelectorAll('*')).filter(
      e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
  title: document.title,
  stylesheets: document.styleSheets.length,
})"""


def every_page(served: Served) -> list[str]:
    """One path of each kind of page, over the warehouse's own ids."""
    dedupe = served.json("/dedupe")["decisions"]
    explained = {d["decision"]: d for d in dedupe}
    assert set(explained) >= {"near_duplicate", "duplicate_content", "updated"}
    [edited] = served.sql("SELECT article_id FROM articles WHERE version_count = 2")
    article = served.json(f"/articles/{edited['article_id']}")
    raw = article["raw_pages"][0]
    cluster = served.json("/dedupe")["clusters"][0]["cluster_id"]
    reason = next(iter(served.json("/rejects")["by_reason"]))
    tag = served.json("/articles")["choices"]["tags"][0]
    return [
        "/",
        "/runs",
        "/runs?site=demo&status=finished",
        *(f"/runs/{run}" for run in served.runs),
        "/dedupe",
        "/dedupe?decision=near_duplicate",
        *(
            "/explain?" + urlencode({"run": d["run_id"], "url": d["url"]})
            for d in explained.values()
        ),
        f"/clusters/{cluster}",
        "/articles",
        "/articles?q=council&site=demo",
        f"/articles?tag={quote(tag)}&since=2025-01-01&until=2030-12-31&language=en",
        f"/articles/{edited['article_id']}",
        f"/articles/{edited['article_id']}/versions/1",
        f"/articles/{edited['article_id']}/versions/2",
        f"/raw/{raw['run_id']}/demo/{raw['warc_offset']}",
        "/rejects",
        f"/rejects?reason={reason}",
        "/boilerplate",
        "/boilerplate?site=demo",
    ]


def test_every_page_renders_without_errors_or_scripts(
    served: Served, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    for path in every_page(served):
        response = page.goto(served.url + path.lstrip("/"), wait_until="load")
        assert response is not None
        assert response.status == 200, path
        probe = page.evaluate(_PROBE)
        assert browser_page.errors == [], path
        assert probe["scripts"] == 0, path
        assert probe["handlers"] == 0, path
        if path.startswith("/raw/"):
            assert "<html" in page.inner_text("body").lower(), "a raw page shows as text"
        else:
            assert probe["h1"], path
            assert probe["stylesheets"] == 1, path


def test_a_search_finds_a_known_article(served: Served, browser_page: BrowserPage) -> None:
    [fresh, *_] = [t for t in served.truth.values() if t["change"] == "new"]
    [stored] = served.sql("SELECT article_id, title FROM articles WHERE url = $u", u=fresh["url"])
    words = " ".join(stored["title"].split()[:6])
    page = browser_page.page
    page.goto(served.url + "articles", wait_until="load")
    page.fill("input[name=q]", words)
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/articles?q=*")
    first = page.locator("ol.results > li").first
    assert first.get_attribute("data-article-id") == str(stored["article_id"])
    assert first.locator("a").first.inner_text() == stored["title"]
    assert first.locator("mark").count() >= 1, "the matched words are marked"
    # A phrase from the body alone, quoted, finds it too.
    phrase = " ".join(fresh["text"].split("\n\n")[1].split()[3:9])
    page.goto(served.url + "articles?" + urlencode({"q": f'"{phrase}"'}), wait_until="load")
    ids = page.locator("ol.results > li").evaluate_all("els => els.map(e => e.dataset.articleId)")
    assert str(stored["article_id"]) in ids
    assert browser_page.errors == []


def test_a_near_duplicate_is_shown_beside_its_match_with_the_difference_marked(
    served: Served, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    page.goto(served.url + "dedupe?decision=near_duplicate", wait_until="load")
    page.locator("tr[data-decision=near_duplicate] a", has_text="explain").first.click()
    page.wait_for_url("**/explain?*")
    section = page.locator("section.decision[data-decision=near_duplicate]")
    assert "similarity" in section.locator("h2").inner_text()
    left = section.locator(".text[data-side=left]").inner_text()
    right = section.locator(".text[data-side=right]").inner_text()
    assert len(left) > 500
    assert len(right) > 500
    assert left != right
    assert left.split("\n")[0] == right.split("\n")[0], "both texts open alike"
    removed = section.locator(".text[data-side=left] del").all_inner_texts()
    added = section.locator(".text[data-side=right] ins").all_inner_texts()
    assert removed, "words of the matched text that the copy lacks are struck"
    assert added, "words the copy adds are marked"
    assert all(text.strip() in right for text in added)
    assert any(text.strip() not in left for text in added)
    assert section.locator("table.changes ins, table.changes del").count() >= 1
    assert browser_page.errors == []


def test_hostile_titles_show_as_text_and_run_nothing(
    served: Served, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    page.goto(served.url + "articles?q=harbour+council+ferry", wait_until="load")
    link = page.locator("ol.results > li a").first
    assert link.inner_text() == HOSTILE_TITLE
    link.click()
    page.wait_for_url("**/articles/*")
    probe = page.evaluate(_PROBE)
    assert probe["h1"] == HOSTILE_TITLE
    assert probe["title"] == f"{HOSTILE_TITLE} · gleaner"
    assert probe["scripts"] == 0
    assert probe["images"] == 0
    assert probe["handlers"] == 0
    [script_article] = served.sql(
        "SELECT article_id FROM articles WHERE title = $t", t=SCRIPT_TITLE
    )
    page.goto(served.url + f"articles/{script_article['article_id']}", wait_until="load")
    assert page.evaluate(_PROBE)["h1"] == SCRIPT_TITLE
    page.goto(served.url + "runs/" + served.runs[-1], wait_until="load")
    assert page.evaluate(_PROBE)["scripts"] == 0
    assert browser_page.errors == []
