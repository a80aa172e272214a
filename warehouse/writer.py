"""Loading a batch: dedupe decisions and every row they imply, in one DuckDB transaction."""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyarrow as pa

from warehouse import tables
from warehouse.db import DEFAULT_RETRY_S, write_session
from warehouse.dedupe import neardup
from warehouse.dedupe.nearindex import NearIndex
from warehouse.dedupe.plan import (
    DECISIONS,
    Decision,
    KnownArticle,
    plan_batch,
    processing_order,
    reject_decisions,
    skipped_decisions,
)
from warehouse.runs import require_run

if TYPE_CHECKING:
    import duckdb

    from warehouse.dedupe.plan import Plan
    from warehouse.rows import Batch, ListingStateRow


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What :func:`write_batch` decided and wrote."""

    run_id: str
    counts: dict[str, int] = field(default_factory=dict)
    """Items per decision; every decision name is present, zero included."""
    decisions: list[Decision] = field(default_factory=list)
    """Articles in processing order, then rejects in batch order."""
    rows: int = 0
    """Rows inserted or updated, all tables together."""
    write_s: float = 0.0
    """Seconds the warehouse was open for the batch: from opening it (waiting for its lock
    included) to closing it, the commit's checkpoint included."""


def write_batch(
    path: str | os.PathLike[str],
    batch: Batch,
    *,
    retry_s: float = DEFAULT_RETRY_S,
    near: neardup.NearDupSettings | None = neardup.DEFAULT,
) -> BatchResult:
    """Decide and load one batch in a single transaction, holding the write lock only meanwhile.

    Articles are deduplicated against the warehouse and against each other (see
    :func:`warehouse.dedupe.plan.plan_batch`); every article and reject gets a ``decisions`` row;
    sightings, rejects, fetches and raw pages are inserted as they are, and the site boilerplate
    learner's changed counts and counted pages are stored. On any error nothing is written.
    An empty batch returns at once without opening the warehouse.

    Args:
        path: The warehouse file.
        batch: The rows to load; its run must have been started with
            :func:`warehouse.runs.start_run`.
        retry_s: How long to wait for another process's lock.
        near: Near-duplicate settings; ``None`` turns near-duplicate detection off.

    Returns:
        The decisions taken and their counts.

    Raises:
        UnknownRunError: ``batch.run_id`` is not in ``runs``.
    """
    if not len(batch):
        return BatchResult(batch.run_id, dict.fromkeys(DECISIONS, 0))
    decided_at = datetime.now(UTC)
    index = NearIndex(near) if near is not None else None
    if index is not None:
        index.prepare(batch.articles)  # the costly part, before the lock is taken
    started = time.perf_counter()
    # Closing this connection would checkpoint, rewriting the tables' last row groups (long text
    # recompressed) after every batch: leave the batch in the write-ahead log instead,
    # checkpointed once it reaches DuckDB's threshold and when the run is recorded finished.
    with write_session(path, retry_s=retry_s, checkpoint=False) as conn:
        require_run(conn, batch.run_id)
        known = _known_articles(conn, batch)
        if index is not None:
            index.load(conn, batch.articles)
        next_id = _scalar(conn, "SELECT coalesce(max(article_id), 0) + 1 FROM articles")
        plan = plan_batch(batch.run_id, batch.articles, known, next_id, index, batch.skipped)
        decisions = (
            plan.decisions + skipped_decisions(batch.skipped) + reject_decisions(batch.rejects)
        )
        removed = _boilerplate_removed(batch, plan)
        article_tables = tables.plan_tables(batch.run_id, plan)
        rows = _insert(conn, "articles", article_tables["new_articles"])
        rows += _update(conn, article_tables["updated_articles"])
        rows += _update(conn, article_tables["seen_articles"])
        rows += _insert(conn, "article_versions", article_tables["article_versions"])
        if index is not None:
            rows += _write_buckets(conn, index, plan)
        rows += _replace_listing_state(conn, batch)
        rows += _insert(
            conn, "decisions", tables.decisions_table(batch.run_id, decisions, decided_at, removed)
        )
        rows += _write_boilerplate(conn, batch)
        for name, schema, items in (
            ("sightings", tables.SIGHTINGS, batch.sightings),
            ("rejects", tables.REJECTS, batch.rejects),
            ("fetches", tables.FETCHES, batch.fetches),
            ("raw_pages", tables.RAW_PAGES, batch.raw_pages),
        ):
            rows += _insert(conn, name, tables.run_rows_table(schema, batch.run_id, items))
        _insert(conn, "loaded_items", _loaded_items(batch, decided_at))
    write_s = time.perf_counter() - started
    counts = dict.fromkeys(DECISIONS, 0)
    counts.update(Counter(d.decision for d in decisions))
    return BatchResult(batch.run_id, counts, decisions, rows, write_s)


