"""Text cleanup rules, each on its own, then in order."""

from __future__ import annotations

import json

from crawler.extract.cleanup import (
    PROSE_MIN_CHARS,
    REPEAT_MIN_CHARS,
    clean_paragraphs,
    collapse_duplicates,
    cut_at_phrases,
    cut_trailing_blocks,
    drop_data,
    drop_phrases,
    drop_repeats,
    drop_share_labels,
    drop_title_lines,
    is_share_run,
    is_trailing_heading,
    normalize_paragraphs,
)
from crawler.sites import CleanupRules
from crawler.text.normalize import text_key

PROSE = [
    f"Paragraph {n} of the story says something that takes a full sentence or two to tell, "
    "as real article paragraphs do when a reporter explains what happened, who said it, what "
    "the officials promised and why any of it matters to the people who live there."
    for n in range(1, 7)
]
CAPTION_ESCAPED = "Kim Jong Un, General Secretary of North Korea\\'s Workers\\' Party, speaks"
CAPTION_ASCII = "Kim Jong Un, General Secretary of North Korea's Workers' Party, speaks"
CAPTION_CURLY = "Kim Jong Un, General Secretary of North Korea’s Workers’ Party, speaks"


def test_prose_paragraphs_are_long_enough_to_count_as_prose() -> None:
    assert all(len(p) >= PROSE_MIN_CHARS for p in PROSE)


def test_normalize_paragraphs_repairs_escapes_and_drops_blank_ones() -> None:
    assert normalize_paragraphs([" a\u00a0 b ", "   ", "it\\'s\x00"]) == ["a b", "it's"]


def test_drop_title_lines_drops_paragraphs_equal_to_a_title_wherever_they_are() -> None:
    title = "NorthKoreaAt Beijing Parade, Xi and Putin Elevate Kim"
    keys = {text_key(title)}
    assert drop_title_lines([title, *PROSE], keys) == PROSE
    assert drop_title_lines([PROSE[0], title], keys) == [PROSE[0]]
    mentioned = f"{PROSE[0]} {title}."
    assert drop_title_lines([mentioned], keys) == [mentioned]


def test_share_labels_are_recognized_alone_and_in_runs() -> None:
    assert is_share_run("Share on Facebook")
    assert is_share_run("share on x · Copy link | Email this article")
    assert not is_share_run("Share prices fell on Friday")
    assert not is_share_run("Facebook")


def test_drop_share_labels_keeps_sentences_that_mention_sharing() -> None:
    text = [
        "Share on Facebook",
        "Share on X Copy link",
        PROSE[0],
        "Share your thoughts with us below.",
    ]
    assert drop_share_labels(text) == [PROSE[0], "Share your thoughts with us below."]


def test_trailing_headings_match_whole_paragraphs_only() -> None:
    assert is_trailing_heading("Check Out Other Tags:")
    assert is_trailing_heading("MOST POPULAR ARTICLES")
    assert is_trailing_heading("Related Stories »")
    assert not is_trailing_heading("Readers can read more about the plan in our archive.")


def test_cut_trailing_blocks_removes_the_heading_and_everything_after() -> None:
    text = [*PROSE, "Check Out Our Content", "Latest News", "Check Out Other Tags:", "World"]
    assert cut_trailing_blocks(text) == PROSE


def test_cut_trailing_blocks_never_cuts_in_the_first_part() -> None:
    text = [PROSE[0], "Read more", "A short line.", *PROSE[1:]]
    assert cut_trailing_blocks(text) == text
    short_tail = [PROSE[0], "Related", "One link", "Another link"]
    assert cut_trailing_blocks(short_tail) == [PROSE[0]]
    text = ["Related Stories", "One link"]
    assert cut_trailing_blocks(text) == text


def test_cut_trailing_blocks_keeps_prose_after_an_inline_box() -> None:
    text = [*PROSE[:4], "Related Articles", "A linked headline", *PROSE[4:]]
    assert cut_trailing_blocks(text) == text


