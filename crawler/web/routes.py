"""The pages of ``gleaner serve``: each reads its parameters, asks a query for its data, and
answers as HTML or JSON (:func:`crawler.web.render.respond`).

Endpoints are plain functions, so Starlette runs them in its thread pool, where they may wait on
DuckDB's lock without holding up the server.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final

from starlette.exceptions import HTTPException
from starlette.responses import Response

from crawler.web.queries.articles import ArticleFilters, article_page, articles_page, version_page
from crawler.web.queries.boilerplate import boilerplate_page
from crawler.web.queries.common import Paging
from crawler.web.queries.dedupe import EXPLAINED, cluster_page, dedupe_page, explain_page
from crawler.web.queries.raw import raw_page
from crawler.web.queries.rejects import rejects_page
from crawler.web.queries.runs import run_page, runs_page
from crawler.web.queries.sites import sites_page
from crawler.web.render import respond, wants_json
from warehouse.errors import UserSQLError
from warehouse.runs import RUN_STATUSES
from warehouse.sql import DEFAULT_LIMIT

if TYPE_CHECKING:
    from collections.abc import Callable

    import duckdb
    from starlette.requests import Request

    from crawler.web.app import ServeConfig
    from crawler.web.reader import Reader

MAX_PARAM_CHARS: Final = 8192
"""Longest value a page takes for one parameter (a URL, a query)."""
RAW_CSP: Final = "sandbox; default-src 'none'"
"""A raw page is shown as text, and even a browser that sniffs it could run nothing."""


def _reader(request: Request) -> Reader:
    reader: Reader = request.app.state.reader
    return reader


def _config(request: Request) -> ServeConfig:
    config: ServeConfig = request.app.state.config
    return config


def text_param(request: Request, name: str, choices: tuple[str, ...] = ()) -> str | None:
    """A query parameter: None when absent or blank; 400 when too long or not one of
    ``choices`` (when given)."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if len(value) > MAX_PARAM_CHARS:
        raise HTTPException(400, f"{name} is longer than {MAX_PARAM_CHARS} characters")
    if choices and value not in choices:
        raise HTTPException(400, f"{name} must be one of: {', '.join(choices)}")
    return value


def date_param(request: Request, name: str) -> date | None:
    """A ``YYYY-MM-DD`` query parameter, or None; 400 when it is not a date."""
    value = text_param(request, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name} must be a date, YYYY-MM-DD") from None


def paging(request: Request) -> Paging:
    """The ``page`` parameter (from 1); 400 when it is not a whole number."""
    value = text_param(request, "page") or "1"
    if not value.isdigit() or not 1 <= int(value) <= 1_000_000:
        raise HTTPException(400, "page must be a whole number from 1")
    return Paging(int(value))


def sites(request: Request) -> Response:
    with _reader(request).connection() as conn:
        data = sites_page(conn, _config(request).sites_file)
    return respond(request, "sites.html", data)


def runs(request: Request) -> Response:
    site = text_param(request, "site")
    status = text_param(request, "status", RUN_STATUSES)
    with _reader(request).connection() as conn:
        data = runs_page(conn, site=site, status=status, paging=paging(request))
    return respond(request, "runs.html", data)


def run(request: Request) -> Response:
    with _reader(request).connection() as conn:
        data = run_page(conn, request.path_params["run_id"])
    return respond(request, "run.html", data)


def dedupe(request: Request) -> Response:
    decision = text_param(request, "decision", EXPLAINED)
    site, run_id = text_param(request, "site"), text_param(request, "run")
    with _reader(request).connection() as conn:
        data = dedupe_page(conn, decision=decision, site=site, run=run_id, paging=paging(request))
    return respond(request, "dedupe.html", data)


def _found(
    request: Request,
    template: str,
    read: Callable[[duckdb.DuckDBPyConnection], dict[str, Any] | None],
    missing: str,
) -> Response:
    """The page ``read`` finds in the warehouse, or a 404 that says what is ``missing``."""
    with _reader(request).connection() as conn:
        data = read(conn)
    if data is None:
        raise HTTPException(404, missing)
    return respond(request, template, data)


def explain(request: Request) -> Response:
    run_id, url = text_param(request, "run"), text_param(request, "url")
    if run_id is None or url is None:
        raise HTTPException(400, "name the decision: ?run=RUN&url=URL")
    return _found(
        request,
        "explain.html",
        lambda conn: explain_page(conn, run_id, url),
        f"run {run_id} took no decision on {url}",
    )


def cluster(request: Request) -> Response:
    cluster_id = request.path_params["cluster_id"]
    return _found(
        request,
        "cluster.html",
        lambda conn: cluster_page(conn, cluster_id),
        f"no article is in cluster {cluster_id}",
    )


def articles(request: Request) -> Response:
    filters = ArticleFilters(
        q=text_param(request, "q"),
        site=text_param(request, "site"),
        language=text_param(request, "language"),
        tag=text_param(request, "tag"),
        since=date_param(request, "since"),
        until=date_param(request, "until"),
    )
    with _reader(request).connection() as conn:
        data = articles_page(conn, filters, paging(request), request.app.state.search)
    return respond(request, "articles.html", data)


def article(request: Request) -> Response:
    article_id = request.path_params["article_id"]
    return _found(
        request,
        "article.html",
        lambda conn: article_page(conn, article_id),
        f"no article {article_id}",
    )


def version(request: Request) -> Response:
    article_id, number = request.path_params["article_id"], request.path_params["version"]
    return _found(
        request,
        "version.html",
        lambda conn: version_page(conn, article_id, number),
        f"article {article_id} has no version {number}",
    )


def raw(request: Request) -> Response:
    run_id, site = request.path_params["run_id"], request.path_params["site"]
    offset = request.path_params["offset"]
    with _reader(request).connection() as conn:
        data = raw_page(conn, _config(request).raw_root, run_id, site, offset)
    if data is None:
        raise HTTPException(404, f"run {run_id} kept no page of {site} at offset {offset}")
    if wants_json(request) or data["body"] is None:
        return respond(request, "raw.html", data, status=200 if data["body"] is not None else 404)
    return Response(
        data["body"],
        media_type="text/plain; charset=utf-8",
        headers={"Content-Security-Policy": RAW_CSP},
    )


def rejects(request: Request) -> Response:
    reason, site, run_id = (text_param(request, n) for n in ("reason", "site", "run"))
    with _reader(request).connection() as conn:
        data = rejects_page(conn, reason=reason, site=site, run=run_id, paging=paging(request))
    return respond(request, "rejects.html", data)


def boilerplate(request: Request) -> Response:
    with _reader(request).connection() as conn:
        data = boilerplate_page(conn, text_param(request, "site"))
    return respond(request, "boilerplate.html", data)


def sql(request: Request) -> Response:
    if not _config(request).allow_sql:
        raise HTTPException(404, "the SQL page is off: start `gleaner serve --allow-sql`")
    text = text_param(request, "sql")
    data: dict[str, object] = {"sql": text, "columns": [], "rows": [], "truncated": False}
    status = 200
    if text is not None:
        try:
            result = _reader(request).user_sql(text, None, DEFAULT_LIMIT)
        except UserSQLError as exc:
            data["error"], status = str(exc), 400
        else:
            rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
            data.update(columns=result.columns, rows=rows, truncated=result.truncated)
    return respond(request, "sql.html", data, status=status)
