"""Raw pages as WARC: the format of Common Crawl and web archives, written and read with warcio.

A file holds a ``warcinfo`` record, then one ``response`` record per page: the HTTP status line,
the headers and the body bytes as received. Each record is a gzip member of its own and is
flushed as soon as it is written, so a record can be read alone from its offset and length, and
a file cut short (a killed crawl) keeps every record before the cut. Pure: no Scrapy.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, TYPE_CHECKING

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from crawler import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

_CHUNK = 1 << 16
#: What parsing a damaged record can raise (a missing header is ``None``: Attribute/TypeError).
_READ_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    EOFError,
    StopIteration,
    ValueError,
    AttributeError,
    TypeError,
)


class RawRecordError(Exception):
    """A record cannot be read: its file is missing, cut short, or holds something else."""


@dataclass(frozen=True, slots=True)
class RawPage:
    """One HTTP response as it was received."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    """Header names and values, in order, as text (bytes read as Latin-1); read back, as
    :func:`record_headers` stored them."""
    body: bytes
    fetched_at: datetime
    protocol: str = "HTTP/1.1"

    @property
    def sha256(self) -> str:
        """The body's SHA-256, in hex."""
        return hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True, slots=True)
class RecordSpan:
    """Where one record lies: its file and the bytes of its gzip member."""

    path: str
    """The file, relative to the directory of raw pages."""
    offset: int
    length: int


def record_headers(page: RawPage) -> StatusAndHeaders:
    """The HTTP status line and headers stored with a page's body, true to the body stored.

    The body is stored as the downloader left it: de-chunked, and decompressed unless its
    ``Content-Encoding`` is one the downloader could not undo (that header then stays). So
    ``Transfer-Encoding``, and a ``Content-Length`` that no longer fits, are kept under
    ``X-Crawler-*`` names (as Common Crawl does), and ``Content-Length`` is the body's length:
    every WARC reader then reads the body as it is.
    """
    size = str(len(page.body))
    kept = []
    for name, value in page.headers:
        lower = name.lower()
        if lower == "transfer-encoding":
            kept.append(("X-Crawler-Transfer-Encoding", value))
        elif lower == "content-length" and value.strip() != size:
            kept.append(("X-Crawler-Content-Length", value))
        elif lower != "content-length":
            kept.append((name, value))
    kept.append(("Content-Length", size))
    try:
        phrase = HTTPStatus(page.status).phrase
    except ValueError:
        phrase = "Unknown"
    return StatusAndHeaders(f"{page.status} {phrase}", kept, protocol=page.protocol)


#: gzip level of the records: 1 compresses a 100 KB page four times faster than warcio's 9, into a
#: record about a fifth larger.
GZIP_LEVEL = 1


class _GzipMembers:
    """A file that receives warcio's writes and stores each record, ended by its ``flush``, as a
    gzip member of its own (what ``WARCWriter(gzip=True)`` does, at :data:`GZIP_LEVEL`)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self._deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)

    def write(self, data: bytes) -> int:
        self.fh.write(self._deflate.compress(data))
        return len(data)

    def flush(self) -> None:
        self.fh.write(self._deflate.flush())
        self.fh.flush()
        self._deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)


class WarcFile:
    """Appends response records to one WARC file, created (with its warcinfo) on first write.

    Not thread-safe: write from one thread at a time.
    """

    def __init__(self, root: Path, relative: str, info: dict[str, str] | None = None) -> None:
        self.root = root
        self.relative = relative
        self.info = info or {}
        self._fh: IO[bytes] | None = None
        self._writer: WARCWriter | None = None

    @property
    def path(self) -> Path:
        """The file's absolute path."""
        return self.root / self.relative

    def _open(self) -> tuple[IO[bytes], WARCWriter]:
        if self._fh is None or self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("ab")
            self._writer = WARCWriter(_GzipMembers(self._fh), gzip=False, warc_version="1.1")
            if self._fh.tell() == 0:
                info = {"software": f"gleaner/{__version__}", "format": "WARC/1.1", **self.info}
                self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, info))
        return self._fh, self._writer

    def write(self, page: RawPage) -> RecordSpan:
        """Write one page as a ``response`` record and flush it to the file.

        Args:
            page: The response; ``fetched_at`` becomes its ``WARC-Date``, ``url`` its
                ``WARC-Target-URI``.

        Returns:
            Where the record lies in the file.
        """
        fh, writer = self._open()
        record = writer.create_warc_record(
            page.url,
            "response",
            payload=io.BytesIO(page.body),
            length=len(page.body),
            http_headers=record_headers(page),
            warc_headers_dict={"WARC-Date": warc_date(page.fetched_at)},
        )
        offset = fh.tell()
        writer.write_record(record)  # one gzip member, flushed
        return RecordSpan(self.relative, offset, fh.tell() - offset)

    def close(self) -> None:
        """Close the file (a later write opens it again, to append)."""
        if self._fh is not None:
            self._fh.close()
        self._fh = self._writer = None


