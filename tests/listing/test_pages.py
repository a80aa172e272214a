"""Listing pages: items in order with headline, teaser and date; links to other listings."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.listing.pages import parse_listing, tag_of
from crawler.sites import SiteConfig

SITE = SiteConfig(name="t", start_urls=("http://t.test/",))

PAGE = """<html><body>
<header><nav><a href="/">Home</a> <a href="/tag/world/">World</a>
  <a href="/news/2025/01/01/nav-link-to-an-article.html">Nav story</a></nav></header>
<main><h1>World</h1>
 <article class="teaser"><a class="tag-label" href="/tag/world/">World</a>
  <h2><a href="/news/2025/09/05/at-beijing-parade.html?utm_source=x">At Beijing Parade</a></h2>
  <p class="teaser">Kim stood beside Xi.</p><time datetime="2025-09-05T08:30:00+09:00">Sep 5</time>
 </article>
 <article class="teaser"><h2><a href="/news/2025/09/04/pixel-watch-update.html">Pixel Watch</a></h2>
  <p>Google fixes step counts.</p>
  <a href="/news/2025/09/04/pixel-watch-update.html">Read more</a></article>
 <article class="teaser"><h2><a href="http://elsewhere.test/news/2025/09/03/off-site-story.html">Off</a></h2></article>
 <nav class="pagination"><a rel="next" href="/tag/world/page/2/">Next</a></nav>
</main>
<aside><h3>Most Popular Articles</h3><a href="/news/2025/01/02/popular-sidebar-story.html">Pop</a></aside>
<footer><a href="/tag/tech/">Tech</a></footer>
</body></html>"""


def test_items_come_from_main_content_in_order() -> None:
    page = parse_listing(PAGE, "http://t.test/tag/world/", SITE)
    assert [e.position for e in page.entries] == [1, 2]
    first, second = page.entries
    assert first.url == "http://t.test/news/2025/09/05/at-beijing-parade.html?utm_source=x"
    assert first.url_key == "http://t.test/news/2025/09/05/at-beijing-parade.html"
    assert first.headline == "At Beijing Parade"
    assert first.teaser == "Kim stood beside Xi."
    assert first.listed_at == datetime(2025, 9, 4, 23, 30, tzinfo=UTC)
    assert second.headline == "Pixel Watch"
    assert second.teaser == "Google fixes step counts."
    assert second.listed_at is None


def test_sidebar_nav_and_off_site_links_are_not_items() -> None:
    page = parse_listing(PAGE, "http://t.test/tag/world/", SITE)
    urls = " ".join(e.url for e in page.entries)
    assert "popular-sidebar" not in urls
    assert "nav-link" not in urls
    assert "elsewhere.test" not in urls


def test_listing_links_include_nav_and_footer_and_pagination_is_apart() -> None:
    page = parse_listing(PAGE, "http://t.test/tag/world/", SITE)
    assert page.listing_links == ["http://t.test/", "http://t.test/tag/tech/"]
    assert page.pagination == ["http://t.test/tag/world/page/2/"]
    assert page.tag == "world"


def test_pagination_is_told_by_rel_pager_or_page_number() -> None:
    html = (
        "<html><body><main>"
        '<a href="/tag/a/">tag a</a>'
        '<a rel="next" href="/section/world?before=2025">Older</a>'
        '<div class="pager"><a href="/section/world?offset=20">More</a></div>'
        '<a href="/section/world?page=3">3</a>'
        "</main></body></html>"
    )
    site = SITE.model_copy(update={"listing_patterns": (r"/tag/", r"/section/world")})
    page = parse_listing(html, "http://t.test/section/world", site)
    assert page.listing_links == ["http://t.test/tag/a/"]
    assert page.pagination == [
        "http://t.test/section/world?before=2025",
        "http://t.test/section/world?offset=20",
        "http://t.test/section/world?page=3",
    ]


def test_page_without_main_uses_body_minus_chrome() -> None:
    html = PAGE.replace("<main>", "<div>").replace("</main>", "</div>")
    page = parse_listing(html, "http://t.test/", SITE)
    assert [e.headline for e in page.entries] == ["At Beijing Parade", "Pixel Watch"]
    assert page.tag is None


def test_base_href_is_honoured() -> None:
    html = (
        '<html><head><base href="http://t.test/sub/"></head><body><main>'
        '<a href="2025/09/05/a-relative-story-link.html">A</a></main></body></html>'
    )
    page = parse_listing(html, "http://t.test/", SITE)
    assert page.entries[0].url == "http://t.test/sub/2025/09/05/a-relative-story-link.html"


def test_tag_of() -> None:
    assert tag_of("http://t.test/tag/north-korea/page/3/") == "north-korea"
    assert tag_of("http://t.test/category/Tech/") == "tech"
    assert tag_of("http://t.test/") is None
