"""extract_article end to end: a page reproducing the seed's traps, small pages, site rules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import trafilatura

from crawler.extract.article import extract_article
from crawler.extract.cleanup import SHARE_LABELS, TRAILING_HEADINGS
from crawler.items import ExtractedArticle
from crawler.sites import CleanupRules, SiteConfig

FIXTURE = Path(__file__).parents[1] / "fixtures" / "seed_article.html"
URL = (
    "https://demo-daily.test/2025/09/05/at-beijing-parade-xi-and-putin-elevate-kim/?utm_source=feed"
)
TITLE = (
    "At Beijing Parade, Xi and Putin Elevate Kim; China Omits ‘Denuclearization,’ "
    "Signaling Tighter Alignment Against U.S. Pressure"
)
CAPTION = (
    "Kim Jong Un, General Secretary of North Korea’s Workers’ Party of Korea, speaks with Chinese "
    "President Xi Jinping during a feverish ceremony marking the 80th anniversary of the National "
    "Day of Victory in China on September 3 / Rodong Sinmun"
)
READ_MORE = (
    "Kim received special diplomatic treatment from China and conducted separate bilateral talks "
    "with both Presidents Putin and Xi. Readers who want the background can read more about the "
    "2019 summit in our archive, which traces how the three leaders last met."
)
LAST = (
    "Should North Korea launch a diplomatic offensive in multilateral forums, it could "
    "considerably complicate South Korea’s efforts to resume inter-Korean dialogue and exchanges."
)
PROSE = (
    "The council approved the new bridge on Tuesday after a debate that lasted well into the "
    "night, with residents from both banks of the river filling the public gallery to hear it."
)


@pytest.fixture(scope="module")
def seed_html() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(seed_html: str) -> ExtractedArticle:
    return extract_article(seed_html, URL)


def small_page(head: str = "", body: str = "", lang: str = "en") -> str:
    paragraphs = "".join(f"<p>{n}. {PROSE}</p>" for n in range(1, 6))
    return (
        f'<html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
        f"<body><article>{body}{paragraphs}</article></body></html>"
    )


# --- the seed-like page ---------------------------------------------------------------------


def test_the_fixture_sets_the_seed_traps_for_plain_trafilatura(seed_html: str) -> None:
    raw = trafilatura.extract(seed_html, include_comments=False)
    assert raw is not None
    lines = raw.split("\n")
    assert lines[0] == f"NorthKorea{TITLE}"
    assert CAPTION.replace("’", "\\'") in lines
    assert CAPTION in lines
    assert "Share on Facebook · Share on X · Copy link" in lines
    assert lines[-3:] == ["Check Out Our Content", "Check Out Other Tags:", "Most Popular Articles"]


def test_seed_title_has_no_glued_label_and_no_site_name(seed: ExtractedArticle) -> None:
    assert seed.title == TITLE


def test_seed_text_starts_with_the_caption_once_in_its_typographic_form(
    seed: ExtractedArticle,
) -> None:
    paragraphs = seed.text.split("\n\n")
    assert paragraphs[0] == CAPTION
    assert seed.text.count("General Secretary of North Korea") == 1
    assert "\\'" not in seed.text
    assert "\\" not in seed.text


def test_seed_text_ends_with_the_last_real_paragraph(seed: ExtractedArticle) -> None:
    paragraphs = seed.text.split("\n\n")
    assert paragraphs[-1] == LAST
    assert READ_MORE in paragraphs
    assert len(paragraphs) == 7


def test_seed_text_has_no_boilerplate_and_no_share_labels(seed: ExtractedArticle) -> None:
    for phrase in (*TRAILING_HEADINGS, *SHARE_LABELS):
        assert phrase.lower() not in seed.text.lower().split("\n\n"), phrase
    for phrase in ("Check Out", "Most Popular", "Share on", "Copy link", "Related Stories"):
        assert phrase not in seed.text
    assert "NorthKorea" not in seed.text


def test_seed_metadata(seed: ExtractedArticle) -> None:
    assert seed.url == URL
    assert seed.canonical_url == (
        "https://demo-daily.test/2025/09/05/at-beijing-parade-xi-and-putin-elevate-kim/"
    )
    assert seed.authors == ("Ji-woo Han", "Mark O'Neill", "Sara Lindqvist")
    assert seed.published_at == datetime(2025, 9, 5, 9, 30, tzinfo=UTC)
    assert seed.published_source == "json-ld"
    assert seed.modified_at == datetime(2025, 9, 6, 12, 15, 30, tzinfo=UTC)
    assert seed.language == "en"
    assert seed.tags == ("NorthKorea", "China", "Diplomacy")
    assert seed.description == (
        "Kim Jong Un stood beside Xi Jinping and Vladimir Putin at the Victory Day parade in Beijing."
    )


def test_seed_as_cp1252_bytes_gives_the_same_record(seed_html: str, seed: ExtractedArticle) -> None:
    legacy = seed_html.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    legacy = legacy.replace("Ji-woo Han", "Jiwoo Hän")
    record = extract_article(legacy.encode("cp1252"), URL)
    assert record.title == seed.title
    assert record.text == seed.text
    assert record.authors[0] == "Jiwoo Hän"


def test_undeclared_cp1252_bytes_are_detected(seed_html: str, seed: ExtractedArticle) -> None:
    legacy = seed_html.replace('<meta charset="utf-8">', "")
    assert extract_article(legacy.encode("cp1252"), URL).text == seed.text


def test_utf8_bytes_equal_text_input(seed_html: str, seed: ExtractedArticle) -> None:
    assert extract_article(seed_html.encode("utf-8"), URL) == seed


# --- small pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Jane Doe", ("Jane Doe",)),
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        (
            "By Jane Doe, John Roe and Ann Poe · 5 September 2025",
            ("Jane Doe", "John Roe", "Ann Poe"),
        ),
    ],
)
def test_byline_authors(byline: str, expected: tuple[str, ...]) -> None:
    body = f'<h1>A headline</h1><div class="byline">{byline}</div>'
    assert extract_article(small_page(body=body), "https://x.test/a-b-c").authors == expected


@pytest.mark.parametrize(
    ("head", "body", "url", "source"),
    [
        (
            '<meta property="article:published_time" content="2025-09-05T05:30:00-04:00">',
            "",
            "https://x.test/a-b-c",
            "meta",
        ),
        (
            "",
            '<time datetime="2025-09-05T15:00:00+05:30">Sept 5</time>',
            "https://x.test/a-b-c",
            "time",
        ),
        ("", "", "https://x.test/2025/09/05/a-b-c", "url"),
    ],
)
def test_dates_from_each_source_in_utc(head: str, body: str, url: str, source: str) -> None:
    record = extract_article(small_page(head, f"<h1>Headline</h1>{body}"), url)
    assert record.published_source == source
    expected = (
        datetime(2025, 9, 5, tzinfo=UTC)
        if source == "url"
        else datetime(2025, 9, 5, 9, 30, tzinfo=UTC)
    )
    assert record.published_at == expected


def test_paragraphs_joined_by_a_blank_line_and_whitespace_normalized() -> None:
    body = "<h1>Headline</h1><p>  Spaced\u00a0 out\t text\x00 here, long enough to stay in the text.  </p>"
    record = extract_article(small_page(body=body), "https://x.test/a-b-c")
    paragraphs = record.text.split("\n\n")
    assert paragraphs[0] == "Spaced out text here, long enough to stay in the text."
    assert paragraphs[1:] == [f"{n}. {PROSE}" for n in range(1, 6)]


def test_listing_headline_is_the_title_when_the_page_has_none() -> None:
    record = extract_article(small_page(), "https://x.test/a-b-c", headline="From the listing")
    assert record.title == "From the listing"


def test_not_html_gives_an_empty_record() -> None:
    record = extract_article("", "https://x.test/a-b-c", headline="Listed")
    assert record == ExtractedArticle(url="https://x.test/a-b-c", title="Listed")
    assert extract_article(b"", "https://x.test/a-b-c").text == ""


def test_captions_are_reported_apart() -> None:
    body = "<h1>Headline</h1><figure><img src='a.jpg'><figcaption>The bridge at dawn.</figcaption></figure>"
    assert extract_article(small_page(body=body), "https://x.test/a-b-c").captions == (
        "The bridge at dawn.",
    )


# --- site rules -----------------------------------------------------------------------------


def site_with(**rules: object) -> SiteConfig:
    return SiteConfig(
        name="demo", start_urls=("https://demo-daily.test/",), cleanup=CleanupRules(**rules)
    )


def test_site_drop_selectors_css_and_xpath(seed_html: str) -> None:
    site = site_with(drop_selectors=("div.media", "//p[contains(., 'read more about')]"))
    record = extract_article(seed_html, URL, site)
    assert "Rodong Sinmun" not in record.text
    assert READ_MORE not in record.text
    assert len(record.text.split("\n\n")) == 5
    assert record.text.split("\n\n")[-1] == LAST


def test_site_drop_and_stop_phrases(seed: ExtractedArticle, seed_html: str) -> None:
    site = site_with(drop_phrases=(CAPTION.upper(),), stop_phrases=(READ_MORE,))
    paragraphs = seed.text.split("\n\n")
    assert paragraphs[0] == CAPTION
    assert paragraphs[3] == READ_MORE
    assert extract_article(seed_html, URL, site).text.split("\n\n") == paragraphs[1:3]


def test_site_title_patterns(seed_html: str) -> None:
    site = site_with(
        title_prefix_patterns=(r"At Beijing Parade,\s*",), title_suffix_patterns=(r";.*",)
    )
    assert extract_article(seed_html, URL, site).title == "Xi and Putin Elevate Kim"


def test_a_future_page_date_gives_way_to_the_listed_date() -> None:
    fetched = datetime(2025, 9, 6, 12, tzinfo=UTC)
    listed = datetime(2025, 9, 5, 9, 30, tzinfo=UTC)
    future = '<meta property="article:published_time" content="2025-09-20T09:30:00Z">'
    record = extract_article(
        small_page(future, "<h1>Headline</h1>"),
        "https://x.test/a-b-c",
        listed_at=listed,
        listed_source="feed",
        fetched_at=fetched,
    )
    assert (record.published_at, record.published_source) == (listed, "feed")
    assert (record.modified_at, record.modified_source) == (None, None)


GERMAN = (
    "Der Stadtrat hat die neue Brücke am Dienstag nach einer Debatte genehmigt, die bis tief in "
    "die Nacht dauerte, und Anwohner beider Ufer füllten die Zuschauertribüne, um sie zu hören."
)


def test_language_declared_detected_and_overruled() -> None:
    url = "https://x.test/a-b-c"
    assert extract_article(small_page(lang="fr"), url).language == "en"
    assert extract_article(small_page(lang="en"), url).language == "en"
    no_declaration = small_page().replace(' lang="en"', "")
    assert extract_article(no_declaration, url).language == "en"
    german = small_page(body="<h1>Die Brücke</h1>").replace(PROSE, GERMAN)
    assert extract_article(german, url).language == "de"
