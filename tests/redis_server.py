"""A real ``redis-server`` for the tests: started on a free 127.0.0.1 port in a temporary
directory, without persistence, and stopped after the session.

Debian's ``redis-server`` package provides it (``make redis``, a dependency of ``make test``).
When it is missing the tests that need it fail, naming the package; they are skipped only when
``GLEANER_SKIP_REDIS=1`` says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.conftest import free_port


@dataclass(frozen=True)
class RedisServer:
    """A running server: its URL and a client."""

    url: str
    client: redis.Redis

    def flush(self) -> None:
        """Forget every key (between tests)."""
        self.client.flushall()


def redis_binary() -> str:
    """The ``redis-server`` to run; fails (or skips, with ``GLEANER_SKIP_REDIS=1``) without it."""
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if found:
        return found
    if os.environ.get("GLEANER_SKIP_REDIS") == "1":
        pytest.skip("redis-server is not installed and GLEANER_SKIP_REDIS=1")
    pytest.fail("redis-server is not installed: `make redis` (Debian package redis-server)")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One ``redis-server`` for the session, on 127.0.0.1 only."""
    binary = redis_binary()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="gleaner-redis-") as workdir:
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir]
        args += ["--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=port)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield RedisServer(f"redis://127.0.0.1:{port}/0", client)
        finally:
            client.close()
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def fresh_redis(redis_server: RedisServer) -> RedisServer:
    """The session's server, emptied for this test."""
    redis_server.flush()
    return redis_server
