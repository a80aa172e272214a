"""``gleaner sites``: the sites file listed or checked."""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from crawler.cli.common import make_console as _console
from crawler.cli.common import sites_option
from crawler.reports.output import render_rows, visible
from crawler.sites import SitesFileError, load_sites, sites_file_path

console = _console()
errors = _console(stderr=True)


@click.command()
@click.option("--check", is_flag=True, help="Only validate; exit 1 listing every problem.")
@sites_option
def sites(check: bool, sites_file: str | None) -> None:
    """List the sites in the sites file, or check it.

    Every problem is reported with the site and the field it belongs to.

    Example:

        gleaner sites --check --sites sites.toml
    """
    path = sites_file_path(sites_file)
    try:
        found = load_sites(path)
    except SitesFileError as exc:
        errors.print(f"[red]{escape(str(path))}[/red]: {len(exc.problems)} problem(s)", markup=True)
        for problem in exc.problems:
            errors.out(f"  - {visible(str(problem))}", highlight=False)
        sys.exit(1)
    if check:
        console.out(f"{path}: {len(found)} site(s), no problems")
        return
    rows = [
        (s.name, " ".join(s.start_urls), s.download_delay, s.concurrency, s.max_pages)
        for s in found
    ]
    render_rows(
        ("name", "start_urls", "delay_s", "concurrency", "max_pages"), rows, "table", console
    )
