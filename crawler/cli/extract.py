"""``gleaner extract``: one page extracted and shown, nothing stored."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.common import db_option, json_option, sites_option
from crawler.cli.common import fail as _fail
from crawler.cli.common import make_console as _console
from crawler.reports.output import dumps, visible
from crawler.sites import SitesFileError, find_site, load_sites
from warehouse.errors import WarehouseError

console = _console()
errors = _console(stderr=True)


@click.command()
@click.argument("source")
@click.option("--url", help="The page's URL (default: SOURCE when it is a URL, else file://).")
@click.option(
    "--site",
    "site_name",
    help="Apply this site's cleanup rules, and its boilerplate learned in the warehouse.",
)
@sites_option
@db_option
@json_option("the record")
@click.option(
    "--explain", is_flag=True, help="Also list every piece removed and the rule that removed it."
)
def extract(
    source: str,
    url: str | None,
    site_name: str | None,
    sites_file: str | None,
    db_path: str,
    as_json: bool,
    explain: bool,
) -> None:
    """Extract one page (a saved file or a URL) and show the record gleaner would store.

    With --site, the site's boilerplate paragraphs (learned from its crawled pages, and your
    `gleaner boilerplate` rules) are removed too, as a crawl would, and listed.

    With --explain, the record is followed by what extraction removed (share widgets, trailing
    blocks, repeated captions, site boilerplate, ...), each with the rule that removed it; with
    --json too, the JSON has a "removed" list of {"rule", "text"}.

    Example:

        gleaner extract saved.html --url https://example.com/news/a.html --json
    """
    from crawler.extract.article import extract_article
    from crawler.fetch.single import fetch_page

    site = None
    try:
        if site_name:
            site = find_site(load_sites(sites_file), site_name)
        if source.startswith(("http://", "https://")):
            html: bytes = fetch_page(source)
            page_url = url or source
        else:
            html = Path(source).read_bytes()
            page_url = url or Path(source).resolve().as_uri()
    except (SitesFileError, KeyError, OSError, ValueError) as exc:
        raise _fail(exc) from None
    record = extract_article(html, page_url, site, explain=explain)
    removed: list[str] | None = None
    if site is not None:
        from crawler.extract.explain import removals
        from pipelines.boilerplate.site import load_site_boilerplate

        try:
            boilerplate = load_site_boilerplate(db_path, site.name, full=False)
        except WarehouseError as exc:
            raise _fail(exc) from None
        text, removed = boilerplate.strip(record.text)
        record = record.model_copy(
            update={"text": text, "removed": record.removed + removals("site_boilerplate", removed)}
        )
    if as_json:
        data = record.model_dump(mode="json")
        if removed is not None:
            data["boilerplate_removed"] = removed
        if explain:
            data["removed"] = [{"rule": r.rule, "text": r.text} for r in record.removed]
        console.out(dumps(data), highlight=False)
        return
    from crawler.reports.terminal import print_record, print_removals

    print_record(record, console)
    if removed and not explain:
        console.print()
        console.out(f"Removed as {site_name}'s boilerplate ({len(removed)} paragraph(s)):")
        for paragraph in removed:
            console.out(f"  - {visible(paragraph)}", highlight=False)
    if explain:
        console.print()
        print_removals(record, console)
