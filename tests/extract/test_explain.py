"""What extraction removed, rule by rule: the collector, the cleanup chain, a whole page."""

from __future__ import annotations

from pathlib import Path

from crawler.extract.article import extract_article
from crawler.extract.cleanup import Step, clean_paragraphs, collapse_duplicates, run_steps
from crawler.extract.explain import MAX_REMOVAL_CHARS, Explanation, Removal, shorten
from crawler.sites import CleanupRules, SiteConfig

FIXTURE = Path(__file__).parents[1] / "fixtures" / "seed_article.html"
URL = "https://demo-daily.test/2025/09/05/at-beijing-parade-xi-and-putin-elevate-kim/"
PROSE = [
    f"Paragraph {n} of the story says what happened, who was there, what they said and why it "
    "matters to everyone who lives nearby and reads the paper."
    for n in range(1, 5)
]


def test_shorten_keeps_short_text_and_cuts_long_text_at_a_word() -> None:
    assert shorten("  a   short\ntext ") == "a short text"
    cut = shorten("word " * 100)
    assert len(cut) <= MAX_REMOVAL_CHARS
    assert cut.endswith("word…")


def test_a_disabled_explanation_records_nothing() -> None:
    explanation = Explanation()
    explanation.removed("duplicate", "text")
    explanation.removed_paragraphs("duplicate", ["a", "b"], ["a"])
    assert explanation.removals == []


def test_removed_paragraphs_are_those_a_step_left_out() -> None:
    explanation = Explanation(enabled=True)
    explanation.removed_paragraphs("x", ["a", "b", "a", "c"], ["a", "c"])
    assert explanation.removals == [Removal("x", "b"), Removal("x", "a")]


def test_the_kept_copy_of_a_duplicate_is_not_a_removal() -> None:
    escaped, curly = "North Korea\\'s leader spoke", "North Korea’s leader spoke"
    explanation = Explanation(enabled=True)
    kept = run_steps([escaped, curly], [Step("duplicate", collapse_duplicates)], explanation)
    assert kept == [curly]
    assert explanation.removals == [Removal("duplicate", escaped)]


def test_an_extra_step_runs_last_and_its_removals_are_recorded() -> None:
    boilerplate = "Sign up for the morning briefing."
    recurring = Step("site_boilerplate", lambda ps: [p for p in ps if p != boilerplate])
    explanation = Explanation(enabled=True)
    cleaned = clean_paragraphs(
        [PROSE[0], boilerplate, PROSE[1], PROSE[1]],
        extra_steps=[recurring],
        explanation=explanation,
    )
    assert cleaned == PROSE[:2]
    assert [r.rule for r in explanation.removals] == ["duplicate", "site_boilerplate"]


def test_site_rules_are_explained_with_their_codes() -> None:
    rules = CleanupRules(drop_phrases=("Advertisement",), stop_phrases=("Comments",))
    explanation = Explanation(enabled=True)
    cleaned = clean_paragraphs(
        [PROSE[0], "Advertisement", PROSE[1], "Comments", PROSE[2]],
        rules,
        explanation=explanation,
    )
    assert cleaned == PROSE[:2]
    assert [(r.rule, r.text) for r in explanation.removals] == [
        ("site_drop_phrase", "Advertisement"),
        ("site_stop_phrase", "Comments"),
        ("site_stop_phrase", PROSE[2]),
    ]


def test_explain_lists_every_removal_of_the_seed_page_and_changes_nothing_else() -> None:
    html = FIXTURE.read_text(encoding="utf-8")
    plain = extract_article(html, URL)
    explained = extract_article(html, URL, explain=True)
    assert plain.removed == ()
    assert explained.model_dump() == plain.model_dump()
    rules = [r.rule for r in explained.removed]
    assert {"share_widget", "trailing_block", "title_line", "duplicate"} <= set(rules)
    for removal in explained.removed:
        if removal.rule != "duplicate":  # the other copy of a duplicate stays
            assert removal.text.rstrip("…") not in explained.text


def test_site_selectors_are_explained() -> None:
    html = FIXTURE.read_text(encoding="utf-8").replace(
        "</article>", "<div class='promo'>Buy the print edition today.</div></article>", 1
    )
    site = SiteConfig(
        name="demo",
        start_urls=("https://demo-daily.test/",),
        cleanup=CleanupRules(drop_selectors=(".promo",)),
    )
    record = extract_article(html, URL, site, explain=True)
    assert Removal("site_selector", "Buy the print edition today.") in record.removed
    assert "print edition" not in record.text
