"""The near-duplicate matcher a batch is planned with: LSH buckets in, confirmed matches out.

The warehouse keeps each article's buckets in ``article_buckets``. Before a batch is planned,
:meth:`NearIndex.load` reads the articles sharing a bucket with any article of the batch, and the
texts of those sharing ``min_shared_buckets`` with one; each candidate is then confirmed on both
texts with the Jaccard similarity of their shingles (:func:`warehouse.dedupe.neardup.similarity`). A
text's shingles are computed once per batch, for its buckets and its comparisons.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pyarrow as pa

from warehouse.dedupe import neardup

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
        self._shingle_sets: dict[str, tuple[set[str], int]] = {}

    def buckets_of(self, row: ArticleRow) -> list[int]:
        """The LSH buckets of a row's text, computed once per distinct text."""
        found = self._buckets.get(row.content_key)
        if found is None:
            shingles, word_count = self._shingles(row.text)
            found = neardup.shingle_buckets(shingles, word_count, self.settings)
            self._buckets[row.content_key] = found
        return found

    def _shingles(self, text: str) -> tuple[set[str], int]:
        """A text's shingles and word count, computed once per distinct text."""
        found = self._shingle_sets.get(text)
        if found is None:
            tokens = neardup.words(text)
            found = (neardup.shingles(tokens, self.settings.shingle_words), len(tokens))
            self._shingle_sets[text] = found
        return found

    def prepare(self, rows: Iterable[ArticleRow]) -> None:
        """Compute the buckets of ``rows`` ahead (outside the warehouse lock)."""
        for row in rows:
            self.buckets_of(row)

    def load(self, conn: duckdb.DuckDBPyConnection, rows: Sequence[ArticleRow]) -> None:
        """Read the stored articles that share a bucket with any of ``rows``, and the texts and
        clusters of those that are candidates for one of them."""
        wanted = sorted({b for row in rows for b in self.buckets_of(row)})
        if not wanted:
            return
        conn.register("_batch_buckets", pa.table({"bucket": pa.array(wanted, pa.int64())}))
        found = conn.execute(
            "SELECT bucket, article_id FROM article_buckets "
            "WHERE bucket IN (SELECT bucket FROM _batch_buckets)"
        ).fetchall()
        conn.unregister("_batch_buckets")
        for bucket, article_id in found:
            self._by_bucket.setdefault(int(bucket), set()).add(int(article_id))
        candidates = sorted({i for row in rows for i in self._candidates(row)})
        if not candidates:
            return
        conn.register(
            "_batch_candidates", pa.table({"article_id": pa.array(candidates, pa.int64())})
        )
        texts = conn.execute(
            "SELECT article_id, cluster_id, text FROM articles "
            "WHERE article_id IN (SELECT article_id FROM _batch_candidates)"
        ).fetchall()
        conn.unregister("_batch_candidates")
        for article_id, cluster_id, text in texts:
            self._texts[int(article_id)] = str(text)
            self._clusters[int(article_id)] = int(
                cluster_id if cluster_id is not None else article_id
            )

    def _candidates(self, row: ArticleRow) -> list[int]:
        """Articles sharing at least ``min_shared_buckets`` buckets with ``row``."""
        shared: Counter[int] = Counter()
        for bucket in self.buckets_of(row):
            shared.update(self._by_bucket.get(bucket, ()))
        return [i for i, n in shared.items() if n >= self.settings.min_shared_buckets]

    def match(self, row: ArticleRow) -> tuple[int, int, float] | None:
        """The most similar confirmed near-duplicate of ``row`` (lowest id on a tie), if any.

        Candidates share at least ``min_shared_buckets`` buckets with it.
        """
        best: tuple[float, int] | None = None
        for article_id in sorted(self._candidates(row)):
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
        """Exact similarity of two texts, as shown in reports (:func:`neardup.similarity`)."""
        return neardup.jaccard(self._shingles(a)[0], self._shingles(b)[0])

    def is_near(self, similarity: float) -> bool:
        """Whether ``similarity`` reaches the near-duplicate threshold."""
        return similarity >= self.settings.threshold
