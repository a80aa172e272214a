"""Numbered schema migrations, applied in order and recorded in ``_migrations``.

A migration is never edited once released: a schema change is a new, higher-numbered migration
appended to :data:`MIGRATIONS`, and new columns go at the end of their table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from warehouse.errors import WarehouseError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import duckdb


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change: its number, a short name and the statements it runs."""

    version: int
    name: str
    statements: tuple[str, ...]


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS _migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
)
"""

# Long text is stored with zstd: DuckDB's default string compression makes the checkpoint after a
# large load an order of magnitude slower and the file four times larger (DESIGN.md §3).
_INITIAL_SCHEMA = (
    """
    CREATE TABLE runs (
        run_id VARCHAR PRIMARY KEY,
        sites VARCHAR[] NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        status VARCHAR NOT NULL
            CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
        finish_reason VARCHAR,
        counters JSON,
        settings JSON
    )
    """,
    """
    CREATE TABLE articles (
        article_id BIGINT PRIMARY KEY,
        site VARCHAR NOT NULL,
        url VARCHAR NOT NULL,
        url_key VARCHAR NOT NULL UNIQUE,
        fetched_url VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        text VARCHAR USING COMPRESSION zstd NOT NULL,
        authors VARCHAR[] NOT NULL,
        published_at TIMESTAMPTZ,
        published_source VARCHAR,
        modified_at TIMESTAMPTZ,
        language VARCHAR,
        tags VARCHAR[] NOT NULL,
        content_key VARCHAR NOT NULL,
        fingerprint UBIGINT,
        first_seen_run VARCHAR NOT NULL,
        last_seen_run VARCHAR NOT NULL,
        version_count INTEGER NOT NULL,
        first_seen_at TIMESTAMPTZ NOT NULL,
        last_seen_at TIMESTAMPTZ NOT NULL
    )
    """,
    """
    CREATE TABLE article_versions (
        article_id BIGINT NOT NULL,
        version INTEGER NOT NULL,
        run_id VARCHAR NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL,
        title VARCHAR NOT NULL,
        text VARCHAR USING COMPRESSION zstd NOT NULL,
        content_key VARCHAR NOT NULL,
        PRIMARY KEY (article_id, version)
    )
    """,
    """
    CREATE TABLE sightings (
        run_id VARCHAR NOT NULL,
        site VARCHAR NOT NULL,
        listing_url VARCHAR NOT NULL,
        article_url VARCHAR NOT NULL,
        url_key VARCHAR NOT NULL,
        position INTEGER NOT NULL CHECK (position >= 1),
        seen_at TIMESTAMPTZ NOT NULL,
        tag VARCHAR,
        headline VARCHAR,
        teaser VARCHAR,
        listed_at TIMESTAMPTZ
    )
    """,
    """
    CREATE TABLE decisions (
        run_id VARCHAR NOT NULL,
        site VARCHAR NOT NULL,
        url VARCHAR NOT NULL,
        url_key VARCHAR,
        decision VARCHAR NOT NULL CHECK (decision IN (
            'new', 'updated', 'unchanged', 'duplicate_url', 'duplicate_content',
            'near_duplicate', 'rejected'
        )),
        article_id BIGINT,
        matched_article_id BIGINT,
        similarity DOUBLE,
        reason VARCHAR,
        decided_at TIMESTAMPTZ NOT NULL
    )
    """,
    """
    CREATE TABLE rejects (
        run_id VARCHAR NOT NULL,
        site VARCHAR NOT NULL,
        url VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL,
        detail VARCHAR,
        http_status INTEGER
    )
    """,
    """
    CREATE TABLE fetches (
        run_id VARCHAR NOT NULL,
        site VARCHAR NOT NULL,
        url VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        status INTEGER NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL,
        bytes BIGINT NOT NULL CHECK (bytes >= 0),
        elapsed_s DOUBLE,
        etag VARCHAR,
        last_modified VARCHAR
    )
    """,
    """
    CREATE VIEW latest_articles AS
    SELECT *, coalesce(published_at, first_seen_at) AS sort_at
    FROM articles
    ORDER BY sort_at DESC, article_id DESC
    """,
    """
    CREATE VIEW run_report AS
    SELECT
        r.run_id, r.sites, r.status, r.started_at, r.finished_at, r.finish_reason,
        coalesce(f.pages, 0) AS pages,
        coalesce(d.items, 0) AS items,
        coalesce(d.new, 0) AS new,
        coalesce(d.updated, 0) AS updated,
        coalesce(d.unchanged, 0) AS unchanged,
        coalesce(d.duplicate_url, 0) AS duplicate_url,
        coalesce(d.duplicate_content, 0) AS duplicate_content,
        coalesce(d.near_duplicate, 0) AS near_duplicate,
        coalesce(d.rejected, 0) AS rejected
    FROM runs AS r
    LEFT JOIN (
        SELECT run_id, count(*) AS pages FROM fetches GROUP BY run_id
    ) AS f USING (run_id)
    LEFT JOIN (
        SELECT
            run_id,
            count(*) AS items,
            count(*) FILTER (WHERE decision = 'new') AS new,
            count(*) FILTER (WHERE decision = 'updated') AS updated,
            count(*) FILTER (WHERE decision = 'unchanged') AS unchanged,
            count(*) FILTER (WHERE decision = 'duplicate_url') AS duplicate_url,
            count(*) FILTER (WHERE decision = 'duplicate_content') AS duplicate_content,
            count(*) FILTER (WHERE decision = 'near_duplicate') AS near_duplicate,
            count(*) FILTER (WHERE decision = 'rejected') AS rejected
        FROM decisions
        GROUP BY run_id
    ) AS d USING (run_id)
    """,
)

# Near-duplicate clusters, how each decision was reached, where a sighting came from, the LSH
# buckets that find near-duplicate candidates, and what each listing source held last time.
_DEDUPE_AND_INCREMENTAL = (
    "ALTER TABLE articles ADD COLUMN cluster_id BIGINT",
    "UPDATE articles SET cluster_id = article_id",
    "ALTER TABLE decisions ADD COLUMN method VARCHAR",
    "ALTER TABLE decisions ADD COLUMN detail VARCHAR",
    "ALTER TABLE sightings ADD COLUMN source VARCHAR DEFAULT 'listing'",
    "UPDATE sightings SET source = 'listing'",
    """
    CREATE TABLE article_buckets (
        article_id BIGINT NOT NULL,
        bucket BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE listing_state (
        site VARCHAR NOT NULL,
        url_key VARCHAR NOT NULL,
        url VARCHAR NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('listing', 'feed', 'sitemap')),
        etag VARCHAR,
        last_modified VARCHAR,
        entries VARCHAR[] NOT NULL,
        links VARCHAR[] NOT NULL,
        pagination VARCHAR[] NOT NULL,
        run_id VARCHAR NOT NULL,
        fetched_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (site, url_key)
    )
    """,
)

# Article pages kept raw as WARC records: where each record lies, to extract it again unfetched.
_RAW_PAGES = (
    """
    CREATE TABLE raw_pages (
        run_id VARCHAR NOT NULL,
        site VARCHAR NOT NULL,
        url VARCHAR NOT NULL,
        url_key VARCHAR,
        fetched_at TIMESTAMPTZ NOT NULL,
        http_status INTEGER NOT NULL,
        warc_path VARCHAR NOT NULL,
        warc_offset BIGINT NOT NULL CHECK (warc_offset >= 0),
        warc_length BIGINT NOT NULL CHECK (warc_length > 0),
        sha256 VARCHAR NOT NULL
    )
    """,
)

# Site boilerplate: what the learner counted per site (paragraph keys and the pages counted), the
# user's rules, and how many paragraphs each decision's text lost to them.
_SITE_BOILERPLATE = (
    """
    CREATE TABLE boilerplate_counts (
        site VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        pages INTEGER NOT NULL CHECK (pages >= 1),
        chars INTEGER NOT NULL,
        contexts BIGINT[] NOT NULL,
        sample VARCHAR,
        first_seen_run VARCHAR NOT NULL,
        last_seen_run VARCHAR NOT NULL,
        PRIMARY KEY (site, key)
    )
    """,
    """
    CREATE TABLE boilerplate_pages (
        site VARCHAR NOT NULL,
        url_key VARCHAR,
        text_id VARCHAR NOT NULL,
        run_id VARCHAR NOT NULL
    )
    """,
    """
    CREATE TABLE boilerplate_rules (
        site VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        action VARCHAR NOT NULL CHECK (action IN ('drop', 'keep')),
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (site, key)
    )
    """,
    "ALTER TABLE decisions ADD COLUMN boilerplate_removed INTEGER",
)

# Where each article's modification time came from, as ``published_source`` says for publication.
_MODIFIED_SOURCE = ("ALTER TABLE articles ADD COLUMN modified_source VARCHAR",)

# Crawl schedules set with ``gleaner schedule add``; one overrides the sites file's for its site.
_SCHEDULES = (
    """
    CREATE TABLE schedules (
        site VARCHAR PRIMARY KEY,
        expression VARCHAR NOT NULL,
        added_at TIMESTAMPTZ NOT NULL
    )
    """,
)

# Who runs a run: its host, PID and process start time, so a run whose process is gone can be
# told from one still running (warehouse/lifecycle.py).
_RUN_PROCESS = (
    "ALTER TABLE runs ADD COLUMN host VARCHAR",
    "ALTER TABLE runs ADD COLUMN pid INTEGER",
    "ALTER TABLE runs ADD COLUMN process_started VARCHAR",
)

# Queue items a loader committed (``gleaner load``): a batch records its items' ids in the same
# transaction, so a loader restarted after a crash loads none of them twice.
_LOADED_ITEMS = (
    """
    CREATE TABLE loaded_items (
        item_id VARCHAR PRIMARY KEY,
        run_id VARCHAR NOT NULL,
        loaded_at TIMESTAMPTZ NOT NULL
    )
    """,
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial_schema", _INITIAL_SCHEMA),
    Migration(2, "dedupe_and_incremental", _DEDUPE_AND_INCREMENTAL),
    Migration(3, "raw_pages", _RAW_PAGES),
    Migration(4, "site_boilerplate", _SITE_BOILERPLATE),
    Migration(5, "modified_source", _MODIFIED_SOURCE),
    Migration(6, "schedules", _SCHEDULES),
    Migration(7, "run_process", _RUN_PROCESS),
    Migration(8, "loaded_items", _LOADED_ITEMS),
)
"""Every migration, in the order they apply."""


def applied_versions(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Return the migration versions recorded in ``_migrations``, ascending.

    Args:
        conn: An open connection (read-only is fine).

    Returns:
        The applied versions; empty when the warehouse has no ``_migrations`` table yet.
    """
    exists = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
        ["_migrations"],
    ).fetchall()
    if not exists[0][0]:
        return []
    rows = conn.execute("SELECT version FROM _migrations ORDER BY version").fetchall()
    return [int(row[0]) for row in rows]


def apply_migrations(
    conn: duckdb.DuckDBPyConnection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction.

    Args:
        conn: A writable connection with no transaction open.
        migrations: The full ordered list; defaults to :data:`MIGRATIONS`.

    Returns:
        The versions applied by this call, ascending (empty when the schema is current).

    Raises:
        WarehouseError: The file was migrated by a newer gleaner than this one.
    """
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError(f"migration versions must be unique and ascending, got {versions}")
    conn.execute(_BOOKKEEPING)
    done = set(applied_versions(conn))
    unknown = sorted(done - set(versions))
    if unknown:
        raise WarehouseError(
            f"The warehouse has schema migrations {unknown} that this gleaner does not know; "
            "it was written by a newer version. Upgrade gleaner to use it."
        )
    applied: list[int] = []
    for migration in migrations:
        if migration.version in done:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO _migrations (version, name, applied_at) VALUES (?, ?, ?)",
                [migration.version, migration.name, datetime.now(UTC)],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied
