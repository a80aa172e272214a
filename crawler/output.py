"""Output for people and programs: result tables, CSV, JSON and JSON lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "csv", "json", "jsonl")


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
        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*(Text(_cell(v)) for v in row))
        console.print(table)
