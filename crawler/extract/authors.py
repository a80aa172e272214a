"""Author names in byline order: JSON-LD, ``rel=author`` links, meta tags, a "By ..." byline,
author elements; never the site itself, nor a role such as "Staff"."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from crawler.extract.dom import class_and_id, element_text
from crawler.extract.metadata import dedupe, jsonld_types, letters, repair_mojibake, site_names
from crawler.text.normalize import normalize_space, text_key

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extract.metadata import PageMeta

#: Meta keys naming the author (``article:author`` is often a profile URL, which is skipped).
AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
)

#: Elements that carry author names: ``rel=author`` links and ``itemprop=author`` markup.
_MARKUP_XPATH = etree.XPath(
    "//@rel[contains(concat(' ', normalize-space(.), ' '), ' author ')]/parent::a"
    " | //@itemprop[. = 'author']/parent::*[not(ancestor::*[@itemprop='author'])]"
)

#: The ``itemprop=name`` inside an author element.
_NAME_XPATH = etree.XPath(".//*[@itemprop='name']")

#: Elements whose text may be a "By A, B and C" line: classes or ids naming a byline or an author
#: ("yline" and "uthor" match either case, for half the cost of testing both), and paragraphs of
#: the article that start with "By".
_BYLINE_XPATH = etree.XPath(
    "(//@class[contains(., 'yline') or contains(., 'uthor')]/.."
    " | //@id[contains(., 'yline') or contains(., 'uthor')]/.."
    " | //article//p[starts-with(normalize-space(.), 'By ')])"
    "[string-length(normalize-space(.)) < 300]"
)

#: Classes and ids of elements that hold an author's name and nothing else.
_NAME_CLASS = re.compile(r"(?:author|byline)[-_]*name|authorname")

#: Elements whose text is no part of a name in an author element.
_NOT_NAME_TAGS = frozenset(
    ["time", "figure", "img", "svg", "script", "style", "button", "noscript"]
)

#: The longest text of an author element taken for names (characters).
MAX_AUTHOR_ELEMENT_CHARS = 120

#: "By" (or "Written by", "Words by") at the start of a byline.
_BY = re.compile(r"^\s*(?:(?:written|words|text|reporting)\s+)?by\b[:\s]*", re.IGNORECASE)

#: Where a byline's list of names ends: a separator, or a date or time phrase.
_BYLINE_END = re.compile(
    r"\s*(?:[|·•—–\n]|\s-\s|\b(?:published|updated|posted|on)\b\s|\d)", re.IGNORECASE
)

#: Separators between names: commas, "and", "&".
_NAME_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*;\s*")

#: Words that make a byline item a role, a label or a widget rather than a name.
_NOT_NAME_WORDS = frozenset(
    [
        "staff",
        "writer",
        "reporter",
        "reporters",
        "correspondent",
        "editor",
        "editors",
        "contributor",
        "columnist",
        "photographer",
        "intern",
        "desk",
        "newsdesk",
        "team",
        "director",
        "manager",
        "founder",
        "ceo",
        "expert",
        "consultant",
        "attorney",
        "officer",
        "president",
        "specialist",
        "author",
        "authors",
        "admin",
        "administrator",
        "sponsored",
        "name",
        "updated",
        "published",
        "posted",
        "share",
        "follow",
        "subscribe",
        "says",
        "bio",
        "posts",
        "reviewed",
        "researched",
        "article",
        "articles",
        "guidelines",
        "policies",
        "editorial",
        "about",
        "learn",
        "sign",
        "dept",
        "checked",
    ]
)

#: A label before the names ("Author:", "Authors", "Posted by").
_LEAD_LABEL = re.compile(
    r"^(?:(?:(?:view|see|read|more)\s+)?(?:all\s+|more\s+)?(?:posts|articles|stories)\s+by"
    r"|(?:written|posted|authored|words|text|reporting|story|article)\s+by|by|authors?|writers?)"
    r"\b[:\s]*",
    re.IGNORECASE,
)

#: A month or a date phrase trailing a name ("Jane DoeSeptember", "Jane Doe Dec", "Jane Doe
#: Updated ..."); months that are also names (May, June, ...) are left alone.
_TRAILING_DATE = re.compile(
    r"(?:\s+|(?<=[a-z]))(?:January|February|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?$"
    r"|\s+(?i:(?:last\s+)?(?:updated|published|posted)\b.*)$"
)

#: Characters no name has: a sentence, a path, a URL or markup got in.
_NOT_NAME_CHARS = frozenset("©®™_!?()[]{}<>/\\=+*#")

#: Runs of letters, to test a name's words against :data:`_NOT_NAME_WORDS`.
_LETTERS = re.compile(r"[^\W\d_]+")

#: Noise around a name: parenthesized notes, e-mail addresses, handles.
_NAME_NOISE = re.compile(r"\([^)]*\)|\S+@\S+|(?<!\w)@\w+")


def find_authors(tree: HtmlElement, page: PageMeta, url: str | None = None) -> tuple[str, ...]:
    """Author names, read before body extraction.

    The first source with names wins (JSON-LD people, then ``rel=author``/``itemprop=author``
    markup, meta tags, a "By ..." byline); a later source replaces it when it names everyone it
    names and more, as a byline listing all authors does when the meta tag names only the first.
    With no name from those, JSON-LD organizations (an agency), then the text of an author or
    byline element. The site's own name (``og:site_name``, publisher, the host in ``url``) is
    never an author, nor are roles, labels and widgets ("Staff", "View all posts").
    """
    site = {letters(n) for n in site_names(page, url)}
    people, organizations = _jsonld_authors(page.article.get("author"))
    candidates = _BYLINE_XPATH(tree)
    sources = (
        people,
        _markup_authors(tree),
        [n for v in _meta_authors(page) for n in split_names(v)],
        _byline_authors(candidates),
    )
    chosen: list[str] = []
    for source in sources:
        names = _not_site(clean_names(source), site)
        if len(names) > len(chosen) and _keys(chosen) <= _keys(names):
            chosen = names
    if not chosen:
        chosen = _not_site(clean_names(organizations), site)
    if not chosen:
        chosen = _not_site(_element_authors(candidates), site)
    return tuple(chosen)


def _not_site(names: list[str], site: set[str]) -> list[str]:
    """Names that are not the site's own (letters compared)."""
    return [n for n in names if letters(n) not in site]


