"""Output for people and programs: result tables, CSV, JSON and JSON lines.

Text from the warehouse was written by strangers (titles, URLs, authors, details), so whatever a
person reads on a terminal goes through :func:`visible` and is printed as rich ``Text``, never
as markup: ``[bold red]x[/]`` shows as typed, and control characters (an ANSI escape that would
clear the screen or retitle the window, a carriage return that would overwrite the line, a
right-to-left override) show as ``\\x1b``-style escapes instead of acting. CSV and JSON carry
values unchanged (JSON escapes control characters itself).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "csv", "json", "jsonl")

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides, embeddings
# and isolates, which reorder what follows them on screen.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` safe to show on a terminal: every control character written as an escape.

    Tabs and newlines stay; any other C0 or C1 control character, DEL, and the bidirectional
    controls become ``\\x1b`` or ``\\u202e``, so that they show instead of acting.
    Rich markup needs no escaping here as long as the result is printed as ``Text``.

    Args:
        text: Any text, typically read from the warehouse.

    Returns:
        The text with its control characters replaced by visible escapes.
    """
    return _CONTROL.sub(_escape_control, text)


def plain(value: object) -> Text:
    """A value as rich ``Text``: never read as markup, control characters made visible."""
    return Text(visible("" if value is None else str(value)))


def shown(value: Any) -> Any:
    """``value`` with every string in it (in dicts, lists and tuples too) made :func:`visible`."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {k: shown(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(shown(v) for v in value)
    return value


def jsonable(value: Any) -> Any:
    """A value JSON can carry: datetimes as ISO 8601, decimals as floats, tuples as lists."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def dumps(value: Any) -> str:
    """Stable, indented JSON for ``--json`` output."""
    return json.dumps(jsonable(value), indent=2, ensure_ascii=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(jsonable(value), ensure_ascii=False)
    return str(jsonable(value))


def render_rows(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, console: Console
) -> None:
    """Print query results as a table, CSV, a JSON list of objects, or JSON lines."""
    if fmt == "json":
        console.out(dumps([dict(zip(columns, row, strict=True)) for row in rows]), highlight=False)
    elif fmt == "jsonl":
        for row in rows:
            line = json.dumps(jsonable(dict(zip(columns, row, strict=True))), ensure_ascii=False)
            console.out(line, highlight=False)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
        console.out(buffer.getvalue(), end="", highlight=False)
    else:
        table = Table(show_lines=False)
        for column in columns:
            table.add_column(plain(column))
        for row in rows:
            table.add_row(*(plain(_cell(v)) for v in row))
        console.print(table)
