"""Real-news-sized demo pages: the furniture adds weight, never changes the article."""

from __future__ import annotations

from crawler.demo import ARTICLE_MARK, build_site
from crawler.extract.article import extract_article


def test_article_pages_reach_the_size_asked_and_other_pages_stay_as_they_were() -> None:
    plain = build_site(60)
    heavy = build_site(60, page_kb=(50, 150))
    assert plain.pages.keys() == heavy.pages.keys()
    sizes = []
    for path, page in heavy.pages.items():
        if page.status == 200 and ARTICLE_MARK in page.body:
            sizes.append(len(page.body))
        else:
            assert page == plain.pages[path], path
    assert len(sizes) >= 60
    assert all(50_000 <= size <= 155_000 for size in sizes), (min(sizes), max(sizes))
    assert max(sizes) - min(sizes) > 50_000  # spread over the range, not one size


def test_furnished_pages_are_deterministic() -> None:
    first = build_site(60, page_kb=(50, 150))
    second = build_site(60, page_kb=(50, 150))
    assert first.pages == second.pages


def test_the_extracted_article_is_the_same_with_or_without_furniture() -> None:
    plain = build_site(60)
    heavy = build_site(60, page_kb=(50, 150))
    checked = 0
    for story in plain.articles[:12]:
        url = f"http://127.0.0.1:8931{story.path}"
        light = extract_article(plain.pages[story.path].body, url)
        full = extract_article(heavy.pages[story.path].body, url)
        assert len(heavy.pages[story.path].body) > 4 * len(plain.pages[story.path].body)
        assert full.title == light.title
        assert full.text == light.text
        checked += 1
    assert checked == 12
