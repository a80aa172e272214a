"""What the ``gleaner`` commands share: their common options, consoles and user errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from rich.console import Console

from crawler.reports.output import visible

F = TypeVar("F", bound=Callable[..., Any])

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    envvar="GLEANER_DB",
    default="gleaner.duckdb",
    show_default=True,
    help="Warehouse file (or $GLEANER_DB).",
)
sites_option = click.option(
    "--sites",
    "sites_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Sites file (default: $GLEANER_SITES, else ./sites.toml).",
)
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")


def json_option(what: str) -> Callable[[F], F]:
    """``--json``: print ``what`` as JSON, for programs (the parameter is ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON.")


def format_option(formats: Sequence[str], default: str, help: str) -> Callable[[F], F]:
    """``--format``: one of ``formats`` (the parameter is ``fmt``)."""
    return click.option(
        "--format", "fmt", type=click.Choice(formats), default=default, show_default=True, help=help
    )


def make_console(*, stderr: bool = False) -> Console:
    """A console that keeps tables readable when output goes to a pipe or a file."""
    stream = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(stderr=stderr, highlight=False, width=160 if piped else None)


class GleanerError(click.ClickException):
    """An error the user can act on, printed without a traceback."""


def fail(exc: Exception) -> GleanerError:
    """The user error for ``exc`` (a ``KeyError``'s message without its quotes), its control
    characters made visible: it may quote a sites file, a page or a query."""
    message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    return GleanerError(visible(str(message)))
