"""Site boilerplate in the warehouse: what the learner counted per site, and the user's rules.

``boilerplate_counts`` holds the learner's state per paragraph key and ``boilerplate_pages`` the
pages it counted (their number is the site's page total); the loader updates both in each batch's
transaction (:func:`warehouse.writer.write_batch`). ``boilerplate_rules`` holds what a user
decided: ``drop`` a paragraph always, or ``keep`` one that was learned. What counts as learned is
the crawler's business (``pipelines.boilerplate.learner``); this module only reads and writes rows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from warehouse.db import DEFAULT_RETRY_S, connect, write_session
from warehouse.rows import BoilerplateKeyRow, BoilerplatePageRow

if TYPE_CHECKING:
    import duckdb

RULE_ACTIONS: Final = ("drop", "keep")
_TABLES: Final = ("boilerplate_counts", "boilerplate_pages", "boilerplate_rules")


@dataclass(frozen=True, slots=True)
class BoilerplateRule:
    """A user's decision about one paragraph of a site."""

    site: str
    key: str
    text: str
    """The paragraph as the user gave it."""
    action: str
    """``drop`` (always removed) or ``keep`` (never removed, whatever was learned)."""
    created_at: datetime


@dataclass(slots=True)
class StoredBoilerplate:
    """One site's boilerplate state as the warehouse holds it."""

    site: str
    total_pages: int = 0
    """Pages the learner counted."""
    keys: list[BoilerplateKeyRow] = field(default_factory=list)
    """Counted keys (those asked for), most pages first, then by key."""
    pages: list[BoilerplatePageRow] = field(default_factory=list)
    """The pages counted, when asked for."""
    rules: list[BoilerplateRule] = field(default_factory=list)
    """The user's rules, oldest first."""


def read_boilerplate(
    path: str | os.PathLike[str],
    site: str,
    *,
    min_pages: int = 1,
    with_pages: bool = True,
    retry_s: float = DEFAULT_RETRY_S,
) -> StoredBoilerplate:
    """Read one site's boilerplate state, read-only.

    Args:
        path: The warehouse file.
        site: The site's name.
        min_pages: Only keys on at least this many pages, plus every key a rule names (``1``:
            every key, as a crawl needs to go on learning).
        with_pages: Also read the pages counted (a crawl needs them to count each page once).
        retry_s: How long to wait while a writer holds the lock.

    Returns:
        The state; empty when the site has none, or the warehouse predates site boilerplate.

    Raises:
        WarehouseMissingError: No warehouse at ``path``.
    """
    conn = connect(path, read_only=True, retry_s=retry_s)
    try:
        return read_boilerplate_on(conn, site, min_pages=min_pages, with_pages=with_pages)
    finally:
        conn.close()


def read_boilerplate_on(
    conn: duckdb.DuckDBPyConnection, site: str, *, min_pages: int = 1, with_pages: bool = True
) -> StoredBoilerplate:
    """:func:`read_boilerplate` on an open connection (read-only is fine).

    Args:
        conn: An open connection.
        site: The site's name.
        min_pages: Only keys on at least this many pages, plus every key a rule names.
        with_pages: Also read the pages counted.

    Returns:
        The state; empty when the site has none, or the warehouse predates site boilerplate.
    """
    found = StoredBoilerplate(site)
    if not _has_tables(conn):
        return found
    found.rules = [
        BoilerplateRule(*row)
        for row in conn.execute(
            "SELECT site, key, text, action, created_at FROM boilerplate_rules "
            "WHERE site = ? ORDER BY created_at, key",
            [site],
        ).fetchall()
    ]
    pages = conn.execute("SELECT count(*) FROM boilerplate_pages WHERE site = ?", [site])
    found.total_pages = int(pages.fetchall()[0][0])
    rows = conn.execute(
        """
        SELECT site, key, pages, chars, contexts, sample FROM boilerplate_counts AS c
        WHERE site = $site AND (pages >= $min_pages OR EXISTS (
            SELECT 1 FROM boilerplate_rules AS r WHERE r.site = c.site AND r.key = c.key
        ))
        ORDER BY pages DESC, key
        """,
        {"site": site, "min_pages": min_pages},
    ).fetchall()
    found.keys = [
        BoilerplateKeyRow(s, key, pages, chars, tuple(contexts), sample)
        for s, key, pages, chars, contexts, sample in rows
    ]
    if with_pages:
        found.pages = [
            BoilerplatePageRow(*row)
            for row in conn.execute(
                "SELECT site, url_key, text_id FROM boilerplate_pages WHERE site = ?", [site]
            ).fetchall()
        ]
    return found


def boilerplate_sites(
    path: str | os.PathLike[str], *, retry_s: float = DEFAULT_RETRY_S
) -> list[str]:
    """The sites the warehouse knows, sorted: every site a run crawled, and any with a rule.

    Raises:
        WarehouseMissingError: No warehouse at ``path``.
    """
    conn = connect(path, read_only=True, retry_s=retry_s)
    try:
        sql = "SELECT DISTINCT unnest(sites) FROM runs"
        if _has_tables(conn):
            sql += " UNION SELECT site FROM boilerplate_rules"
        return sorted(str(row[0]) for row in conn.execute(sql).fetchall())
    finally:
        conn.close()


def set_rule(
    path: str | os.PathLike[str],
    site: str,
    key: str,
    text: str,
    action: str,
    *,
    retry_s: float = DEFAULT_RETRY_S,
) -> BoilerplateRule:
    """Record a user's rule for one paragraph of a site, replacing any rule for the same key.

    Args:
        path: The warehouse file (migrated if needed).
        site: The site's name.
        key: The paragraph's key.
        text: The paragraph as the user gave it.
        action: ``drop`` or ``keep``.
        retry_s: How long to wait for another process's lock.

    Returns:
        The rule stored.

    Raises:
        ValueError: ``action`` is neither ``drop`` nor ``keep``.
    """
    if action not in RULE_ACTIONS:
        raise ValueError(f"a boilerplate rule is 'drop' or 'keep', not {action!r}")
    rule = BoilerplateRule(site, key, text, action, datetime.now(UTC))
    with write_session(path, retry_s=retry_s) as conn:
        conn.execute(
            """
            INSERT INTO boilerplate_rules (site, key, text, action, created_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (site, key) DO UPDATE SET
                text = excluded.text, action = excluded.action, created_at = excluded.created_at
            """,
            [rule.site, rule.key, rule.text, rule.action, rule.created_at],
        )
    return rule


def delete_rule(
    path: str | os.PathLike[str], site: str, key: str, *, retry_s: float = DEFAULT_RETRY_S
) -> BoilerplateRule | None:
    """Delete a user's rule; return it, or ``None`` when the site had no rule for that key."""
    with write_session(path, retry_s=retry_s) as conn:
        found = conn.execute(
            "SELECT site, key, text, action, created_at FROM boilerplate_rules "
            "WHERE site = ? AND key = ?",
            [site, key],
        ).fetchall()
        if not found:
            return None
        conn.execute("DELETE FROM boilerplate_rules WHERE site = ? AND key = ?", [site, key])
    return BoilerplateRule(*found[0])


def _has_tables(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has the site boilerplate tables (a read-only open does not migrate)."""
    found = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name IN "
        "('boilerplate_counts', 'boilerplate_pages', 'boilerplate_rules')"
    ).fetchall()
    return int(found[0][0]) == len(_TABLES)
