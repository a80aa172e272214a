"""Text cleanup on top of trafilatura: boilerplate paragraphs, escapes, repeats, site rules."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from crawler.text.normalize import normalize_space, repair_escapes, text_key, typographic_count

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Sequence

    from crawler.extract.explain import Explanation
    from crawler.sites import CleanupRules

#: Headings that open the blocks news sites put after the article: they end the text.
TRAILING_HEADINGS: tuple[str, ...] = (
    "Check Out Our Content",
    "Check Out Other Tags",
    "Most Popular Articles",
    "Most Popular",
    "Most Read",
    "Most Viewed",
    "Related Stories",
    "Related Articles",
    "Related Posts",
    "Related News",
    "Related Content",
    "Related Coverage",
    "Related",
    "You may also like",
    "You might also like",
    "You may have missed",
    "We also recommend",
    "Recommended",
    "Recommended for you",
    "Recommended Stories",
    "Recommended Articles",
    "Read more",
    "Read More Stories",
    "Read next",
    "Up next",
    "What to read next",
    "More Stories",
    "More News",
    "More Articles",
    "More from this author",
    "Trending",
    "Trending Now",
    "Trending Stories",
    "Popular Posts",
    "Popular Stories",
    "Latest News",
    "Latest Stories",
    "Latest Articles",
    "Don't Miss",
    "Also Read",
    "See also",
    "Leave a Reply",
    "Leave a comment",
    "Sign up for our newsletter",
    "Subscribe to our newsletter",
)

#: Labels of share widgets; a paragraph made only of these is removed. Bare network names
#: ("Facebook") are not among them: an article may well list those.
SHARE_LABELS: tuple[str, ...] = (
    "Share",
    "Share this",
    "Share this article",
    "Share this story",
    "Share this post",
    "Share article",
    "Share story",
    "Share on Facebook",
    "Share on Twitter",
    "Share on X",
    "Share on LinkedIn",
    "Share on WhatsApp",
    "Share on Reddit",
    "Share on Pinterest",
    "Share on Telegram",
    "Share on Bluesky",
    "Share on Threads",
    "Share via Email",
    "Share by Email",
    "Share via WhatsApp",
    "Post on X",
    "Tweet",
    "Tweet this",
    "Email this",
    "Email this article",
    "Email this story",
    "Copy link",
    "Copy the link",
    "Copy URL",
    "Link copied",
    "Print this article",
    "Print this page",
)

#: Longer paragraphs are never a share widget.
MAX_SHARE_CHARS = 300

#: The share of the text's characters that must come before a trailing-block heading for it to
#: end the text: such a heading in the first half is taken for a real paragraph.
TRAILING_MIN_SHARE = 0.5

#: A paragraph this long is article prose, never part of a trailing block of links and teasers.
PROSE_MIN_CHARS = 200

#: Longer paragraphs are not taken for headings at all (which saves computing their keys).
MAX_HEADING_CHARS = 80

#: A paragraph this long printed again anywhere later in the text is a copy (a page that shows
#: its article twice, once per layout); shorter ones ("Pros", "Step 1") may well repeat.
REPEAT_MIN_CHARS = 160

#: A paragraph this long that parses as a JSON object or array is a widget's data printed as
#: text, not prose; shorter ones may be an example in the article ({"id": 1}).
MIN_DATA_CHARS = 200

#: Punctuation a heading may end with ("Read more:", "Related »"; quotes are folded by then).
_HEADING_END = ' :.…"›>→-–—|'

#: A paragraph made only of share labels, separated by spaces or bullets.
_SHARE_RUN = re.compile(
    r"(?:(?:{labels})[\s|·•/,]*)+".format(
        labels="|".join(re.escape(label) for label in sorted(SHARE_LABELS, key=len, reverse=True))
    ),
    re.IGNORECASE,
)


def heading_key(text: str) -> str:
    """Comparison key of a heading: :func:`~crawler.text.normalize.text_key` without end punctuation."""
    return text_key(text).rstrip(_HEADING_END)


_TRAILING_KEYS = frozenset(heading_key(h) for h in TRAILING_HEADINGS)


def is_trailing_heading(text: str) -> bool:
    """Whether a text is one of the built-in trailing-block headings (end punctuation aside)."""
    return len(text) <= MAX_HEADING_CHARS and heading_key(text) in _TRAILING_KEYS


def is_share_run(text: str) -> bool:
    """Whether a text is made only of share-widget labels ("Share on X · Copy link")."""
    return len(text) <= MAX_SHARE_CHARS and _SHARE_RUN.fullmatch(text) is not None


def normalize_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Paragraphs with escapes repaired and whitespace normalized; empty ones dropped."""
    return [p for text in paragraphs if (p := normalize_space(repair_escapes(text)))]


