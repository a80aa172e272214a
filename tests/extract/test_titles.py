"""Title choice: site names stripped, glued tag labels removed, site patterns applied."""

from __future__ import annotations

import pytest

from crawler.extract.dom import parse_html
from crawler.extract.metadata import read_page
from crawler.extract.titles import (
    TitleResult,
    choose,
    find_title,
    remove_glued_prefix,
    strip_site_name,
)
from crawler.sites import CleanupRules
from crawler.text.normalize import text_key

URL = "https://demo-daily.test/2025/09/05/at-beijing-parade/"
TITLE = "At Beijing Parade, Xi and Putin Elevate Kim"


def title_of(
    head: str = "",
    body: str = "",
    *,
    headline: str | None = None,
    rules: CleanupRules | None = None,
) -> TitleResult:
    tree = parse_html(f"<html><head>{head}</head><body>{body}<p>Text.</p></body></html>")
    assert tree is not None
    return find_title(tree, read_page(tree), URL, headline=headline, rules=rules)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"{TITLE} | The Demo Daily", TITLE),
        (f"The Demo Daily - {TITLE}", TITLE),
        (f"{TITLE} – The Demo Daily", TITLE),
        (f"{TITLE} | World | The Demo Daily", f"{TITLE} | World"),
        ("Trump - The Interview | Other Paper", "Trump - The Interview | Other Paper"),
        (TITLE, TITLE),
    ],
)
def test_strip_site_name(raw: str, expected: str) -> None:
    assert strip_site_name(raw, ["The Demo Daily"]) == expected


def test_strip_site_name_when_the_rest_is_another_candidate() -> None:
    assert strip_site_name(f"{TITLE} :: DD Online", [], [TITLE]) == TITLE


def test_title_tag_suffix_stripped_by_the_host_name() -> None:
    assert title_of(f"<title>{TITLE} | Demo-Daily</title>").title == TITLE


def test_glued_prefix_removed_when_the_rest_is_another_candidate() -> None:
    assert remove_glued_prefix(f"NorthKorea{TITLE}", [TITLE], []) == TITLE
    assert remove_glued_prefix(f"Exclusive: {TITLE}", [TITLE], []) == f"Exclusive: {TITLE}"
    long_prefix = "A prefix that is far too long to be a label"
    assert remove_glued_prefix(f"{long_prefix}{TITLE}", [TITLE], []) == f"{long_prefix}{TITLE}"


def test_glued_prefix_removed_when_it_is_a_page_tag() -> None:
    assert remove_glued_prefix(f"NorthKorea{TITLE}", [], ["NorthKorea"]) == TITLE
    assert remove_glued_prefix(f"NorthKorea {TITLE}", [TITLE], ["NorthKorea"]) == TITLE
    assert remove_glued_prefix("Apples are back", [], ["Apple"]) == "Apples are back"
    assert remove_glued_prefix("USA wins the cup", [], ["US"]) == "USA wins the cup"


def test_tag_label_link_inside_the_h1_is_removed() -> None:
    h1 = f'<h1><a class="tag-label" href="/tag/northkorea/">NorthKorea</a>{TITLE}</h1>'
    result = title_of(body=h1)
    assert result.title == TITLE
    assert text_key(f"NorthKorea{TITLE}") in result.seen


def test_h1_label_found_through_tag_links_elsewhere_on_the_page() -> None:
    body = f'<nav><a href="/tag/northkorea/">NorthKorea</a></nav><h1><span>NorthKorea</span>{TITLE}</h1>'
    assert title_of(body=body).title == TITLE


def test_seed_case_og_and_h1_with_glued_label() -> None:
    head = f'<title>{TITLE} | The Demo Daily</title><meta property="og:title" content="{TITLE}">'
    assert title_of(head, f"<h1>NorthKorea{TITLE}</h1>").title == TITLE


def test_agreement_beats_order() -> None:
    head = f'<meta property="og:title" content="Social teaser title"><title>{TITLE} | Paper</title>'
    assert title_of(head, f"<h1>{TITLE}</h1>").title == TITLE


def test_logo_h1_is_not_the_title() -> None:
    head = f'<meta property="og:site_name" content="The Demo Daily"><title>{TITLE} | The Demo Daily</title>'
    body = f'<h1 class="logo">The Demo Daily</h1><h1>{TITLE}</h1>'
    assert title_of(head, body).title == TITLE


def test_listing_headline_is_a_candidate() -> None:
    assert title_of(headline=f"  {TITLE} ").title == TITLE
    assert (
        title_of(f"<title>{TITLE}</title>", "<h1>Something else</h1>", headline=TITLE).title
        == TITLE
    )


def test_escapes_repaired_in_titles() -> None:
    assert title_of(body="<h1>North Korea\\'s Party</h1>").title == "North Korea's Party"


def test_site_title_patterns() -> None:
    rules = CleanupRules(
        title_prefix_patterns=(r"WATCH:\s*",), title_suffix_patterns=(r"\s*\(video\)",)
    )
    assert title_of(body=f"<h1>WATCH: {TITLE} (video)</h1>", rules=rules).title == TITLE


