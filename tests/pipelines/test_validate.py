"""Validation: an extracted page becomes an Article, or a Reject whose reason says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.items import ArticleItem, ExtractedArticle
from crawler.sites import SiteConfig
from pipelines.keys import content_key
from pipelines.models import Article, Reject
from pipelines.validate import validate

SITE = SiteConfig(name="daily", start_urls=("http://daily.test/",), min_text_chars=50)
NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
URL = "http://daily.test/news/2025/11/19/a-story-worth-reading.html"
TEXT = "A paragraph long enough to count as an article body.\n\nAnd a second one."


def item(**found: object) -> ArticleItem:
    fields: dict[str, object] = {"url": URL, "title": "A story", "text": TEXT}
    fields.update(found)
    return ArticleItem(
        site="daily", fetched_url=URL, fetched_at=NOW, extracted=ExtractedArticle(**fields)
    )


def test_a_good_page_is_an_article() -> None:
    published = datetime(2025, 11, 19, 8, 30, tzinfo=UTC)
    modified = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
    found = item(
        authors=("Jane Doe",),
        published_at=published,
        published_source="feed",
        modified_at=modified,
        modified_source="meta",
    )
    result = validate(found, SITE)
    assert isinstance(result, Article)
    assert result.url == URL
    assert result.url_key == URL
    assert result.content_key == content_key(TEXT)
    assert (result.published_at, result.published_source) == (published, "feed")
    assert (result.modified_at, result.modified_source) == (modified, "meta")
    with pytest.raises(ValueError, match="frozen"):
        result.title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("found", "reason"),
    [
        ({"title": None}, "no_title"),
        ({"title": "   "}, "no_title"),
        ({"text": ""}, "too_short"),
        ({"text": "Too short."}, "too_short"),
        ({"published_at": NOW + timedelta(days=3)}, "bad_date"),
    ],
)
def test_bad_pages_are_rejects_with_a_reason(found: dict[str, object], reason: str) -> None:
    result = validate(item(**found), SITE)
    assert isinstance(result, Reject)
    assert result.reason == reason
    assert result.url == URL
    assert result.detail


def test_canonical_url_is_trusted_only_for_an_article_on_the_site() -> None:
    canonical = "http://daily.test/news/2025/11/19/the-original-story-page.html"
    assert validate(item(canonical_url=canonical), SITE).url == canonical  # type: ignore[union-attr]
    for untrusted in ("http://other.test/news/2025/11/19/the-original.html", "http://daily.test/"):
        result = validate(item(canonical_url=untrusted), SITE)
        assert isinstance(result, Article)
        assert result.url == URL


def test_content_key_ignores_typography() -> None:
    assert content_key("It’s “here” — now") == content_key('it\'s "here" - now')
    assert content_key("one text") != content_key("another text")


def test_nuls_and_lone_surrogates_are_removed_from_every_text_field() -> None:
    found = item(
        title="A\x00 story\ud800",
        text=TEXT.replace("paragraph", "para\x00graph\udc00"),
        authors=("Jane\ud83d Doe", "\x00"),
        tags=("wor\x00ld",),
    )
    result = validate(found, SITE)
    assert isinstance(result, Article)
    assert result.title == "A story"
    assert result.text == TEXT
    assert result.authors == ("Jane Doe",)
    assert result.tags == ("world",)


def test_a_reject_detail_holds_no_nul_or_lone_surrogate() -> None:
    reject = Reject(site="daily", url=URL, reason="binary", fetched_at=NOW, detail="a\x00b\ud800")
    assert reject.detail == "ab"
