"""Incremental crawling: which listed articles to fetch, which to skip, and what to send with a request.

A :class:`CrawlState` is built once per run from what the warehouse knows of the site
(:func:`warehouse.state.read_site_state`). Listing sources are always requested, conditionally
when the warehouse holds their validators. A listed article already in the warehouse is not
requested again, unless:

- the run refreshes (``gleaner crawl --refresh``): everything is fetched, unconditionally;
- the listing dates it later than the warehouse's copy (an edit): it is rechecked, conditionally;
- the site's ``recheck_after`` has passed since it was last fetched: rechecked, conditionally;
- its last fetch failed for a reason that may pass (a 5xx, 429, time-out or network error) and
  ``retry_failed_after`` has passed: it is fetched again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from crawler.fetch.conditional import validators
from crawler.urls import url_key_or_none
from warehouse.dedupe.plan import ARTICLE_DECISIONS
from warehouse.rows import SkippedRow

if TYPE_CHECKING:
    from warehouse.state import SiteState, StoredListing

#: Reject reasons that may not happen again: the page is worth another try later.
TRANSIENT_REASONS = frozenset({"timeout", "fetch_error", "extract_error"})
#: A listing date at most this much after the stored dates is the same date written differently.
DATE_SLACK = timedelta(minutes=1)


class Action(Enum):
    """What to do with a listed article."""

    FETCH = "fetch"
    """Not in the warehouse (or a refresh): request it."""
    RECHECK = "recheck"
    """In the warehouse but maybe changed: request it conditionally."""
    SKIP = "skip"
    """In the warehouse and not due: record it as seen, request nothing."""


@dataclass(slots=True)
class KnownPage:
    """What the warehouse knows of one article URL."""

    url: str
    decision: str
    """The decision to repeat when the page is not fetched."""
    article_id: int | None = None
    matched_article_id: int | None = None
    similarity: float | None = None
    reason: str | None = None
    fetched_at: datetime | None = None
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    dated_at: datetime | None = None
    """The later of the article's published and modified dates."""

    @property
    def failed(self) -> bool:
        """Whether the last attempt failed for a reason that may pass."""
        if self.decision != "rejected":
            return False
        return self.reason in TRANSIENT_REASONS or (
            self.status is not None and (self.status >= 500 or self.status == 429)
        )


