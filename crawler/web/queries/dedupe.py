"""The dedupe pages: every duplicate and update decision, one decision explained beside the text
it matched with the differences marked, and a near-duplicate cluster's members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from crawler.web.diff import compare
from crawler.web.queries.common import Where, dicts, one
from warehouse.dedupe.neardup import similarity
from warehouse.dedupe.plan import DUPLICATE_DECISIONS

if TYPE_CHECKING:
    import duckdb

    from crawler.web.queries.common import Paging

EXPLAINED: Final = (*DUPLICATE_DECISIONS, "updated")
"""The decisions the dedupe pages explain."""
MAX_CLUSTER: Final = 200
"""Members of a cluster shown (and compared with its first article)."""

_EXPLAINED_SQL = "(SELECT unnest($explained::VARCHAR[]))"

_NOT_STORED: Final = {
    "duplicate_url": "Its URL key is the matched article's, fetched again in the same run: its "
    "text is not stored again.",
    "duplicate_content": "Its text has the matched article's content key (the same text once "
    "normalized): it is not stored again, and is shown here as the matched text.",
}
_KNOWN: Final = "Listed again and known: decided without fetching the page."


def dedupe_page(
    conn: duckdb.DuckDBPyConnection,
    *,
    decision: str | None,
    site: str | None,
    run: str | None,
    paging: Paging,
) -> dict[str, Any]:
    """Duplicate, near-duplicate and update decisions, newest first, and the larger clusters.

    Returns:
        ``filters``, ``counts`` (per decision, under the site and run filters), ``decisions``
        (``run_id``, ``site``, ``url``, ``decision``, ``article_id``, ``title``,
        ``matched_article_id``, ``matched_title``, ``matched_url``, ``similarity``, ``method``,
        ``detail``, ``decided_at``), ``page`` and ``clusters`` (those with several members).
    """
    scope = Where()
    scope.add(f"d.decision IN {_EXPLAINED_SQL}", explained=list(EXPLAINED))
    if site:
        scope.add("d.site = $site", site=site)
    if run:
        scope.add("d.run_id = $run", run=run)
    counts = dict.fromkeys(EXPLAINED, 0)
    for name, count in conn.execute(
        f"SELECT d.decision, count(*) FROM decisions AS d {scope.sql()} GROUP BY d.decision",
        scope.params,
    ).fetchall():
        counts[name] = int(count)
    if decision:
        scope.add("d.decision = $decision", decision=decision)
    rows = dicts(
        conn.execute(
            f"""
            SELECT d.run_id, d.site, d.url, d.decision, d.article_id, a.title,
                   d.matched_article_id, m.title AS matched_title, m.url AS matched_url,
                   d.similarity, d.method, d.detail, d.decided_at
            FROM decisions AS d
            LEFT JOIN articles AS a ON a.article_id = d.article_id
            LEFT JOIN articles AS m ON m.article_id = d.matched_article_id
            {scope.sql()}
            ORDER BY d.decided_at DESC, d.run_id DESC, d.url, d.decision
            LIMIT {paging.size} OFFSET {paging.offset}
            """,
            scope.params,
        )
    )
    total = counts[decision] if decision in counts else sum(counts.values())
    return {
        "filters": {"decision": decision, "site": site, "run": run},
        "counts": counts,
        "decisions": rows,
        "page": paging.describe(total),
        "clusters": _clusters(conn, site),
    }


def _clusters(conn: duckdb.DuckDBPyConnection, site: str | None) -> list[dict[str, Any]]:
    """Clusters of several articles, largest first, each with its first article."""
    return dicts(
        conn.execute(
            """
            SELECT c.cluster_id, c.members, f.site, f.url, f.title
            FROM (SELECT cluster_id, count(*) AS members FROM articles
                  WHERE $site IS NULL OR site = $site
                  GROUP BY cluster_id HAVING count(*) > 1) AS c
            LEFT JOIN articles AS f ON f.article_id = c.cluster_id
            ORDER BY c.members DESC, c.cluster_id
            LIMIT 100
            """,
            {"site": site},
        )
    )


def explain_page(conn: duckdb.DuckDBPyConnection, run: str, url: str) -> dict[str, Any] | None:
    """Every decision a run took on one URL, each explained.

    Returns:
        ``run_id``, ``url`` and ``decisions``: each with the decision row, ``left`` and
        ``right`` (the two texts compared: ``role``, ``article_id``, ``url``, ``title``,
        ``version``, ``run_id``, ``text``; None where there is nothing to show), ``note`` and
        ``diff`` (:meth:`crawler.web.diff.TextDiff.as_json`, None without two texts); None
        when the run took no decision on that URL.
    """
    found = dicts(
        conn.execute(
            "SELECT run_id, site, url, url_key, decision, article_id, matched_article_id, "
            "similarity, method, detail, reason, decided_at FROM decisions "
            "WHERE run_id = ? AND url = ? ORDER BY decided_at, decision",
            [run, url],
        )
    )
    if not found:
        return None
    return {"run_id": run, "url": url, "decisions": [_explain(conn, d) for d in found]}


def _explain(conn: duckdb.DuckDBPyConnection, decision: dict[str, Any]) -> dict[str, Any]:
    """One decision with the two texts it compared, as they were in its run."""
    name, run = decision["decision"], decision["run_id"]
    left = right = None
    note = _KNOWN if decision["method"] == "known" else None
    if name == "updated":
        right = _version_in_run(conn, decision["article_id"], run, "this version")
        if right is not None and right["version"] > 1:
            left = _version(conn, decision["article_id"], right["version"] - 1, "previous version")
    elif name in DUPLICATE_DECISIONS and decision["matched_article_id"] is not None:
        left = _as_of_run(conn, decision["matched_article_id"], run, "matched article")
        if name == "near_duplicate" and decision["article_id"] is not None:
            right = _version_in_run(conn, decision["article_id"], run, "this item")
        elif left is not None and name == "duplicate_content":
            right = {**left, "role": "this item", "url": decision["url"]}
        note = note or _NOT_STORED.get(name)
    diff = compare(left["text"], right["text"]).as_json() if left and right else None
    return {**decision, "left": left, "right": right, "note": note, "diff": diff}


_VERSION_COLUMNS = "a.article_id, a.url, v.title, v.version, v.run_id, v.text"


def _version(
    conn: duckdb.DuckDBPyConnection, article_id: int, version: int, role: str
) -> dict[str, Any] | None:
    """One version of an article."""
    found = one(
        conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM article_versions AS v "
            "JOIN articles AS a USING (article_id) WHERE v.article_id = ? AND v.version = ?",
            [article_id, version],
        )
    )
    return {"role": role, **found} if found else None


def _version_in_run(
    conn: duckdb.DuckDBPyConnection, article_id: int, run: str, role: str
) -> dict[str, Any] | None:
    """The version of an article a run stored, else the article as that run left it."""
    found = one(
        conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM article_versions AS v "
            "JOIN articles AS a USING (article_id) WHERE v.article_id = ? AND v.run_id = ? "
            "ORDER BY v.version DESC LIMIT 1",
            [article_id, run],
        )
    )
    return {"role": role, **found} if found else _as_of_run(conn, article_id, run, role)


def _as_of_run(
    conn: duckdb.DuckDBPyConnection, article_id: int, run: str, role: str
) -> dict[str, Any] | None:
    """The latest version of an article stored by ``run`` or a run that started before it."""
    found = one(
        conn.execute(
            f"""
            SELECT {_VERSION_COLUMNS}
            FROM article_versions AS v
            JOIN articles AS a USING (article_id)
            LEFT JOIN runs AS r ON r.run_id = v.run_id
            WHERE v.article_id = $id AND (v.run_id = $run OR r.started_at <= (
                SELECT started_at FROM runs WHERE run_id = $run))
            ORDER BY v.version DESC
            LIMIT 1
            """,
            {"id": article_id, "run": run},
        )
    )
    return {"role": role, **found} if found else _version(conn, article_id, 1, role)


def cluster_page(conn: duckdb.DuckDBPyConnection, cluster_id: int) -> dict[str, Any] | None:
    """A near-duplicate cluster: its members, each with its similarity to the first article.

    Returns:
        ``cluster_id``, ``size`` and ``members`` (``article_id``, ``site``, ``url``,
        ``title``, ``first_seen_run``, ``published_at``, ``chars``, ``similarity`` to the
        first member, and the ``decision`` row that put it there, if any); None when no article
        is in that cluster.
    """
    members = dicts(
        conn.execute(
            """
            SELECT a.article_id, a.site, a.url, a.title, a.first_seen_run, a.published_at,
                   a.text, d.run_id AS decision_run, d.decision, d.matched_article_id,
                   d.similarity AS decided_similarity, d.method
            FROM articles AS a
            LEFT JOIN decisions AS d
                ON d.article_id = a.article_id AND d.decision IN ('new', 'near_duplicate')
            WHERE a.cluster_id = ?
            ORDER BY a.article_id, d.decided_at
            LIMIT ?
            """,
            [cluster_id, MAX_CLUSTER],
        )
    )
    if not members:
        return None
    size = conn.execute("SELECT count(*) FROM articles WHERE cluster_id = ?", [cluster_id])
    first = members[0]["text"]
    for member in members:
        text = member.pop("text")
        member["chars"] = len(text)
        member["similarity"] = round(similarity(first, text), 4)
    return {"cluster_id": cluster_id, "size": int(size.fetchall()[0][0]), "members": members}
