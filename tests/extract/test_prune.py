"""Page furniture removed from the tree before extraction."""

from __future__ import annotations

from crawler.extract.cleanup import PROSE_MIN_CHARS
from crawler.extract.dom import parse_html
from crawler.extract.explain import Explanation
from crawler.extract.prune import own_text, prune_furniture

LONG = (
    "A real paragraph of the article, long enough to be prose: it tells the reader what "
    "happened, who was there, what they said and why it matters to everyone who lives nearby, "
    "and what comes next for the council, the residents and the builders."
)


def page(body: str) -> str:
    return f"<html><head><title>t</title></head><body><article>{body}</article></body></html>"


def texts_after_pruning(body: str) -> tuple[int, str]:
    tree = parse_html(page(body))
    assert tree is not None
    removed = prune_furniture(tree)
    return removed, " ".join(tree.text_content().split())


def test_long_paragraph_counts_as_prose() -> None:
    assert len(LONG) >= PROSE_MIN_CHARS


def test_share_widget_list_is_removed() -> None:
    removed, text = texts_after_pruning(
        f"<p>{LONG}</p><ul class='tools'><li><a href='#'>Share on Facebook</a></li>"
        "<li><a href='#'><i class='icon'></i> Share on X</a></li>"
        "<li><button>Copy link</button></li></ul>"
    )
    assert removed == 1
    assert "Share on" not in text
    assert "Copy link" not in text
    assert LONG in text


def test_share_words_inside_prose_stay() -> None:
    body = (
        "<p>Readers can <a href='/x'>share on Facebook</a> or on any network they like, "
        "the editors said on Monday.</p><ul><li>Facebook</li><li>Twitter</li></ul>"
    )
    removed, text = texts_after_pruning(body)
    assert removed == 0
    assert "share on Facebook or on any network" in text
    assert text.endswith("FacebookTwitter")


def test_related_stories_section_is_removed() -> None:
    removed, text = texts_after_pruning(
        f"<p>{LONG}</p><section class='more'><h2>Related Stories</h2>"
        "<div><h3><a href='/a'>Another headline</a></h3><p>Its short teaser.</p></div></section>"
    )
    assert removed == 1
    assert "Related Stories" not in text
    assert "Its short teaser." not in text


def test_block_opened_by_a_bold_heading_is_removed() -> None:
    removed, text = texts_after_pruning(
        f"<div class='content'><p>{LONG}</p>"
        "<div class='more'><p><strong>Check Out Our Content</strong></p>"
        "<ul><li><a href='/'>Latest News</a></li></ul></div></div>"
    )
    assert removed == 1
    assert "Check Out Our Content" not in text
    assert "Latest News" not in text
    assert LONG in text


def test_container_with_prose_is_kept() -> None:
    removed, text = texts_after_pruning(f"<div><h2>Related</h2><p>{LONG}</p></div>")
    assert removed == 0
    assert "Related" in text


def test_inline_read_more_paragraph_is_kept() -> None:
    body = (
        f"<div class='content'><p>{LONG}</p>"
        "<p><strong>Read more:</strong> <a href='/b'>A linked headline</a></p>"
        f"<p>{LONG}</p></div>"
    )
    removed, text = texts_after_pruning(body)
    assert removed == 0
    assert "Read more: A linked headline" in text


def test_heading_not_first_in_its_container_is_kept() -> None:
    removed, _ = texts_after_pruning(
        "<div><p>An intro line.</p><h2>Related Stories</h2><p>One link</p></div>"
    )
    assert removed == 0


def test_own_text_skips_children_but_keeps_their_tails() -> None:
    tree = parse_html(page("<a id='x'><i>icon</i> Share <b>bold</b>on X</a>"))
    assert tree is not None
    (link,) = tree.xpath("//a[@id='x']")
    assert " ".join(own_text(link).split()) == "Share on X"


def test_disclaimer_popup_and_carousel_boxes_are_removed_with_their_rules() -> None:
    tree = parse_html(
        page(
            f"<p>{LONG}</p><p>{LONG}</p>"
            "<div class='affiliate-Disclosure'>We may earn a commission from links.</div>"
            "<div id='newsletterModal'><p>Sign up for the briefing</p>"
            "<div class='modal-body'>Enter your email</div></div>"
            "<ul class='photo-carousel'><li>Photo one</li><li>Photo two</li></ul>"
        )
    )
    assert tree is not None
    explanation = Explanation(enabled=True)
    assert prune_furniture(tree, explanation) == 3
    assert [r.rule for r in explanation.removals] == ["disclaimer", "popup", "carousel"]
    text = " ".join(tree.text_content().split())
    assert text.endswith(f"{LONG}{LONG}")
    for gone in ("commission", "Sign up", "email", "Photo"):
        assert gone not in text


def test_cookie_notices_and_tooltips_are_boxes_too() -> None:
    tree = parse_html(
        page(
            f"<p>{LONG}</p><div id='cookie-notice'>We use cookies to improve the site.</div>"
            "<span class='tooltip-text'>Annual percentage yield</span>"
        )
    )
    assert tree is not None
    explanation = Explanation(enabled=True)
    assert prune_furniture(tree, explanation) == 2
    assert [r.rule for r in explanation.removals] == ["consent", "tooltip"]


def test_a_box_holding_most_of_the_text_is_the_article_and_stays() -> None:
    removed, text = texts_after_pruning(f"<div class='modal'><p>{LONG}</p></div><p>Short.</p>")
    assert removed == 0
    assert LONG in text