def _loaded_items(batch: Batch, loaded_at: datetime) -> pa.Table:
    """The ``loaded_items`` rows of a batch loaded from a queue (none for a crawl's own batch)."""
    count = len(batch.item_ids)
    return pa.table(
        {
            "item_id": pa.array(batch.item_ids, pa.string()),
            "run_id": pa.array([batch.run_id] * count, pa.string()),
            "loaded_at": pa.array([loaded_at] * count, pa.timestamp("us", tz="UTC")),
        }
    )


def _known_articles(conn: duckdb.DuckDBPyConnection, batch: Batch) -> list[KnownArticle]:
    """Fetch the existing articles sharing a URL key or content key with the batch.

    Texts come along only where the batch brings another text for the article's URL (an update,
    or a ``rel=canonical`` to check).
    """
    if not batch.articles:
        return []
    articles = batch.articles
    keys = pa.table(
        {
            "url_key": [a.url_key for a in articles] + [a.fetched_key for a in articles],
            "content_key": [a.content_key for a in articles] * 2,
        }
    )
    conn.register("_batch_keys", keys)
    found = conn.execute(
        """
        SELECT article_id, url_key, content_key, last_seen_run, version_count, cluster_id,
               CASE WHEN EXISTS (
                   SELECT 1 FROM _batch_keys AS k
                   WHERE k.url_key = a.url_key AND k.content_key <> a.content_key
               ) THEN text END AS text
        FROM articles AS a
        WHERE url_key IN (SELECT url_key FROM _batch_keys WHERE url_key IS NOT NULL)
           OR content_key IN (SELECT content_key FROM _batch_keys)
        """
    ).fetchall()
    conn.unregister("_batch_keys")
    return [KnownArticle(*row) for row in found]


def _boilerplate_removed(batch: Batch, plan: Plan) -> list[int | None]:
    """Each decision's count of paragraphs removed as boilerplate, in the order of the decisions.

    ``plan.decisions`` holds one decision per article, in :func:`processing_order`; links not
    fetched and rejects have no text, so no count.
    """
    ordered = sorted(batch.articles, key=processing_order)
    if len(ordered) != len(plan.decisions):
        raise AssertionError("a dedupe plan holds one decision per article")
    counts: list[int | None] = [row.boilerplate_removed for row in ordered]
    return counts + [None] * (len(batch.skipped) + len(batch.rejects))


