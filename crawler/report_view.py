"""How reports, run lists and extracted records look on a terminal (rich tables, escaped text)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

    from crawler.extract import ExtractedArticle


def when(value: str | None) -> str:
    """An ISO 8601 timestamp as people read it: ``2025-11-20 18:45:48Z``."""
    if not value:
        return "-"
    return value[:19].replace("T", " ") + ("Z" if value.endswith("+00:00") else value[26:])


def _counts_table(title: str, heading: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False)
    table.add_column(heading)
    table.add_column("count", justify="right")
    for key, count in counts.items():
        table.add_row(Text(str(key)), str(count))
    return table


def print_report(report: dict[str, Any], console: Console) -> None:
    """Print one run's report: pages, decisions, rejects and duplicates."""
    head = Text.assemble(
        ("Run ", "bold"),
        (report["run_id"], "bold cyan"),
        f"  {', '.join(report['sites'])}  {report['status']}",
        f" ({report['finish_reason']})"
        if report.get("finish_reason") not in (None, report["status"])
        else "",
    )
    console.print(head)
    console.print(
        Text(f"started {when(report['started_at'])}, finished {when(report['finished_at'])}")
    )
    pages = report["pages"]
    console.print(
        _counts_table(f"Pages fetched: {pages['total']}", "HTTP status", pages["by_status"])
    )
    console.print(_counts_table("Items by decision", "decision", report["items"]))
    rejects = report["rejects"]
    if rejects["total"]:
        console.print(_counts_table("Rejects by reason", "reason", rejects["by_reason"]))
        table = Table(title="Rejects", title_justify="left", show_edge=False)
        for column in ("reason", "status", "url", "detail"):
            table.add_column(column, overflow="fold")
        for r in rejects["list"]:
            table.add_row(
                Text(r["reason"]),
                str(r["http_status"] or ""),
                Text(r["url"]),
                Text(r["detail"] or ""),
            )
        console.print(table)
    if report["duplicates"]:
        table = Table(title="Duplicates", title_justify="left", show_edge=False)
        for column in ("decision", "url", "matched article", "similarity"):
            table.add_column(column, overflow="fold")
        for d in report["duplicates"]:
            matched = Text(f"{d['matched_title'] or ''}\n{d['matched_url'] or ''}")
            similarity = "" if d["similarity"] is None else f"{d['similarity']:.2f}"
            table.add_row(Text(d["decision"]), Text(d["url"]), matched, similarity)
        console.print(table)


def print_runs(runs: list[dict[str, Any]], console: Console) -> None:
    """Print the run list, newest first."""
    columns = (
        "run_id",
        "sites",
        "status",
        "started_at",
        "pages",
        "new",
        "updated",
        "unchanged",
        "duplicates",
        "rejects",
    )
    table = Table(*columns, show_edge=False)
    for run in runs:
        values = [", ".join(v) if isinstance(v, list) else v for v in (run[c] for c in columns)]
        values[3] = when(run["started_at"])
        table.add_row(*(Text("" if v is None else str(v)) for v in values))
    console.print(table)


def print_record(record: ExtractedArticle, console: Console) -> None:
    """Print an extracted record: its fields, then its text."""
    table = Table(show_header=False, show_edge=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in record.model_dump(exclude={"text"}).items():
        shown = ", ".join(value) if isinstance(value, tuple | list) else value
        table.add_row(name, Text("" if shown is None else str(shown)))
    table.add_row("text", Text(f"{len(record.text)} characters"))
    console.print(table)
    console.print()
    console.print(Text(record.text))
