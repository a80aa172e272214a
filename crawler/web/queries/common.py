"""What the page queries share: rows as dicts, paging, and filters built as parameterised SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from crawler.reports.output import jsonable

if TYPE_CHECKING:
    import duckdb

PAGE_SIZE: Final = 50
"""Rows per page of a long list."""


def dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """A cursor's rows as JSON-ready dicts, as ``gleaner sql --format json`` prints them."""
    assert cursor.description is not None
    names = [column[0] for column in cursor.description]
    return [jsonable(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def one(cursor: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The first row of a cursor as a JSON-ready dict, or None."""
    found = dicts(cursor)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Paging:
    """Which page of a list to show."""

    number: int = 1
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def describe(self, total: int) -> dict[str, int]:
        """The page's place in the list, for the JSON views and the page links."""
        pages = max(1, -(-total // self.size))
        return {"number": self.number, "size": self.size, "total": total, "pages": pages}


@dataclass(slots=True)
class Where:
    """A ``WHERE`` clause built from optional filters, with named parameters."""

    clauses: list[str] = field(default_factory=list)
    params: dict[str, object] = field(default_factory=dict)

    def add(self, clause: str, **params: object) -> None:
        """Add a condition (``AND``) and the parameters it names."""
        self.clauses.append(clause)
        self.params.update(params)

    def sql(self) -> str:
        """``WHERE ...``, or nothing when there is no condition."""
        return f"WHERE {' AND '.join(self.clauses)}" if self.clauses else ""
