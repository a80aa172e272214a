"""A kept raw page (``raw_pages``, WARC): found through the warehouse, read from its file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.raw.warc import RawRecordError, RecordSpan, read_record
from crawler.web.queries.common import one

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb


def raw_page(
    conn: duckdb.DuckDBPyConnection, root: Path, run_id: str, site: str, offset: int
) -> dict[str, Any] | None:
    """The raw page a run kept at ``offset`` of its site's WARC file.

    Only records the warehouse indexes are read, and only from files under ``root``.

    Args:
        conn: A read-only connection.
        root: The directory of raw pages.
        run_id: The run that kept it.
        site: Its site.
        offset: Where its record starts in the run's WARC file.

    Returns:
        ``url``, ``url_key``, ``run_id``, ``fetched_at``, ``http_status``, ``sha256``,
        ``headers`` (name and value pairs), ``body`` (decoded as UTF-8, errors replaced) and
        ``error`` (why the record could not be read, else None); None when the warehouse
        indexes no such record.
    """
    row = one(
        conn.execute(
            "SELECT url, url_key, run_id, site, fetched_at, http_status, sha256, warc_path, "
            "warc_length FROM raw_pages WHERE run_id = ? AND site = ? AND warc_offset = ?",
            [run_id, site, offset],
        )
    )
    if row is None:
        return None
    path, length = row.pop("warc_path"), row.pop("warc_length")
    found: dict[str, Any] = {**row, "headers": [], "body": None, "error": None}
    if not (root / path).resolve().is_relative_to(root.resolve()):
        found["error"] = f"{path} is outside the directory of raw pages"
        return found
    try:
        page = read_record(root, RecordSpan(path, offset, length))
    except RawRecordError as exc:
        found["error"] = str(exc)
        return found
    found["headers"] = [list(pair) for pair in page.headers]
    found["body"] = page.body.decode("utf-8", "replace")
    return found
