"""Site boilerplate learning: keys, the rule, cold starts, order, copies and user rules."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from crawler.demo.writer import Writer
from crawler.text.normalize import text_key
from pipelines.boilerplate.learner import (
    DEFAULT_RULE,
    BoilerplateLearner,
    KeyCount,
    LearnRule,
    _fold,
    apply_site_boilerplate,
    learn_pages,
    page_contexts,
    paragraph_key,
    split_paragraphs,
    strip_boilerplate,
)

APPEAL = (
    "The Daily Example is reader-funded. No paywall, no billionaire owner: if you value this "
    "reporting, support us from $1."
)
FOOTNOTE = "This story was corrected: an earlier version misstated a date. We regret the error."


def articles(count: int, seed: int = 1) -> list[list[str]]:
    """``count`` different articles' paragraphs (caption, then body blocks)."""
    writer = Writer(seed)
    stories = [
        writer.story(datetime(2025, 1, 1 + i % 28, tzinfo=UTC), ("world",), i) for i in range(count)
    ]
    return [[s.caption, *(b.text for b in s.blocks)] for s in stories]


def with_boilerplate(paragraphs: list[str], *extra: str) -> list[str]:
    middle = len(paragraphs) // 2
    return [*paragraphs[:middle], *extra[:1], *paragraphs[middle:], *extra[1:]]


def learned_texts(learner: BoilerplateLearner, pages: list[list[str]]) -> set[str]:
    keys = learner.learned()
    return {p for page in pages for p in page if paragraph_key(p) in keys}


# --- keys --------------------------------------------------------------------------------------


def test_paragraph_key_ignores_typography_and_years_but_not_figures() -> None:
    assert paragraph_key("It’s  “free”") == paragraph_key('it\'s "FREE"')
    assert paragraph_key("North Korea\\'s plan") == paragraph_key("North Korea's plan")
    assert paragraph_key("© 2025 The Daily X") == paragraph_key("© 2026 The Daily X")
    assert paragraph_key("The index closed at 4,512.") != paragraph_key(
        "The index closed at 4,498."
    )
    assert len(paragraph_key("x")) == 16


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII text, with a 2025 year.",
        "Curly ‘quotes’ and “doubles” and a backtick ` here",
        "Tab\tand\nnewline",
        "No\u00a0break and soft\u00adhyphen",
        "A backslash \\' escape",
        "Zero\u200bwidth, BOM\ufeff, C1 \x92 control",
        "Ünïcödé «guillemets» and ″double prime″",
    ],
)
def test_the_quick_fold_equals_text_key(text: str) -> None:
    import re

    assert _fold(text) == re.sub(r"\b(?:19|20)\d\d\b", "0000", text_key(text))


def test_context_values_tell_copies_from_other_articles() -> None:
    first, second = articles(2)
    values = page_contexts(first, 8)
    assert len(values) == 8
    assert values == tuple(sorted(values))
    assert page_contexts([p.upper() for p in first], 8) == values, "typography does not count"
    edited = [*first[:-1], first[-1] + " One sentence more."]
    assert len(set(page_contexts(edited, 8)) & set(values)) >= 6
    assert len(set(page_contexts(second, 8)) & set(values)) <= 1, "stock phrases aside"
    assert page_contexts(["Two words"], 8) == page_contexts(["two  words"], 8)
    assert len(page_contexts(["Two words"], 8)) == 1


def test_split_paragraphs() -> None:
    assert split_paragraphs("One.\n\nTwo.\n \nThree.\n\n\n") == ["One.", "Two.", "Three."]


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "chars", "required"),
    [
        (3, 100, 3),  # cold start: every page
        (5, 100, 3),  # more than half
        (10, 100, 5),
        (20, 100, 10),
        (100, 100, 10),  # 10 pages once half is more
        (1000, 100, 20),  # 2 % of the pages for a sentence or two
        (1000, 30, 200),  # 20 % for a heading-like line
        (1000, 300, 200),  # and for a longer paragraph
        (60, 30, 12),
    ],
)
def test_required_pages(total: int, chars: int, required: int) -> None:
    assert DEFAULT_RULE.required_pages(total, chars) == required


def test_contexts_needed_is_more_than_two_articles_give() -> None:
    assert 2 * DEFAULT_RULE.context_values < DEFAULT_RULE.contexts_needed
    assert DEFAULT_RULE.contexts_needed <= 3 * DEFAULT_RULE.context_values


# --- learning ----------------------------------------------------------------------------------


def test_cold_start_three_pages_learn_what_they_all_repeat() -> None:
    pages = [with_boilerplate(a, APPEAL, FOOTNOTE) for a in articles(3)]
    learner = BoilerplateLearner()
    for i, page in enumerate(pages):
        learner.add(page, f"u{i}")
    assert learned_texts(learner, pages) == {APPEAL, FOOTNOTE}


def test_cold_start_a_paragraph_on_two_of_three_pages_is_not_learned() -> None:
    pages = [with_boilerplate(a, APPEAL) for a in articles(2)] + articles(1, seed=2)
    learner = learn_pages((f"u{i}", "\n\n".join(p)) for i, p in enumerate(pages))
    assert learner.learned() == frozenset()


