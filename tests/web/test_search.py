"""The search index over a real warehouse file: what a query means, how results rank, the filters,
and an index that follows the articles as crawls add and change them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from crawler.web.reader import Reader
from crawler.web.search import MAX_TERMS, Filters, SearchIndex, parse
from tests.warehouse_factories import article
from warehouse.rows import Batch
from warehouse.runs import start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path

FERRY = "https://example.test/news/ferry"
BRIDGE = "https://example.test/news/bridge"
MARKET = "https://example.test/news/market"


def test_a_query_is_words_and_quoted_phrases() -> None:
    assert parse('Ferry "the Harbour Bridge"  state-of-the-art FERRY') == (
        ("ferry",),
        ("the", "harbour", "bridge"),
        ("state", "of", "the", "art"),
    )
    assert parse("  ") == ()
    assert parse(None) == ()
    assert parse('"" -- ...') == ()
    assert len(parse(" ".join(f"w{i}" for i in range(20)))) == MAX_TERMS
    assert parse("x" * 41 + " café") == (("café",),)


def write(db: Path, run: str, *rows: tuple[str, str, str, dict[str, object]]) -> None:
    start_run(db, run, ["example"], {})
    articles = [article(url, text, title=title, **extra) for url, title, text, extra in rows]
    write_batch(db, Batch(run, articles=articles))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    write(
        path,
        "r1",
        (
            FERRY,
            "Ferry fares rise again",
            "The council met on Monday. Fares rise in May.",
            {
                "published_at": datetime(2025, 3, 1, tzinfo=UTC),
                "language": "en",
                "tags": ("Transport",),
            },
        ),
        (
            BRIDGE,
            "The harbour bridge reopens",
            "A ferry ran while the bridge was shut. The ferry was full.",
            {"published_at": datetime(2025, 6, 1, tzinfo=UTC), "language": "en", "tags": ("City",)},
        ),
        (
            MARKET,
            "Le marché rouvre",
            "Le ferry du matin amène les maraîchers au marché.",
            {"published_at": datetime(2025, 9, 1, tzinfo=UTC), "language": "fr", "tags": ("City",)},
        ),
    )
    return path


def ids(db: Path, index: SearchIndex, query: str, filters: Filters | None = None) -> list[str]:
    with Reader(db).connection() as conn:
        index.refresh(conn)
        found = dict(conn.execute("SELECT article_id, url FROM articles").fetchall())
    total, hits = index.search(parse(query), filters or Filters(), limit=10, offset=0)
    assert total == len(hits)
    return [found[hit.article_id] for hit in hits]


def test_a_title_match_ranks_first_and_every_term_must_match(db: Path) -> None:
    index = SearchIndex()
    assert ids(db, index, "ferry")[0] == FERRY
    assert set(ids(db, index, "ferry")) == {FERRY, BRIDGE, MARKET}
    assert ids(db, index, "ferry bridge") == [BRIDGE]
    assert ids(db, index, '"bridge was shut"') == [BRIDGE]
    assert ids(db, index, '"shut bridge"') == []
    assert ids(db, index, "MARCHÉ") == [MARKET]
    assert ids(db, index, "fer") == [], "words match whole"


def test_filters_narrow_a_search(db: Path) -> None:
    index = SearchIndex()
    assert ids(db, index, "ferry", Filters(language="fr")) == [MARKET]
    assert set(ids(db, index, "ferry", Filters(tag="city"))) == {BRIDGE, MARKET}
    assert ids(db, index, "ferry", Filters(since=date(2025, 5, 1), until=date(2025, 6, 1))) == [
        BRIDGE
    ]
    assert ids(db, index, "ferry", Filters(site="other")) == []


def test_the_snippet_marks_the_matched_words(db: Path) -> None:
    index = SearchIndex()
    ids(db, index, "full")
    _, [hit] = index.search(parse("full"), Filters(), limit=10, offset=0)
    assert ("full", True) in hit.snippet
    assert "".join(piece for piece, _ in hit.snippet) in (
        "A ferry ran while the bridge was shut. The ferry was full."
    )


def test_the_index_follows_new_articles_and_new_versions(db: Path) -> None:
    index = SearchIndex()
    assert ids(db, index, "timetable") == []
    write(
        db,
        "r2",
        (FERRY, "Ferry fares rise again", "The council met on Monday. A new timetable starts.", {}),
        ("https://example.test/news/tram", "Tram timetable", "The tram timetable changes.", {}),
    )
    with Reader(db).connection() as conn:
        assert index.refresh(conn) == 2, "the new article and the new version"
        assert index.refresh(conn) == 0, "nothing changed since"
    assert ids(db, index, "timetable")[1:] == [FERRY]
    assert ids(db, index, "fares may") == [], "the old version is no longer indexed"
