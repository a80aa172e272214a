"""How ``gleaner export`` reads ``--since`` and which rows its queries pick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from warehouse.export import ExportError, Since, parse_since, table_query

RUNS = {
    "20261125T100000Z-bbbb": datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC),
    "20261124T100000Z-aaaa": datetime(2026, 11, 24, 10, 0, 0, tzinfo=UTC),
}


def test_a_known_run_cuts_at_its_start_time() -> None:
    since = parse_since("20261124T100000Z-aaaa", RUNS)
    assert since == Since(at=datetime(2026, 11, 24, 10, tzinfo=UTC), run_id="20261124T100000Z-aaaa")


@pytest.mark.parametrize(
    ("value", "at"),
    [
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20T08:30:00", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        ("2026-11-20T08:30:00Z", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        ("2026-11-20T10:30:00+02:00", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
    ],
)
def test_a_date_is_midnight_utc_and_a_date_time_is_read_as_utc(value: str, at: datetime) -> None:
    since = parse_since(value, RUNS)
    assert since == Since(at=at)
    assert since.at.utcoffset() == timedelta(0)


def test_an_unknown_run_names_the_newest_runs_and_how_to_list_them() -> None:
    with pytest.raises(ExportError) as caught:
        parse_since("20261123T100000Z-cccc", RUNS)
    message = str(caught.value)
    assert "20261125T100000Z-bbbb, 20261124T100000Z-aaaa" in message
    assert "`gleaner runs`" in message
    assert "YYYY-MM-DD" in message


def test_an_unknown_run_in_an_empty_warehouse_says_there_are_no_runs() -> None:
    with pytest.raises(ExportError, match="no runs yet"):
        parse_since("latest", {})


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    """A small warehouse in memory: two runs, three articles, their versions and decisions."""
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    db.execute("CREATE TABLE runs (run_id VARCHAR, started_at TIMESTAMPTZ)")
    db.execute(
        "CREATE TABLE articles (article_id BIGINT, site VARCHAR, authors VARCHAR[], "
        "published_at TIMESTAMPTZ, first_seen_at TIMESTAMPTZ, fingerprint UBIGINT)"
    )
    db.execute(
        "CREATE TABLE article_versions (article_id BIGINT, run_id VARCHAR, fetched_at TIMESTAMPTZ)"
    )
    db.execute("CREATE TABLE decisions (run_id VARCHAR, site VARCHAR, decided_at TIMESTAMPTZ)")
    db.execute(
        "INSERT INTO runs VALUES ('r1', '2026-11-24 10:00+00'), ('r2', '2026-11-25 10:00+00')"
    )
    db.execute(
        """INSERT INTO articles VALUES
        (1, 'a', ['Ann'], '2026-11-01 23:30+00', '2026-11-24 10:01+00', NULL),
        (2, 'b', [], NULL, '2026-11-24 10:02+00', NULL),
        (3, 'a', ['Bo', 'Cy, Jr.'], '2026-11-25 01:00+00', '2026-11-25 10:03+00', NULL)"""
    )
    db.execute(
        """INSERT INTO article_versions VALUES
        (1, 'r1', '2026-11-24 10:01+00'), (2, 'r1', '2026-11-24 10:02+00'),
        (2, 'r2', '2026-11-25 10:04+00'), (3, 'r2', '2026-11-25 10:03+00')"""
    )
    db.execute(
        "INSERT INTO decisions VALUES ('r1', 'a', '2026-11-24 10:05+00'), "
        "('r2', 'b', '2026-11-25 10:05+00')"
    )
    return db


def rows(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    fmt: str = "parquet",
    *,
    sites: tuple[str, ...] = (),
    since: Since | None = None,
) -> list[tuple[object, ...]]:
    """The rows an export of ``table`` would write, from the in-memory warehouse."""
    lists = ["authors"] if table == "articles" else []
    sql, params = table_query(table, fmt, lists, sites=sites, since=since)
    return conn.execute(sql, params).fetchall()


def test_articles_are_dated_by_publication_else_first_seen_and_lose_internal_columns(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    sql, params = table_query("articles", "parquet", ["authors"])
    result = conn.execute(sql, params)
    columns = [d[0] for d in result.description]
    assert columns == ["article_id", "site", "authors", "published_at", "first_seen_at", "date"]
    dates = {row[0]: str(row[-1]) for row in result.fetchall()}
    assert dates == {1: "2026-11-01", 2: "2026-11-24", 3: "2026-11-25"}


def test_csv_writes_lists_as_json_arrays(conn: duckdb.DuckDBPyConnection) -> None:
    authors = {row[0]: row[2] for row in rows(conn, "articles", "csv")}
    assert authors == {1: '["Ann"]', 2: "[]", 3: '["Bo","Cy, Jr."]'}
    assert {row[0]: row[2] for row in rows(conn, "articles", "jsonl")}[3] == ["Bo", "Cy, Jr."]


def test_since_a_run_takes_articles_it_or_later_runs_added_or_changed(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    since = Since(at=RUNS["20261125T100000Z-bbbb"], run_id="r2")
    assert [row[0] for row in rows(conn, "articles", since=since)] == [3, 2]
    assert [row[:2] for row in rows(conn, "decisions", since=since)] == [("r2", "b")]
    first = Since(at=RUNS["20261124T100000Z-aaaa"], run_id="r1")
    assert sorted(row[0] for row in rows(conn, "articles", since=first)) == [1, 2, 3]


def test_since_a_date_takes_articles_first_seen_or_updated_from_it(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    since = Since(at=datetime(2026, 11, 25, 10, 3, 30, tzinfo=UTC))
    assert [row[0] for row in rows(conn, "articles", since=since)] == [2]
    day = Since(at=datetime(2026, 11, 25, tzinfo=UTC))
    assert [row[0] for row in rows(conn, "articles", since=day)] == [3, 2]
    assert [row[1] for row in rows(conn, "decisions", since=day)] == ["b"]


def test_sites_filter_every_table(conn: duckdb.DuckDBPyConnection) -> None:
    assert [row[0] for row in rows(conn, "articles", sites=("a",))] == [1, 3]
    assert [row[1] for row in rows(conn, "decisions", sites=("a",))] == ["a"]
    since = Since(at=RUNS["20261125T100000Z-bbbb"])
    assert [row[0] for row in rows(conn, "articles", sites=("a",), since=since)] == [3]
