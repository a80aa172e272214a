"""What the fuzz tests (``tests/**/test_fuzz_*.py``) share: hypothesis profiles, mutations of real
input, and a guard that turns a hang into a failure.

The ``default`` profile keeps the normal suite quick and repeatable (few examples, derandomized, no
example database); ``HYPOTHESIS_PROFILE=long`` runs 20 times as many random examples and keeps
the failing ones in ``.hypothesis/``::

    HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fuzz_*.py tests/extract/test_fuzz_*.py
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "default", deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW
)
settings.register_profile("long", deadline=None, suppress_health_check=_SLOW)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile(PROFILE)

#: How many times the default number of examples the profile runs.
SCALE = 20 if PROFILE == "long" else 1


def examples(n: int) -> settings:
    """Settings running ``n`` examples (times :data:`SCALE`)."""
    return settings(max_examples=n * SCALE)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail with ``TimeoutError`` when the block runs longer than ``seconds`` (a hang, or a
    blow-up no user would wait for)."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: Byte strings inserted into real input: markup, entities, encodings and odd Unicode.
SNIPPETS: tuple[bytes, ...] = (
    b"<",
    b">",
    b"<div>",
    b"</p>",
    b"</body></html>",
    b"<html>",
    b"<script>",
    b"<style>",
    b"<!--",
    b"<![CDATA[",
    b"<svg>",
    b"<math>",
    b"<template>",
    b"<table><tr><td>",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"&#xD800;",
    b"&nbsp",
    b"&#27;[2J",
    b"\x00",
    b"\x1b[31m",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xed\xa0\x80",
    b"\xc3",
    "\u202e".encode(),
    "\U0001f600".encode(),
    "e\u0301".encode(),
    b"<meta charset='utf-16'>",
    b"<meta charset=bogus>",
    b"<base href='javascript:alert(1)'>",
    b"<link rel=canonical href='http://[::1'>",
    b"<a href='http://example.com['>x</a>",
    b"<time datetime='0000-00-00'>",
    b'<meta property="article:published_time" content="99999-99-99">',
    b'<script type="application/ld+json">{"@type":"NewsArticle","headline":1,'
    b'"author":[null,{"name":[]}],"datePublished":"-1","articleBody":"\\ud800"}</script>',
)


def _ops(snippets: Sequence[bytes]) -> st.SearchStrategy[tuple[Any, ...]]:
    """One mutation: a bit flipped, the end cut off, bytes deleted, or one of ``snippets`` (or
    a few random bytes) inserted."""
    return st.one_of(
        st.tuples(st.just("flip"), st.integers(0, 2**31), st.integers(0, 7)),
        st.tuples(st.just("cut"), st.integers(0, 2**31)),
        st.tuples(st.just("delete"), st.integers(0, 2**31), st.integers(1, 64)),
        st.tuples(
            st.just("insert"),
            st.integers(0, 2**31),
            st.sampled_from(snippets) | st.binary(max_size=8),
        ),
    )


def mutate(data: bytes, ops: Sequence[tuple[Any, ...]]) -> bytes:
    """``data`` after each operation: flip a bit, cut the end off, delete or insert bytes (at
    positions taken modulo the length)."""
    out = bytearray(data)
    for op in ops:
        at = op[1] % (len(out) + 1)
        if op[0] == "flip" and out:
            out[at % len(out)] ^= 1 << op[2]
        elif op[0] == "cut":
            del out[at:]
        elif op[0] == "delete":
            del out[at : at + op[2]]
        elif op[0] == "insert":
            out[at:at] = op[2]
    return bytes(out)


def mutations(
    bases: Sequence[bytes], max_ops: int = 8, snippets: Sequence[bytes] = SNIPPETS
) -> st.SearchStrategy[bytes]:
    """One of ``bases`` after up to ``max_ops`` mutations, inserting ``snippets`` among others."""
    ops = st.lists(_ops(snippets), min_size=1, max_size=max_ops)
    return st.builds(mutate, st.sampled_from(bases), ops)
