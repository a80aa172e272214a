"""User SQL for ``gleaner sql``: one read-only statement, no file access, limited rows and time.

Two layers refuse what a query may not do. :func:`check_user_sql` lets through only one
statement that is a query, with a message that says why; DuckDB then enforces the rest on a
connection opened read-only, with ``enable_external_access`` off (unless files are allowed), no
extension installs or loads, and its configuration locked so no ``SET`` can undo any of it.
"""

from __future__ import annotations

import os
import re
import threading
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import duckdb

from warehouse.db import DEFAULT_RETRY_S, connect
from warehouse.errors import UserSQLError
from warehouse.runs import settle_runs

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

ALLOWED_KEYWORDS: Final = (
    "select",
    "with",
    "from",
    "explain",
    "describe",
    "show",
    "summarize",
    "values",
    "table",
)
"""Words a statement may start with (after comments and opening parentheses)."""

DEFAULT_LIMIT = 1000

ALLOW_FILES_FLAG: Final = "--allow-files"
"""The ``gleaner sql`` flag that lets a query read local files; error messages name it."""

_NEVER_HINT: Final = {
    **dict.fromkeys(
        ("copy", "export", "import", "attach", "detach", "install", "force", "load", "use"),
        "`gleaner sql` never writes files, attaches databases or loads extensions "
        f"(`gleaner export` writes the warehouse to files; with {ALLOW_FILES_FLAG} a query may "
        "read a local file: read_csv, read_parquet, read_json, read_text).",
    ),
    **dict.fromkeys(
        ("set", "reset", "pragma", "call"),
        "`gleaner sql` cannot change DuckDB's settings.",
    ),
}

# DESCRIBE, SHOW, SUMMARIZE, VALUES, TABLE and FROM-first queries all parse as SELECT.
_ALLOWED_TYPES: Final = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)
_LEADING_NOISE = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/|\()*", re.DOTALL)
_FIRST_WORD = re.compile(r"[A-Za-z_]+")


class QueryResult(NamedTuple):
    """Rows of a user query."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    """True when the query had more rows than the limit."""


def check_user_sql(sql: str) -> None:
    """Refuse anything but a single read-only query.

    Args:
        sql: The SQL text as the user gave it.

    Raises:
        UserSQLError: Empty, several statements, or a statement that is not a query.
    """
    start = _LEADING_NOISE.match(sql)
    rest = sql[start.end() :] if start else sql
    word = _FIRST_WORD.match(rest)
    if word is None:
        raise UserSQLError("No SQL statement given.")
    keyword = word.group().lower()
    if keyword not in ALLOWED_KEYWORDS:
        hint = _NEVER_HINT.get(keyword, "")
        raise UserSQLError(
            f"Only queries may run here: a statement starting with {keyword.upper()} is not "
            f"allowed. Start it with one of: {', '.join(k.upper() for k in ALLOWED_KEYWORDS)}."
            + (f" {hint}" if hint else "")
        )
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise UserSQLError(f"Could not parse the SQL: {exc}") from exc
    if len(statements) != 1:
        raise UserSQLError(
            f"Give exactly one statement; found {len(statements)}. Remove the extra ';'."
        )
    if statements[0].type not in _ALLOWED_TYPES:
        raise UserSQLError(f"Only queries may run here, not {statements[0].type.name}.")


def run_user_sql(
    path: str | os.PathLike[str],
    sql: str,
    params: Mapping[str, object] | Sequence[object] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    *,
    timeout_s: float | None = None,
    retry_s: float = DEFAULT_RETRY_S,
    allow_files: bool = False,
    settle: bool = True,
) -> QueryResult:
    """Run one user query against the warehouse, read-only and without file access.

    The query can neither write nor read any file but the warehouse (no ``COPY``, ``ATTACH``,
    ``read_csv``, ``read_text``, ``glob``, ``FROM 'file.csv'``), install or load an extension,
    nor change a setting; ``allow_files`` lets it read local files, and nothing more.

    Runs of this host whose process is gone are marked ``interrupted`` first
    (:func:`warehouse.runs.settle_runs`), so that the ``runs`` table tells the truth; with
    ``settle`` off, nothing is ever written.

    Args:
        path: The warehouse file.
        sql: One statement starting with SELECT, WITH, FROM, EXPLAIN, DESCRIBE, SHOW,
            SUMMARIZE, VALUES or TABLE.
        params: Values for ``$name`` placeholders (a mapping) or ``?`` placeholders (a sequence).
        limit: Return at most this many rows (None: all of them).
        timeout_s: Interrupt the query after this many seconds (None: no time limit).
        retry_s: How long to wait while a writer holds the lock.
        allow_files: Let the query read local files (``read_csv('data.csv')``, ``glob``).
        settle: Mark gone runs ``interrupted`` first (which opens the file for writing, briefly).

    Returns:
        ``(columns, rows, truncated)``; ``truncated`` tells whether rows beyond ``limit`` were
        left out.

    Raises:
        UserSQLError: The SQL was refused, or DuckDB could not run it (bad SQL, a file access,
            a missing parameter, the time limit).
        WarehouseMissingError: There is no warehouse file.
        WarehouseLockedError: A writer held the lock for longer than ``retry_s``.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1 or None, got {limit}")
    check_user_sql(sql)
    if settle:
        settle_runs(path, retry_s=retry_s)
    conn = connect(
        path, read_only=True, retry_s=retry_s, external_access=allow_files, sandboxed=True
    )
    timer = None
    if timeout_s is not None:
        timer = threading.Timer(timeout_s, conn.interrupt)
        timer.daemon = True
        timer.start()
    try:
        cursor = conn.execute(sql, params)
        columns = [column[0] for column in cursor.description or []]
        if limit is None:
            return QueryResult(columns, cursor.fetchall(), truncated=False)
        rows = cursor.fetchmany(limit + 1)
        return QueryResult(columns, rows[:limit], truncated=len(rows) > limit)
    except duckdb.InterruptException as exc:
        raise UserSQLError(f"The query ran longer than {timeout_s:g} s and was stopped.") from exc
    except duckdb.PermissionException as exc:
        hint = (
            "`gleaner sql` loads no extension and changes no setting."
            if allow_files
            else "`gleaner sql` reads only the warehouse: pass "
            f"{ALLOW_FILES_FLAG} to let a query read local files."
        )
        raise UserSQLError(f"{exc}\n{hint}") from exc
    except duckdb.Error as exc:
        message = str(exc)
        if "extension" in message:
            message += "\n`gleaner sql` installs and loads no extension."
        raise UserSQLError(message) from exc
    finally:
        if timer is not None:
            timer.cancel()
        conn.close()