def drop_title_lines(paragraphs: Sequence[str], title_keys: Collection[str]) -> list[str]:
    """Without paragraphs that repeat the title (as keyed by ``text_key``), wherever they are."""
    if not title_keys:
        return list(paragraphs)
    # A paragraph far longer than every title is not one (and its key is not worth computing).
    longest = 2 * max(map(len, title_keys)) + 16
    return [p for p in paragraphs if len(p) > longest or text_key(p) not in title_keys]


def drop_share_labels(paragraphs: Sequence[str]) -> list[str]:
    """Without paragraphs made only of share-widget labels ("Share on X", "Copy link", ...)."""
    return [p for p in paragraphs if not is_share_run(p)]


def drop_phrases(paragraphs: Sequence[str], phrases: Iterable[str]) -> list[str]:
    """Without paragraphs equal to one of ``phrases`` (case, quotes and whitespace ignored)."""
    keys = {text_key(p) for p in phrases}
    return [p for p in paragraphs if text_key(p) not in keys] if keys else list(paragraphs)


def cut_at_phrases(paragraphs: Sequence[str], phrases: Iterable[str]) -> list[str]:
    """The paragraphs before the first one equal to one of ``phrases`` (a site's stop phrases)."""
    keys = {heading_key(p) for p in phrases}
    for index, paragraph in enumerate(paragraphs):
        if heading_key(paragraph) in keys:
            return list(paragraphs[:index])
    return list(paragraphs)


def cut_trailing_blocks(
    paragraphs: Sequence[str],
    headings: Collection[str] = _TRAILING_KEYS,
    min_share: float = TRAILING_MIN_SHARE,
) -> list[str]:
    """The paragraphs before the first trailing-block heading in the last part of the text.

    A heading (keys as :func:`heading_key` makes them) ends the text only when at least
    ``min_share`` of the characters come before it and no paragraph after it is prose (as long
    as :data:`PROSE_MIN_CHARS`): so a real paragraph is never cut, even after an inline
    "Related Articles" box.
    """
    total = sum(len(p) for p in paragraphs)
    before = 0
    for index, paragraph in enumerate(paragraphs):
        if (
            before >= min_share * total
            and len(paragraph) <= MAX_HEADING_CHARS
            and heading_key(paragraph) in headings
            and all(len(p) < PROSE_MIN_CHARS for p in paragraphs[index + 1 :])
        ):
            return list(paragraphs[:index])
        before += len(paragraph)
    return list(paragraphs)


def collapse_duplicates(paragraphs: Sequence[str]) -> list[str]:
    """Consecutive repeats of a paragraph collapsed to one, keeping the most typographic copy.

    Repeats are compared with quotes folded, whitespace collapsed and case ignored, so a caption
    printed once with ``\\'`` escapes and once with curly quotes counts as one.
    """
    kept: list[str] = []
    kept_key: str | None = None  # key of kept[-1], computed when first needed
    for paragraph in paragraphs:
        if kept and _similar_length(paragraph, kept[-1]):
            kept_key = kept_key if kept_key is not None else text_key(kept[-1])
            if text_key(paragraph) == kept_key:
                if typographic_count(paragraph) > typographic_count(kept[-1]):
                    kept[-1] = paragraph
                continue
        kept.append(paragraph)
        kept_key = None
    return kept


