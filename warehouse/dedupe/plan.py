"""Exact dedupe decisions for one batch, as a pure function of the batch and what already exists."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from warehouse.rows import ArticleRow, RejectRow, SkippedRow

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
ARTICLE_DECISIONS: Final = frozenset({"new", "updated", "unchanged", "near_duplicate"})
"""Decisions that leave the item stored as an article (its ``article_id``)."""


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
    cluster_id: int | None = None
    text: str | None = None
    """Its current text, loaded only when a batch may need it (a changed text at its URL)."""


class NearMatcher(Protocol):
    """Finds the earlier article an article nearly duplicates, and learns each new article."""

    method: str
    """Name recorded with each near-duplicate decision."""

    def match(self, row: ArticleRow) -> tuple[int, int, float] | None:
        """``(article_id, cluster_id, similarity)`` of the closest near-duplicate, if any."""

    def add(self, article_id: int, cluster_id: int, row: ArticleRow) -> None:
        """Make a newly stored article findable by later rows of the batch."""

    def update(self, article_id: int, cluster_id: int, row: ArticleRow) -> None:
        """Make an article findable by its new text only."""

    def similarity(self, a: str, b: str) -> float:
        """How alike two texts are, in [0, 1]."""

    def is_near(self, similarity: float) -> bool:
        """Whether a similarity makes two texts near-duplicates."""


@dataclass(slots=True)
class Plan:
    """What a batch writes: decisions and the article changes they imply."""

    decisions: list[Decision] = field(default_factory=list)
    new: list[tuple[int, int, ArticleRow]] = field(default_factory=list)
    """``(article_id, cluster_id, row)`` of each new article; it also gets version 1."""
    updated: list[tuple[int, int, ArticleRow]] = field(default_factory=list)
    """``(article_id, version, row)`` of each article whose text changed."""
    unchanged: list[tuple[int, ArticleRow]] = field(default_factory=list)
    """``(article_id, row)`` of each article seen again with the same text."""
    seen: list[tuple[int, datetime]] = field(default_factory=list)
    """``(article_id, seen_at)`` of each article listed again but not fetched."""


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


class _Planner:
    """The state of one batch's planning: what exists, as each row is decided in turn."""

    def __init__(
        self,
        run_id: str,
        known: Iterable[KnownArticle],
        next_article_id: int,
        near: NearMatcher | None,
    ) -> None:
        self.run_id = run_id
        self.near = near
        self.next_id = next_article_id
        self.by_url: dict[str, KnownArticle] = {}
        self.by_content: dict[str, set[int]] = {}
        for article in known:
            self.by_url[article.url_key] = article
            self.by_content.setdefault(article.content_key, set()).add(article.article_id)
        self.plan = Plan()

    def skip(self, rows: Sequence[SkippedRow]) -> None:
        """Count the articles of links not fetched as seen in this run."""
        by_id = {a.article_id: a for a in self.by_url.values()}
        for r in rows:
            if r.article_id is None:
                continue
            self.plan.seen.append((r.article_id, r.seen_at))
            if r.article_id in by_id:
                by_id[r.article_id].last_seen_run = self.run_id

    def decide(self, row: ArticleRow) -> None:
        """Decide one article row and record what it writes."""
        row, detail = self._trusted(row)
        seen = self.by_url.get(row.url_key)
        if seen is not None:
            self._seen_again(row, seen, detail)
            return
        same_text = self.by_content.get(row.content_key)
        if same_text:
            self._add(
                row,
                "duplicate_content",
                matched_article_id=min(same_text),
                similarity=1.0,
                method="content_key",
                detail=detail,
            )
            return
        found = self.near.match(row) if self.near is not None else None
        article_id = self.next_id
        self.next_id += 1
        if found is None:
            cluster_id = article_id
            self._add(row, "new", article_id=article_id, detail=detail)
        else:
            matched, cluster_id, similarity = found
            assert self.near is not None
            self._add(
                row,
                "near_duplicate",
                article_id=article_id,
                matched_article_id=matched,
                similarity=similarity,
                method=self.near.method,
                detail=detail,
            )
        article = KnownArticle(
            article_id, row.url_key, row.content_key, self.run_id, 1, cluster_id, row.text
        )
        self.by_url[row.url_key] = article
        self.by_content.setdefault(row.content_key, set()).add(article_id)
        self.plan.new.append((article_id, cluster_id, row))
        if self.near is not None:
            self.near.add(article_id, cluster_id, row)

    def _trusted(self, row: ArticleRow) -> tuple[ArticleRow, str | None]:
        """``row`` keyed by its canonical URL when that can be trusted, else by its fetched URL.

        A ``rel=canonical`` naming an article whose text differs (and is not a near-duplicate of
        this one) is a site's mistake, such as every page naming its home page.
        """
        fetched_key = row.fetched_key
        if fetched_key is None or fetched_key == row.url_key:
            return row, None
        named = self.by_url.get(row.url_key)
        if named is None or named.content_key == row.content_key or named.text is None:
            return row, None
        if self.near is not None and self.near.is_near(self.near.similarity(named.text, row.text)):
            return row, None
        detail = (
            f"rel=canonical names article {named.article_id}, whose text differs; "
            "kept at the fetched URL"
        )
        return replace(row, url=row.fetched_url, url_key=fetched_key, fetched_key=None), detail

    def _seen_again(self, row: ArticleRow, seen: KnownArticle, detail: str | None) -> None:
        """A row whose URL is already an article: a duplicate in this run, or its next fetch."""
        if seen.last_seen_run == self.run_id:
            self._add(
                row,
                "duplicate_url",
                matched_article_id=seen.article_id,
                similarity=1.0 if seen.content_key == row.content_key else None,
                method="url_key",
                detail=detail,
            )
            return
        seen.last_seen_run = self.run_id
        if seen.content_key == row.content_key:
            self.plan.unchanged.append((seen.article_id, row))
            self._add(row, "unchanged", article_id=seen.article_id, method="url_key", detail=detail)
            return
        similarity = None
        if self.near is not None and seen.text is not None:
            similarity = self.near.similarity(seen.text, row.text)
        self.by_content[seen.content_key].discard(seen.article_id)
        seen.content_key = row.content_key
        seen.text = row.text
        self.by_content.setdefault(row.content_key, set()).add(seen.article_id)
        seen.version_count += 1
        if self.near is not None:
            cluster_id = seen.cluster_id if seen.cluster_id is not None else seen.article_id
            self.near.update(seen.article_id, cluster_id, row)
        self.plan.updated.append((seen.article_id, seen.version_count, row))
        self._add(
            row,
            "updated",
            article_id=seen.article_id,
            similarity=similarity,
            method="url_key",
            detail=detail or f"version {seen.version_count}",
        )

    def _add(self, row: ArticleRow, decision: str, **fields: Any) -> None:
        self.plan.decisions.append(
            Decision(site=row.site, url=row.url, url_key=row.url_key, decision=decision, **fields)
        )


