"""Exports: the warehouse's articles (and optionally sightings and decisions) written as Parquet,
CSV or JSON-lines files partitioned by site and date, with DuckDB's own ``COPY``."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from warehouse.db import DEFAULT_RETRY_S, connect
from warehouse.errors import WarehouseError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import duckdb

FORMATS: Final = ("parquet", "csv", "jsonl")
"""File formats an export writes."""

TABLES: Final = ("articles", "sightings", "decisions")
"""Tables an export can write, each into the directory of its name; ``articles`` always."""

OPTIONAL_TABLES: Final = TABLES[1:]

_DATE_OF: Final = {
    "articles": "coalesce(published_at, first_seen_at)",
    "sightings": "seen_at",
    "decisions": "decided_at",
}
"""The timestamp whose UTC date partitions each table."""

_LEFT_OUT: Final = {"articles": ("fingerprint",)}
"""Columns kept for the warehouse's own use, not exported."""

# Text formats write timestamps as RFC 3339 in UTC (the session zone ``connect`` sets), which
# DuckDB, Spark, BigQuery and Snowflake all read as instants.
_RFC3339: Final = "TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ'"
_COPY_OPTIONS: Final = {
    "parquet": "FORMAT parquet, COMPRESSION zstd",
    "csv": f"FORMAT csv, HEADER true, {_RFC3339}",
    "jsonl": f"FORMAT json, FILE_EXTENSION 'jsonl', {_RFC3339}",
}


class ExportError(WarehouseError, ValueError):
    """An export that cannot start: a bad ``since``, an unknown site or a directory in use."""


@dataclass(frozen=True, slots=True)
class Since:
    """Where an export starts: rows of runs started at or after ``at``, or rows dated from it."""

    at: datetime
    """The cut-off, in UTC: the run's start time, or the date-time given."""
    run_id: str | None = None
    """The run given, or ``None`` for a date."""


@dataclass(frozen=True, slots=True)
class TableExport:
    """One table's part of an export."""

    table: str
    rows: int
    files: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    directory: Path
    fmt: str
    tables: tuple[TableExport, ...]
    since: Since | None


def parse_since(value: str, runs: Mapping[str, datetime]) -> Since:
    """Read ``--since``: a run id of the warehouse, else a date or an ISO date-time.

    Args:
        value: As the user gave it.
        runs: The warehouse's runs, newest first: run id to start time.

    Returns:
        A :class:`Since`: for a run, cut at its start time; a date means its midnight in UTC,
        and a date-time without a zone is read as UTC.

    Raises:
        ExportError: Neither a known run nor a date; the message lists the newest runs.
    """
    if value in runs:
        return Since(at=runs[value].astimezone(UTC), run_id=value)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        run_ids = list(runs)
        shown = ", ".join(run_ids[:5]) + (", ..." if len(run_ids) > 5 else "")
        known = f"Newest runs: {shown}." if run_ids else "The warehouse holds no runs yet."
        raise ExportError(
            f"{value!r} is neither a run of this warehouse nor a date (YYYY-MM-DD or an ISO "
            f"date-time such as 2026-11-25T08:00:00Z). {known} `gleaner runs` lists every run."
        ) from None
    return Since(at=at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC))


def table_query(
    table: str,
    fmt: str,
    list_columns: Sequence[str],
    *,
    sites: Sequence[str] = (),
    since: Since | None = None,
) -> tuple[str, dict[str, object]]:
    """Build the query whose rows an export writes for one table.

    Every column is kept in the table's order (the warehouse's own ones left out), then
    ``date``: the UTC date, as ``YYYY-MM-DD``, of the row's timestamp (an article's
    publication, else when it was first seen; a sighting's ``seen_at``; a decision's
    ``decided_at``). CSV has no lists, so list columns become JSON arrays as text there.

    An article passes ``since`` when it has a version (its first, or a changed text) written by a
    run started at or after the run given, or fetched at or after the date given; a sighting or
    decision when its run started at or after the run given, or it is dated at or after the date.

    Args:
        table: One of :data:`TABLES`.
        fmt: One of :data:`FORMATS`.
        list_columns: The table's list-typed columns.
        sites: Only these sites (all when empty).
        since: Only rows from this run or date on (all when ``None``).

    Returns:
        The SQL and its named parameters.
    """
    left_out = _LEFT_OUT.get(table, ())
    select = "*"
    if left_out:
        select += f" EXCLUDE ({', '.join(left_out)})"
    if fmt == "csv" and list_columns:
        select += f" REPLACE ({', '.join(f'to_json({c}) AS {c}' for c in list_columns)})"
    date_of = _DATE_OF[table]
    where: list[str] = []
    params: dict[str, object] = {}
    if sites:
        where.append("site IN (SELECT unnest($sites))")
        params["sites"] = list(sites)
    if since is not None:
        params["since"] = since.at
        if since.run_id is not None:
            later_runs = "SELECT run_id FROM runs WHERE started_at >= $since"
            if table == "articles":
                where.append(
                    f"article_id IN (SELECT article_id FROM article_versions "
                    f"WHERE run_id IN ({later_runs}))"
                )
            else:
                where.append(f"run_id IN ({later_runs})")
        elif table == "articles":
            where.append(
                "article_id IN (SELECT article_id FROM article_versions WHERE fetched_at >= $since)"
            )
        else:
            where.append(f"{date_of} >= $since")
    sql = f"SELECT {select}, strftime(timezone('UTC', {date_of}), '%Y-%m-%d') AS date FROM {table}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    order = "article_id" if table == "articles" else "run_id, " + _DATE_OF[table]
    return f"{sql} ORDER BY site, date, {order}", params


