"""The near-duplicate matcher a batch is planned with: LSH buckets in, confirmed matches out.

The warehouse keeps each article's buckets in ``article_buckets``. Before a batch is planned,
:meth:`NearIndex.load` reads the articles sharing a bucket with any article of the batch; each
candidate is then confirmed on both texts with :func:`warehouse.neardup.similarity`.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pyarrow as pa

from warehouse import neardup

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import duckdb

    from warehouse.rows import ArticleRow


class NearIndex:
    """Candidates by bucket, with their texts and clusters; implements ``dedupe.NearMatcher``."""

    def __init__(self, settings: neardup.NearDupSettings) -> None:
        self.settings = settings
        self.method = neardup.METHOD
        self._by_bucket: dict[int, set[int]] = {}
        self._texts: dict[int, str] = {}
        self._clusters: dict[int, int] = {}
        self._buckets: dict[str, list[int]] = {}

    def buckets_of(self, row: ArticleRow) -> list[int]:
        """The LSH buckets of a row's text, computed once per distinct text."""
        found = self._buckets.get(row.content_key)
        if found is None:
            found = neardup.buckets(row.text, self.settings)
            self._buckets[row.content_key] = found
        return found

    def prepare(self, rows: Iterable[ArticleRow]) -> None:
        """Compute the buckets of ``rows`` ahead (outside the warehouse lock)."""
        for row in rows:
            self.buckets_of(row)

    def load(self, conn: duckdb.DuckDBPyConnection, rows: Sequence[ArticleRow]) -> None:
        """Read the stored articles that share a bucket with any of ``rows``."""
        wanted = sorted({b for row in rows for b in self.buckets_of(row)})
        if not wanted:
            return
        conn.register("_batch_buckets", pa.table({"bucket": pa.array(wanted, pa.int64())}))
        found = conn.execute(
            """
            SELECT b.bucket, a.article_id, a.cluster_id, a.text
            FROM article_buckets AS b
            JOIN articles AS a USING (article_id)
            WHERE b.bucket IN (SELECT bucket FROM _batch_buckets)
            """
        ).fetchall()
        conn.unregister("_batch_buckets")
        for bucket, article_id, cluster_id, text in found:
            self._by_bucket.setdefault(int(bucket), set()).add(int(article_id))
            self._texts[int(article_id)] = str(text)
            self._clusters[int(article_id)] = int(
                cluster_id if cluster_id is not None else article_id
            )

    def match(self, row: ArticleRow) -> tuple[int, int, float] | None:
        """The most similar confirmed near-duplicate of ``row`` (lowest id on a tie), if any.

        Candidates share at least ``min_shared_buckets`` buckets with it.
        """
        shared: Counter[int] = Counter()
        for bucket in self.buckets_of(row):
            shared.update(self._by_bucket.get(bucket, ()))
        candidates = [i for i, n in shared.items() if n >= self.settings.min_shared_buckets]
        best: tuple[float, int] | None = None
        for article_id in sorted(candidates):
            score = self.similarity(self._texts[article_id], row.text)
            if self.is_near(score) and (best is None or score > best[0]):
                best = (score, article_id)
        if best is None:
            return None
        score, article_id = best
        return article_id, self._clusters[article_id], score

    def add(self, article_id: int, cluster_id: int, row: ArticleRow) -> None:
        """Make a new article of the batch a candidate for the rows after it."""
        for bucket in self.buckets_of(row):
            self._by_bucket.setdefault(bucket, set()).add(article_id)
        self._texts[article_id] = row.text
        self._clusters[article_id] = cluster_id

    def update(self, article_id: int, cluster_id: int, row: ArticleRow) -> None:
        """Forget an article's old text (it changed in this batch) and learn its new one."""
        for members in self._by_bucket.values():
            members.discard(article_id)
        self.add(article_id, cluster_id, row)

    def similarity(self, a: str, b: str) -> float:
        """Exact similarity of two texts, as shown in reports."""
        return neardup.similarity(a, b, self.settings)

    def is_near(self, similarity: float) -> bool:
        """Whether ``similarity`` reaches the near-duplicate threshold."""
        return similarity >= self.settings.threshold