@dataclass(slots=True)
class CrawlState:
    """The warehouse's knowledge of one site, keyed by URL key, and the rules that use it."""

    known: dict[str, KnownPage] = field(default_factory=dict)
    listings: dict[str, StoredListing] = field(default_factory=dict)
    refresh: bool = False
    recheck_after: timedelta | None = None
    retry_failed_after: timedelta | None = None
    previous_complete: bool = True
    """Whether the site's previous crawl did all its work; when not, pagination is followed past
    pages that list only known articles (see :meth:`stops_at`)."""

    @classmethod
    def build(
        cls,
        stored: SiteState,
        *,
        refresh: bool = False,
        recheck_after: timedelta | None = None,
        retry_failed_after: timedelta | None = None,
    ) -> CrawlState:
        """Key what the warehouse holds by URL key: fetched URLs, canonical URLs and decisions."""
        known: dict[str, KnownPage] = {}
        for d in sorted(stored.decisions, key=lambda d: d.decided_at):
            key = d.url_key or url_key_or_none(d.url)
            if key is None:
                continue
            known[key] = KnownPage(
                d.url,
                d.decision,
                d.article_id,
                d.matched_article_id,
                d.similarity,
                reason=d.reason,
                fetched_at=d.decided_at,
            )
        for a in stored.articles:
            dated = max((t for t in (a.published_at, a.modified_at) if t is not None), default=None)
            for key in {a.url_key, url_key_or_none(a.fetched_url)} - {None}:
                assert key is not None
                known[key] = KnownPage(
                    a.fetched_url,
                    "unchanged",
                    a.article_id,
                    fetched_at=a.last_seen_at,
                    dated_at=dated,
                )
        for f in stored.fetches:
            key = url_key_or_none(f.url)
            fetched = known.get(key) if key is not None else None
            if fetched is not None:
                fetched.status, fetched.etag, fetched.last_modified = (
                    f.status,
                    f.etag,
                    f.last_modified,
                )
                fetched.fetched_at = f.fetched_at
        listings: dict[str, StoredListing] = {s.url_key: s for s in stored.listings}
        return cls(
            known, listings, refresh, recheck_after, retry_failed_after, stored.previous_complete
        )

    def is_known(self, key: str) -> bool:
        """Whether the warehouse has a decision for this URL key (and the run is not a refresh)."""
        return not self.refresh and key in self.known

    def stops_at(self, listed_keys: list[str], *, stop_at_known: bool = True) -> bool:
        """Whether a listing's pagination ends at a page listing these URL keys.

        It does when the page lists only known articles, the site's ``stop_at_known`` is on, and
        the previous crawl did all its work. After an interrupted (or failed, or page-limited)
        crawl, a page whose articles that crawl stored may still precede pages it never reached,
        so the next crawl follows pagination to its end.

        Args:
            listed_keys: The URL keys the page lists.
            stop_at_known: The site's ``stop_at_known``.

        Returns:
            True to stop following pagination.
        """
        if not (stop_at_known and self.previous_complete and listed_keys):
            return False
        return all(self.is_known(key) for key in listed_keys)

    def action(self, key: str, listed_at: datetime | None, now: datetime) -> Action:
        """What to do with a listed article, given the date its listing shows."""
        page = None if self.refresh else self.known.get(key)
        if page is None:
            return Action.FETCH
        if page.failed:
            due = _due(page.fetched_at, self.retry_failed_after, now)
            return Action.FETCH if due else Action.SKIP
        if page.decision in ARTICLE_DECISIONS and _newer(listed_at, page):
            return Action.RECHECK
        if _due(page.fetched_at, self.recheck_after, now):
            return Action.RECHECK
        return Action.SKIP

    def article_headers(self, key: str) -> dict[str, str]:
        """Validators for a conditional request of a known article."""
        page = self.known.get(key)
        return {} if page is None else validators(page.etag, page.last_modified)

    def unfetched(
        self, site: str, listed: dict[str, str], requested: set[str], skipped_articles: set[int]
    ) -> list[SkippedRow]:
        """Rows for the known article links listed this run (key to URL) and never requested."""
        return [
            self.skipped(site, url, key, "known", skipped_articles)
            for key, url in listed.items()
            if key not in requested
        ]

    def skipped(
        self, site: str, url: str, key: str, method: str, skipped_articles: set[int]
    ) -> SkippedRow:
        """The row of an article link not fetched (``known`` or ``not_modified``): what the
        warehouse knew of it. An article already skipped this run under another URL
        (``skipped_articles``, updated here) makes this link a ``duplicate_url``."""
        page = self.known[key]
        decision, matched = page.decision, page.matched_article_id
        article_id = page.article_id if decision in ARTICLE_DECISIONS else None
        if article_id is not None:
            if article_id in skipped_articles:  # listed under another URL as well
                decision, matched, article_id = "duplicate_url", article_id, None
            else:
                skipped_articles.add(article_id)
                decision, matched = "unchanged", None
        detail = (
            "not modified since the last fetch (HTTP 304)"
            if method == "not_modified"
            else "already in the warehouse; not requested"
        )
        return SkippedRow(
            site=site,
            url=url,
            url_key=key,
            seen_at=_now(),
            method=method,
            article_id=article_id,
            decision=decision,
            matched_article_id=matched,
            similarity=page.similarity if decision != "unchanged" else None,
            reason=page.reason if decision == "rejected" else None,
            detail=detail,
        )

    def listing(self, key: str) -> StoredListing | None:
        """The stored state of a listing source (``None`` on a refresh)."""
        return None if self.refresh else self.listings.get(key)


def _now() -> datetime:
    return datetime.now(UTC)


def _due(last: datetime | None, after: timedelta | None, now: datetime) -> bool:
    return after is not None and (last is None or last + after <= now)


def _newer(listed_at: datetime | None, page: KnownPage) -> bool:
    """Whether a listing dates the article later than the warehouse's copy says."""
    if listed_at is None or page.dated_at is None:
        return False
    return listed_at > page.dated_at + DATE_SLACK