def copy_statement(query: str, target: Path, fmt: str) -> str:
    """Build the ``COPY`` that writes ``query``'s rows under ``target``, partitioned Hive-style
    (``site=NAME/date=YYYY-MM-DD/data_0.parquet``), returning the files it wrote."""
    path = str(target).replace("'", "''")
    options = _COPY_OPTIONS[fmt]
    return f"COPY ({query}) TO '{path}' ({options}, PARTITION_BY (site, date), RETURN_FILES true)"


def export_warehouse(
    db_path: str | os.PathLike[str],
    directory: str | os.PathLike[str],
    *,
    fmt: str = "parquet",
    tables: Sequence[str] = ("articles",),
    sites: Sequence[str] = (),
    since: str | None = None,
    overwrite: bool = False,
    retry_s: float = DEFAULT_RETRY_S,
) -> ExportResult:
    """Write the warehouse's articles, and the optional tables asked for, under ``directory``.

    Each table goes to ``directory/TABLE/site=NAME/date=YYYY-MM-DD/``. The files are written in a
    hidden directory inside ``directory`` first and moved into place once all are written, so a
    failed export leaves what was there.

    Args:
        db_path: The warehouse, opened read-only.
        directory: Where to write; created if missing.
        fmt: One of :data:`FORMATS`.
        tables: Tables to write; ``articles`` is always written.
        sites: Only these sites (all when empty).
        since: A run id or a date (see :func:`parse_since` and :func:`table_query`).
        overwrite: Write into a directory that is not empty: the export's table directories
            (``articles``, ``sightings``, ``decisions``) are replaced, other files left alone.
        retry_s: How long to wait for a writer's lock.

    Returns:
        What was written, table by table, with the final paths of the files.

    Raises:
        ExportError: A bad format, table, site or ``since``, or a directory that is not empty.
        WarehouseMissingError: No warehouse at ``db_path``.
        WarehouseLockedError: A writer held the lock for longer than ``retry_s``.
    """
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    unknown = [t for t in tables if t not in TABLES]
    if unknown:
        raise ExportError(f"Cannot export {unknown[0]!r}; choose among {', '.join(TABLES)}.")
    chosen = [t for t in TABLES if t == "articles" or t in tables]
    target = Path(directory)
    _check_directory(target, overwrite=overwrite)
    with connect(db_path, read_only=True, retry_s=retry_s) as conn:
        start = _read_since(conn, since) if since is not None else None
        _check_sites(conn, sites)
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target))
        try:
            written = []
            for table in chosen:
                sql, params = table_query(
                    table, fmt, _list_columns(conn, table), sites=sites, since=start
                )
                rows = conn.execute(copy_statement(sql, staging / table, fmt), params).fetchall()
                count, files = (int(rows[0][0]), rows[0][1]) if rows else (0, [])
                (staging / table).mkdir(exist_ok=True)
                final = tuple(sorted(target / Path(f).relative_to(staging) for f in files))
                written.append(TableExport(table, count, final))
            for table in TABLES:
                shutil.rmtree(target / table, ignore_errors=True)
            for table in chosen:
                (staging / table).rename(target / table)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(directory=target, fmt=fmt, tables=tuple(written), since=start)


def _check_directory(target: Path, *, overwrite: bool) -> None:
    """Refuse a file, or a directory that is not empty unless ``overwrite``."""
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} is a file; give a directory to export into.")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise ExportError(
            f"{target} is not empty. Give an empty or new directory, or --overwrite to replace "
            "the articles/, sightings/ and decisions/ directories of an earlier export in it "
            "(other files stay)."
        )


def _read_since(conn: duckdb.DuckDBPyConnection, value: str) -> Since:
    """Parse ``since`` against the warehouse's runs."""
    rows = conn.execute(
        "SELECT run_id, started_at FROM runs ORDER BY started_at DESC, run_id DESC"
    ).fetchall()
    return parse_since(value, {str(run_id): started_at for run_id, started_at in rows})


def _check_sites(conn: duckdb.DuckDBPyConnection, sites: Sequence[str]) -> None:
    """Refuse a site the warehouse has never crawled, naming the ones it has."""
    if not sites:
        return
    rows = conn.execute("SELECT DISTINCT unnest(sites) AS site FROM runs ORDER BY site").fetchall()
    known = [str(row[0]) for row in rows]
    missing = [s for s in sites if s not in known]
    if missing:
        crawled = ", ".join(known) if known else "none yet"
        raise ExportError(f"No site {missing[0]!r} in the warehouse; its sites: {crawled}.")


def _list_columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The list-typed columns of a table, in order."""
    rows = conn.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? "
        "AND data_type LIKE '%[]' ORDER BY column_index",
        [table],
    ).fetchall()
    return [str(row[0]) for row in rows]
