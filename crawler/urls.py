"""URL keys: the canonical form of an article URL that dedupe compares, and the form requested.

Pure functions, no I/O. ``url_key`` folds the variants one article URL appears under: tracking
parameters, fragments, session ids, default ports, host case, dot segments, percent-encoding and
query-order variants, and trailing slashes.

Links come from strangers' pages, so only :func:`url_key` raises (``ValueError``, on what is not
an absolute http(s) URL); the others answer ``''`` or ``False`` for a URL Python cannot parse
(``http://example.com[``).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: Query parameters that only track the reader or the campaign; they never change the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "twclid",
        "ttclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "ncid",
        "cmpid",
        "ocid",
        "ref_src",
        "ref_url",
        "utm",
        "at_medium",
        "at_campaign",
    }
)
#: Query parameters that carry a session id.
SESSION_PARAMS = frozenset({"sid", "sessionid", "session_id", "phpsessid", "jsessionid", "sessid"})

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "piwik_", "matomo_", "hsa_")
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.IGNORECASE)
_ENCODED_DOT = re.compile("%2e", re.IGNORECASE)
#: What browsers strip from both ends of a URL: C0 controls and space (whitespace too).
_EDGES = "".join(map(chr, range(0x21))) + "".join(
    c for c in map(chr, range(0x80, 0x3001)) if c.isspace()
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Schemes a crawl ever requests; ``file:``, ``data:``, ``javascript:`` and the rest never are.
SCHEMES = ("http", "https")


def _is_noise(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered in TRACKING_PARAMS
        or lowered in SESSION_PARAMS
        or lowered.startswith(_TRACKING_PREFIXES)
    )


def _clean_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_noise(k)]
    return query if len(kept) == len(pairs) else urlencode(kept)


def _clean_path(path: str) -> str:
    path = _PATH_SESSION.sub("", path)
    if not path:
        return "/"
    trailing = path.endswith("/")
    normalized = posixpath.normpath(path)
    if normalized.startswith("//"):
        normalized = "/" + normalized.lstrip("/")
    if trailing and normalized != "/":
        normalized += "/"
    return normalized


def _netloc(scheme: str, host: str, port: int | None) -> str:
    host = host.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return host
    return f"{host}:{port}"


def request_url(url: str) -> str:
    """The URL to request for a link: tracking and session parameters and the fragment removed.

    Everything else stays as the site wrote it, so the server sees the URL it published.
    A URL that cannot be parsed (or encoded: a lone surrogate) gives ``''``.
    """
    try:
        parts = urlsplit(url.strip(_EDGES))
        path = _PATH_SESSION.sub("", parts.path) or "/"
        return urlunsplit((parts.scheme, parts.netloc, path, _clean_query(parts.query), ""))
    except ValueError:  # UnicodeError too
        return ""


def _slashes(url: str) -> str:
    """Backslashes before the query read as slashes, as browsers read them in http(s) URLs."""
    end = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return url[:end].replace("\\", "/") + url[end:]


def url_key(url: str) -> str:
    """Canonical key of an http(s) URL: equal keys mean the same page.

    >>> url_key("HTTP://Example.com:80/a/./b/?utm_source=x&b=2&a=1#top")
    'http://example.com/a/b?a=1&b=2'

    Raises:
        ValueError: ``url`` is not an absolute http(s) URL (a host of dots only, a bad port, an
            unclosed ``[``), or it cannot be encoded (``UnicodeError``, a ``ValueError``: a lone
            surrogate).
    """
    parts = urlsplit(_slashes(url.strip(_EDGES)))
    scheme, hostname = parts.scheme.lower(), parts.hostname or ""
    if scheme not in SCHEMES or not hostname.strip("."):
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"bad port in URL: {url!r}") from None
    netloc = _netloc(scheme, hostname, port)
    # An encoded dot is a dot (canonicalize_url decodes it), so dot segments go either way.
    path = _clean_path(_ENCODED_DOT.sub(".", parts.path))
    cleaned = urlunsplit((scheme, netloc, path, _clean_query(parts.query), ""))
    canonical = urlsplit(canonicalize_url(cleaned, keep_fragments=False))
    # Trailing slashes last: canonicalize_url drops an empty ``;`` parameter, not one before "/".
    return urlunsplit(canonical._replace(path=canonical.path.rstrip("/;") or "/"))


def url_key_or_none(url: str) -> str | None:
    """:func:`url_key` of ``url``, or ``None`` when it is not an absolute http(s) URL."""
    try:
        return url_key(url)
    except ValueError:
        return None


def join_url(base: str, link: str) -> str:
    """``link`` made absolute against ``base``, as ``urljoin`` does; ``''`` when either cannot be
    parsed (an unclosed ``[`` in the host, say), so that one bad link costs only itself."""
    try:
        return urljoin(base, link)
    except ValueError:
        return ""


def scheme_of(url: str) -> str:
    """Lower-case scheme of ``url`` ('' when it has none or cannot be parsed)."""
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def host_of(url: str) -> str:
    """Lower-case host name of ``url`` ('' when it has none or cannot be parsed)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def in_domains(url: str, domains: tuple[str, ...] | list[str]) -> bool:
    """Whether ``url`` is an http(s) URL on one of ``domains`` or their subdomains (``False``
    for a URL that cannot be parsed or has a bad port)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return False
    if parts.scheme not in SCHEMES:
        return False
    host = (parts.hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)