def test_cold_start_five_pages_need_three() -> None:
    base = articles(5)
    three = [with_boilerplate(a, APPEAL) if i < 3 else a for i, a in enumerate(base)]
    learner = learn_pages((f"u{i}", "\n\n".join(p)) for i, p in enumerate(three))
    assert learned_texts(learner, three) == {APPEAL}
    six = [*three, *articles(1, seed=3)]  # 3 of 6 is half: still enough
    assert learned_texts(learn_pages((f"u{i}", "\n\n".join(p)) for i, p in enumerate(six)), six)
    seven = [*six, *articles(1, seed=4)]  # 3 of 7 is not
    assert not learn_pages((f"u{i}", "\n\n".join(p)) for i, p in enumerate(seven)).learned()


def test_learned_does_not_depend_on_page_order() -> None:
    rng = random.Random(5)
    pages = []
    for i, article in enumerate(articles(40)):
        extra = [APPEAL] if rng.random() < 0.3 else []
        if i % 3 == 0:
            extra.append(FOOTNOTE)
        pages.append((f"u{i}", "\n\n".join(with_boilerplate(article, *extra))))
    first = learn_pages(pages)
    assert first.learned(), "something is learned, or the test shows nothing"
    for seed in range(5):
        shuffled = pages[:]
        random.Random(seed).shuffle(shuffled)
        again = learn_pages(shuffled)
        assert again.learned() == first.learned()
        assert again.candidates() == first.candidates()


def test_copies_of_one_article_do_not_teach_its_paragraphs() -> None:
    writer = Writer(9)
    story = writer.story(datetime(2025, 3, 1, tzinfo=UTC), ("world",), 0)
    context = writer.contexts[story.path]
    original = [story.caption, *(b.text for b in story.blocks)]
    edits = []
    blocks = story.blocks
    for _ in range(3):
        blocks = writer.gen.revise(context, blocks)
        edits.append([story.caption, *(b.text for b in blocks)])
    others = articles(2, seed=10)
    pages = [
        ("original", original),
        ("syndicated", original),  # the same text at another URL
        ("original", edits[0]),  # the same URL fetched again, edited
        *((f"republished-{i}", text) for i, text in enumerate(edits)),
        *((f"other-{i}", text) for i, text in enumerate(others)),
    ]
    pages = [(url, with_boilerplate(text, APPEAL)) for url, text in pages]
    learner = learn_pages((url, "\n\n".join(text)) for url, text in pages)
    assert learner.total == 6, "the syndicated copy and the refetch are not counted again"
    shared = paragraph_key(next(p for p in original[1:] if all(p in e for e in edits)))
    count = learner.count(shared)
    assert count is not None
    assert count.pages == 4, "the original and its three edited re-publications: 4 of 6 pages"
    assert len(count.contexts) < DEFAULT_RULE.contexts_needed
    assert learned_texts(learner, [t for _, t in pages]) == {APPEAL}
    trusting = learn_pages(
        ((url, "\n\n".join(text)) for url, text in pages), LearnRule(contexts_needed=1)
    )
    assert shared in trusting.learned(), "without the context rule the copies would teach it"


def test_a_page_is_counted_once() -> None:
    (page,) = articles(1)
    learner = BoilerplateLearner()
    assert learner.add(page, "u1")
    assert not learner.add(page, "u1")
    assert not learner.add(page, "u2"), "the same text at another URL"
    assert not learner.add([*page, "A new paragraph."], "u1"), "the same URL, edited"
    assert not learner.add([], "u3")
    assert learner.total == 1


def test_restored_learner_goes_on_as_if_never_stopped() -> None:
    pages = [
        (f"u{i}", "\n\n".join(with_boilerplate(a, APPEAL if i % 2 else FOOTNOTE)))
        for i, a in enumerate(articles(24))
    ]
    whole = learn_pages(pages)
    counts: dict[str, KeyCount] = {}
    seen = []
    for start in range(0, 12, 4):  # three batches, their changes stored
        partial = BoilerplateLearner.restore(counts.items(), seen)
        for url, text in pages[start : start + 4]:
            partial.add(split_paragraphs(text), url)
        changes = partial.take_changes()
        counts.update(changes.counts)
        seen.extend(changes.pages)
    rest = BoilerplateLearner.restore(counts.items(), seen)
    for url, text in pages:  # the first twelve again: not counted twice
        rest.add(split_paragraphs(text), url)
    assert rest.total == whole.total == 24
    assert rest.candidates() == whole.candidates()
    assert rest.learned() == whole.learned()


# --- stripping ---------------------------------------------------------------------------------


def test_strip_boilerplate_user_keep_beats_learning_and_drop_always_drops() -> None:
    paragraphs = ["Intro.", APPEAL, "Body.", FOOTNOTE]
    learned = {paragraph_key(APPEAL), paragraph_key(FOOTNOTE)}
    kept, removed = strip_boilerplate(paragraphs, learned)
    assert (kept, removed) == (["Intro.", "Body."], [APPEAL, FOOTNOTE])
    keep = {paragraph_key(FOOTNOTE.upper())}
    drop = learned | {paragraph_key("intro.")}
    kept, removed = strip_boilerplate(paragraphs, drop, keep)
    assert (kept, removed) == (["Body.", FOOTNOTE], ["Intro.", APPEAL])


def test_apply_site_boilerplate_on_a_stored_text() -> None:
    text = f"Intro.\n\n{APPEAL}\n\nBody."
    assert apply_site_boilerplate(text, {paragraph_key(APPEAL)}) == ("Intro.\n\nBody.", [APPEAL])
    assert apply_site_boilerplate(text, {paragraph_key("Other.")}) == (text, [])
