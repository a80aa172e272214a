"""``extract_article`` on mutated demo pages, generated markup and arbitrary bytes: it always
returns a record (raising nothing, as documented), in bounded time."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from crawler.demo import build_site
from crawler.extract.article import extract_article
from crawler.items import ExtractedArticle
from tests.fuzzing import SNIPPETS, examples, mutations, time_limit

BASE = "http://127.0.0.1:8000"
_SITE = build_site(articles=20)
#: The demo site's article pages (its oddest ones too: no body, windows-1252, a <script> title).
PAGES = [
    page.body
    for path, page in sorted(_SITE.pages.items())
    if page.content_type.startswith("text/html") and path.startswith("/news/")
]
URL = f"{BASE}/news/2025/11/12/a-page-of-the-demo-site.html"
#: Longest any page may take; extraction of a demo page takes a few hundredths of a second.
LIMIT_S = 20


def _extract(html: str | bytes, url: str = URL) -> ExtractedArticle:
    with time_limit(LIMIT_S):
        record = extract_article(html, url)
    assert isinstance(record, ExtractedArticle)
    assert record.url == url
    assert isinstance(record.text, str)
    assert record.title is None or record.title
    return record


def test_the_pages_are_articles() -> None:
    # The mutations below start from real article pages, most of which extract to a full text.
    texts = [_extract(page).text for page in PAGES]
    assert len(PAGES) >= 20
    assert sum(len(text) > 500 for text in texts) >= len(PAGES) - 2


@examples(300)
@given(mutations(PAGES))
def test_mutated_pages_as_bytes(page: bytes) -> None:
    _extract(page)


@examples(100)
@given(mutations(PAGES), st.sampled_from(["utf-8", "latin-1"]))
def test_mutated_pages_as_text(page: bytes, encoding: str) -> None:
    _extract(page.decode(encoding, "surrogateescape"))


_TAGS = st.sampled_from(
    [
        "p",
        "div",
        "h1",
        "h2",
        "article",
        "main",
        "span",
        "a",
        "script",
        "style",
        "time",
        "meta",
        "li",
        "ul",
        "table",
        "td",
        "br",
        "img",
        "figure",
        "figcaption",
        "title",
        "head",
        "body",
        "html",
        "noscript",
        "template",
        "svg",
        "iframe",
        "form",
        "header",
        "footer",
        "nav",
        "aside",
        "section",
        "blockquote",
        "pre",
        "code",
    ]
)
_ATTRS = st.sampled_from(
    [
        "",
        ' class="author"',
        ' rel="author"',
        ' itemprop="author"',
        ' datetime="2025-13-45"',
        ' datetime="1999-01-01T00:00:00+25:00"',
        ' property="article:published_time" content="2025-11-12T10:00:00Z"',
        ' name="author" content="By Ann Lee"',
        ' href="http://[::1"',
        ' lang="xx-ZZZZ"',
        ' type="application/ld+json"',
        ' rel="canonical" href="javascript:alert(1)"',
        ' class="share-widget"',
        ' content="\x00"',
    ]
)
_TEXTS = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "By Ann Lee",
            "Published 12 November 2025",
            "&amp;&#0;&#xD800;&#x110000;&nbsp",
            '{"@context":"https://schema.org","@type":"NewsArticle","headline":"H",'
            '"author":{"name":"\\ud800"},"datePublished":"2025-11-12","articleBody":"x"}',
            "{",
            "[1,2",
            "The council met on Tuesday to discuss the budget for the coming year. " * 5,
            *(s.decode("utf-8", "replace") for s in SNIPPETS),
        ]
    ),
)
#: Nested elements, some left unclosed, with attributes the metadata readers look at.
markup = st.recursive(
    _TEXTS,
    lambda children: st.builds(
        lambda tag, attrs, inner, close: (
            f"<{tag}{attrs}>{''.join(inner)}" + (f"</{tag}>" if close else "")
        ),
        _TAGS,
        _ATTRS,
        st.lists(children, max_size=5),
        st.booleans(),
    ),
    max_leaves=40,
)


@examples(150)
@given(markup)
def test_generated_markup(html: str) -> None:
    _extract(html)
    _extract(html.encode("utf-8", "surrogatepass"))


@examples(150)
@given(st.binary(max_size=3000) | st.text(max_size=500))
def test_arbitrary_input(data: bytes | str) -> None:
    _extract(data)


_URLS = st.one_of(
    st.sampled_from(
        ["http://[::1", "", "file:///etc/passwd", "not a url", "http://exa mple.com/a", "\ud800"]
    ),
    st.text(max_size=40),
)


@examples(50)
@given(st.sampled_from(PAGES), _URLS)
def test_any_url(page: bytes, url: str) -> None:
    record = _extract(page, url)
    if record.canonical_url is not None:
        assert urlsplit(record.canonical_url).scheme in ("http", "https")


def test_a_fragment_kept_as_the_root_is_read() -> None:
    # The parser keeps an <svg> fragment as the tree's root; the date reader's cleaning used
    # to fail dropping it (found by test_generated_markup).
    fragment = '<svg name="author" content="By Ann Lee"><svg></svg><svg></svg></svg>'
    for url in (URL, "http://example.com/a"):
        assert _extract(fragment, url).text == ""
