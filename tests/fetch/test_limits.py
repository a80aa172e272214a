"""Limits: scope of a request, retry waits, the reason of a failed fetch, per-site limit fields."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, ResponseDataLossError

from crawler.fetch.failures import fetch_failure
from crawler.fetch.retry import parse_retry_after, retry_wait
from crawler.fetch.scope import OutOfScope, scope_problem
from crawler.limits import cap
from crawler.sites import SitesFileError, load_sites

DOMAINS = ("news.example",)
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    ["https://news.example/a", "http://www.news.example/b?c=1", "https://NEWS.example:8443/x"],
)
def test_urls_on_the_site_are_in_scope(url: str) -> None:
    assert scope_problem(url, DOMAINS, 2048) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/a",
        "https://news.example.evil.example/",
        "https://notnews.example/",
        "http://localhost/",
        "http://127.0.0.1/",
    ],
)
def test_other_hosts_are_off_site(url: str) -> None:
    problem = scope_problem(url, DOMAINS, 2048)
    assert problem is not None
    assert problem[0] == "off_site"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "data:text/html,<p>hi</p>",
        "javascript:alert(1)",
        "ftp://news.example/",
    ],
)
def test_other_schemes_are_never_requested(url: str) -> None:
    assert scope_problem(url, DOMAINS, 2048) == (
        "bad_url",
        f"scheme {url.split(':')[0]!r} is never requested",
    )


def test_a_url_over_the_length_cap_is_refused() -> None:
    url = "https://news.example/" + "a" * 100
    assert scope_problem(url, DOMAINS, len(url)) is None
    problem = scope_problem(url, DOMAINS, len(url) - 1)
    assert problem is not None
    assert problem[0] == "bad_url"


def test_retry_after_in_seconds_and_as_a_date() -> None:
    assert parse_retry_after(b"120", NOW) == 120.0
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:30 GMT", NOW) == 30.0
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", NOW) == 0.0  # already past
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after(b"soon", NOW) is None


def test_retry_waits_honour_retry_after_on_429_and_503_up_to_the_cap() -> None:
    assert retry_wait(429, b"3", 0, backoff=0.5, max_wait=30, now=NOW) == 3.0
    assert retry_wait(503, b"3", 1, backoff=0.5, max_wait=30, now=NOW) == 3.0
    assert retry_wait(503, b"3600", 0, backoff=0.5, max_wait=30, now=NOW) is None  # no retry
    # Other statuses, and no Retry-After: doubling backoff, capped.
    assert retry_wait(500, b"3", 0, backoff=0.5, max_wait=30, now=NOW) == 0.5
    assert retry_wait(429, None, 2, backoff=0.5, max_wait=30, now=NOW) == 2.0
    assert retry_wait(None, None, 10, backoff=0.5, max_wait=30, now=NOW) == 30.0


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (OutOfScope("off_site", "host evil.example"), "off_site"),
        (IgnoreRequest("Forbidden by robots.txt"), "blocked"),
        (IgnoreRequest("max redirections reached"), "too_many_redirects"),
        (
            IgnoreRequest("Ignored response because its body exceeded DOWNLOAD_MAXSIZE (5 B)"),
            "too_large",
        ),
        (ValueError("Received 9 bytes which is larger than download max size (5)"), "too_large"),
        (DownloadTimeoutError("took longer than 1.5 seconds"), "timeout"),
        (ResponseDataLossError(), "length_mismatch"),
        (ConnectionRefusedError("refused"), "fetch_error"),
    ],
)
def test_each_failure_has_its_reason(error: Exception, reason: str) -> None:
    assert fetch_failure(error)[0] == reason


def test_cap_keeps_the_first_items() -> None:
    assert cap([1, 2, 3], 2) == [1, 2]
    assert cap([1, 2, 3], 0) == []
    assert cap([1, 2, 3], -4) == []


def test_per_site_limits_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(
        '[[site]]\nname = "a"\nstart_urls = ["https://a.example/"]\n'
        "max_page_bytes = 2097152\ndownload_timeout = 5\nmax_links_per_page = 20\n"
        "max_url_length = 300\n"
    )
    [site] = load_sites(path)
    assert (site.max_page_bytes, site.download_timeout) == (2097152, 5.0)
    assert (site.max_links_per_page, site.max_url_length) == (20, 300)
    path.write_text(
        '[[site]]\nname = "b"\nstart_urls = ["https://b.example/"]\n'
        "max_page_bytes = 10\ndownload_timeout = 0\nmax_links_per_page = 0\nmax_url_length = 5\n"
    )
    with pytest.raises(SitesFileError) as caught:
        load_sites(path)
    fields = sorted(p.field for p in caught.value.problems)
    assert fields == ["download_timeout", "max_links_per_page", "max_page_bytes", "max_url_length"]
    assert all(p.site == "b" for p in caught.value.problems)
