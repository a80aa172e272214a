"""Author names in byline order, from each source, cleaned and deduplicated."""

from __future__ import annotations

import pytest

from crawler.extract.authors import clean_name, find_authors, parse_byline, split_names
from crawler.extract.dom import parse_html
from crawler.extract.metadata import read_page


def authors_of(head: str = "", body: str = "", url: str | None = None) -> tuple[str, ...]:
    tree = parse_html(f"<html><head><title>t</title>{head}</head><body>{body}</body></html>")
    assert tree is not None
    return find_authors(tree, read_page(tree), url)


def jsonld_authors(*people: str, org: str | None = None) -> str:
    nodes = [f'{{"@type": "Person", "name": "{p}"}}' for p in people]
    if org:
        nodes.append(f'{{"@type": "Organization", "name": "{org}"}}')
    return (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "h", '
        f'"author": [{", ".join(nodes)}]}}</script>'
    )


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        (
            "By Jane Doe, John Roe and Ann Poe · September 5, 2025",
            ["Jane Doe", "John Roe", "Ann Poe"],
        ),
        ("By Jane Doe, John Roe, and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ("BY JANE DOE | Updated 2 hours ago", ["JANE DOE"]),
        ("Written by Jane Doe on 5 May 2025", ["Jane Doe"]),
        ("By Jane Doe, Staff Writer", ["Jane Doe"]),
        ("By Jane Doe & John Roe (Reuters)", ["Jane Doe", "John Roe"]),
        ("By consistently showing up for customers, firms grow.", []),
        ("Jane Doe", []),
    ],
)
def test_parse_byline(byline: str, expected: list[str]) -> None:
    assert parse_byline(byline) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("Jane DoeSeptember", "Jane Doe"),
        ("Jane Doe Dec", "Jane Doe"),
        ("Theresa May", "Theresa May"),
        ("Jane Doe Last updated 3 May", "Jane Doe"),
        ("jane@example.test", None),
        ("https://facebook.com/jane", None),
        ("Senior Correspondent", None),
        ("September 5, 2025", None),
        ("The Author", None),
        ("A" * 70, None),
    ],
)
def test_clean_name(raw: str, expected: str | None) -> None:
    assert clean_name(raw) == expected


def test_split_names_decodes_entities() -> None:
    assert split_names("Maria &amp; Katerina") == ["Maria", "Katerina"]


@pytest.mark.parametrize(
    "people",
    [("Jane Doe",), ("Jane Doe", "John Roe"), ("Jane Doe", "John Roe", "Ann Poe")],
)
def test_jsonld_authors_in_order(people: tuple[str, ...]) -> None:
    assert authors_of(jsonld_authors(*people)) == people


def test_rel_author_links() -> None:
    body = (
        '<div class="meta">By <a rel="author" href="/a/j">Jane Doe</a> and '
        '<a rel="author" href="/a/r">John Roe</a></div>'
    )
    assert authors_of(body=body) == ("Jane Doe", "John Roe")


def test_meta_author_splits_a_list_and_skips_profile_urls() -> None:
    head = (
        '<meta property="article:author" content="https://facebook.com/jane">'
        '<meta name="author" content="Jane Doe, John Roe and Ann Poe">'
    )
    assert authors_of(head) == ("Jane Doe", "John Roe", "Ann Poe")


def test_byline_element() -> None:
    body = '<article><p class="byline">By Jane Doe, John Roe and Ann Poe · 5 September 2025</p></article>'
    assert authors_of(body=body) == ("Jane Doe", "John Roe", "Ann Poe")


def test_a_fuller_later_source_replaces_a_partial_one() -> None:
    head = '<meta name="author" content="Jane Doe">'
    body = '<div class="byline">By Jane Doe, John Roe and Ann Poe</div>'
    assert authors_of(head, body) == ("Jane Doe", "John Roe", "Ann Poe")


def test_a_different_later_source_does_not_replace_the_first() -> None:
    head = jsonld_authors("Jane Doe")
    body = '<div class="byline">By John Roe and Ann Poe</div>'
    assert authors_of(head, body) == ("Jane Doe",)


def test_duplicates_are_dropped() -> None:
    assert authors_of(jsonld_authors("Jane Doe", "JANE  DOE", "John Roe")) == (
        "Jane Doe",
        "John Roe",
    )


def test_organization_only_when_no_person_is_named() -> None:
    assert authors_of(jsonld_authors(org="Reuters")) == ("Reuters",)
    head = jsonld_authors(org="Reuters")
    assert authors_of(head, '<a rel="author" href="/a/j">Jane Doe</a>') == ("Jane Doe",)


def test_the_site_itself_is_never_an_author() -> None:
    site = '<meta property="og:site_name" content="The Demo Daily">'
    assert authors_of(site + jsonld_authors(org="The Demo Daily")) == ()
    assert authors_of(site + '<meta name="author" content="The Demo Daily">') == ()
    url = "https://www.supermove.example/blog/movers"
    assert authors_of('<meta name="author" content="Supermove">', url=url) == ()
    assert authors_of(site + jsonld_authors("Jane Doe", org="The Demo Daily")) == ("Jane Doe",)


@pytest.mark.parametrize("role", ["Staff", "Staff Writer", "Editorial Team", "Admin", "Newsdesk"])
def test_roles_are_not_people(role: str) -> None:
    assert authors_of(f'<meta name="author" content="{role}">') == ()
    assert authors_of(body=f'<p class="byline">By {role}</p>') == ()


def test_an_author_element_is_the_fallback() -> None:
    body = '<div class="author-card"><span class="author-name">Jane Doe</span></div><p>Text.</p>'
    assert authors_of(body=body) == ("Jane Doe",)
    dated = '<div class="post-author">Jane Doe<time datetime="2025-09-05">Sep 5</time></div>'
    assert authors_of(body=dated) == ("Jane Doe",)


def test_author_names_in_the_comments_are_not_the_authors() -> None:
    body = (
        '<section id="comments"><div class="comment-author">Karl Fleischmann says</div>'
        '<div class="comment-author">John Roe</div></section>'
    )
    assert authors_of(body=body) == ()


def test_profile_links_and_reviewers_are_not_authors() -> None:
    assert authors_of(body='<div class="author-box">View all posts by Ray Ansari</div>') == (
        "Ray Ansari",
    )
    assert authors_of(body='<div class="author">Reviewed by Justin Meserole</div>') == ()


def test_no_author() -> None:
    assert authors_of(body="<p>Just some text about nothing in particular.</p>") == ()
