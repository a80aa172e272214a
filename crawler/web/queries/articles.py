"""The Articles pages: search with filters, one article with its history, a version's changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from crawler.web.diff import compare
from crawler.web.queries.common import Where, dicts, one
from crawler.web.search import Filters, parse

if TYPE_CHECKING:
    from datetime import date

    import duckdb

    from crawler.web.queries.common import Paging
    from crawler.web.search import SearchIndex

TOP_TAGS: Final = 60
"""Tags offered in the search form's list."""

_LISTED = "a.article_id, a.site, a.url, a.title, a.published_at, a.language, a.tags"
_SORT_AT = "coalesce(a.published_at, a.first_seen_at)"
ARTICLE_COLUMNS: Final = (
    "article_id, site, url, url_key, fetched_url, title, authors, published_at, "
    "published_source, modified_at, modified_source, language, tags, content_key, "
    "cluster_id, first_seen_run, last_seen_run, version_count, first_seen_at, last_seen_at, text"
)


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    """What the Articles page narrows the list to."""

    q: str | None = None
    site: str | None = None
    language: str | None = None
    tag: str | None = None
    since: date | None = None
    """First day (UTC) of publication, or of first sighting when the date is unknown."""
    until: date | None = None
    """Last day, included."""

    def where(self) -> Where:
        """The filters (the query's terms aside) as a ``WHERE`` clause on ``articles AS a``."""
        where = Where()
        if self.site:
            where.add("a.site = $site", site=self.site)
        if self.language:
            where.add("a.language = $language", language=self.language)
        if self.tag:
            # The tags joined by a separator no tag holds: one string search, case-insensitive.
            where.add(
                "contains(lower(chr(31) || array_to_string(a.tags, chr(31)) || chr(31)), "
                "lower(chr(31) || $tag || chr(31)))",
                tag=self.tag,
            )
        if self.since:
            where.add(f"{_SORT_AT} >= $since::DATE", since=self.since)
        if self.until:
            where.add(f"{_SORT_AT} < $until::DATE + 1", until=self.until)
        return where

    def for_search(self) -> Filters:
        """The filters as the search index applies them."""
        return Filters(self.site, self.language, self.tag, self.since, self.until)

    def as_json(self) -> dict[str, Any]:
        return {
            "q": self.q,
            "site": self.site,
            "language": self.language,
            "tag": self.tag,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def articles_page(
    conn: duckdb.DuckDBPyConnection, filters: ArticleFilters, paging: Paging, index: SearchIndex
) -> dict[str, Any]:
    """The articles matching a search and filters: best matches first, else newest first.

    Args:
        conn: A read-only connection.
        filters: The query and filters.
        paging: Which page.
        index: The search index, refreshed here when the articles changed.

    Returns:
        ``filters``, ``terms`` (the query as searched), ``results`` (``article_id``, ``site``,
        ``url``, ``title``, ``published_at``, ``language``, ``tags``; with a query also
        ``score`` and ``snippet`` pieces), ``page``, and ``choices`` for the form.
    """
    terms = parse(filters.q)
    if terms:
        index.refresh(conn)
        total, hits = index.search(terms, filters.for_search(), paging.size, paging.offset)
        found = {
            row["article_id"]: row
            for row in dicts(
                conn.execute(
                    f"SELECT {_LISTED} FROM articles AS a "
                    "WHERE a.article_id IN (SELECT unnest($ids::BIGINT[]))",
                    {"ids": [hit.article_id for hit in hits]},
                )
            )
        }
        results = [
            {**found[hit.article_id], "score": hit.score, "snippet": [list(p) for p in hit.snippet]}
            for hit in hits
            if hit.article_id in found
        ]
    else:
        where = filters.where()
        results = dicts(
            conn.execute(
                f"""
                SELECT {_LISTED}, count(*) OVER () AS total
                FROM articles AS a {where.sql()}
                ORDER BY {_SORT_AT} DESC, a.article_id DESC
                LIMIT {paging.size} OFFSET {paging.offset}
                """,
                where.params,
            )
        )
        total = results[0]["total"] if results else _count(conn, where) if paging.number > 1 else 0
        for row in results:
            del row["total"]
    return {
        "filters": filters.as_json(),
        "terms": [" ".join(tokens) for tokens in terms],
        "results": results,
        "page": paging.describe(int(total)),
        "choices": _choices(conn),
    }


def _count(conn: duckdb.DuckDBPyConnection, where: Where) -> int:
    """How many articles meet ``where`` (for a page past the last one)."""
    found = conn.execute(f"SELECT count(*) FROM articles AS a {where.sql()}", where.params)
    return int(found.fetchall()[0][0])


def _choices(conn: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The sites, languages and most used tags, for the search form."""
    sites = conn.execute("SELECT DISTINCT site FROM articles ORDER BY site").fetchall()
    languages = conn.execute(
        "SELECT language FROM articles WHERE language IS NOT NULL "
        "GROUP BY language ORDER BY count(*) DESC, language"
    ).fetchall()
    tags = conn.execute(
        "SELECT tag FROM (SELECT unnest(tags) AS tag FROM articles) "
        f"GROUP BY tag ORDER BY count(*) DESC, tag LIMIT {TOP_TAGS}"
    ).fetchall()
    return {
        "sites": [str(r[0]) for r in sites],
        "languages": [str(r[0]) for r in languages],
        "tags": sorted(str(r[0]) for r in tags),
    }


def article_page(conn: duckdb.DuckDBPyConnection, article_id: int) -> dict[str, Any] | None:
    """One article: its record, where and when it was listed, its versions, the decisions that
    name it, its cluster and its raw pages.

    Returns:
        ``article`` (every column, text included), ``sightings``, ``versions`` (without their
        texts), ``decisions`` (about it), ``duplicates`` (items found to copy it), ``cluster``
        (the other members, when it has any) and ``raw_pages``; None when there is no such
        article.
    """
    article = one(
        conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE article_id = ?", [article_id])
    )
    if article is None:
        return None
    key = {"site": article["site"], "url_key": article["url_key"]}
    return {
        "article": article,
        "sightings": dicts(conn.execute(SIGHTINGS_SQL, key)),
        "versions": dicts(
            conn.execute(
                "SELECT version, run_id, fetched_at, title, content_key "
                "FROM article_versions WHERE article_id = $id ORDER BY version",
                {"id": article_id},
            )
        ),
        "decisions": dicts(
            conn.execute(
                "SELECT run_id, decision, url, similarity, method, detail, decided_at "
                "FROM decisions WHERE article_id = $id ORDER BY decided_at, run_id, url",
                {"id": article_id},
            )
        ),
        "duplicates": dicts(
            conn.execute(
                "SELECT run_id, decision, url, article_id, similarity, method, detail, decided_at "
                "FROM decisions WHERE matched_article_id = $id ORDER BY decided_at, run_id, url",
                {"id": article_id},
            )
        ),
        "cluster": dicts(
            conn.execute(
                "SELECT article_id, site, url, title FROM articles "
                "WHERE cluster_id = $cluster AND article_id <> $id ORDER BY article_id",
                {"cluster": article["cluster_id"], "id": article_id},
            )
        ),
        "raw_pages": dicts(conn.execute(RAW_PAGES_SQL, key)),
    }


SIGHTINGS_SQL: Final = """
SELECT run_id, source, listing_url, article_url, tag, position, headline, teaser, listed_at,
       seen_at
FROM sightings WHERE site = $site AND url_key = $url_key
ORDER BY seen_at, run_id, listing_url, position
"""
"""An article's sightings: where and when it was listed (``$site``, ``$url_key``)."""

RAW_PAGES_SQL: Final = """
SELECT run_id, url, fetched_at, http_status, warc_path, warc_offset, warc_length, sha256
FROM raw_pages WHERE site = $site AND url_key = $url_key
ORDER BY fetched_at DESC, run_id DESC
"""
"""The raw pages kept of an article (``$site``, ``$url_key``)."""


def version_page(
    conn: duckdb.DuckDBPyConnection, article_id: int, version: int
) -> dict[str, Any] | None:
    """One version of an article beside the one before it, the differences marked.

    Returns:
        ``article`` (id, site, url, title), ``version`` and ``previous`` (each ``version``,
        ``run_id``, ``fetched_at``, ``title``, ``text``; ``previous`` None for the first), and
        ``diff`` (:meth:`crawler.web.diff.TextDiff.as_json`, None for the first version); None
        when there is no such version.
    """
    article = one(
        conn.execute(
            "SELECT article_id, site, url, title, version_count FROM articles WHERE article_id = ?",
            [article_id],
        )
    )
    versions = dicts(
        conn.execute(
            "SELECT version, run_id, fetched_at, title, text FROM article_versions "
            "WHERE article_id = ? AND version IN (?, ?) ORDER BY version",
            [article_id, version - 1, version],
        )
    )
    if article is None or not versions or versions[-1]["version"] != version:
        return None
    current = versions[-1]
    previous = versions[0] if len(versions) == 2 else None
    diff = compare(previous["text"], current["text"]).as_json() if previous else None
    return {"article": article, "version": current, "previous": previous, "diff": diff}
