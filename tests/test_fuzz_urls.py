"""URL canonicalization on generated URLs: only ``url_key`` raises, and only ``ValueError``;
keys are stable; tracking, session and spelling variants of one URL share its key; one bad link
on a listing page, feed or sitemap costs only itself."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from crawler.listing.feeds import parse_feed, parse_sitemap
from crawler.listing.pages import parse_listing
from crawler.sites import SiteConfig
from crawler.urls import (
    host_of,
    in_domains,
    join_url,
    request_url,
    scheme_of,
    url_key,
    url_key_or_none,
)
from tests.fuzzing import examples, time_limit

_PIECES = [
    *"abcXYZ019/.%;=?&#_-~ +:@!$'()*,[]\\\x00\t\n\x1bé😀\u202e",
    *("%2F", "%2e", "%2E%2E", "%00", "%zz", "%25", "%252e", "%E9", "%C3%A9", "%7E", "%41"),
    *("..", "./", "//", "utm_source=x", "fbclid=1", "sid=1", ";jsessionid=abc", "\ud800"),
]
_HOSTS = [
    *("example.com", "Example.COM.", "EXAMPLE.com:0080", "example.com:443", "sub.example.com"),
    *("127.0.0.1", "1.2.3.4.", "[::1]", "[::ffff:1.2.3.4]", "[v1.x]", "[::1", "[", "]"),
    *("xn--bcher-kva.de", "bücher.de", "例え.jp", "ß.de", "Ｅxample.com", "xn--", "xn--zz.com"),
    *("a" * 70 + ".com", "-a.com", "a..b", ".", "..", "", "ex ample.com", "\u200d.com"),
    *("host:99999", "host:-1", "host:", "user:pw@host", "@", "%41.com", "%2e%2e"),
]
_SCHEMES = ["http://", "https://", "HTTP://", "hTtPs://", "ftp://", "//", "", "http:", "http:///"]
_SCHEMES += ["javascript:", "file:///", "data:text/html,", "mailto:"]

#: Messy URLs: a scheme, a host and a path of pieces, or any text at all.
messy_urls = st.one_of(
    st.builds(
        lambda scheme, host, rest: scheme + host + "".join(rest),
        st.sampled_from(_SCHEMES),
        st.sampled_from(_HOSTS),
        st.lists(st.sampled_from(_PIECES), max_size=16),
    ),
    st.text(max_size=60),
)


@examples(400)
@given(messy_urls)
def test_url_functions_raise_nothing_but_url_key_value_error(url: str) -> None:
    with time_limit(5):
        request_url(url)
        host_of(url)
        scheme_of(url)
        in_domains(url, ["example.com"])
        join_url("http://example.com/a/", url)
        join_url(url, "/b")
        url_key_or_none(url)  # url_key raises ValueError, caught there, or nothing


@examples(400)
@given(messy_urls)
def test_url_key_is_idempotent(url: str) -> None:
    key = url_key_or_none(url)
    if key is not None:
        assert url_key(key) == key
        assert urlsplit(key).scheme in ("http", "https")
        assert urlsplit(key).hostname


_WORD = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
_TRACKING = st.sampled_from(
    ["utm_source", "utm_medium", "UTM_Campaign", "fbclid", "gclid", "mc_cid", "_ga", "pk_kwd"]
)


@st.composite
def url_variants(draw: st.DrawFn) -> tuple[str, str]:
    """(a plain article URL, the same URL as a link might carry it: tracking parameters among
    its own, a session id, a fragment, host case, default port, dot segments)."""
    host = draw(st.sampled_from(["example.com", "news.example.org", "127.0.0.1"]))
    scheme = draw(st.sampled_from(["http", "https"]))
    segments = draw(st.lists(_WORD, min_size=1, max_size=4))
    params = draw(st.lists(st.tuples(_WORD, _WORD), max_size=3, unique_by=lambda p: p[0]))
    params = [
        (k, v) for k, v in params if url_key_or_none(f"http://x/?{k}=1") == "http://x/?" + k + "=1"
    ]
    tracking = draw(st.lists(st.tuples(_TRACKING, _WORD), min_size=1, max_size=3))
    mixed = draw(st.permutations(params + tracking))
    path = "/" + "/".join(segments)
    plain = f"{scheme}://{host}{path}" + (
        "?" + "&".join(f"{k}={v}" for k, v in params) if params else ""
    )
    port = {"http": ":80", "https": ":443"}[scheme] if draw(st.booleans()) else ""
    shown_host = host.upper() if draw(st.booleans()) else host
    session = ";jsessionid=" + draw(_WORD) if draw(st.booleans()) else ""
    dots = "/./" if draw(st.booleans()) else "/"
    query = "&".join(f"{k}={v}" for k, v in mixed)
    fragment = "#" + draw(_WORD) if draw(st.booleans()) else ""
    variant = f"{scheme}://{shown_host}{port}{dots}{path.lstrip('/')}{session}?{query}{fragment}"
    return plain, variant


@examples(300)
@given(url_variants())
def test_tracking_and_spelling_variants_share_the_key(pair: tuple[str, str]) -> None:
    plain, variant = pair
    assert url_key(variant) == url_key(plain)


@examples(300)
@given(url_variants())
def test_request_url_drops_only_tracking_session_and_fragment(pair: tuple[str, str]) -> None:
    plain, variant = pair
    requested = request_url(variant)
    assert "utm_" not in requested.lower()
    assert "fbclid" not in requested
    assert "jsessionid" not in requested
    assert "#" not in requested
    assert url_key(requested) == url_key(plain)


SITE = SiteConfig(name="example", start_urls=("http://example.com/",))
GOOD = "http://example.com/news/2025/11/12/the-good-article-stays.html"
_BAD_LINKS = st.one_of(
    st.sampled_from(
        [
            "http://example.com[/news/2025/11/12/a-b-c.html",
            "http://[::1/news/2025/11/12/a-b-c.html",
            "http://example.com:99999/news/2025/11/12/a-b-c.html",
            "http://example.com:99999/tag/world/",
            "http://example.com:99999/sitemap-2.xml",
            "http://./news/2025/11/12/a-b-c.html",
            "//[/x",
            "javascript:alert(1)",
            "\ud800",
        ]
    ),
    messy_urls,
)


@examples(200)
@given(st.lists(_BAD_LINKS, min_size=1, max_size=4))
def test_a_bad_link_costs_only_itself(links: list[str]) -> None:
    from html import escape

    anchors = "".join(f'<li><a href="{escape(link)}">x</a></li>' for link in links)
    page = f'<html><body><ul>{anchors}<li><a href="{GOOD}">Good</a></li></ul></body></html>'
    with time_limit(5):
        listed = parse_listing(page.encode("utf-8", "surrogatepass"), "http://example.com/", SITE)
    assert url_key(GOOD) in [entry.url_key for entry in listed.entries]
    for link in [*listed.listing_links, *listed.pagination]:
        url_key(link)  # every listing link followed is a URL the crawl can key and request

    locs = "".join(f"<url><loc>{escape(link)}</loc></url>" for link in links)
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}<url><loc>{GOOD}</loc></url></urlset>"
    )
    items = "".join(f"<item><title>x</title><link>{escape(link)}</link></item>" for link in links)
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"{items}<item><title>Good</title><link>{GOOD}</link></item></channel></rss>"
    )
    for parse, body in ((parse_sitemap, sitemap), (parse_feed, feed)):
        with time_limit(5):
            found = parse(body.encode("utf-8", "replace"), "http://example.com/feed.xml", SITE)
        assert url_key(GOOD) in [entry.url_key for entry in found.entries]

    child = "http://example.com/sitemap-1.xml"
    maps = "".join(f"<sitemap><loc>{escape(link)}</loc></sitemap>" for link in [*links, child])
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{maps}</sitemapindex>"
    )
    with time_limit(5):
        found = parse_sitemap(index.encode("utf-8", "replace"), "http://example.com/s.xml", SITE)
    assert child in found.listing_links
    for link in found.listing_links:
        url_key(link)


def test_known_bad_links_resolve_to_nothing() -> None:
    assert join_url("http://example.com/", "http://example.com[/a") == ""
    assert request_url("http://example.com[/a") == ""
    assert not in_domains("http://example.com[/a", ["example.com"])
    assert host_of("http://[::1") == ""
    assert url_key_or_none("http://./a") is None
    assert url_key("http://example.com\\a\\b") == url_key("http://example.com/a/b")
    assert url_key("http://example.com/a/%2e%2e/b/") == "http://example.com/b"
    assert url_key("http://example.com/a/;") == url_key("http://example.com/a")
    assert url_key("\x00http://example.com/a\x00") == "http://example.com/a"
