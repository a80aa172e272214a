"""Loading a batch: dedupe decisions and every row they imply, in one DuckDB transaction."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyarrow as pa

from warehouse import tables
from warehouse.db import DEFAULT_RETRY_S, write_session
from warehouse.dedupe import DECISIONS, Decision, KnownArticle, plan_batch, reject_decisions
from warehouse.runs import require_run

if TYPE_CHECKING:
    import duckdb

    from warehouse.rows import Batch


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


def write_batch(
    path: str | os.PathLike[str], batch: Batch, *, retry_s: float = DEFAULT_RETRY_S
) -> BatchResult:
    """Decide and load one batch in a single transaction, holding the write lock only meanwhile.

    Articles are deduplicated against the warehouse and against each other (see
    :func:`warehouse.dedupe.plan_batch`); every article and reject gets a ``decisions`` row;
    sightings, rejects and fetches are inserted as they are. On any error nothing is written.
    An empty batch returns at once without opening the warehouse.

    Args:
        path: The warehouse file.
        batch: The rows to load; its run must have been started with
            :func:`warehouse.runs.start_run`.
        retry_s: How long to wait for another process's lock.

    Returns:
        The decisions taken and their counts.

    Raises:
        UnknownRunError: ``batch.run_id`` is not in ``runs``.
    """
    if not len(batch):
        return BatchResult(batch.run_id, dict.fromkeys(DECISIONS, 0))
    decided_at = datetime.now(UTC)
    with write_session(path, retry_s=retry_s) as conn:
        require_run(conn, batch.run_id)
        known = _known_articles(conn, batch)
        next_id = _scalar(conn, "SELECT coalesce(max(article_id), 0) + 1 FROM articles")
        plan = plan_batch(batch.run_id, batch.articles, known, next_id)
        decisions = plan.decisions + reject_decisions(batch.rejects)
        article_tables = tables.plan_tables(batch.run_id, plan)
        rows = _insert(conn, "articles", article_tables["new_articles"])
        rows += _update(conn, article_tables["updated_articles"])
        rows += _update(conn, article_tables["seen_articles"])
        rows += _insert(conn, "article_versions", article_tables["article_versions"])
        rows += _insert(
            conn, "decisions", tables.decisions_table(batch.run_id, decisions, decided_at)
        )
        for name, schema, items in (
            ("sightings", tables.SIGHTINGS, batch.sightings),
            ("rejects", tables.REJECTS, batch.rejects),
            ("fetches", tables.FETCHES, batch.fetches),
        ):
            rows += _insert(conn, name, tables.run_rows_table(schema, batch.run_id, items))
    counts = dict.fromkeys(DECISIONS, 0)
    counts.update(Counter(d.decision for d in decisions))
    return BatchResult(batch.run_id, counts, decisions, rows)


def _known_articles(conn: duckdb.DuckDBPyConnection, batch: Batch) -> list[KnownArticle]:
    """Fetch the existing articles sharing a url_key or content_key with the batch."""
    if not batch.articles:
        return []
    keys = pa.table(
        {
            "url_key": [a.url_key for a in batch.articles],
            "content_key": [a.content_key for a in batch.articles],
        }
    )
    conn.register("_batch_keys", keys)
    found = conn.execute(
        """
        SELECT article_id, url_key, content_key, last_seen_run, version_count
        FROM articles
        WHERE url_key IN (SELECT url_key FROM _batch_keys)
           OR content_key IN (SELECT content_key FROM _batch_keys)
        """
    ).fetchall()
    conn.unregister("_batch_keys")
    return [KnownArticle(*row) for row in found]


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
    """Update ``articles`` rows keyed by the table's ``article_id`` with its other columns."""
    if not data.num_rows:
        return 0
    view = "_batch_article_updates"
    assignments = ", ".join(f"{c} = u.{c}" for c in data.column_names if c != "article_id")
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
