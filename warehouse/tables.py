"""Arrow schemas of the columns the writer inserts, and builders from plain rows to Arrow tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from warehouse.dedupe.plan import as_utc

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from warehouse.dedupe.plan import Decision, Plan
    from warehouse.rows import (
        BoilerplatePageRow,
        FetchRow,
        ListingStateRow,
        RawPageRow,
        RejectRow,
        SightingRow,
    )

_TS = pa.timestamp("us", tz="UTC")
_STR = pa.string()
_TEXT = pa.large_string()
_LIST = pa.list_(pa.string())

NEW_ARTICLES = pa.schema(
    [
        ("article_id", pa.int64()),
        ("site", _STR),
        ("url", _STR),
        ("url_key", _STR),
        ("fetched_url", _STR),
        ("title", _STR),
        ("text", _TEXT),
        ("authors", _LIST),
        ("published_at", _TS),
        ("published_source", _STR),
        ("modified_at", _TS),
        ("language", _STR),
        ("tags", _LIST),
        ("content_key", _STR),
        ("first_seen_run", _STR),
        ("last_seen_run", _STR),
        ("version_count", pa.int32()),
        ("first_seen_at", _TS),
        ("last_seen_at", _TS),
        ("cluster_id", pa.int64()),
        ("modified_source", _STR),
    ]
)
"""Columns of a new ``articles`` row (``fingerprint`` stays NULL)."""

UPDATED_ARTICLES = pa.schema(
    [
        NEW_ARTICLES.field(name)
        for name in (
            "article_id",
            "fetched_url",
            "title",
            "text",
            "authors",
            "published_at",
            "published_source",
            "modified_at",
            "modified_source",
            "language",
            "tags",
            "content_key",
            "version_count",
            "last_seen_run",
            "last_seen_at",
        )
    ]
)
"""Columns an ``updated`` decision rewrites (``article_id`` is the key)."""

SEEN_ARTICLES = pa.schema(
    [NEW_ARTICLES.field(name) for name in ("article_id", "last_seen_run", "last_seen_at")]
)
"""Columns an ``unchanged`` decision bumps (``article_id`` is the key)."""

ARTICLE_VERSIONS = pa.schema(
    [
        ("article_id", pa.int64()),
        ("version", pa.int32()),
        ("run_id", _STR),
        ("fetched_at", _TS),
        ("title", _STR),
        ("text", _TEXT),
        ("content_key", _STR),
    ]
)

DECISIONS = pa.schema(
    [
        ("run_id", _STR),
        ("site", _STR),
        ("url", _STR),
        ("url_key", _STR),
        ("decision", _STR),
        ("article_id", pa.int64()),
        ("matched_article_id", pa.int64()),
        ("similarity", pa.float64()),
        ("reason", _STR),
        ("decided_at", _TS),
        ("method", _STR),
        ("detail", _STR),
        ("boilerplate_removed", pa.int32()),
    ]
)

SIGHTINGS = pa.schema(
    [
        ("run_id", _STR),
        ("site", _STR),
        ("listing_url", _STR),
        ("article_url", _STR),
        ("url_key", _STR),
        ("position", pa.int32()),
        ("seen_at", _TS),
        ("tag", _STR),
        ("headline", _STR),
        ("teaser", _STR),
        ("listed_at", _TS),
        ("source", _STR),
    ]
)

REJECTS = pa.schema(
    [
        ("run_id", _STR),
        ("site", _STR),
        ("url", _STR),
        ("reason", _STR),
        ("fetched_at", _TS),
        ("detail", _STR),
        ("http_status", pa.int32()),
    ]
)

LISTING_STATE = pa.schema(
    [
        ("site", _STR),
        ("url_key", _STR),
        ("url", _STR),
        ("kind", _STR),
        ("etag", _STR),
        ("last_modified", _STR),
        ("entries", _LIST),
        ("links", _LIST),
        ("pagination", _LIST),
        ("run_id", _STR),
        ("fetched_at", _TS),
    ]
)

BOILERPLATE_COUNTS = pa.schema(
    [
        ("site", _STR),
        ("key", _STR),
        ("pages", pa.int32()),
        ("chars", pa.int32()),
        ("contexts", pa.list_(pa.int64())),
        ("sample", _STR),
    ]
)
"""Columns of ``boilerplate_counts`` a batch upserts (the run columns come from the writer)."""

BOILERPLATE_PAGES = pa.schema(
    [("site", _STR), ("url_key", _STR), ("text_id", _STR), ("run_id", _STR)]
)

FETCHES = pa.schema(
    [
        ("run_id", _STR),
        ("site", _STR),
        ("url", _STR),
        ("role", _STR),
        ("status", pa.int32()),
        ("fetched_at", _TS),
        ("bytes", pa.int64()),
        ("elapsed_s", pa.float64()),
        ("etag", _STR),
        ("last_modified", _STR),
    ]
)

RAW_PAGES = pa.schema(
    [
        ("run_id", _STR),
        ("site", _STR),
        ("url", _STR),
        ("url_key", _STR),
        ("fetched_at", _TS),
        ("http_status", pa.int32()),
        ("warc_path", _STR),
        ("warc_offset", pa.int64()),
        ("warc_length", pa.int64()),
        ("sha256", _STR),
    ]
)


def build(
    schema: pa.Schema,
    records: Sequence[object],
    given: Mapping[str, Sequence[object]] | None = None,
) -> pa.Table:
    """Build an Arrow table column by column from row objects.

    Args:
        schema: The columns to build, named as the warehouse table's columns.
        records: Row objects; a column not in ``given`` is read as the attribute of that name.
        given: Values for some columns, one per record, taking precedence over attributes.

    Returns:
        A table with ``schema``; timestamps are converted to UTC, naive ones read as UTC, and
        tuples become lists.
    """
    given = given or {}
    columns = []
    for column in schema:
        values: Sequence[object]
        if column.name in given:
            values = given[column.name]
        else:
            values = [getattr(record, column.name) for record in records]
        if pa.types.is_timestamp(column.type):
            values = [None if v is None else as_utc(v) for v in values]  # type: ignore[arg-type]
        elif pa.types.is_list(column.type):
            values = [None if v is None else list(v) for v in values]  # type: ignore[call-overload]
        columns.append(pa.array(values, type=column.type))
    return pa.Table.from_arrays(columns, schema=schema)


def plan_tables(run_id: str, plan: Plan) -> dict[str, pa.Table]:
    """Build the article-side tables a dedupe plan writes.

    Args:
        run_id: The run the batch belongs to.
        plan: The batch's dedupe plan.

    Returns:
        ``new_articles``, ``updated_articles``, ``seen_articles`` and ``article_versions``.
    """
    new_rows = [row for _, _, row in plan.new]
    new_ids = [article_id for article_id, _, _ in plan.new]
    n_new = len(new_rows)
    upd_rows = [row for _, _, row in plan.updated]
    upd_versions = [version for _, version, _ in plan.updated]
    last_seen: dict[int, datetime] = {}
    for article_id, at in [(i, row.fetched_at) for i, row in plan.unchanged] + plan.seen:
        last_seen[article_id] = max(at, last_seen.get(article_id, at))
    for article_id, _, _ in plan.updated:
        last_seen.pop(article_id, None)
    seen_ids = list(last_seen)
    seen_at = list(last_seen.values())
    return {
        "new_articles": build(
            NEW_ARTICLES,
            new_rows,
            {
                "article_id": new_ids,
                "first_seen_run": [run_id] * n_new,
                "last_seen_run": [run_id] * n_new,
                "version_count": [1] * n_new,
                "first_seen_at": [row.fetched_at for row in new_rows],
                "last_seen_at": [row.fetched_at for row in new_rows],
                "cluster_id": [cluster_id for _, cluster_id, _ in plan.new],
            },
        ),
        "updated_articles": build(
            UPDATED_ARTICLES,
            upd_rows,
            {
                "article_id": [article_id for article_id, _, _ in plan.updated],
                "version_count": upd_versions,
                "last_seen_run": [run_id] * len(upd_rows),
                "last_seen_at": [row.fetched_at for row in upd_rows],
            },
        ),
        "seen_articles": build(
            SEEN_ARTICLES,
            seen_ids,
            {
                "article_id": seen_ids,
                "last_seen_run": [run_id] * len(seen_ids),
                "last_seen_at": seen_at,
            },
        ),
        "article_versions": build(
            ARTICLE_VERSIONS,
            new_rows + upd_rows,
            {
                "article_id": new_ids + [article_id for article_id, _, _ in plan.updated],
                "version": [1] * n_new + upd_versions,
                "run_id": [run_id] * (n_new + len(upd_rows)),
            },
        ),
    }


def decisions_table(
    run_id: str,
    decisions: Sequence[Decision],
    decided_at: datetime,
    boilerplate_removed: Sequence[int | None] | None = None,
) -> pa.Table:
    """Build the ``decisions`` rows of a batch, all stamped ``decided_at``.

    ``boilerplate_removed`` gives each decision's count of paragraphs removed as site boilerplate
    (``None`` where the item has no text); missing, every count is ``None``.
    """
    n = len(decisions)
    removed = list(boilerplate_removed) if boilerplate_removed is not None else [None] * n
    given: dict[str, Sequence[object]] = {
        "run_id": [run_id] * n,
        "decided_at": [decided_at] * n,
        "boilerplate_removed": removed,
    }
    return build(DECISIONS, decisions, given)


def run_rows_table(
    schema: pa.Schema,
    run_id: str,
    rows: Sequence[
        SightingRow | RejectRow | FetchRow | ListingStateRow | RawPageRow | BoilerplatePageRow
    ],
) -> pa.Table:
    """Build sightings, rejects, fetches, listing-state, raw-page or counted-page rows as given,
    with ``run_id``."""
    return build(schema, rows, {"run_id": [run_id] * len(rows)})
