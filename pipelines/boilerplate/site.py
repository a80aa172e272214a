"""A site's boilerplate as the warehouse holds it: the learner restored, and the user's rules.

The loader (``pipelines.boilerplate.batch``) learns from each batch and stores what changed; ``gleaner
extract --site`` and ``gleaner boilerplate`` read the same state to strip a page or list it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.boilerplate.learner import (
    DEFAULT_RULE,
    BoilerplateLearner,
    KeyCount,
    LearnRule,
    PageId,
    apply_site_boilerplate,
)
from warehouse.boilerplate import (
    BoilerplateRule,
    read_boilerplate,
)
from warehouse.errors import WarehouseMissingError
from warehouse.rows import BoilerplateKeyRow, BoilerplatePageRow

if TYPE_CHECKING:
    from pipelines.boilerplate.learner import LearnerChanges


@dataclass(slots=True)
class SiteBoilerplate:
    """One site's learner and rules: what to remove from its texts."""

    site: str
    learner: BoilerplateLearner
    drop: frozenset[str] = frozenset()
    """Keys the user drops always."""
    keep: frozenset[str] = frozenset()
    """Keys the user keeps, whatever was learned."""
    rules: list[BoilerplateRule] = field(default_factory=list)

    def removable(self) -> frozenset[str]:
        """The keys to remove now: learned ones and the user's drops (the user's keeps win over
        learned ones in :func:`~pipelines.boilerplate.learner.strip_boilerplate`)."""
        return self.learner.learned() | self.drop

    def strip(self, text: str) -> tuple[str, list[str]]:
        """``text`` without the site's boilerplate paragraphs, and the paragraphs removed."""
        return apply_site_boilerplate(text, self.removable(), self.keep)

    def take_rows(self) -> tuple[list[BoilerplateKeyRow], list[BoilerplatePageRow]]:
        """The learner's changes since the last call, as warehouse rows."""
        return change_rows(self.site, self.learner.take_changes())


def change_rows(
    site: str, changes: LearnerChanges
) -> tuple[list[BoilerplateKeyRow], list[BoilerplatePageRow]]:
    """A learner's changes as the rows :func:`warehouse.writer.write_batch` stores."""
    keys = [
        BoilerplateKeyRow(site, key, c.pages, c.chars, c.contexts, c.sample)
        for key, c in sorted(changes.counts.items())
    ]
    pages = [BoilerplatePageRow(site, p.url_key, p.text_id) for p in changes.pages]
    return keys, pages


def load_site_boilerplate(
    db_path: str | os.PathLike[str],
    site: str,
    rule: LearnRule = DEFAULT_RULE,
    *,
    full: bool = True,
) -> SiteBoilerplate:
    """Restore a site's learner and rules from the warehouse; empty when there is no warehouse.

    Args:
        db_path: The warehouse file.
        site: The site's name.
        rule: The rule to learn by.
        full: Read every key and page, as a crawl that goes on learning needs; otherwise only
            the keys that may be learned (enough to strip or list, not to learn more).

    Returns:
        The site's boilerplate.
    """
    learner = BoilerplateLearner(rule)
    if not Path(db_path).exists():
        return SiteBoilerplate(site, learner)
    try:
        stored = read_boilerplate(
            db_path, site, min_pages=1 if full else rule.min_pages, with_pages=full
        )
    except WarehouseMissingError:
        return SiteBoilerplate(site, learner)
    counts = [
        (row.key, KeyCount(row.pages, row.chars, row.contexts, row.sample)) for row in stored.keys
    ]
    pages = [PageId(p.url_key, p.text_id) for p in stored.pages]
    learner = BoilerplateLearner.restore(counts, pages, rule, total=stored.total_pages)
    return SiteBoilerplate(
        site,
        learner,
        drop=frozenset(r.key for r in stored.rules if r.action == "drop"),
        keep=frozenset(r.key for r in stored.rules if r.action == "keep"),
        rules=stored.rules,
    )
