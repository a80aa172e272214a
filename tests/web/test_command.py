"""``gleaner serve`` refuses to start, with a sentence saying why, when it cannot serve."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import duckdb

from tests.conftest import gleaner
from warehouse.db import connect

if TYPE_CHECKING:
    from pathlib import Path


def test_no_warehouse_is_a_user_error(tmp_path: Path) -> None:
    result = gleaner("serve", "--db", str(tmp_path / "none.duckdb"), check=False)
    assert result.returncode == 1
    assert "No warehouse at" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_a_warehouse_of_an_older_schema_is_left_as_it_is(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("CREATE TABLE runs (run_id VARCHAR)")
    before = db.read_bytes()
    result = gleaner("serve", "--db", str(db), check=False)
    assert result.returncode == 1
    assert "cannot migrate it" in result.stderr
    assert db.read_bytes() == before


def test_a_port_in_use_is_named(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()  # a writable connection creates and migrates the warehouse
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = gleaner("serve", "--db", str(db), "--port", str(port), check=False)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port} (Address already in use); try --port 0" in (
        result.stderr
    )
