"""``gleaner boilerplate list|drop|keep|forget``: a site's learned boilerplate and your rules."""

from __future__ import annotations

import click

from crawler.cli.common import db_option, json_option
from crawler.cli.common import fail as _fail
from crawler.cli.common import make_console as _console
from crawler.reports.output import dumps, render_rows, visible
from warehouse.errors import WarehouseError

console = _console()
errors = _console(stderr=True)


@click.group()
def boilerplate() -> None:
    """Site boilerplate: paragraphs a site repeats on many of its pages, learned as it is crawled.

    A crawl removes them from the texts it stores. Your rules come first: `drop` removes a
    paragraph always, `keep` keeps one that was learned. Rules apply from the next crawl;
    `gleaner crawl SITE --refresh` applies them to the articles already stored.

    Example:

        gleaner boilerplate list demo
    """


@boilerplate.command("list")
@click.argument("site", required=False)
@db_option
@json_option("the list")
def boilerplate_list(site: str | None, db_path: str, as_json: bool) -> None:
    """List a site's (or every site's) learned boilerplate and your rules.

    Each line: the status (learned, user drop, user keep), the pages of the site holding the
    paragraph and their share of the pages counted, its key and its text.

    Example:

        gleaner boilerplate list demo
    """
    from pipelines.boilerplate.rules import UnknownSiteError, list_boilerplate

    try:
        rows = list_boilerplate(db_path, site)
    except (WarehouseError, UnknownSiteError) as exc:
        raise _fail(exc) from None
    if as_json:
        console.out(dumps(rows), highlight=False)
        return
    if not rows:
        console.out(f"No boilerplate learned{f' for {site}' if site else ''} and no rules.")
        return
    columns = ("site", "status", "pages", "share", "key", "text")
    table = [
        (r["site"], r["status"], r["pages"], f"{r['share']:.0%}", r["key"], r["text"]) for r in rows
    ]
    render_rows(columns, table, "table", console)


def _add_rule(action: str, site: str, text: tuple[str, ...], db_path: str) -> None:
    from pipelines.boilerplate.rules import UnknownSiteError, add_rule

    try:
        rule, row = add_rule(db_path, site, " ".join(text), action)
    except (WarehouseError, UnknownSiteError) as exc:
        raise _fail(exc) from None
    console.out(
        f"{site}: {rule.action} {rule.key} (on {row['pages']} page(s), {row['share']:.0%}) "
        f"from the next crawl: {visible(rule.text)}",
        highlight=False,
    )


@boilerplate.command("drop")
@click.argument("site")
@click.argument("text", nargs=-1, required=True)
@db_option
def boilerplate_drop(site: str, text: tuple[str, ...], db_path: str) -> None:
    """Always remove a paragraph (TEXT, or a KEY from `list`) from SITE's texts.

    Example:

        gleaner boilerplate drop demo Advertisement
    """
    _add_rule("drop", site, text, db_path)


@boilerplate.command("keep")
@click.argument("site")
@click.argument("text", nargs=-1, required=True)
@db_option
def boilerplate_keep(site: str, text: tuple[str, ...], db_path: str) -> None:
    """Keep a paragraph (TEXT, or a KEY from `list`) in SITE's texts, even when learned.

    Example:

        gleaner boilerplate keep demo 3f2a9c0d1e4b5a6f
    """
    _add_rule("keep", site, text, db_path)


@boilerplate.command("forget")
@click.argument("site")
@click.argument("text", nargs=-1, required=True)
@db_option
def boilerplate_forget(site: str, text: tuple[str, ...], db_path: str) -> None:
    """Delete your rule for a paragraph (TEXT, or a KEY from `list`) of SITE.

    Example:

        gleaner boilerplate forget demo Advertisement
    """
    from pipelines.boilerplate.rules import NoRuleError, UnknownSiteError, forget_rule

    try:
        rule = forget_rule(db_path, site, " ".join(text))
    except (WarehouseError, UnknownSiteError, NoRuleError) as exc:
        raise _fail(exc) from None
    console.out(f"{site}: forgot {rule.action} {rule.key}: {visible(rule.text)}", highlight=False)
