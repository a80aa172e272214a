"""The loader's boilerplate step: a batch teaches the learner, then is stripped of what it learned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines.boilerplate.batch import BatchBoilerplate
from pipelines.boilerplate.learner import BoilerplateLearner, paragraph_key
from pipelines.boilerplate.site import SiteBoilerplate, load_site_boilerplate
from pipelines.keys import content_key
from tests.pipelines.test_boilerplate import APPEAL, FOOTNOTE, articles, with_boilerplate
from tests.warehouse_factories import article
from warehouse.rows import Batch, BoilerplateKeyRow
from warehouse.runs import start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path


def batch_of(pages: list[list[str]], start: int = 0) -> Batch:
    rows = []
    for i, paragraphs in enumerate(pages, start=start):
        row = article(f"https://example.test/a/{i}", "\n\n".join(paragraphs))
        rows.append(row)
    return Batch("r1", articles=rows)


def step(
    drop: frozenset[str] = frozenset(), keep: frozenset[str] = frozenset(), min_chars: int = 300
) -> BatchBoilerplate:
    return BatchBoilerplate(SiteBoilerplate("example", BoilerplateLearner(), drop, keep), min_chars)


def test_a_cold_start_batch_learns_from_itself_and_is_stripped() -> None:
    pages = [with_boilerplate(a, APPEAL, FOOTNOTE) for a in articles(4)]
    batch = step().apply(batch_of(pages))
    assert len(batch.articles) == 4
    for row, paragraphs in zip(batch.articles, pages, strict=True):
        clean = [p for p in paragraphs if p not in (APPEAL, FOOTNOTE)]
        assert row.text == "\n\n".join(clean)
        assert row.content_key == content_key(row.text)
        assert row.boilerplate_removed == 2
    assert {k.key for k in batch.boilerplate_keys} >= {
        paragraph_key(APPEAL),
        paragraph_key(FOOTNOTE),
    }
    assert len(batch.boilerplate_pages) == 4


def test_an_article_left_too_short_becomes_a_too_short_reject() -> None:
    pages = [with_boilerplate(a, APPEAL) for a in articles(3)]
    pages.append(["A one-line brief.", APPEAL])
    batch = step().apply(batch_of(pages))
    assert len(batch.articles) == 3
    (rejected,) = batch.rejects
    assert rejected.reason == "too_short"
    assert rejected.url == "https://example.test/a/3"
    assert "1 paragraph(s) of site boilerplate" in (rejected.detail or "")
    assert "fewer than 300" in (rejected.detail or "")


def test_user_rules_apply_with_what_was_learned() -> None:
    pages = [with_boilerplate(a, APPEAL, FOOTNOTE) for a in articles(3)]
    lede = pages[0][0]
    keep = frozenset({paragraph_key(FOOTNOTE)})
    batch = step(drop=frozenset({paragraph_key(lede)}), keep=keep).apply(batch_of(pages))
    first = batch.articles[0].text.split("\n\n")
    assert lede not in first
    assert APPEAL not in first
    assert first[-1] == FOOTNOTE
    assert batch.articles[0].boilerplate_removed == 2


def test_nothing_learned_leaves_rows_as_they_came() -> None:
    pages = articles(3)
    batch = batch_of(pages)
    before = list(batch.articles)
    assert step().apply(batch).articles == before


def test_articles_wait_on_a_cold_start_until_there_are_enough_pages() -> None:
    fresh = step()
    assert fresh.holds_back(3)
    assert fresh.holds_back(19)
    assert not fresh.holds_back(0), "nothing to hold"
    assert not fresh.holds_back(20)
    fresh.apply(batch_of(articles(20)))
    assert not fresh.holds_back(1), "a warm site stores at once"


def test_the_state_a_batch_stores_is_what_the_next_crawl_restores(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    start_run(db, "r1", ["example"], {})
    pages = [with_boilerplate(a, APPEAL) for a in articles(6)]
    first = step()
    write_batch(db, first.apply(batch_of(pages[:3])))
    write_batch(db, first.apply(batch_of(pages[3:], start=3)))
    restored = load_site_boilerplate(db, "example")
    assert restored.learner.total == 6
    assert restored.learner.learned() == first.site.learner.learned() == {paragraph_key(APPEAL)}
    assert restored.learner.candidates() == first.site.learner.candidates()
    again = BatchBoilerplate(restored, 300).apply(batch_of(pages[:2]))
    assert again.boilerplate_pages == [], "pages counted before are not counted again"
    assert again.boilerplate_keys == []
    assert all(row.boilerplate_removed == 1 for row in again.articles)
    listing = load_site_boilerplate(db, "example", full=False)
    assert listing.learner.total == 6
    assert listing.learner.learned() == {paragraph_key(APPEAL)}


def test_no_warehouse_is_an_empty_start(tmp_path: Path) -> None:
    site = load_site_boilerplate(tmp_path / "none.duckdb", "example")
    assert (site.learner.total, site.drop, site.keep) == (0, frozenset(), frozenset())


def test_key_rows_carry_the_learner_state() -> None:
    batch = step().apply(batch_of([with_boilerplate(a, APPEAL) for a in articles(3)]))
    appeal = next(k for k in batch.boilerplate_keys if k.key == paragraph_key(APPEAL))
    assert isinstance(appeal, BoilerplateKeyRow)
    assert (appeal.site, appeal.pages, appeal.sample) == ("example", 3, APPEAL)
