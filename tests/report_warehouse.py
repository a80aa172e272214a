"""A warehouse of two runs of one site, with every kind of item the run report explains.

Rows are written with the warehouse API; the columns ``write_batch`` does not fill yet (how a
decision was reached, its detail, an update's similarity, near-duplicates and items known
without a fetch) are set with plain SQL on the same real DuckDB file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.warehouse_factories import T0, article, fetch, reject, sighting
from warehouse.db import connect
from warehouse.rows import Batch, SightingRow
from warehouse.runs import finish_run, start_run
from warehouse.writer import write_batch

if TYPE_CHECKING:
    from pathlib import Path

HOME = "https://example.test/"
FEED = "https://example.test/feed.xml"
SCRIPT_TITLE = "Ad Networks Still Slip <script> Tags Into News Pages"
MARKUP_TITLE = "[bold]Breaking[/bold] Rates Rise [red]Again[/red]"
SCRIPT_URL = "https://example.test/news/ad-networks-script-tags"
NEAR_URL = "https://example.test/wire/ad-networks-script-tags-copy"
COPY_URL = "https://example.test/syndicated/story-2"
KNOWN_URL = "https://example.test/news/story-3"
BAD_URL = "javascript:alert(document.domain)"
BAD_DETAIL = "<img src=x onerror=alert(1)> is not an article"


def story(n: int) -> str:
    """The URL of the first run's n-th story."""
    return f"https://example.test/news/story-{n}"


@dataclass(frozen=True)
class TwoRuns:
    """The two runs' ids; the second is the latest."""

    first: str
    second: str


def two_runs(path: Path) -> TwoRuns:
    """Write two finished runs of site ``example`` into ``path``.

    The first finds five new stories. The second finds one new story (titled with a
    ``<script>`` tag), an update of story 1 (retitled with rich markup, 20% of its text
    changed), a near-duplicate of the new story (93% similar), a copy of story 2 at another URL,
    a second fetch of story 1's URL, story 3 listed but known, and two rejects; its listing
    pages answer 304.
    """
    first, second = "20260825T101500Z-aaaa", "20260826T101500Z-bbbb"
    start_run(path, first, ["example"], {})
    write_batch(
        path,
        Batch(
            first,
            articles=[article(story(n), f"Story {n} text.", title=f"Story {n}") for n in range(5)],
            fetches=[fetch(HOME, role="listing"), *(fetch(story(n)) for n in range(5))],
            sightings=[sighting(story(n), n + 1) for n in range(5)],
        ),
    )
    finish_run(path, first, "finished", "finished", {"downloader/request_count": 6})

    start_run(path, second, ["example"], {})
    write_batch(
        path,
        Batch(
            second,
            articles=[
                article(SCRIPT_URL, "Ad networks text.", title=SCRIPT_TITLE),
                article(story(1), "Story 1 text, corrected.", title=MARKUP_TITLE),
                article(story(1), "Story 1 text, corrected.", fetched_url=f"{story(1)}?utm=x"),
                article(COPY_URL, "Story 2 text.", title="Story 2 (syndicated)"),
            ],
            rejects=[
                reject(BAD_URL, "bad_url", status=None),
                reject(f"{HOME}gone", "http_error", status=404),
            ],
            fetches=[
                fetch(HOME, 304, role="listing"),
                fetch(FEED, 304, role="feed"),
                fetch(SCRIPT_URL),
                fetch(story(1)),
                fetch(f"{story(1)}?utm=x"),
                fetch(COPY_URL),
                fetch(NEAR_URL),
                fetch(f"{HOME}gone", 404),
            ],
            sightings=[
                sighting(SCRIPT_URL, 1),
                sighting(KNOWN_URL, 2),
                SightingRow(
                    site="example",
                    listing_url=FEED,
                    article_url=SCRIPT_URL,
                    url_key=SCRIPT_URL,
                    position=1,
                    seen_at=T0,
                    source="feed",
                ),
            ],
        ),
    )
    conn = connect(path)
    try:
        for decision, method in (
            ("updated", "url_key"),
            ("duplicate_url", "url_key"),
            ("duplicate_content", "content_key"),
        ):
            conn.execute(
                "UPDATE decisions SET method = ? WHERE run_id = ? AND decision = ?",
                [method, second, decision],
            )
        conn.execute(
            "UPDATE decisions SET similarity = 0.8, detail = ? WHERE run_id = ? AND decision = ?",
            ["the text changed since the last run", second, "updated"],
        )
        conn.execute(
            "UPDATE rejects SET detail = ? WHERE run_id = ? AND reason = 'bad_url'",
            [BAD_DETAIL, second],
        )
        new_id = conn.execute(
            "SELECT article_id FROM articles WHERE url = ?", [SCRIPT_URL]
        ).fetchall()[0][0]
        known_id = conn.execute(
            "SELECT article_id FROM articles WHERE url = ?", [KNOWN_URL]
        ).fetchall()[0][0]
        conn.execute(
            "INSERT INTO decisions (run_id, site, url, url_key, decision, article_id, "
            "matched_article_id, similarity, method, detail, decided_at) VALUES "
            "(?, 'example', ?, ?, 'near_duplicate', NULL, ?, 0.93, 'minhash', ?, ?), "
            "(?, 'example', ?, ?, 'unchanged', ?, NULL, NULL, 'known', ?, ?)",
            [
                second,
                NEAR_URL,
                NEAR_URL,
                new_id,
                "93% of its shingles match",
                T0,
                second,
                KNOWN_URL,
                KNOWN_URL,
                known_id,
                "listed again; not fetched",
                T0,
            ],
        )
    finally:
        conn.close()
    finish_run(path, second, "finished", "finished", {"downloader/request_count": 8})
    return TwoRuns(first, second)