def drop_repeats(paragraphs: Sequence[str]) -> list[str]:
    """Without later copies of a paragraph of :data:`REPEAT_MIN_CHARS` or more, wherever they are
    (exact copies, whitespace aside)."""
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) >= REPEAT_MIN_CHARS:
            if paragraph in seen:
                continue
            seen.add(paragraph)
        kept.append(paragraph)
    return kept


def drop_data(paragraphs: Sequence[str]) -> list[str]:
    """Without paragraphs that are a JSON object or array of :data:`MIN_DATA_CHARS` or more (a
    product widget's settings printed into the page)."""
    return [p for p in paragraphs if not _is_data(p)]


def _is_data(paragraph: str) -> bool:
    """Whether a paragraph is a JSON object or array of :data:`MIN_DATA_CHARS` or more."""
    if len(paragraph) < MIN_DATA_CHARS or paragraph[0] not in "{[" or paragraph[-1] not in "}]":
        return False
    try:
        return isinstance(json.loads(paragraph), (dict, list))
    except ValueError:
        return False


def _similar_length(a: str, b: str) -> bool:
    """Whether two paragraphs are close enough in length to be copies (escapes, spacing aside)."""
    return abs(len(a) - len(b)) <= 4 + max(len(a), len(b)) // 10


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the paragraph cleanup: a rule code and what the step keeps.

    ``keep`` takes the paragraphs and returns the kept ones, in order; it may only drop
    paragraphs (or keep the better of two copies), so what it removed can be told from its
    input and output and recorded under ``rule``.
    """

    rule: str
    keep: Callable[[Sequence[str]], list[str]]


def cleanup_steps(
    rules: CleanupRules | None = None, title_keys: Collection[str] = ()
) -> list[Step]:
    """The built-in steps and the site's, in order: title lines, share labels, data, site
    phrases, site stop phrases, trailing blocks, consecutive duplicates, later copies of long
    paragraphs."""
    steps = [
        Step("title_line", partial(drop_title_lines, title_keys=title_keys)),
        Step("share_widget", drop_share_labels),
        Step("data", drop_data),
    ]
    if rules is not None:
        steps.append(Step("site_drop_phrase", partial(drop_phrases, phrases=rules.drop_phrases)))
        steps.append(Step("site_stop_phrase", partial(cut_at_phrases, phrases=rules.stop_phrases)))
    steps.append(Step("trailing_block", cut_trailing_blocks))
    steps.append(Step("duplicate", collapse_duplicates))
    steps.append(Step("duplicate", drop_repeats))
    return steps


def run_steps(
    paragraphs: Sequence[str], steps: Iterable[Step], explanation: Explanation | None = None
) -> list[str]:
    """``paragraphs`` through each step in turn; each step's removals go to ``explanation``."""
    kept = list(paragraphs)
    for step in steps:
        before, kept = kept, step.keep(kept)
        if explanation is not None:
            explanation.removed_paragraphs(step.rule, before, kept)
    return kept


def clean_paragraphs(
    paragraphs: Iterable[str],
    rules: CleanupRules | None = None,
    *,
    title_keys: Collection[str] = (),
    extra_steps: Sequence[Step] = (),
    explanation: Explanation | None = None,
) -> list[str]:
    """Paragraphs normalized, then through :func:`cleanup_steps` and ``extra_steps``.

    Args:
        paragraphs: the text's paragraphs as extraction gave them.
        rules: the site's rules; ``None`` for the built-in rules only.
        title_keys: ``text_key`` of every title-like string, to drop lines that repeat the title.
        extra_steps: steps run after the built-in ones (a site's learned boilerplate, say).
        explanation: collects what each step removed, if given.

    Returns:
        The cleaned paragraphs.
    """
    steps = [*cleanup_steps(rules, title_keys), *extra_steps]
    return run_steps(normalize_paragraphs(paragraphs), steps, explanation)
