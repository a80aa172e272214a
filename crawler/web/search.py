"""Full-text search over the articles' titles and texts: a tantivy index held in memory.

DuckDB's ``fts`` extension is not part of the ``duckdb`` wheel: it would have to be downloaded,
and its index written into the warehouse, while ``gleaner serve`` never lets DuckDB reach the
network and never writes. Scanning the texts with ``ILIKE`` costs a full decompression of the
text column per query (about 0.2 s for 5,000 articles, growing with the warehouse). So the server
keeps its own index, in memory, with tantivy (the Rust search library, through its official
Python bindings): BM25 ranking, a title match weighing :data:`TITLE_BOOST` times a text match,
phrases, and snippets with the matched words marked.

The index follows the warehouse. Before each search a fingerprint of the articles (how many, the
highest id, the sum of their version counts) is read; when it moved, the articles that are new or
have a new version since the index last saw them are read and indexed again. The first search
reads every article once.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Final

import tantivy
from tantivy import FieldType, Occur, Query

if TYPE_CHECKING:
    import duckdb

MAX_TERMS: Final = 8
"""Terms of a query beyond this many are ignored."""
TITLE_BOOST: Final = 3.0
SNIPPET_CHARS: Final = 240
MAX_TOKEN_BYTES: Final = 40
"""Longer words are not indexed (tantivy's default tokenizer drops them)."""

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_TOKEN = re.compile(r"[^\W_]+")
_WRITER_HEAP = 50_000_000
_FIELDS = "article_id, title, text, site, language, tags, coalesce(published_at, first_seen_at)"


def parse(query: str | None) -> tuple[tuple[str, ...], ...]:
    """Cut a query into terms, each the words tantivy would index for it.

    ``"quoted phrases"`` stay whole; a word that holds punctuation (``state-of-the-art``) is a
    phrase of its parts. Words are lower-cased; at most :data:`MAX_TERMS` distinct terms.

    Args:
        query: What the user typed (None: nothing).

    Returns:
        The terms, in the order given; empty when the query holds no word.
    """
    terms: list[tuple[str, ...]] = []
    for phrase, word in _TERM.findall(query or ""):
        tokens = tuple(
            t
            for t in _TOKEN.findall((phrase or word).lower())
            if len(t.encode()) <= MAX_TOKEN_BYTES
        )
        if tokens and tokens not in terms:
            terms.append(tokens)
    return tuple(terms[:MAX_TERMS])


@dataclass(frozen=True, slots=True)
class Filters:
    """What a search is narrowed to, beside its terms."""

    site: str | None = None
    language: str | None = None
    tag: str | None = None
    since: date | None = None
    until: date | None = None
    """Last day, included."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One match: the article, its score and the part of its text that matched."""

    article_id: int
    score: float
    snippet: list[tuple[str, bool]]
    """``(piece, is_match)`` pairs."""


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("article_id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title")
    builder.add_text_field("text", stored=True)
    for keyword in ("site", "language", "tags"):
        builder.add_text_field(keyword, tokenizer_name="raw")
    builder.add_date_field("sort_at", indexed=True, fast=True)
    return builder.build()


class SearchIndex:
    """The warehouse's articles, indexed in memory, refreshed when they change."""

    def __init__(self) -> None:
        self.schema = _schema()
        self._index = tantivy.Index(self.schema)
        self._versions: dict[int, int] = {}
        self._fingerprint: tuple[Any, ...] | None = None
        self._lock = threading.Lock()

    def refresh(self, conn: duckdb.DuckDBPyConnection) -> int:
        """Index what changed in the warehouse since the last refresh.

        Args:
            conn: A read-only connection.

        Returns:
            How many articles were (re)indexed.
        """
        fingerprint = tuple(
            conn.execute(
                "SELECT count(*), coalesce(max(article_id), 0), coalesce(sum(version_count), 0) "
                "FROM articles"
            ).fetchall()[0]
        )
        with self._lock:
            if fingerprint == self._fingerprint:
                return 0
            current = dict(
                conn.execute("SELECT article_id, version_count FROM articles").fetchall()
            )
            changed = [i for i, v in current.items() if self._versions.get(i) != v]
            gone = [i for i in self._versions if i not in current]
            self._write(conn, changed, gone, whole=not self._versions)
            self._versions = current
            self._fingerprint = fingerprint
        return len(changed)

    def _write(
        self, conn: duckdb.DuckDBPyConnection, changed: list[int], gone: list[int], *, whole: bool
    ) -> None:
        """Index ``changed`` articles (every one when ``whole``) and drop ``gone`` ones."""
        writer = self._index.writer(heap_size=_WRITER_HEAP, num_threads=1)
        for article_id in [*changed, *gone] if not whole else []:
            writer.delete_documents_by_term("article_id", article_id)
        if whole:
            cursor = conn.execute(f"SELECT {_FIELDS} FROM articles")
        else:
            cursor = conn.execute(
                f"SELECT {_FIELDS} FROM articles WHERE article_id IN (SELECT unnest($ids))",
                {"ids": changed},
            )
        while rows := cursor.fetchmany(1000):
            for row in rows:
                writer.add_document(_document(*row))
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()

    def search(
        self, terms: tuple[tuple[str, ...], ...], filters: Filters, limit: int, offset: int
    ) -> tuple[int, list[Hit]]:
        """The best matches of every term, narrowed by ``filters``.

        Args:
            terms: From :func:`parse` (not empty).
            filters: The site, language, tag and dates to keep.
            limit: How many hits to return.
            offset: How many of the best to skip.

        Returns:
            How many articles match, and the hits asked for, best first.
        """
        query = self._query(terms, filters)
        with self._lock:
            searcher = self._index.searcher()
            found = searcher.search(query, limit=limit, count=True, offset=offset)
            snippets = tantivy.SnippetGenerator.create(searcher, query, self.schema, "text")
            snippets.set_max_num_chars(SNIPPET_CHARS)
            hits = []
            for score, address in found.hits:
                doc = searcher.doc(address)
                pieces = _pieces(snippets.snippet_from_doc(doc)) or [
                    (_opening(doc["text"][0]), False)
                ]
                hits.append(Hit(int(doc["article_id"][0]), round(float(score), 4), pieces))
        total = getattr(found, "count", None)  # set with count=True; the type stub omits it
        return int(total or 0), hits

    def _query(self, terms: tuple[tuple[str, ...], ...], filters: Filters) -> Query:
        """Every term in the title or the text, and every filter."""
        must: list[tuple[Occur, Query]] = []
        for tokens in terms:
            either = [
                (Occur.Should, Query.boost_query(self._words(field, tokens), boost))
                for field, boost in (("title", TITLE_BOOST), ("text", 1.0))
            ]
            must.append((Occur.Must, Query.boolean_query(either)))
        for field, value in (
            ("site", filters.site),
            ("language", filters.language),
            ("tags", filters.tag.lower() if filters.tag else None),
        ):
            if value is not None:
                must.append((Occur.Must, Query.term_query(self.schema, field, value)))
        if filters.since or filters.until:
            must.append((Occur.Must, self._dates(filters.since, filters.until)))
        return Query.boolean_query(must)

    def _words(self, field: str, tokens: tuple[str, ...]) -> Query:
        if len(tokens) == 1:
            return Query.term_query(self.schema, field, tokens[0])
        return Query.phrase_query(self.schema, field, list(tokens))

    def _dates(self, since: date | None, until: date | None) -> Query:
        lower = datetime.combine(since, time(), UTC) if since else tantivy.MIN_DATETIME
        upper = (
            datetime.combine(until + timedelta(days=1), time(), UTC)
            if until
            else tantivy.MAX_DATETIME
        )
        return Query.range_query(
            self.schema, "sort_at", FieldType.Date, lower, upper, include_upper=False
        )


def _document(
    article_id: int,
    title: str,
    text: str,
    site: str,
    language: str | None,
    tags: list[str],
    sort_at: datetime,
) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_integer("article_id", article_id)
    doc.add_text("title", title)
    doc.add_text("text", text)
    doc.add_text("site", site)
    if language:
        doc.add_text("language", language)
    for tag in tags:
        doc.add_text("tags", tag.lower())
    doc.add_date("sort_at", sort_at)
    return doc


def _pieces(snippet: tantivy.Snippet) -> list[tuple[str, bool]]:
    """A snippet cut into pieces that match or not (its offsets count UTF-8 bytes)."""
    raw = snippet.fragment().encode("utf-8")
    pieces: list[tuple[str, bool]] = []
    at = 0
    for marked in snippet.highlighted():
        if marked.start > at:
            pieces.append((raw[at : marked.start].decode("utf-8", "replace"), False))
        pieces.append((raw[marked.start : marked.end].decode("utf-8", "replace"), True))
        at = marked.end
    if at < len(raw):
        pieces.append((raw[at:].decode("utf-8", "replace"), False))
    return pieces


def _opening(text: str) -> str:
    """A text's first :data:`SNIPPET_CHARS` characters, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[:SNIPPET_CHARS] + "…"
