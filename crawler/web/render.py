"""Answers of ``gleaner serve``: a page's data as HTML (a Jinja2 template) or as JSON.

Templates escape every value (``autoescape``) after making its control characters visible
(:func:`crawler.reports.output.visible`), so a title holding ``<script>`` or a right-to-left override
shows as typed. Links are only made to ``http(s)`` URLs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.responses import HTMLResponse, Response

from crawler import __version__
from crawler.reports.html import decisions_chart
from crawler.reports.output import jsonable, visible
from crawler.reports.terminal import change_pct_text, change_text, duration, percent, when

if TYPE_CHECKING:
    from starlette.requests import Request

JSON_TYPE: Final = "application/json"


def _visible(value: object) -> object:
    """Every printed value: control characters shown as escapes (markup built here kept)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


def web_url(value: object) -> bool:
    """Whether a URL may be a link: ``http`` or ``https`` only (no ``javascript:``)."""
    return isinstance(value, str) and urlsplit(value).scheme.lower() in ("http", "https")


def query(path: str, **params: object) -> str:
    """``path`` with the parameters that have a value, as a query string."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def chart(items: dict[str, int]) -> Markup:
    """The run report's SVG chart of items by decision (its values escaped where built)."""
    return Markup(decisions_chart(items))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("crawler.web", "templates"),
        autoescape=True,
        finalize=_visible,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=when, duration=duration, percent=percent, change=change_text, pct=change_pct_text
    )
    env.globals.update(web_url=web_url, query=query, chart=chart, version=__version__)
    return env


TEMPLATES: Final = _environment()


def wants_json(request: Request) -> bool:
    """Whether the request asks for JSON (``?format=json``, or a path ending in ``.json``)."""
    return request.query_params.get("format") == "json"


def json_body(data: object) -> bytes:
    """Data as the JSON views send it: indented, not ASCII-escaped, timestamps as ISO 8601."""
    return json.dumps(jsonable(data), ensure_ascii=False, indent=2).encode("utf-8")


def respond(
    request: Request, template: str, data: dict[str, Any], *, status: int = 200, **extra: Any
) -> Response:
    """Answer with ``data`` as JSON, or as the page ``template`` renders from it.

    Args:
        request: The request (its ``format`` decides).
        template: The page's template.
        data: What the page shows; the JSON view is exactly this.
        status: The HTTP status.
        extra: More values for the template only (never in the JSON).

    Returns:
        The response.
    """
    if wants_json(request):
        return Response(json_body(data), status_code=status, media_type=JSON_TYPE)
    page = TEMPLATES.get_template(template).render(
        data=data,
        path=request.url.path,
        params={k: v for k, v in request.query_params.items() if k not in ("format", "page")},
        json_link=query(request.url.path, **{**request.query_params, "format": "json"}),
        allow_sql=request.app.state.config.allow_sql,
        **extra,
    )
    return HTMLResponse(page, status_code=status)
