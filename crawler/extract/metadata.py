"""What a page declares about itself: meta tags, JSON-LD, language, tags, canonical URL, summary."""

from __future__ import annotations

import contextlib
import html
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from crawler.text.normalize import normalize_space, text_key

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

#: The elements :func:`read_page` reads, found in one walk of the page, in document order.
_PAGE_TAGS = ("meta", "link", "title", "script", "a", "h1", "time")

#: JSON-LD types that describe the article itself.
_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|Posting|Report)$")

#: Meta keys (``name``, ``property``, ``itemprop`` or ``http-equiv``) naming the page language.
_LANGUAGE_KEYS = ("content-language", "language", "dc.language", "dcterms.language", "og:locale")

#: An ISO 639-1 language code at the start of a language tag (``en-US``, ``pt_BR``).
_LANGUAGE_CODE = re.compile(r"^([a-zA-Z]{2})(?:$|[-_])")

#: Trailing commas, the most common way a hand-written JSON-LD block is invalid.
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


@dataclass
class PageMeta:
    """What one pass over a page's tree found; values are whitespace-normalized, in page order."""

    metas: dict[str, list[str]] = field(default_factory=dict)
    """``<meta>`` contents by lowercased ``property``, ``name``, ``itemprop`` or ``http-equiv``."""
    article: dict[str, Any] = field(default_factory=dict)
    """The JSON-LD node describing the article (empty when the page has none)."""
    nodes: list[dict[str, Any]] = field(default_factory=list)
    """Every JSON-LD node with an ``@type``, in page order."""
    title_tag: str | None = None
    """The first ``<title>`` outside inline SVG."""
    canonical: str | None = None
    """The first ``<link rel=canonical>`` href, unresolved."""
    tags: list[str] = field(default_factory=list)
    """Tag and section labels from ``article:section`` and ``article:tag`` meta, the JSON-LD
    article's ``articleSection`` and ``keywords`` and ``rel=tag`` links, cleaned, deduplicated."""
    html_lang: str | None = None
    """The ``lang`` of the ``<html>`` element."""
    h1s: list[HtmlElement] = field(default_factory=list)
    """The ``<h1>`` elements with text."""
    times: list[HtmlElement] = field(default_factory=list)
    """The ``<time>`` elements with a ``datetime``."""

    def meta(self, *keys: str) -> str | None:
        """The first non-empty meta content under any of ``keys`` (tried in order)."""
        for key in keys:
            for value in self.metas.get(key, ()):
                if value:
                    return value
        return None


def read_page(tree: HtmlElement) -> PageMeta:
    """Collect meta tags, JSON-LD, title, canonical link, tags, headings and times in one walk of
    the tree (an iteration by tag name, several times cheaper than an XPath per kind)."""
    page = PageMeta(
        html_lang=tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    )
    for node in tree.iter(*_PAGE_TAGS):
        tag = node.tag
        if tag == "a":
            if "tag" in node.get("rel", "").split():
                page.tags.append(normalize_space(node.text_content()))
        elif tag == "meta":
            if node.get("content") is not None:
                _read_meta(page, node)
        elif tag == "h1":
            if node.text_content().strip():
                page.h1s.append(node)
        elif tag == "time":
            if node.get("datetime"):
                page.times.append(node)
        elif tag == "link":
            rels = node.get("rel", "").lower().split()
            if "canonical" in rels and page.canonical is None:
                page.canonical = node.get("href", "").strip() or None
        elif tag == "title":
            parent = node.getparent()
            if page.title_tag is None and (parent is None or parent.tag != "svg"):
                page.title_tag = normalize_space(node.text_content()) or None
        elif "ld+json" in node.get("type", ""):
            _read_jsonld(page, node.text or "")
    page.tags = dedupe([label for t in page.tags if (label := clean_label(t))])
    return page


def _read_meta(page: PageMeta, node: HtmlElement) -> None:
    """File one ``<meta>`` under its key; ``article:section`` and ``article:tag`` also become
    tags."""
    key = node.get("property") or node.get("name") or node.get("itemprop") or node.get("http-equiv")
    if not key:
        return
    key = key.strip().lower()
    value = normalize_space(node.get("content", ""))
    page.metas.setdefault(key, []).append(value)
    if key == "article:tag":
        page.tags.extend(split_labels(value))
    elif key == "article:section":
        page.tags.append(value)


def _read_jsonld(page: PageMeta, raw: str) -> None:
    """Parse one JSON-LD block; keep its typed nodes and, the first time, the article node."""
    data = parse_json(raw)
    if data is None:
        return
    nodes = list(walk_jsonld(data))
    page.nodes.extend(nodes)
    if page.article:
        return
    article = next((n for n in nodes if _is_article(n)), None)
    if article is None:
        article = next((n for n in nodes if "headline" in n), None)
    if article is not None:
        page.article = article
        page.tags.extend(jsonld_sections(article))
        page.tags.extend(jsonld_keywords(article))


def parse_json(raw: str) -> Any:
    """A JSON-LD block's data, forgiving trailing commas and CDATA wrappers; ``None`` if invalid."""
    text = raw.strip().removeprefix("<![CDATA[").removesuffix("]]>").strip()
    if not text:
        return None
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
    return None


