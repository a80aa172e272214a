"""The Boilerplate page: per site, the paragraphs learned as boilerplate and the user's rules
(as ``gleaner boilerplate list`` shows them), and the pages paragraphs were removed from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from crawler.web.queries.common import dicts
from pipelines.boilerplate.learner import DEFAULT_RULE, BoilerplateLearner, KeyCount
from pipelines.boilerplate.rules import listing
from pipelines.boilerplate.site import SiteBoilerplate
from warehouse.boilerplate import read_boilerplate_on

if TYPE_CHECKING:
    import duckdb

PAGES_SHOWN: Final = 100
"""Pages listed per site that lost paragraphs to its boilerplate."""


def boilerplate_page(conn: duckdb.DuckDBPyConnection, site: str | None) -> dict[str, Any]:
    """What each site (or one) learned, and where it was removed.

    Returns:
        ``filters``, ``sites`` (every site with boilerplate state) and ``boilerplate``: per site
        shown its ``site``, ``pages_counted`` (pages the learner counted), ``paragraphs`` (as
        ``gleaner boilerplate list --json``: ``key``, ``text``, ``pages``, ``share``,
        ``status``), ``pages_stripped`` (items whose text lost paragraphs) and ``stripped``
        (the latest of them: ``run_id``, ``url``, ``article_id``, ``title``, ``removed``).
    """
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT site FROM boilerplate_counts UNION SELECT site FROM boilerplate_rules "
            "ORDER BY site"
        ).fetchall()
    ]
    shown = [name for name in names if site is None or name == site]
    return {
        "filters": {"site": site},
        "sites": names,
        "boilerplate": [_site(conn, name) for name in shown],
    }


def _site(conn: duckdb.DuckDBPyConnection, site: str) -> dict[str, Any]:
    """One site's learned paragraphs, rules and stripped pages."""
    stored = read_boilerplate_on(conn, site, min_pages=DEFAULT_RULE.min_pages, with_pages=False)
    counts = [
        (row.key, KeyCount(row.pages, row.chars, row.contexts, row.sample)) for row in stored.keys
    ]
    learner = BoilerplateLearner.restore(counts, [], DEFAULT_RULE, total=stored.total_pages)
    boilerplate = SiteBoilerplate(
        site,
        learner,
        drop=frozenset(r.key for r in stored.rules if r.action == "drop"),
        keep=frozenset(r.key for r in stored.rules if r.action == "keep"),
        rules=stored.rules,
    )
    paragraphs = listing(boilerplate)
    stripped = conn.execute(
        "SELECT count(*) FROM decisions WHERE site = ? AND boilerplate_removed > 0", [site]
    ).fetchall()
    return {
        "site": site,
        "pages_counted": stored.total_pages,
        "paragraphs": paragraphs,
        "pages_stripped": int(stripped[0][0]),
        "stripped": dicts(
            conn.execute(
                f"""
                SELECT d.run_id, d.url, d.decision, d.article_id, a.title,
                       d.boilerplate_removed AS removed
                FROM decisions AS d LEFT JOIN articles AS a USING (article_id)
                WHERE d.site = ? AND d.boilerplate_removed > 0
                ORDER BY d.decided_at DESC, d.url
                LIMIT {PAGES_SHOWN}
                """,
                [site],
            )
        ),
    }