def warc_date(when: datetime) -> str:
    """A ``WARC-Date`` (UTC, to the microsecond) for a time; a naive time is read as UTC."""
    moment = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return str(datetime_to_iso_date(moment.replace(tzinfo=None), use_micros=True))


def read_record(root: Path, span: RecordSpan) -> RawPage:
    """Read the response record at a span.

    Args:
        root: The directory of raw pages.
        span: The record's file (relative to ``root``), offset and length.

    Returns:
        The page as it was received.

    Raises:
        RawRecordError: The file is missing, the record is cut short or damaged, or it is not
            a response record.
    """
    try:
        with (root / span.path).open("rb") as fh:
            fh.seek(span.offset)
            data = fh.read(span.length)
    except OSError as exc:
        raise RawRecordError(f"cannot read {span.path}: {exc.strerror or exc}") from None
    where = f"{span.path} at offset {span.offset}"
    members = list(_members(io.BytesIO(data)))
    if not members or members[0][1] != span.length:
        raise RawRecordError(f"{where}: the record is cut short or damaged")
    page = _parse(members[0][2], where)
    if page is None:
        raise RawRecordError(f"{where}: not a response record")
    return page


def iter_pages(path: Path) -> Iterator[tuple[RecordSpan, RawPage]]:
    """Every response record of a file, in order; a last record cut short is left out.

    Args:
        path: A WARC file written by :class:`WarcFile`.

    Yields:
        Where each response record lies (``path`` as given) and its page.

    Raises:
        RawRecordError: A complete record cannot be read.
    """
    with path.open("rb") as fh:
        for offset, length, data in _members(fh):
            page = _parse(data, f"{path} at offset {offset}")
            if page is not None:
                yield RecordSpan(str(path), offset, length), page


def _members(fh: IO[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """Each complete gzip member of a stream: its offset, length and decompressed bytes.

    Stops at the end of the stream, or at a member cut short or damaged (the tail of a file
    whose writer was killed).
    """
    offset = 0
    buffer = b""
    while True:
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        parts: list[bytes] = []
        length = 0
        while not inflate.eof:
            if not buffer:
                buffer = fh.read(_CHUNK)
                if not buffer:
                    return
            try:
                parts.append(inflate.decompress(buffer))
            except zlib.error:
                return
            length += len(buffer) - len(inflate.unused_data)
            buffer = inflate.unused_data
        yield offset, length, b"".join(parts)
        offset += length


def _parse(data: bytes, where: str) -> RawPage | None:
    """The page of one uncompressed record; ``None`` for a record of another type."""
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data))))
        if record.rec_type != "response":
            return None
        rec_headers, http = record.rec_headers, record.http_headers
        body = record.raw_stream.read()
        declared = int(http.get_header("Content-Length"))
        fetched_at = iso_date_to_datetime(rec_headers.get_header("WARC-Date"), tz_aware=True)
        status = int(http.get_statuscode())
    except _READ_ERRORS as exc:
        raise RawRecordError(f"{where}: unreadable record ({type(exc).__name__})") from None
    if declared != len(body):
        raise RawRecordError(f"{where}: a body of {len(body)} bytes, {declared} declared")
    headers: Sequence[tuple[str, str]] = http.headers
    return RawPage(
        url=rec_headers.get_header("WARC-Target-URI"),
        status=status,
        headers=tuple((name, value) for name, value in headers),
        body=body,
        fetched_at=fetched_at,
        protocol=http.protocol or "HTTP/1.1",
    )
