"""How reports, run lists and extracted records look on a terminal (rich tables, escaped text)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from crawler.reports.output import plain, shown

if TYPE_CHECKING:
    from rich.console import Console

    from crawler.items import ExtractedArticle


def when(value: str | None) -> str:
    """An ISO 8601 timestamp as people read it: ``2025-11-20 18:45:48Z``."""
    if not value:
        return "-"
    return value[:19].replace("T", " ") + ("Z" if value.endswith("+00:00") else value[26:])


def duration(seconds: float | None) -> str:
    """A run's duration as people read it: ``-``, ``12.3 s`` or ``4 min 05 s``."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def percent(fraction: float | None) -> str:
    """A fraction as a percent with at most one decimal: ``91%``, ``91.3%``; ``-`` for None."""
    if fraction is None:
        return "-"
    return f"{fraction * 100:.1f}".removesuffix(".0") + "%"


def change_text(name: str, change: dict[str, Any]) -> str:
    """One decision's change from the previous run: ``new 3 (down 97% from 100)``.

    Args:
        name: The decision.
        change: Its ``previous``, ``current`` and ``change_pct`` from the report.

    Returns:
        The count now, and how it moved: ``up``/``down`` a percent from the earlier count,
        ``same``, or ``up from 0``.
    """
    previous, current, pct = change["previous"], change["current"], change["change_pct"]
    if pct is None:
        moved = f"up from {previous}"
    elif pct == 0:
        moved = "same"
    else:
        moved = f"{'up' if pct > 0 else 'down'} {abs(pct):g}% from {previous}"
    return f"{name} {current} ({moved})"


def change_pct_text(pct: float | None) -> str:
    """A change in percent, signed: ``-80%``, ``+25%``, ``0%``; ``up from 0`` for None."""
    if pct is None:
        return "up from 0"
    return "0%" if pct == 0 else f"{pct:+g}%"


def _methods(counts: dict[str, int] | None) -> str:
    """How one decision's items were decided: ``known 40, url_key 3``."""
    return ", ".join(f"{method} {n}" for method, n in (counts or {}).items())


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _summary(report: dict[str, Any]) -> Text:
    """The headline counts: pages, items per decision, sightings."""
    items = report["items"]
    duplicates = sum(items[d] for d in ("duplicate_url", "duplicate_content", "near_duplicate"))
    sightings = report["sightings"]
    sources = ", ".join(f"{k} {v}" for k, v in sightings["by_source"].items())
    return Text(
        f"{report['pages']['total']} pages, {sum(items.values())} items: {items['new']} new, "
        f"{items['updated']} updated, {items['unchanged']} unchanged, {duplicates} duplicates, "
        f"{items['rejected']} rejected; {sightings['total']} sightings of "
        f"{sightings['articles']} articles" + (f" ({sources})" if sources else "")
    )


def _changes(report: dict[str, Any]) -> Text:
    """The change line: each decision that has items now or had them in the previous run."""
    previous = report["previous_run"]
    if previous is None:
        return Text("No earlier run of the same sites to compare with.")
    moved = [
        change_text(name, change)
        for name, change in previous["changes"].items()
        if change["previous"] or change["current"]
    ]
    return Text(
        f"Since run {previous['run_id']} ({when(previous['started_at'])}, "
        f"{previous['status']}): " + (", ".join(moved) or "no items in either run")
    )


def _pages_table(pages: dict[str, Any]) -> Table:
    """Responses by role (rows) and HTTP status (columns)."""
    statuses = list(pages["by_status"])
    table = Table(title=f"Pages fetched: {pages['total']}", title_justify="left", show_edge=False)
    table.add_column("role")
    for column in (*statuses, "total"):
        table.add_column(column, justify="right")
    for role, counts in pages["by_role_status"].items():
        row = [str(counts.get(status, "")) for status in statuses]
        table.add_row(Text(role), *row, str(pages["by_role"][role]))
    return table