def walk_jsonld(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every dict with an ``@type`` in a JSON-LD document, outer nodes first."""
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            yield from walk_jsonld(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from walk_jsonld(value, depth + 1)


def jsonld_types(node: dict[str, Any]) -> list[str]:
    """A JSON-LD node's ``@type`` as a list of strings."""
    types = node.get("@type")
    if isinstance(types, str):
        return [types]
    if isinstance(types, list):
        return [t for t in types if isinstance(t, str)]
    return []


def _is_article(node: dict[str, Any]) -> bool:
    """Whether a JSON-LD node is an article (NewsArticle, BlogPosting, Report, ...)."""
    return any(_ARTICLE_TYPE.search(t) for t in jsonld_types(node))


def jsonld_text(value: Any) -> str | None:
    """A JSON-LD value as one clean string (a string, or a node's ``name``, HTML entities decoded);
    ``None`` otherwise."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str):
        return normalize_space(html.unescape(value)) or None
    return None


def jsonld_keywords(node: dict[str, Any]) -> list[str]:
    """An article node's ``keywords``: a list, or a comma-separated string."""
    keywords = node.get("keywords")
    if isinstance(keywords, str):
        return split_labels(keywords)
    if isinstance(keywords, list):
        return [label for k in keywords if isinstance(k, str) for label in split_labels(k)]
    return []


def jsonld_sections(node: dict[str, Any]) -> list[str]:
    """An article node's ``articleSection``: a string or a list of strings."""
    sections = node.get("articleSection")
    values = sections if isinstance(sections, list) else [sections]
    return [v for v in values if isinstance(v, str)]


#: The longest tag label kept (characters): longer ones are sentences or keyword stuffing.
MAX_LABEL_CHARS = 60


def clean_label(label: str) -> str | None:
    """A tag or section label tidied (entities decoded, whitespace and a leading ``#`` dropped),
    or ``None`` when it is no label: empty, a URL, without letters, or too long."""
    text = normalize_space(html.unescape(label)).lstrip("#").strip()
    if not text or len(text) > MAX_LABEL_CHARS or "://" in text:
        return None
    return text if any(ch.isalpha() for ch in text) else None


def split_labels(value: str) -> list[str]:
    """Comma-separated labels, each whitespace-normalized, empty ones dropped."""
    return [label for part in value.split(",") if (label := normalize_space(part))]


def dedupe(values: list[str]) -> list[str]:
    """Values with later case/quote/whitespace variants of an earlier one removed, order kept."""
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        key = text_key(value)
        if key and key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def find_language(page: PageMeta) -> str | None:
    """ISO 639-1 code from ``<html lang>``, language meta tags, ``og:locale`` or JSON-LD."""
    candidates = [
        page.html_lang,
        page.meta(*_LANGUAGE_KEYS),
        jsonld_text(page.article.get("inLanguage")),
    ]
    for candidate in candidates:
        match = _LANGUAGE_CODE.match(candidate.strip()) if candidate else None
        if match:
            return match[1].lower()
    return None


def find_canonical(page: PageMeta, url: str) -> str | None:
    """``<link rel=canonical>``, else ``og:url``, resolved against ``url``; only http(s) URLs."""
    for href in (page.canonical, page.meta("og:url")):
        if not href:
            continue
        try:
            absolute = urljoin(url, href.strip())
            parts = urlsplit(absolute)
            if parts.scheme in ("http", "https") and parts.hostname:
                return absolute
        except ValueError:  # a malformed URL, such as a broken IPv6 host
            continue
    return None


def find_description(page: PageMeta) -> str | None:
    """Meta description, ``og:description`` or the JSON-LD article's description."""
    found = page.meta("description", "og:description", "twitter:description")
    return found or jsonld_text(page.article.get("description"))


def site_names(page: PageMeta, url: str | None = None) -> list[str]:
    """Names the site gives itself: ``og:site_name``, ``application-name``, JSON-LD publisher, and
    the name its host spells (``www.demo-daily.test`` → ``demo-daily``) when ``url`` is given."""
    names = [page.meta("og:site_name", "application-name", "apple-mobile-web-app-title")]
    names.append(jsonld_text(page.article.get("publisher")))
    names.extend(jsonld_text(n.get("name")) for n in page.nodes if "WebSite" in jsonld_types(n))
    if url is not None:
        names.extend(host_name(url))
    return dedupe([n for n in names if n])


def host_name(url: str) -> list[str]:
    """The site's name as its host spells it (``www.demo-daily.test`` → ``demo-daily``), if that
    label has four characters or more."""
    try:
        labels = (urlsplit(url).hostname or "").removeprefix("www.").split(".")
    except ValueError:
        return []
    return [labels[-2]] if len(labels) >= 2 and len(labels[-2]) >= 4 else []


def letters(text: str) -> str:
    """Only the letters and digits of a text, casefolded (``The Demo-Daily`` → ``thedemodaily``)."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


#: Text decoded as cp1252 that was UTF-8 ("Investorâ€™s" for "Investor’s").
_MOJIBAKE = re.compile(r"[âÃÂÅ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def repair_mojibake(text: str) -> str:
    """UTF-8 that was read as cp1252 decoded again ("JaroÅ„" → "Jaroń"); other text as it is."""
    if _MOJIBAKE.search(text):
        with contextlib.suppress(UnicodeError):
            return text.encode("cp1252").decode("utf-8")
    return text
