"""Site boilerplate at load time: each batch teaches the site's learner, then loses what it learned.

When the loader commits a batch, the site's learner (restored from the warehouse when the crawl
opened) first counts the batch's articles, with their paragraphs as extracted; then every article
of the batch is stripped of the learned paragraphs and the user's ``drop`` rules (``keep`` rules
win over learning), its ``content_key`` is computed again on the stripped text, and an article left
too short becomes a ``too_short`` reject, as validation would have made it. So a cold start's first
batch already learns from itself, and dedupe compares the texts as stored.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pipelines.boilerplate.learner import keyed, split_paragraphs, strip_boilerplate
from pipelines.keys import content_key
from warehouse.rows import ArticleRow, RejectRow

if TYPE_CHECKING:
    from pipelines.boilerplate.site import SiteBoilerplate
    from warehouse.rows import Batch


class BatchBoilerplate:
    """Learns a site's boilerplate from the batches the loader commits, and strips them."""

    def __init__(self, site: SiteBoilerplate, min_text_chars: int) -> None:
        """Bind to a site's restored boilerplate.

        Args:
            site: The site's learner and rules, from the warehouse.
            min_text_chars: The site's least text length (as validation applies it).
        """
        self.site = site
        self.min_text_chars = min_text_chars

    def holds_back(self, articles: int) -> bool:
        """Whether a batch with this many articles should wait for more pages first.

        On a cold start (fewer pages counted than the rule's ``warmup_pages``), the loader keeps
        articles buffered until the site has enough pages to learn from, or the crawl ends.
        """
        learner = self.site.learner
        return articles > 0 and learner.total + articles < learner.rule.warmup_pages

    def apply(self, batch: Batch) -> Batch:
        """Learn from the batch's articles, strip them, and add the learner's rows to the batch.

        Args:
            batch: A batch about to be committed; changed in place.

        Returns:
            The same batch: articles stripped (``boilerplate_removed`` set, ``content_key``
            recomputed), those left too short moved to ``rejects``, and the learner's changed
            counts and counted pages in ``boilerplate_keys`` and ``boilerplate_pages``.
        """
        if not batch.articles:
            return batch
        site = self.site
        paragraphs = [keyed(split_paragraphs(row.text)) for row in batch.articles]
        for row, found in zip(batch.articles, paragraphs, strict=True):
            site.learner.add(found, row.url_key)
        drop, keep = site.removable(), site.keep
        articles: list[ArticleRow] = []
        for row, found in zip(batch.articles, paragraphs, strict=True):
            kept, removed = strip_boilerplate(found, drop, keep) if drop else ([], [])
            if not removed:
                articles.append(row)
                continue
            text = "\n\n".join(kept)
            if len(text) < self.min_text_chars:
                batch.rejects.append(self._too_short(row, len(text), len(removed)))
                continue
            articles.append(
                replace(
                    row, text=text, content_key=content_key(text), boilerplate_removed=len(removed)
                )
            )
        batch.articles = articles
        batch.boilerplate_keys, batch.boilerplate_pages = site.take_rows()
        return batch

    def _too_short(self, row: ArticleRow, chars: int, removed: int) -> RejectRow:
        return RejectRow(
            site=row.site,
            url=row.fetched_url,
            reason="too_short",
            fetched_at=row.fetched_at,
            detail=(
                f"{chars} characters of text once {removed} paragraph(s) of site boilerplate "
                f"were removed, fewer than {self.min_text_chars}"
            ),
            http_status=200,
            url_key=row.fetched_key or row.url_key,
        )
