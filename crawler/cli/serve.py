"""``gleaner serve``: the read-only web view of the warehouse (:mod:`crawler.web`), under uvicorn."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler.cli.common import GleanerError, db_option, fail, make_console, sites_option
from warehouse.errors import WarehouseError

if TYPE_CHECKING:
    from starlette.applications import Starlette

DEFAULT_PORT = 8001


@click.command()
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; anything but loopback lets others read the warehouse.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (0: any free port; the line printed names it).",
)
@sites_option
@click.option(
    "--raw-dir",
    type=click.Path(file_okay=False),
    help="Raw pages' directory (default: $GLEANER_RAW_DIR, else beside the warehouse).",
)
@click.option(
    "--allow-sql",
    is_flag=True,
    help="Add a page that runs read-only SQL, in the same sandbox as `gleaner sql`.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def serve(
    db_path: str,
    host: str,
    port: int,
    sites_file: str | None,
    raw_dir: str | None,
    allow_sql: bool,
    verbose: bool,
) -> None:
    """Serve a read-only web view of the warehouse: sites, runs, dedupe decisions, articles.

    Every page is also JSON (add ?format=json, or .json to the path). The server only reads:
    it opens the warehouse read-only for each request, waits while a crawl commits a batch,
    and never writes. It listens on 127.0.0.1 unless --host says otherwise.

    Example:

        gleaner serve --db news.duckdb --port 8001
    """
    import uvicorn

    from crawler.web.app import ServeConfig, create_app
    from crawler.web.reader import Reader

    config = ServeConfig(
        Path(db_path),
        host=host,
        sites_file=sites_file,
        raw_dir=Path(raw_dir) if raw_dir else None,
        allow_sql=allow_sql,
    )
    reader = Reader(config.db_path)
    try:
        reader.check()
    except WarehouseError as exc:
        raise fail(exc) from None
    sock = _listen(host, port)
    shown = f"[{host}]" if ":" in host else host
    console = make_console()
    if not _loopback(host):
        make_console(stderr=True).out(
            f"listening on {host}: whoever can reach it can read the warehouse", highlight=False
        )
    console.out(f"serving http://{shown}:{sock.getsockname()[1]}/ (Ctrl-C stops)", highlight=False)
    app = create_app(config, reader)
    threading.Thread(target=_warm, args=(app,), name="search-index", daemon=True).start()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            lifespan="off",
            log_level="info" if verbose else "warning",
            access_log=verbose,
            proxy_headers=False,
            server_header=False,
        )
    )
    server.run(sockets=[sock])


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or a user error that says why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        hint = "; try --port 0" if exc.errno == errno.EADDRINUSE else ""
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise GleanerError(f"cannot listen on {host}:{port} ({reason}){hint}") from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _warm(app: Starlette) -> None:
    """Build the search index before the first search asks for it (that search builds it
    otherwise, so a failure here only costs time)."""
    try:
        with app.state.reader.connection() as conn:
            app.state.search.refresh(conn)
    except WarehouseError:
        pass