def _decisions_table(report: dict[str, Any]) -> Table:
    """Items per decision, how they were decided, and the previous run's counts."""
    previous = report["previous_run"]
    table = Table(title="Items by decision", title_justify="left", show_edge=False)
    table.add_column("decision")
    table.add_column("count", justify="right")
    methods = report["items_by_method"]
    if methods:
        table.add_column("how")
    if previous is not None:
        table.add_column("previous run", justify="right")
        table.add_column("change", justify="right")
    for name, count in report["items"].items():
        row = [Text(name), Text(str(count))]
        if methods:
            row.append(Text(_methods(methods.get(name))))
        if previous is not None:
            change = previous["changes"][name]
            pct = change["change_pct"]
            row += [Text(str(change["previous"])), Text(change_pct_text(pct))]
        table.add_row(*row)
    return table


def print_report(report: dict[str, Any], console: Console) -> None:
    """Print one run's report: headline, change since the previous run, then the tables.

    Every value from the warehouse is printed as plain text, never as rich markup, with its
    control characters made visible (:func:`crawler.reports.output.visible`).
    """
    report = shown(report)
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
        Text(
            f"started {when(report['started_at'])}, finished {when(report['finished_at'])}, "
            f"took {duration(report['duration_s'])}"
        )
    )
    console.print(_summary(report))
    console.print(_changes(report))
    console.print(_pages_table(report["pages"]))
    console.print(_decisions_table(report))
    if report["duplicates"]:
        table = _table("Duplicates", "url", "decision", "matched article", "similarity", "method")
        for d in report["duplicates"]:
            matched = Text(f"{d['matched_title'] or ''}\n{d['matched_url'] or ''}")
            table.add_row(
                Text(d["url"]),
                Text(d["decision"]),
                matched,
                percent(d["similarity"]),
                Text(d["method"] or ""),
            )
        console.print(table)
    if report["updated"]:
        table = _table("Updated articles", "article", "version", "changed")
        for u in report["updated"]:
            article = Text(f"{u['title'] or ''}\n{u['url']}")
            table.add_row(article, str(u["version"] or ""), percent(u["changed"]))
        console.print(table)
    rejects = report["rejects"]
    if rejects["total"]:
        table = _table("Rejects by reason", "reason", "count")
        for reason, count in rejects["by_reason"].items():
            table.add_row(Text(reason), str(count))
        console.print(table)
        table = _table("Rejects", "reason", "status", "url", "detail")
        for r in rejects["list"]:
            table.add_row(
                Text(r["reason"]),
                str(r["http_status"] or ""),
                Text(r["url"]),
                Text(r["detail"] or ""),
            )
        console.print(table)


def print_runs(runs: list[dict[str, Any]], console: Console) -> None:
    """Print the run list, newest first: status, duration and counts (as plain, visible text)."""
    runs = shown(runs)
    columns = (
        "run_id",
        "sites",
        "status",
        "started_at",
        "duration",
        "pages",
        "new",
        "updated",
        "unchanged",
        "duplicates",
        "rejects",
    )
    table = Table(*columns[:5], show_edge=False)
    for column in columns[5:]:
        table.add_column(column, justify="right")
    for run in runs:
        status = run["status"]
        if run.get("finish_reason") == "reextract":  # re-extracted from raw pages, not crawled
            status += " (reextract)"
        values = [
            ", ".join(run["sites"]),
            status,
            when(run["started_at"]),
            duration(run["duration_s"]),
            *(str(run[c]) for c in columns[5:]),
        ]
        table.add_row(Text(run["run_id"]), *(Text(v) for v in values))
    console.print(table)


def print_record(record: ExtractedArticle, console: Console) -> None:
    """Print an extracted record: its fields, then its text."""
    table = Table(show_header=False, show_edge=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in record.model_dump(exclude={"text"}).items():
        joined = ", ".join(value) if isinstance(value, tuple | list) else value
        table.add_row(name, plain(joined))
    table.add_row("text", Text(f"{len(record.text)} characters"))
    console.print(table)
    console.print()
    console.print(plain(record.text))


def print_removals(record: ExtractedArticle, console: Console) -> None:
    """Print what extraction removed from the page, in order: each rule and the text it removed."""
    if not record.removed:
        console.print(Text("Nothing was removed."))
        return
    table = Table(title=f"Removed ({len(record.removed)})", show_edge=False)
    table.add_column("rule", style="bold", no_wrap=True)
    table.add_column("removed text", overflow="fold")
    for removal in record.removed:
        table.add_row(Text(removal.rule), plain(removal.text))
    console.print(table)