def test_patterns_that_would_empty_the_title_are_ignored() -> None:
    rules = CleanupRules(title_suffix_patterns=(".*",))
    assert title_of(body=f"<h1>{TITLE}</h1>", rules=rules).title == TITLE


def test_no_candidate_no_title() -> None:
    assert title_of().title is None


def test_choose() -> None:
    assert choose([]) is None
    assert choose(["a b", "c d", "C  D"]) == "c d"
    assert choose(["first", "second"]) == "first"


def test_a_title_another_candidate_repeats_keeps_its_label_like_start() -> None:
    head = "<title>TechCrunch Disrupt Opens in Berlin | Paper</title>"
    body = '<nav><a href="/tag/tech/">Tech</a></nav><h1>TechCrunch Disrupt Opens in Berlin</h1>'
    assert title_of(head, body).title == "TechCrunch Disrupt Opens in Berlin"


def test_a_lone_logo_h1_is_better_than_no_title() -> None:
    head = '<meta property="og:site_name" content="The Demo Daily">'
    assert title_of(head, '<h1 class="logo">The Demo Daily</h1>').title == "The Demo Daily"


def test_h1_wins_over_a_different_seo_title_the_metadata_agrees_on() -> None:
    head = (
        '<meta property="og:title" content="Health And Nutrition Trends For 2026 - Tastewise">'
        '<meta name="twitter:title" content="Health And Nutrition Trends For 2026 - Tastewise">'
        "<title>Health And Nutrition Trends For 2026 - Tastewise</title>"
    )
    url = "https://tastewise.example/blog/trends"
    tree = parse_html(
        f"<html><head>{head}</head><body><h1>Top 10 Health and Nutrition Trends to Watch</h1>"
        "</body></html>"
    )
    assert tree is not None
    found = find_title(tree, read_page(tree), url).title
    assert found == "Top 10 Health and Nutrition Trends to Watch"


def test_an_h1_sharing_no_word_with_the_agreed_title_is_a_widget() -> None:
    head = f'<meta property="og:title" content="{TITLE}"><title>{TITLE} · Paper</title>'
    assert title_of(head, "<h1>Select an option</h1>").title == TITLE


def test_an_h1_in_capitals_gives_way_to_the_declared_spelling() -> None:
    head = '<meta property="og:title" content="Tips for Online Success">'
    assert title_of(head, "<h1>TIPS FOR ONLINE SUCCESS</h1>").title == "Tips for Online Success"
    assert title_of(body="<h1>TIPS FOR ONLINE SUCCESS</h1>").title == "TIPS FOR ONLINE SUCCESS"


def test_an_h1_too_long_for_a_headline_is_a_standfirst() -> None:
    standfirst = " ".join(["Learn which renovations pay back the most"] * 6)
    head = f'<meta property="og:title" content="{TITLE}">'
    assert title_of(head, f"<h1>{standfirst}</h1>").title == TITLE


def test_every_segment_after_the_h1_is_stripped_from_the_declared_titles() -> None:
    head = f'<meta property="og:title" content="{TITLE} | by Jane Doe | World | Paper LLC">'
    result = title_of(head, f"<h1>{TITLE}</h1>")
    assert result.title == TITLE
    assert strip_site_name(f"{TITLE} – Artlyst - Artlyst", ["Artlyst"]) == TITLE


def test_site_name_at_the_end_of_the_h1_is_stripped() -> None:
    head = '<meta property="og:site_name" content="Artlyst">'
    assert title_of(head, f"<h1>{TITLE} – Artlyst</h1>").title == TITLE


@pytest.mark.parametrize(
    "h1",
    [
        f"Dec 18 2025 {TITLE}",
        f"{TITLE} Posted on July 1, 2024 by infuy",
        f"{TITLE} (latimes.com) 87",
    ],
)
def test_dates_and_counts_glued_to_the_h1_are_removed(h1: str) -> None:
    head = f'<meta property="og:title" content="{TITLE}">'
    assert title_of(head, f"<h1>{h1}</h1>").title == TITLE


def test_a_year_in_the_h1_stays() -> None:
    h1 = "2025 Software Price Guide & Hourly Rates"
    head = '<meta property="og:title" content="Software Price Guide & Hourly Rates">'
    assert title_of(head, f"<h1>{h1}</h1>").title == h1


def test_the_spelling_most_sources_give_wins() -> None:
    straight = "Why Hasn't Tutoring Been More Effective?"
    head = f'<meta property="og:title" content="{straight}"><title>{straight}</title>'
    assert title_of(head, "<h1>Why Hasn’t Tutoring Been More Effective?</h1>").title == straight
    assert title_of(body="<h1>Why Hasn’t Tutoring Been More Effective?</h1>").title == (
        "Why Hasn’t Tutoring Been More Effective?"
    )


def test_double_escaped_entities_and_mojibake_are_repaired() -> None:
    head = '<meta property="og:title" content="Python, SQL &amp;#x26; AI">'
    assert title_of(head).title == "Python, SQL & AI"
    assert title_of("<title>A DIY Investorâ€™s Guide</title>").title == "A DIY Investor’s Guide"
