"""The ``gleaner serve`` application: its routes, security headers and error pages.

Every answer carries a Content-Security-Policy that lets a page load only this server's style
sheet and icon and run no script at all, and headers that keep it out of frames and other sites'
referrers. Requests must name this server by its loopback host (``127.0.0.1``, ``localhost``) or
the host it was bound to, so a web page elsewhere cannot reach it through DNS rebinding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from crawler.raw.store import raw_dir
from crawler.web import routes
from crawler.web.reader import Reader
from crawler.web.render import respond
from crawler.web.search import SearchIndex
from warehouse.errors import (
    UnknownRunError,
    WarehouseError,
    WarehouseLockedError,
    WarehouseMissingError,
)

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""No script, no frame, no request but to this server for its style sheet, icon and forms."""
HEADERS: Final = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
LOOPBACK: Final = ("127.0.0.1", "localhost")
LOCKED_RETRY_S: Final = 5
"""``Retry-After`` of the answer given while a crawl keeps the warehouse locked."""


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """What ``gleaner serve`` was started with."""

    db_path: Path
    host: str = "127.0.0.1"
    sites_file: str | None = None
    """For the schedules on the Sites page (None: ``$GLEANER_SITES``, else ``./sites.toml``)."""
    raw_dir: Path | None = None
    """The raw pages' directory (None: as the crawls chose, beside the warehouse)."""
    allow_sql: bool = False
    """Offer the SQL page (``gleaner sql``'s sandbox)."""

    @property
    def raw_root(self) -> Path:
        return self.raw_dir or raw_dir(self.db_path)


class SecurityHeaders:
    """ASGI middleware: :data:`HEADERS` on every answer (a route's own CSP is kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class JsonSuffix:
    """ASGI middleware: ``/runs.json`` is ``/runs?format=json`` (``/index.json`` is ``/``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.endswith(".json") and not path.startswith("/static/"):
            bare = path.removesuffix(".json")
            query = scope.get("query_string", b"")
            scope = {
                **scope,
                "path": "/" if bare == "/index" else bare,
                "raw_path": None,
                "query_string": (query + b"&" if query else b"") + b"format=json",
            }
        await self.app(scope, receive, send)


def _error(request: Request, status: int, message: str, **headers: str) -> Response:
    response = respond(request, "error.html", {"status": status, "error": message}, status=status)
    response.headers.update(headers)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(request, exc.status_code, str(exc.detail))


async def _warehouse_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, WarehouseLockedError):
        return _error(request, 503, str(exc), **{"Retry-After": str(LOCKED_RETRY_S)})
    if isinstance(exc, UnknownRunError):
        return _error(request, 404, str(exc))
    status = 503 if isinstance(exc, WarehouseMissingError) else 500
    return _error(request, status, str(exc))


ROUTES: Final = [
    Route("/", routes.sites, name="sites"),
    Route("/sites", routes.sites),
    Route("/runs", routes.runs, name="runs"),
    Route("/runs/{run_id}", routes.run, name="run"),
    Route("/dedupe", routes.dedupe, name="dedupe"),
    Route("/explain", routes.explain, name="explain"),
    Route("/clusters/{cluster_id:int}", routes.cluster, name="cluster"),
    Route("/articles", routes.articles, name="articles"),
    Route("/articles/{article_id:int}", routes.article, name="article"),
    Route("/articles/{article_id:int}/versions/{version:int}", routes.version, name="version"),
    Route("/raw/{run_id}/{site}/{offset:int}", routes.raw, name="raw"),
    Route("/rejects", routes.rejects, name="rejects"),
    Route("/boilerplate", routes.boilerplate, name="boilerplate"),
    Route("/sql", routes.sql, name="sql"),
    Mount("/static", StaticFiles(packages=[("crawler.web", "static")]), name="static"),
]


def allowed_hosts(host: str) -> list[str]:
    """Host names a request may give: the loopback ones and ``host``; any, when bound to all
    interfaces (``0.0.0.0``, ``::``)."""
    if host in ("0.0.0.0", "::", ""):
        return ["*"]
    return sorted({*LOOPBACK, host.strip("[]")})


def create_app(config: ServeConfig, reader: Reader | None = None) -> Starlette:
    """The web application over one warehouse.

    Args:
        config: What ``gleaner serve`` was started with.
        reader: The warehouse's reader (default: one over ``config.db_path``).

    Returns:
        The ASGI application; uvicorn serves it.
    """
    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(config.host)),
            Middleware(JsonSuffix),
        ],
        exception_handlers={HTTPException: _http_error, WarehouseError: _warehouse_error},
    )
    app.state.config = config
    app.state.reader = reader or Reader(config.db_path)
    app.state.search = SearchIndex()
    return app
