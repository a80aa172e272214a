"""``gleaner serve`` is safe to leave running: it answers only to its own host names, sends a
Content-Security-Policy that allows no script, never writes the warehouse, waits while a crawl
holds the lock, and runs typed SQL only when asked to, in ``gleaner sql``'s sandbox."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest

from crawler.web.app import CSP
from tests.conftest import fetch
from tests.web.conftest import serving
from tests.web.test_pages import every_page
from warehouse.db import write_session

if TYPE_CHECKING:
    from pathlib import Path

    from tests.web.conftest import Served

pytestmark = pytest.mark.e2e


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pages_send_the_security_headers_and_never_write(served: Served) -> None:
    before = digest(served.db), served.db.stat().st_mtime_ns
    for path in every_page(served):
        for variant in (path, path + ("&" if "?" in path else "?") + "format=json"):
            status, headers, _ = served.get(variant)
            assert status == 200, variant
            if path.startswith("/raw/") and variant == path:
                assert headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
                assert headers["Content-Type"] == "text/plain; charset=utf-8"
            else:
                assert headers["Content-Security-Policy"] == CSP, variant
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["X-Frame-Options"] == "DENY"
            assert headers["Referrer-Policy"] == "no-referrer"
            assert "Server" not in headers
    assert (digest(served.db), served.db.stat().st_mtime_ns) == before
    assert not served.db.with_name(served.db.name + ".wal").exists()


def test_requests_naming_another_host_are_refused(served: Served) -> None:
    assert served.get("/", {"Host": "attacker.example"})[0] == 400
    assert served.get("/runs.json", {"Host": "attacker.example:80"})[0] == 400
    assert served.get("/", {"Host": "localhost"})[0] == 200


def test_errors_are_pages_and_json_with_a_reason(served: Served) -> None:
    status, headers, body = served.get("/runs/20990101T000000Z-0000")
    assert status == 404
    assert b"Unknown run" in body
    assert headers["Content-Security-Policy"] == CSP
    status, _, body = served.get("/articles/999999?format=json")
    assert (status, json.loads(body)) == (404, {"status": 404, "error": "no article 999999"})
    assert served.get("/articles?page=0")[0] == 400
    assert served.get("/articles?since=yesterday")[0] == 400
    assert served.get("/runs?status=lost")[0] == 400
    status, _, body = served.get("/sql?sql=SELECT+1")
    assert status == 404
    assert b"--allow-sql" in body
    assert fetch(served.url, method="POST")[0] == 405


def test_a_page_waits_while_a_crawl_commits(served: Served) -> None:
    locked, release = threading.Event(), threading.Event()

    def commit() -> None:
        with write_session(served.db) as conn:
            conn.execute("SELECT count(*) FROM articles").fetchall()
            locked.set()
            release.wait(10)

    writer = threading.Thread(target=commit)
    writer.start()
    try:
        assert locked.wait(30)
        threading.Timer(1.0, release.set).start()
        started = time.monotonic()
        status, _, body = served.get("/runs.json")
        waited = time.monotonic() - started
    finally:
        release.set()
        writer.join(30)
    assert status == 200
    assert json.loads(body)["runs"]
    assert waited >= 0.9, "it waited for the lock rather than failing"


def test_the_sql_page_runs_queries_in_the_sandbox_only_when_allowed(served: Served) -> None:
    with serving(served.db, "--allow-sql") as url:

        def ask(sql: str) -> tuple[int, dict[str, object]]:
            status, _, body = fetch(url + "sql?" + urlencode({"sql": sql, "format": "json"}))
            return int(status), json.loads(body)

        status, data = ask("SELECT site, count(*) AS n FROM articles GROUP BY site ORDER BY site")
        assert status == 200
        assert data["rows"] == served.sql(
            "SELECT site, count(*) AS n FROM articles GROUP BY site ORDER BY site"
        )
        for refused, says in (
            ("DELETE FROM articles", "Only queries may run here"),
            ("SELECT * FROM read_csv('/etc/passwd')", "reads only the warehouse"),
            ("INSTALL fts", "Only queries may run here"),
            ("SELECT 1; SELECT 2", "exactly one statement"),
        ):
            status, data = ask(refused)
            assert status == 400, refused
            assert says in str(data["error"]), (refused, data)
        status, _, page = fetch(url + "sql?" + urlencode({"sql": "SELECT '<b>x</b>' AS t"}))
        assert status == 200
        assert b"&lt;b&gt;x&lt;/b&gt;" in page
    assert served.sql("SELECT count(*) AS n FROM articles")[0]["n"] > 0
