"""Exact dedupe decisions for one batch, as a pure function of the batch and what already exists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from warehouse.rows import ArticleRow, RejectRow

DECISIONS: Final = (
    "new",
    "updated",
    "unchanged",
    "duplicate_url",
    "duplicate_content",
    "near_duplicate",
    "rejected",
)
"""Every decision an item can get, in report order."""

DUPLICATE_DECISIONS: Final = ("duplicate_url", "duplicate_content", "near_duplicate")


@dataclass(frozen=True, slots=True)
class Decision:
    """What became of one item; one ``decisions`` row."""

    site: str
    url: str
    url_key: str | None
    decision: str
    article_id: int | None = None
    """The article this item created or refreshed (``new``, ``updated``, ``unchanged``)."""
    matched_article_id: int | None = None
    """The earlier article this item duplicates."""
    similarity: float | None = None
    reason: str | None = None
    """Reject reason code, for ``rejected``."""
    method: str | None = None
    """How the match was found: ``url_key``, ``content_key`` or the near-duplicate method."""
    detail: str | None = None
    """A sentence for people: why this decision, when the decision alone does not say."""


@dataclass(slots=True)
class KnownArticle:
    """The dedupe-relevant state of one article already in the warehouse."""

    article_id: int
    url_key: str
    content_key: str
    last_seen_run: str
    version_count: int


@dataclass(slots=True)
class Plan:
    """What a batch writes: decisions and the article changes they imply."""

    decisions: list[Decision] = field(default_factory=list)
    new: list[tuple[int, ArticleRow]] = field(default_factory=list)
    """``(article_id, row)`` of each new article; it also gets version 1."""
    updated: list[tuple[int, int, ArticleRow]] = field(default_factory=list)
    """``(article_id, version, row)`` of each article whose text changed."""
    unchanged: list[tuple[int, ArticleRow]] = field(default_factory=list)
    """``(article_id, row)`` of each article seen again with the same text."""


def as_utc(value: datetime) -> datetime:
    """Return ``value`` in UTC, reading a naive datetime as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def processing_order(row: ArticleRow) -> tuple[bool, datetime, str, str, str]:
    """Sort key that makes decisions independent of arrival order within a batch.

    By ``published_at`` (missing dates last), then ``url_key``, then ``fetched_url``, then
    ``content_key`` so that even two fetches of one URL with different texts have a fixed order.
    """
    published = row.published_at
    missing = published is None
    when = datetime.min.replace(tzinfo=UTC) if published is None else as_utc(published)
    return (missing, when, row.url_key, row.fetched_url, row.content_key)


def plan_batch(
    run_id: str,
    articles: Sequence[ArticleRow],
    known: Iterable[KnownArticle],
    next_article_id: int,
) -> Plan:
    """Decide what each article of a batch is, as if they were committed one after another.

    Rules, in order: an existing ``url_key`` already seen in this run is ``duplicate_url``; with
    the same ``content_key`` it is ``unchanged``, else ``updated`` (a new version). Otherwise an
    article anywhere with the same ``content_key`` makes it ``duplicate_content`` (matching the
    lowest ``article_id``). Otherwise it is ``new``.

    Args:
        run_id: The run the batch belongs to.
        articles: The batch's articles, in any order.
        known: Every existing article sharing a ``url_key`` or ``content_key`` with the batch.
        next_article_id: The id to give the first new article; later ones count up.

    Returns:
        The plan; its decisions follow :func:`processing_order`.
    """
    by_url: dict[str, KnownArticle] = {}
    by_content: dict[str, set[int]] = {}
    for article in known:
        by_url[article.url_key] = article
        by_content.setdefault(article.content_key, set()).add(article.article_id)

    plan = Plan()
    next_id = next_article_id
    for row in sorted(articles, key=processing_order):
        seen = by_url.get(row.url_key)
        if seen is not None:
            if seen.last_seen_run == run_id:
                plan.decisions.append(
                    _decision(row, "duplicate_url", matched_article_id=seen.article_id)
                )
                continue
            seen.last_seen_run = run_id
            if seen.content_key == row.content_key:
                plan.unchanged.append((seen.article_id, row))
                plan.decisions.append(_decision(row, "unchanged", article_id=seen.article_id))
                continue
            by_content[seen.content_key].discard(seen.article_id)
            seen.content_key = row.content_key
            by_content.setdefault(row.content_key, set()).add(seen.article_id)
            seen.version_count += 1
            plan.updated.append((seen.article_id, seen.version_count, row))
            plan.decisions.append(_decision(row, "updated", article_id=seen.article_id))
            continue
        same_text = by_content.get(row.content_key)
        if same_text:
            plan.decisions.append(
                _decision(
                    row, "duplicate_content", matched_article_id=min(same_text), similarity=1.0
                )
            )
            continue
        article = KnownArticle(next_id, row.url_key, row.content_key, run_id, 1)
        next_id += 1
        by_url[row.url_key] = article
        by_content.setdefault(row.content_key, set()).add(article.article_id)
        plan.new.append((article.article_id, row))
        plan.decisions.append(_decision(row, "new", article_id=article.article_id))
    return plan


def reject_decisions(rejects: Iterable[RejectRow]) -> list[Decision]:
    """Return the ``rejected`` decision of each reject, its reason code as the reason.

    Args:
        rejects: The batch's rejects.

    Returns:
        One decision per reject, in the given order.
    """
    return [
        Decision(site=r.site, url=r.url, url_key=None, decision="rejected", reason=r.reason)
        for r in rejects
    ]


def _decision(
    row: ArticleRow,
    decision: str,
    *,
    article_id: int | None = None,
    matched_article_id: int | None = None,
    similarity: float | None = None,
) -> Decision:
    """Build the decision for an article row."""
    return Decision(
        site=row.site,
        url=row.url,
        url_key=row.url_key,
        decision=decision,
        article_id=article_id,
        matched_article_id=matched_article_id,
        similarity=similarity,
    )