def _write_boilerplate(conn: duckdb.DuckDBPyConnection, batch: Batch) -> int:
    """Store the boilerplate learner's changed counts (as given) and the pages it counted.

    A key's ``first_seen_run`` is the run that first stored it; ``last_seen_run`` this run.
    """
    rows = _insert(
        conn,
        "boilerplate_pages",
        tables.run_rows_table(tables.BOILERPLATE_PAGES, batch.run_id, batch.boilerplate_pages),
    )
    if not batch.boilerplate_keys:
        return rows
    conn.register(
        "_batch_boilerplate", tables.build(tables.BOILERPLATE_COUNTS, batch.boilerplate_keys)
    )
    conn.execute(
        """
        INSERT INTO boilerplate_counts
            (site, key, pages, chars, contexts, sample, first_seen_run, last_seen_run)
        SELECT site, key, pages, chars, contexts, sample, $run, $run FROM _batch_boilerplate
        ON CONFLICT (site, key) DO UPDATE SET
            pages = excluded.pages,
            chars = excluded.chars,
            contexts = excluded.contexts,
            sample = coalesce(excluded.sample, boilerplate_counts.sample),
            last_seen_run = excluded.last_seen_run
        """,
        {"run": batch.run_id},
    )
    conn.unregister("_batch_boilerplate")
    return rows + len(batch.boilerplate_keys)


def _write_buckets(conn: duckdb.DuckDBPyConnection, index: NearIndex, plan: Plan) -> int:
    """Store the buckets of new articles and replace those of updated ones."""
    updated = [article_id for article_id, _, _ in plan.updated]
    if updated:
        conn.register("_batch_updated", pa.table({"article_id": pa.array(updated, pa.int64())}))
        conn.execute(
            "DELETE FROM article_buckets WHERE article_id IN (SELECT article_id FROM _batch_updated)"
        )
        conn.unregister("_batch_updated")
    ids: list[int] = []
    buckets: list[int] = []
    for article_id, row in [(i, r) for i, _, r in plan.new] + [(i, r) for i, _, r in plan.updated]:
        found = index.buckets_of(row)
        ids.extend([article_id] * len(found))
        buckets.extend(found)
    data = pa.table(
        {"article_id": pa.array(ids, pa.int64()), "bucket": pa.array(buckets, pa.int64())}
    )
    return _insert(conn, "article_buckets", data)


def _replace_listing_state(conn: duckdb.DuckDBPyConnection, batch: Batch) -> int:
    """Keep only the newest state of each listing source the batch fetched."""
    if not batch.listings:
        return 0
    newest: dict[tuple[str, str], ListingStateRow] = {}
    for row in batch.listings:
        newest[(row.site, row.url_key)] = row
    data = tables.run_rows_table(tables.LISTING_STATE, batch.run_id, list(newest.values()))
    conn.register("_batch_listing_keys", data.select(["site", "url_key"]))
    conn.execute(
        "DELETE FROM listing_state USING _batch_listing_keys AS k "
        "WHERE listing_state.site = k.site AND listing_state.url_key = k.url_key"
    )
    conn.unregister("_batch_listing_keys")
    return _insert(conn, "listing_state", data)


def _insert(conn: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> int:
    """Insert an Arrow table into the warehouse table of the same column names."""
    if not data.num_rows:
        return 0
    view = f"_batch_{table}"
    columns = ", ".join(data.column_names)
    # Registered views live on the connection; after an error the session closes it anyway,
    # and unregistering inside an aborted transaction would hide the error.
    conn.register(view, data)
    conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}")
    conn.unregister(view)
    return int(data.num_rows)


def _update(conn: duckdb.DuckDBPyConnection, data: pa.Table) -> int:
    """Update ``articles`` rows keyed by the table's ``article_id`` with its other columns.

    ``last_seen_at`` never moves back: a re-extraction brings the time its page was fetched.
    """
    if not data.num_rows:
        return 0
    view = "_batch_article_updates"
    assignments = ", ".join(
        f"{c} = greatest(articles.{c}, u.{c})" if c == "last_seen_at" else f"{c} = u.{c}"
        for c in data.column_names
        if c != "article_id"
    )
    conn.register(view, data)
    conn.execute(
        f"UPDATE articles SET {assignments} FROM {view} AS u "
        "WHERE articles.article_id = u.article_id"
    )
    conn.unregister(view)
    return int(data.num_rows)


def _scalar(conn: duckdb.DuckDBPyConnection, sql: str) -> int:
    """Run a query returning one integer."""
    return int(conn.execute(sql).fetchall()[0][0])
