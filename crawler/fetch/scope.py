"""Scope: the requests a crawl may send. Every request, redirect hops and robots.txt included,
goes through :class:`ScopeMiddleware` before anything else sees it.

A request is in scope when its scheme is ``http`` or ``https``, its host is one of the site's
allowed domains (or a subdomain) and its URL is no longer than the site's ``max_url_length``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Self

from scrapy.exceptions import IgnoreRequest

from crawler.sites import crawl_site
from crawler.urls import SCHEMES, host_of, in_domains

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

    from crawler.sites import SiteConfig

ScopeReason = Literal["off_site", "bad_url"]


class OutOfScope(IgnoreRequest):
    """A request refused before it was sent: off the site, not http(s), or a URL too long."""

    def __init__(self, reason: ScopeReason, detail: str) -> None:
        super().__init__(detail)
        self.reason: ScopeReason = reason
        self.detail = detail


def scope_problem(
    url: str, domains: tuple[str, ...] | list[str], max_url_length: int
) -> tuple[ScopeReason, str] | None:
    """Why ``url`` may not be requested, or ``None`` when it may.

    Args:
        url: an absolute URL.
        domains: the site's allowed domains (subdomains are allowed too).
        max_url_length: the longest URL requested, in characters.

    Returns:
        ``("bad_url", detail)`` for a URL too long or not http(s), ``("off_site", detail)`` for a
        host outside ``domains``, else ``None``.
    """
    if len(url) > max_url_length:
        return "bad_url", f"URL of {len(url)} characters, longer than {max_url_length}"
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in SCHEMES:
        return "bad_url", f"scheme {scheme or '(none)'!r} is never requested"
    if not in_domains(url, domains):
        host = host_of(url) or "(no host)"
        return "off_site", f"host {host} is outside the site's domains ({', '.join(domains)})"
    return None


class ScopeMiddleware:
    """Downloader middleware: refuse any request out of the site's scope, before robots.txt is
    consulted (which would itself request the other host's robots.txt) and before any hop of a
    redirect or ``<meta http-equiv=refresh>`` is sent."""

    def __init__(self, site: SiteConfig) -> None:
        self.site = site

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Bind to the crawl's site."""
        return cls(crawl_site(crawler.settings))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Let an in-scope request through; raise :class:`OutOfScope` otherwise."""
        problem = scope_problem(request.url, self.site.allowed_domains, self.site.max_url_length)
        if problem is not None:
            reason, detail = problem
            raise OutOfScope(reason, f"{detail}: {request.url[:200]}")