def test_real_paragraph_with_read_more_mid_article_is_kept() -> None:
    mid = "Readers who want the background can read more about the 2019 summit in our archive."
    text = [*PROSE[:3], mid, *PROSE[3:]]
    assert clean_paragraphs(text) == text


def test_site_drop_phrases_are_removed_wherever_they_are() -> None:
    text = ["Advertisement", PROSE[0], "ADVERTISEMENT ", PROSE[1]]
    assert drop_phrases(text, ["advertisement"]) == [PROSE[0], PROSE[1]]
    assert drop_phrases(text, []) == text


def test_site_stop_phrases_end_the_text_even_early() -> None:
    text = [PROSE[0], "Sign up for The Briefing:", PROSE[1]]
    assert cut_at_phrases(text, ["Sign up for the briefing"]) == [PROSE[0]]
    assert cut_at_phrases(text, ["Not on the page"]) == text


def test_collapse_duplicates_keeps_the_typographic_copy() -> None:
    assert collapse_duplicates([CAPTION_ASCII, CAPTION_CURLY, PROSE[0]]) == [
        CAPTION_CURLY,
        PROSE[0],
    ]
    assert collapse_duplicates([CAPTION_CURLY, CAPTION_ASCII]) == [CAPTION_CURLY]


def test_collapse_duplicates_ignores_case_and_spacing_but_only_next_to_each_other() -> None:
    assert collapse_duplicates(["Same  words here", "same words HERE"]) == ["Same  words here"]
    text = [PROSE[0], PROSE[1], PROSE[0]]
    assert collapse_duplicates(text) == text
    assert collapse_duplicates([PROSE[0], PROSE[1]]) == [PROSE[0], PROSE[1]]


def test_clean_paragraphs_handles_the_seed_caption_pair() -> None:
    cleaned = clean_paragraphs([CAPTION_ESCAPED, CAPTION_CURLY, *PROSE])
    assert cleaned == [CAPTION_CURLY, *PROSE]


def test_clean_paragraphs_applies_built_in_and_site_rules_in_order() -> None:
    rules = CleanupRules(drop_phrases=("Advertisement",), stop_phrases=("Subscribe today",))
    title = "At Beijing Parade"
    text = [
        title,
        "Share on Facebook",
        PROSE[0],
        "Advertisement",
        *PROSE[1:],
        "Check Out Our Content",
        "Latest News",
    ]
    assert clean_paragraphs(text, rules, title_keys={text_key(title)}) == PROSE
    assert clean_paragraphs([*PROSE[:2], "Subscribe today", *PROSE[2:]], rules) == PROSE[:2]


def test_drop_repeats_keeps_the_first_copy_of_a_long_paragraph_only() -> None:
    text = [PROSE[0], PROSE[1], "Pros", PROSE[0], "Pros", PROSE[2], PROSE[1]]
    assert len(PROSE[0]) >= REPEAT_MIN_CHARS
    assert drop_repeats(text) == [PROSE[0], PROSE[1], "Pros", "Pros", PROSE[2]]
    assert clean_paragraphs([*PROSE[:3], *PROSE[:3]]) == PROSE[:3]


def test_drop_data_removes_a_widget_s_settings_printed_as_text_only() -> None:
    settings = json.dumps(
        {
            "layoutMobile": 2,
            "buttonText": "Buy now",
            "productTitle": {"hue": 213, "brightness": 0.83, "saturation": 1},
            "priceColor": {"hue": 0, "saturation": 1, "brightness": 0},
            "discountBadge": {"visible": True, "text": "Save 15%"},
        }
    )
    example = '{"id": 12345, "name": "John Doe"}'
    braces = "{Update} The council has since published the full minutes of the meeting, " * 3
    text = [PROSE[0], settings, example, braces.strip() + "}"]
    assert drop_data(text) == [PROSE[0], example, braces.strip() + "}"]
    assert clean_paragraphs(text) == [PROSE[0], example, braces.strip() + "}"]
