"""Raw pages as WARC: records read back by offset, by any WARC reader, and after a cut."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.raw.store import keep_raw, raw_dir
from crawler.raw.warc import RawPage, RawRecordError, RecordSpan, WarcFile, iter_pages, read_record

if TYPE_CHECKING:
    from pathlib import Path

T0 = datetime(2026, 8, 25, 10, 15, 7, 123456, tzinfo=UTC)
HEADERS = (
    ("Content-Type", "text/html; charset=windows-1252"),
    ("Transfer-Encoding", "chunked"),
    ("Content-Length", "812"),
    ("ETag", '"abc"'),
)


def page(n: int, size: int = 2000) -> RawPage:
    body = (f"<html><title>Page {n}</title><p>caf\xe9 " + "word " * size).encode("cp1252")
    return RawPage(
        url=f"https://example.test/news/{n}.html",
        status=200,
        headers=HEADERS,
        body=body[:size] + b"</p></html>",
        fetched_at=T0 + timedelta(seconds=n),
    )


def written(tmp_path: Path, n: int = 5) -> tuple[Path, list[RawPage], list[RecordSpan]]:
    file = WarcFile(tmp_path, "example/run-1.warc.gz", {"run_id": "run-1"})
    pages = [page(i, 500 + 3000 * i) for i in range(n)]
    spans = [file.write(p) for p in pages]
    file.close()
    return tmp_path / "example/run-1.warc.gz", pages, spans


def test_each_record_reads_back_alone_from_its_offset(tmp_path: Path) -> None:
    path, pages, spans = written(tmp_path)
    assert [s.path for s in spans] == ["example/run-1.warc.gz"] * 5
    # Records follow each other after the warcinfo record, with no gap.
    for before, after in itertools.pairwise(spans):
        assert after.offset == before.offset + before.length
    assert spans[-1].offset + spans[-1].length == path.stat().st_size
    for span, original in zip(reversed(spans), reversed(pages), strict=True):
        found = read_record(tmp_path, span)
        assert found.body == original.body
        assert found.url == original.url
        assert found.status == 200
        assert found.fetched_at == original.fetched_at  # to the microsecond
        assert found.sha256 == hashlib.sha256(original.body).hexdigest()


def test_transfer_headers_are_renamed_so_readers_take_the_body_as_is(tmp_path: Path) -> None:
    _, pages, spans = written(tmp_path, 1)
    headers = dict(read_record(tmp_path, spans[0]).headers)
    assert headers["Content-Type"] == "text/html; charset=windows-1252"
    assert headers["ETag"] == '"abc"'
    assert headers["X-Crawler-Transfer-Encoding"] == "chunked"
    assert headers["X-Crawler-Content-Length"] == "812"  # the size sent, compressed
    assert headers["Content-Length"] == str(len(pages[0].body))
    assert "Transfer-Encoding" not in headers


def test_a_fitting_length_and_an_encoding_the_downloader_kept_stay_as_sent(
    tmp_path: Path,
) -> None:
    body = b"\x1b\x07compressed-by-brotli"
    sent = (("Content-Encoding", "br"), ("Content-Length", str(len(body))))
    file = WarcFile(tmp_path, "example/run-2.warc.gz")
    span = file.write(RawPage("https://example.test/b", 200, sent, body, T0))
    file.close()
    found = read_record(tmp_path, span)
    assert found.headers == sent
    assert found.body == body


def test_warcio_reads_the_file_as_a_warc_of_gzip_members(tmp_path: Path) -> None:
    path, pages, spans = written(tmp_path)
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        seen = []
        for record in records:
            body = record.content_stream().read()
            seen.append(
                (
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Target-URI"),
                    hashlib.sha256(body).hexdigest(),
                    records.get_record_offset(),
                )
            )
    assert seen[0][0] == "warcinfo"
    assert seen[1:] == [
        ("response", p.url, hashlib.sha256(p.body).hexdigest(), s.offset)
        for p, s in zip(pages, spans, strict=True)
    ]


def test_a_file_cut_anywhere_in_its_last_record_keeps_the_others(tmp_path: Path) -> None:
    path, pages, spans = written(tmp_path)
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    last = spans[-1]
    for size in range(last.offset + 1, len(data), 97):
        cut.write_bytes(data[:size])
        found = list(iter_pages(cut))
        assert [p.url for _, p in found] == [p.url for p in pages[:-1]]
        with pytest.raises(RawRecordError, match="cut short"):
            read_record(tmp_path, RecordSpan("cut.warc.gz", last.offset, last.length))
    assert [p.body for _, p in iter_pages(path)] == [p.body for p in pages]


def test_a_missing_file_or_a_wrong_span_is_a_clear_error(tmp_path: Path) -> None:
    _, _, spans = written(tmp_path, 2)
    with pytest.raises(RawRecordError, match=r"cannot read example/gone\.warc\.gz"):
        read_record(tmp_path, RecordSpan("example/gone.warc.gz", 0, 10))
    with pytest.raises(RawRecordError, match="not a response record"):
        read_record(tmp_path, RecordSpan(spans[0].path, 0, spans[0].offset))
    with pytest.raises(RawRecordError, match="cut short or damaged"):
        read_record(tmp_path, RecordSpan(spans[0].path, spans[0].offset + 3, spans[0].length))


def test_a_second_writer_appends_to_an_existing_file(tmp_path: Path) -> None:
    path, pages, _ = written(tmp_path, 2)
    again = WarcFile(tmp_path, "example/run-1.warc.gz")
    span = again.write(page(9))
    again.close()
    assert read_record(tmp_path, span).url == page(9).url
    assert [p.url for _, p in iter_pages(path)] == [p.url for p in pages] + [page(9).url]


def test_raw_dir_sits_beside_the_warehouse_unless_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GLEANER_RAW_DIR", raising=False)
    assert raw_dir(tmp_path / "gleaner.duckdb") == tmp_path / "gleaner.warc"
    assert str(raw_dir("news.db", "")) == "news.warc"
    assert str(raw_dir("gleaner.duckdb", "/data/raw")) == "/data/raw"
    monkeypatch.setenv("GLEANER_RAW_DIR", str(tmp_path / "elsewhere"))
    assert raw_dir("gleaner.duckdb") == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    ("setting", "env", "kept"),
    [
        (None, None, True),
        (None, "0", False),
        ("0", None, False),
        (True, "0", True),
        ("off", None, False),
    ],
)
def test_keep_raw_reads_the_setting_then_the_environment(
    setting: object, env: str | None, kept: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env is None:
        monkeypatch.delenv("GLEANER_KEEP_RAW", raising=False)
    else:
        monkeypatch.setenv("GLEANER_KEEP_RAW", env)
    assert keep_raw(setting) is kept
