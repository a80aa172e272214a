"""What extraction removed and why: one :class:`Removal` per removed piece, in order.

``extract_article(..., explain=True)`` fills ``ExtractedArticle.removed``; without it nothing
is recorded. Rule codes are short and stable:

- ``share_widget``: share buttons ("Share on X · Copy link"), as page elements or paragraphs.
- ``trailing_block``: a "Related Stories" / "Most Popular" block after the article, and
  everything after its heading.
- ``disclaimer``, ``popup``, ``carousel``, ``consent``, ``tooltip``: a box whose class or id
  names it so (an affiliate disclaimer, a newsletter pop-up or modal, a carousel, a cookie
  notice, a tooltip).
- ``outside_article``: text after the article, or a short line before it, that lies outside
  the page element holding the article.
- ``title_line``: a paragraph repeating the title.
- ``data``: a paragraph that is a JSON object or array (a widget's settings printed as text).
- ``site_drop_phrase`` / ``site_stop_phrase``: the site's ``drop_phrases``, and what follows one
  of its ``stop_phrases``.
- ``duplicate``: a paragraph repeating the one before it (a caption printed twice).
- ``site_selector``: an element the site's ``drop_selectors`` name.
- ``site_boilerplate``: a paragraph the site's boilerplate holds, learned from its crawled pages
  or set with ``gleaner boilerplate`` (shown by ``gleaner extract --site NAME --explain``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

#: Removed text longer than this is shown cut, with an ellipsis.
MAX_REMOVAL_CHARS = 160


@dataclass(frozen=True, slots=True)
class Removal:
    """One piece of the page extraction removed, and the rule that removed it."""

    rule: str
    """The rule's code (``share_widget``, ``trailing_block``, ``duplicate``, ...)."""
    text: str
    """The removed text on one line, cut to :data:`MAX_REMOVAL_CHARS` characters."""


def shorten(text: str, limit: int = MAX_REMOVAL_CHARS) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut + "…"


def removals(rule: str, texts: Iterable[str]) -> tuple[Removal, ...]:
    """One :class:`Removal` by ``rule`` for each of ``texts``."""
    return tuple(Removal(rule, shorten(text)) for text in texts if text.strip())


@dataclass(slots=True)
class Explanation:
    """Collects removals when enabled; when not, every call is a no-op."""

    enabled: bool = False
    removals: list[Removal] = field(default_factory=list)

    def removed(self, rule: str, text: str) -> None:
        """Record that ``rule`` removed ``text`` (blank text is not recorded)."""
        if self.enabled and text.strip():
            self.removals.append(Removal(rule, shorten(text)))

    def removed_paragraphs(self, rule: str, before: Sequence[str], after: Sequence[str]) -> None:
        """Record every paragraph of ``before`` that a step taking it to ``after`` removed.

        Steps only drop paragraphs (or keep a better copy of a repeated one), so a paragraph of
        ``before`` is kept when it is the next one of ``after`` still unmatched.
        """
        if not self.enabled:
            return
        position = 0
        for paragraph in before:
            if position < len(after) and after[position] == paragraph:
                position += 1
            else:
                self.removed(rule, paragraph)
