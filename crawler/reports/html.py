"""One run's report as a single self-contained HTML page (``gleaner report --html FILE``).

The page has inline CSS, an inline SVG chart and no script; a Content-Security-Policy forbids
scripts and any request, and every value from the warehouse is escaped, since titles, URLs and
details come from the crawled sites.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler import __version__
from crawler.reports.output import visible
from crawler.reports.terminal import change_pct_text, change_text, duration, percent, when

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Sequence

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""Nothing may load or run but the page's own inline styles."""

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1b1f24; background: #fff; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.meta, .muted { color: #57606a; }
table { border-collapse: collapse; min-width: 40rem; margin: .5rem 0; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #eaeef2;
         vertical-align: top; overflow-wrap: break-word; }
th { background: #f6f8fa; white-space: nowrap; }
a { overflow-wrap: anywhere; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.chart text { font-size: 13px; fill: #1b1f24; }
.bar { fill: #0969da; }
.bar.rejected { fill: #cf222e; }
.bar.duplicate_url, .bar.duplicate_content, .bar.near_duplicate { fill: #bf8700; }
.bar.unchanged { fill: #8c959f; }
"""


class _Html(str):
    """Markup built here from escaped parts, so it is not escaped again."""

    __slots__ = ()


def _e(value: object) -> _Html:
    """Escape a value for HTML text or a quoted attribute; None becomes empty.

    Control characters are written as visible escapes first (:func:`crawler.reports.output.visible`).
    """
    if isinstance(value, _Html):
        return value
    return _Html(html.escape(visible("" if value is None else str(value)), quote=True))


def _link(url: str | None) -> _Html:
    """A link to an article's own URL when it is http(s); any other URL stays plain text."""
    if not url:
        return _Html("")
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return _e(url)
    return _Html(f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{_e(url)}</a>')


def _table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Iterable[int] = ()
) -> _Html:
    """A table; cells are escaped unless built here, and ``numeric`` columns align right."""
    right = set(numeric)

    def cell(tag: str, index: int, value: object) -> str:
        klass = ' class="n"' if index in right else ""
        return f"<{tag}{klass}>{_e(value)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>\n" for row in rows
    )
    return _Html(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>")


def decisions_chart(items: dict[str, int]) -> str:
    """An inline SVG bar chart with one bar per decision, zero included.

    Args:
        items: Items per decision, in report order.

    Returns:
        An ``<svg>`` element; each bar is a ``rect`` of class ``bar`` and the decision, with
        ``data-decision`` and ``data-count`` attributes.
    """
    label_w, bar_w, row_h, count_w = 150, 420, 26, 70
    longest = max(items.values(), default=0) or 1
    width, height = label_w + bar_w + count_w, row_h * len(items) + 4
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="chart-title">',
        '<title id="chart-title">Items by decision</title>',
    ]
    for row, (decision, count) in enumerate(items.items()):
        y = row * row_h + 2
        length = round(bar_w * count / longest, 1)
        middle = y + row_h / 2 + 4
        parts += [
            f'<text x="{label_w - 8}" y="{middle}" text-anchor="end">{_e(decision)}</text>',
            f'<rect class="bar {_e(decision)}" data-decision="{_e(decision)}" '
            f'data-count="{count}" x="{label_w}" y="{y + 3}" width="{length}" '
            f'height="{row_h - 6}"><title>{_e(decision)}: {count}</title></rect>',
            f'<text x="{label_w + length + 6}" y="{middle}">{count}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def render_html(report: dict[str, Any]) -> str:
    """Render a run report (from :func:`warehouse.queries.run_report`) as one HTML page.

    Args:
        report: The report.

    Returns:
        A complete, self-contained HTML document.
    """
    run_id = report["run_id"]
    title = f"gleaner run {run_id}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            *_header(report),
            *_decisions(report),
            *_pages(report["pages"]),
            *_duplicates(report["duplicates"]),
            *_updated(report["updated"]),
            *_rejects(report["rejects"]),
            *_sightings(report["sightings"]),
            f'<footer class="muted"><p>gleaner {_e(__version__)}</p></footer>',
            "</body>",
            "</html>",
            "",
        ]
    )


def write_html(report: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write the report's HTML page, creating its folder if needed.

    Args:
        report: The report.
        path: Where to write it.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(report), encoding="utf-8")
    return target


def _header(report: dict[str, Any]) -> list[str]:
    items = report["items"]
    duplicates = items["duplicate_url"] + items["duplicate_content"] + items["near_duplicate"]
    reason = report["finish_reason"]
    status = report["status"] + (f" ({reason})" if reason not in (None, report["status"]) else "")
    return [
        f"<header><h1>Run <code>{_e(report['run_id'])}</code></h1>",
        f'<p class="meta">{_e(", ".join(report["sites"]))} · {_e(status)} · started '
        f"{_e(when(report['started_at']))} · finished {_e(when(report['finished_at']))} · "
        f"took {_e(duration(report['duration_s']))}</p></header>",
        f"<p><strong>{report['pages']['total']}</strong> pages, "
        f"<strong>{sum(items.values())}</strong> items: {items['new']} new, "
        f"{items['updated']} updated, {items['unchanged']} unchanged, {duplicates} duplicates, "
        f"{items['rejected']} rejected.</p>",
        *_changes(report["previous_run"]),
    ]


def _changes(previous: dict[str, Any] | None) -> list[str]:
    if previous is None:
        return ['<p class="muted">No earlier run of the same sites to compare with.</p>']
    moved = []
    for name, change in previous["changes"].items():
        if not (change["previous"] or change["current"]):
            continue
        moved.append(f"<strong>{_e(change_text(name, change))}</strong>")
    return [
        f"<p>Since run <code>{_e(previous['run_id'])}</code> "
        f"({_e(when(previous['started_at']))}, {_e(previous['status'])}): "
        + (", ".join(moved) or "no items in either run")
        + ".</p>"
    ]


def _decisions(report: dict[str, Any]) -> list[str]:
    previous = report["previous_run"]
    methods = report["items_by_method"]
    headers = ["decision", "count"] + (["how"] if methods else [])
    if previous is not None:
        headers += ["previous run", "change"]
    rows = []
    for name, count in report["items"].items():
        row: list[object] = [name, count]
        if methods:
            row.append(", ".join(f"{m} {n}" for m, n in methods.get(name, {}).items()))
        if previous is not None:
            change = previous["changes"][name]
            row += [change["previous"], change_pct_text(change["change_pct"])]
        rows.append(row)
    numeric = (1, len(headers) - 2, len(headers) - 1) if previous is not None else (1,)
    return [
        '<section id="decisions"><h2>Items by decision</h2>',
        decisions_chart(report["items"]),
        _table(headers, rows, numeric=numeric),
        "</section>",
    ]


def _pages(pages: dict[str, Any]) -> list[str]:
    statuses = list(pages["by_status"])
    rows = [
        [role, *(counts.get(s, "") for s in statuses), pages["by_role"][role]]
        for role, counts in pages["by_role_status"].items()
    ]
    rows.append(["total", *pages["by_status"].values(), pages["total"]])
    numeric = range(1, len(statuses) + 2)
    return [
        f'<section id="pages"><h2>Pages fetched: {pages["total"]}</h2>',
        _table(["role", *statuses, "total"], rows, numeric=numeric),
        "</section>",
    ]


def _duplicates(duplicates: list[dict[str, Any]]) -> list[str]:
    rows = [
        [
            _link(d["url"]),
            d["decision"],
            _Html(f"{_e(d['matched_title'])}<br>{_link(d['matched_url'])}"),
            percent(d["similarity"]),
            d["method"],
            d["detail"],
        ]
        for d in duplicates
    ]
    headers = ["url", "decision", "matched article", "similarity", "method", "detail"]
    return _section("duplicates", f"Duplicates: {len(rows)}", headers, rows, numeric=(3,))


def _updated(updated: list[dict[str, Any]]) -> list[str]:
    rows = [
        [
            _Html(f"{_e(u['title'])}<br>{_link(u['url'])}"),
            u["version"],
            percent(u["changed"]),
            u["detail"],
        ]
        for u in updated
    ]
    headers = ["article", "version", "changed", "detail"]
    return _section("updated", f"Updated articles: {len(rows)}", headers, rows, numeric=(1, 2))


def _rejects(rejects: dict[str, Any]) -> list[str]:
    rows = [[r["reason"], r["http_status"], _link(r["url"]), r["detail"]] for r in rejects["list"]]
    by_reason = ", ".join(f"{reason} {n}" for reason, n in rejects["by_reason"].items())
    return _section(
        "rejects",
        f"Rejects: {rejects['total']}" + (f" ({by_reason})" if by_reason else ""),
        ["reason", "status", "url", "detail"],
        rows,
        numeric=(1,),
    )


def _sightings(sightings: dict[str, Any]) -> list[str]:
    rows = list(sightings["by_source"].items())
    return _section(
        "sightings",
        f"Sightings: {sightings['total']} of {sightings['articles']} articles",
        ["source", "items listed"],
        rows,
        numeric=(1,),
    )


def _section(
    name: str,
    heading: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    numeric: Iterable[int] = (),
) -> list[str]:
    """A section with a heading and a table, or a line saying there is nothing to show."""
    body = _table(headers, rows, numeric) if rows else '<p class="muted">None.</p>'
    return [f'<section id="{name}"><h2>{_e(heading)}</h2>', body, "</section>"]