def _keys(names: list[str]) -> set[str]:
    """Comparison keys of names."""
    return {text_key(n) for n in names}


def _jsonld_authors(value: Any) -> tuple[list[str], list[str]]:
    """Names of the JSON-LD ``author`` value: people (and untyped) first, organizations apart."""
    people: list[str] = []
    organizations: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            people.extend(split_names(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            is_org = any("Organization" in t for t in jsonld_types(item))
            (organizations if is_org else people).extend(split_names(item["name"]))
    return people, organizations


def _markup_authors(tree: HtmlElement) -> list[str]:
    """Texts of ``rel=author`` links and ``itemprop=author`` elements (their ``name`` if marked)."""
    names: list[str] = []
    for element in _MARKUP_XPATH(tree):
        named = _NAME_XPATH(element)
        own = element.get("content") or element_text(element)
        text = element_text(named[0]) if named else own
        names.extend(split_names(text))
    return names


def _meta_authors(page: PageMeta) -> list[str]:
    """Meta author values that are names, not profile URLs."""
    return [v for key in AUTHOR_META for v in page.metas.get(key, ()) if v and "://" not in v]


def _byline_authors(candidates: list[HtmlElement]) -> list[str]:
    """Names from the first byline or author element whose text reads "By A, B and C"."""
    for element in candidates:
        names = parse_byline(element_text(element))
        if names:
            return names
    return []


def _element_authors(candidates: list[HtmlElement]) -> list[str]:
    """Names in the first short byline or author element outside the comments, those whose class
    says they hold a name (``author-name``, ``byline__name``) first; times and images skipped.

    The weakest source, so every name must be of two words or more, capitalized: a lone word in
    an author box is as often a category or a handle as a name.
    """
    ordered = sorted(candidates, key=lambda e: _NAME_CLASS.search(class_and_id(e)) is None)
    for element in ordered:
        if any("comment" in class_and_id(a) for a in element.iterancestors()):
            continue
        text = " ".join(_name_text(element).split())
        if 2 < len(text) < MAX_AUTHOR_ELEMENT_CHARS:
            names = clean_names(split_names(text))
            if names and all(len(n.split()) >= 2 and _capitalized(n) for n in names):
                return names
    return []


def _name_text(element: HtmlElement) -> str:
    """An element's text without its times, figures, images and scripts, pieces apart."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _NOT_NAME_TAGS:
            parts.append(_name_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)


def parse_byline(text: str) -> list[str]:
    """Names in a byline that starts with "By": ``By A, B and C · May 5`` gives A, B, C.

    Every name must start with a capital letter (in scripts that have them), so a sentence that
    happens to start with "By" gives nothing.
    """
    match = _BY.match(text)
    if match is None:
        return []
    names = split_names(_BYLINE_END.split(text[match.end() :], maxsplit=1)[0])
    return names if all(_capitalized(name) for name in names) else []


def _capitalized(name: str) -> bool:
    """Whether a name starts with an uppercase letter, or with a letter of a caseless script."""
    first = name[0]
    return first.isupper() or (first.isalpha() and first.lower() == first.upper())


def split_names(text: str) -> list[str]:
    """A list of names split on commas, "and" and "&"; roles and noise dropped."""
    text = _LEAD_LABEL.sub("", normalize_space(repair_mojibake(html.unescape(text))), count=1)
    return [name for part in _NAME_SPLIT.split(text) if (name := clean_name(part))]


def clean_name(text: str) -> str | None:
    """One author name tidied, or ``None`` when it is a role, a date or not a name at all."""
    name = normalize_space(_NAME_NOISE.sub(" ", html.unescape(text))).strip(" ,;:.-|/")
    name = _TRAILING_DATE.sub("", _LEAD_LABEL.sub("", name, count=1)).strip(" ,;:.-|/")
    words = name.split()
    if not words or len(words) > 6 or len(name) > 60 or not any(ch.isalpha() for ch in name):
        return None
    if any(ch.isdigit() or ch in _NOT_NAME_CHARS for ch in name) or "www." in name.lower():
        return None
    if _TRAILING_DATE.fullmatch(" " + name) or _NOT_NAME_WORDS & set(
        _LETTERS.findall(name.lower())
    ):
        return None
    return name


def clean_names(names: list[str]) -> list[str]:
    """Names tidied and deduplicated, order kept."""
    return dedupe([n for name in names if (n := clean_name(name))])
