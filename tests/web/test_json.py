"""Every page of ``gleaner serve`` as JSON answers what ``gleaner sql`` (or ``gleaner report``,
``gleaner boilerplate list``) answers for the same question, on a real warehouse."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.conftest import gleaner

if TYPE_CHECKING:
    from tests.web.conftest import Served

pytestmark = pytest.mark.e2e

RUNS_SQL = """
SELECT run_id, sites, status, started_at, finished_at, finish_reason,
       date_diff('millisecond', started_at, finished_at) / 1000 AS duration_s,
       pages, items, new, updated, unchanged,
       duplicate_url + duplicate_content + near_duplicate AS duplicates, rejected AS rejects
FROM run_report ORDER BY started_at DESC, run_id DESC
"""


def test_runs_are_the_run_report_view_newest_first(served: Served) -> None:
    assert served.json("/runs")["runs"] == served.sql(RUNS_SQL)
    finished = served.json("/runs?site=demo&status=finished")["runs"]
    assert [r["run_id"] for r in finished] == served.runs[1::-1]


def test_a_json_suffix_is_the_format_parameter(served: Served) -> None:
    status, _, body = served.get("/runs.json")
    assert status == 200
    assert json.loads(body) == served.json("/runs")
    status, _, index = served.get("/index.json")
    assert status == 200
    assert json.loads(index) == served.json("/sites") == served.json("/")


def test_a_run_page_is_the_run_report(served: Served) -> None:
    for run_id in served.runs:
        report = json.loads(gleaner("report", run_id, "--db", str(served.db), "--json").stdout)
        assert served.json(f"/runs/{run_id}") == report
    assert served.json("/runs/latest")["run_id"] == served.runs[-1]


def test_sites_count_articles_and_name_their_last_runs(served: Served) -> None:
    sites = {s["site"]: s for s in served.json("/")["sites"]}
    counts = served.sql("SELECT site, count(*) AS n FROM articles GROUP BY site ORDER BY site")
    assert {s: sites[s]["articles"] for s in sites} == {r["site"]: r["n"] for r in counts}
    assert sites["demo"]["last_run"]["run_id"] == served.runs[1]
    assert sites["hostile"]["last_run"]["run_id"] == served.runs[2]
    assert [r["run_id"] for r in sites["demo"]["runs"]] == served.runs[1::-1]
    new = served.sql(
        "SELECT run_id, count(*) AS n FROM decisions WHERE site = 'demo' AND decision = 'new' "
        "GROUP BY run_id"
    )
    assert {r["run_id"]: r["new"] for r in sites["demo"]["runs"]} == {
        r["run_id"]: r["n"] for r in new
    }
    assert sites["demo"]["failing_streak"] == 0
    assert sites["demo"]["schedule"]["expression"] == "@daily"
    assert sites["hostile"]["schedule"] is None


def test_articles_of_a_site_newest_first(served: Served) -> None:
    page = served.json("/articles?site=demo")
    rows = served.sql(
        "SELECT article_id, site, url, title, published_at, language, tags FROM articles "
        "WHERE site = $site ORDER BY coalesce(published_at, first_seen_at) DESC, article_id DESC "
        "LIMIT 50",
        site="demo",
    )
    assert page["results"] == rows
    total = served.sql("SELECT count(*) AS n FROM articles WHERE site = 'demo'")[0]["n"]
    assert page["page"]["total"] == total
    second = served.json("/articles?site=demo&page=2")["results"]
    assert [r["article_id"] for r in second] == [
        r["article_id"]
        for r in served.sql(
            "SELECT article_id FROM articles WHERE site = 'demo' "
            "ORDER BY coalesce(published_at, first_seen_at) DESC, article_id DESC OFFSET 50"
        )
    ]


def test_one_article_is_its_row_sightings_and_versions(served: Served) -> None:
    [edited] = served.sql("SELECT article_id, site, url_key FROM articles WHERE version_count = 2")
    page = served.json(f"/articles/{edited['article_id']}")
    columns = ", ".join(page["article"])
    [row] = served.sql(
        f"SELECT {columns} FROM articles WHERE article_id = $id", id=str(edited["article_id"])
    )
    assert page["article"] == row
    assert page["sightings"] == served.sql(
        "SELECT run_id, source, listing_url, article_url, tag, position, headline, teaser, "
        "listed_at, seen_at FROM sightings WHERE site = $site AND url_key = $key "
        "ORDER BY seen_at, run_id, listing_url, position",
        site=edited["site"],
        key=edited["url_key"],
    )
    assert page["sightings"], "the edited article was listed"
    assert [v["version"] for v in page["versions"]] == [1, 2]
    assert page["raw_pages"], "its pages were kept raw"


def test_rejects_by_reason_and_dedupe_counts(served: Served) -> None:
    by_reason = served.sql("SELECT reason, count(*) AS n FROM rejects GROUP BY reason")
    assert served.json("/rejects")["by_reason"] == {r["reason"]: r["n"] for r in by_reason}
    reason = by_reason[0]["reason"]
    listed = served.json(f"/rejects?reason={reason}")["rejects"]
    assert sorted(r["url"] for r in listed) == sorted(
        r["url"] for r in served.sql("SELECT url FROM rejects WHERE reason = $r", r=reason)
    )
    counts = served.sql(
        "SELECT decision, count(*) AS n FROM decisions WHERE decision IN "
        "('duplicate_url', 'duplicate_content', 'near_duplicate', 'updated') GROUP BY decision"
    )
    expected = {"duplicate_url": 0, "duplicate_content": 0, "near_duplicate": 0, "updated": 0}
    expected.update({r["decision"]: r["n"] for r in counts})
    page = served.json("/dedupe")
    assert page["counts"] == expected
    assert len(page["decisions"]) == sum(expected.values())
    assert expected["near_duplicate"] >= 1
    assert expected["updated"] == 1


def test_boilerplate_is_what_the_boilerplate_command_lists(served: Served) -> None:
    listed = json.loads(
        gleaner("boilerplate", "list", "demo", "--db", str(served.db), "--json").stdout
    )
    [demo] = served.json("/boilerplate?site=demo")["boilerplate"]
    assert demo["paragraphs"] == listed
    assert any(p["status"] == "learned" for p in listed)
    stripped = served.sql(
        "SELECT count(*) AS n FROM decisions WHERE site = 'demo' AND boilerplate_removed > 0"
    )
    assert demo["pages_stripped"] == stripped[0]["n"] > 0