def plan_batch(
    run_id: str,
    articles: Sequence[ArticleRow],
    known: Iterable[KnownArticle],
    next_article_id: int,
    near: NearMatcher | None = None,
    skipped: Sequence[SkippedRow] = (),
) -> Plan:
    """Decide what each article of a batch is, as if they were committed one after another.

    Rules, in order: a ``rel=canonical`` naming an existing article with another text (not a
    near-duplicate) is not trusted, and the row is keyed by its fetched URL. An existing
    ``url_key`` already seen in this run is ``duplicate_url``; with the same ``content_key`` it is
    ``unchanged``, else ``updated`` (a new version). Otherwise an article anywhere with the same
    ``content_key`` makes it ``duplicate_content`` (matching the lowest ``article_id``). Otherwise
    an article that ``near`` finds alike makes it a ``near_duplicate``: stored as an article of
    its own in the matched article's cluster. Otherwise it is ``new``, a cluster of its own.

    Args:
        run_id: The run the batch belongs to.
        articles: The batch's articles, in any order.
        known: Every existing article sharing a ``url_key`` (or ``fetched_key``) or
            ``content_key`` with the batch; ``text`` set where the batch brings a different text
            for its URL.
        next_article_id: The id to give the first new article; later ones count up.
        near: The near-duplicate matcher, primed with the warehouse's candidates; ``None``
            turns near-duplicate detection off.
        skipped: Links of the batch not fetched; their articles count as seen in this run.

    Returns:
        The plan; its decisions follow :func:`processing_order`.
    """
    planner = _Planner(run_id, known, next_article_id, near)
    planner.skip(skipped)
    for row in sorted(articles, key=processing_order):
        planner.decide(row)
    return planner.plan


def skipped_decisions(rows: Iterable[SkippedRow]) -> list[Decision]:
    """The decision of each link the crawl did not fetch: what the warehouse already knew of it."""
    return [
        Decision(
            site=r.site,
            url=r.url,
            url_key=r.url_key,
            decision=r.decision,
            article_id=r.article_id,
            matched_article_id=r.matched_article_id,
            similarity=r.similarity,
            reason=r.reason,
            method=r.method,
            detail=r.detail,
        )
        for r in rows
    ]


def reject_decisions(rejects: Iterable[RejectRow]) -> list[Decision]:
    """Return the ``rejected`` decision of each reject, its reason code as the reason.

    Args:
        rejects: The batch's rejects.

    Returns:
        One decision per reject, in the given order.
    """
    return [
        Decision(site=r.site, url=r.url, url_key=r.url_key, decision="rejected", reason=r.reason)
        for r in rejects
    ]
