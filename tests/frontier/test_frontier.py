"""The shared frontier's parts on a real redis-server: the scripts that keep requests and items
from being lost or doubled, the shared rate, and the item encoding."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.frontier import keys
from crawler.frontier.messages import decode, encode
from crawler.frontier.rate import interval_us, site_rate
from crawler.frontier.scheduler import reclaim, release
from crawler.sites import SiteConfig
from tests.conftest import query
from tests.redis_server import RedisServer, fresh_redis, redis_server  # noqa: F401 - fixtures
from warehouse.rows import Batch, SightingRow
from warehouse.runs import forget_loaded_items, loaded_item_ids, start_run
from warehouse.writer import write_batch

RUN = keys.RunKeys("20261126T000000Z-abcd")


def test_items_come_back_as_they_were_pushed() -> None:
    row = SightingRow("demo", "http://a/", "http://a/x.html", "a/x.html", 3, datetime.now(UTC))
    first, second = encode("r1", row), encode("r1", row)
    item_id, run_id, back = decode(first)
    assert (run_id, back) == ("r1", row)
    assert item_id != decode(second)[0]  # every push is an item of its own


def test_the_rate_defaults_to_one_request_per_download_delay() -> None:
    site = SiteConfig(name="s", start_urls=("http://127.0.0.1/",), download_delay=0.25)
    assert site_rate(None, site) == 4.0
    assert site_rate("10", site) == 10.0
    assert site_rate(None, site.model_copy(update={"download_delay": 0})) == 0.0
    assert interval_us(4.0) == 275_000  # 250 ms, and the margin
    assert interval_us(0) == 0
    with pytest.raises(ValueError, match="GLEANER_FRONTIER_RATE"):
        site_rate("-1", site)


def acquire(redis: RedisServer, interval: int) -> int:
    return int(redis.client.eval(keys.ACQUIRE, 2, keys.rate("s"), RUN.stats, interval))


def test_a_slot_is_taken_once_and_the_next_comes_an_interval_later(
    fresh_redis: RedisServer,  # noqa: F811
) -> None:
    assert acquire(fresh_redis, 200_000) == 0
    wait = acquire(fresh_redis, 200_000)
    assert 150_000 < wait <= 200_000
    time.sleep(wait / 1_000_000)
    assert acquire(fresh_redis, 200_000) == 0
    assert acquire(fresh_redis, 0) == 0  # no limit
    assert fresh_redis.client.hget(RUN.stats, "requests") == b"3"  # taken slots are counted


def pop(redis: RedisServer, worker: str, request_id: str) -> bytes | int | None:
    keys_ = [RUN.requests, RUN.inflight(worker), RUN.workers]
    found = redis.client.eval(keys.POP, 3, *keys_, request_id, worker)
    return found if isinstance(found, bytes | int) else None


def test_a_dead_workers_requests_go_back_to_the_queue(
    fresh_redis: RedisServer,  # noqa: F811
) -> None:
    client = fresh_redis.client
    client.zadd(RUN.requests, {b"req-a": 0, b"req-b": 0})
    client.sadd(RUN.workers, "w1", "w2")
    client.set(keys.alive("w1"), "1", px=100)
    client.set(keys.alive("w2"), "1", px=60_000)
    assert pop(fresh_redis, "w1", "id1") == b"req-a"
    assert pop(fresh_redis, "w2", "id2") == b"req-b"
    assert pop(fresh_redis, "w2", "id3") is None
    assert reclaim(client, RUN) == 0  # w1's lease still runs
    time.sleep(0.15)
    assert reclaim(client, RUN) == 1
    assert client.zrange(RUN.requests, 0, -1) == [b"req-a"]
    assert client.smembers(RUN.workers) == {b"w2"}
    assert pop(fresh_redis, "w1", "id4") == 0  # found dead, it takes nothing more
    assert client.zrange(RUN.requests, 0, -1) == [b"req-a"]
    assert release(client, RUN, "w2") == 1  # a worker leaving puts its own back
    assert sorted(client.zrange(RUN.requests, 0, -1)) == [b"req-a", b"req-b"]


def ack(redis: RedisServer, worker: str, request_id: str, items: list[bytes]) -> int:
    keys_ = [RUN.inflight(worker), keys.ITEMS, RUN.known, RUN.requested]
    args = [request_id, len(items), *items, 1, "key-k", "http://k/", "key-r"]
    return int(redis.client.eval(keys.ACK, len(keys_), *keys_, *args))


def test_items_are_pushed_only_by_the_worker_holding_the_request(
    fresh_redis: RedisServer,  # noqa: F811
) -> None:
    client = fresh_redis.client
    client.zadd(RUN.requests, {b"req": 0})
    client.sadd(RUN.workers, "w1")
    pop(fresh_redis, "w1", "id1")
    assert ack(fresh_redis, "w1", "id1", [b"i1 x", b"i2 y"]) == 1
    assert client.lrange(keys.ITEMS, 0, -1) == [b"i1 x", b"i2 y"]
    # reclaimed meanwhile (or acknowledged twice): its items are not pushed again
    assert ack(fresh_redis, "w1", "id1", [b"i3 z"]) == 0
    assert client.llen(keys.ITEMS) == 2
    assert client.hgetall(RUN.known) == {b"key-k": b"http://k/"}
    assert client.smembers(RUN.requested) == {b"key-r"}


def close(redis: RedisServer) -> int:
    keys_ = [RUN.requests, RUN.workers, RUN.joined, RUN.closed, keys.site_run("s")]
    return int(redis.client.eval(keys.CLOSE, len(keys_), *keys_, RUN.run_id))


def test_a_run_closes_once_no_request_and_no_worker_is_left(
    fresh_redis: RedisServer,  # noqa: F811
) -> None:
    client = fresh_redis.client
    client.set(keys.site_run("s"), RUN.run_id)
    assert close(fresh_redis) == 0  # no worker has joined yet
    client.set(RUN.joined, "1")
    client.sadd(RUN.workers, "w1")
    client.zadd(RUN.requests, {b"req": 0})
    assert close(fresh_redis) == 0
    client.srem(RUN.workers, "w1")
    assert close(fresh_redis) == 0  # a request is left, for the next worker
    client.delete(RUN.requests)
    assert close(fresh_redis) == 1
    assert client.get(keys.site_run("s")) is None  # the site's next worker starts a new run


def test_the_loader_takes_items_into_its_hash(fresh_redis: RedisServer) -> None:  # noqa: F811
    client = fresh_redis.client
    client.rpush(keys.ITEMS, b"a 1", b"b 2", b"c 3")
    taken = client.eval(keys.TAKE, 2, keys.ITEMS, keys.LOADING, 2)
    assert taken == [b"a 1", b"b 2"]
    assert client.hgetall(keys.LOADING) == {b"a": b"a 1", b"b": b"b 2"}
    assert client.lrange(keys.ITEMS, 0, -1) == [b"c 3"]
    assert client.eval(keys.TAKE, 2, keys.ITEMS, keys.LOADING, 5) == [b"c 3"]
    assert client.eval(keys.TAKE, 2, keys.ITEMS, keys.LOADING, 5) == []


def test_a_batchs_item_ids_are_committed_with_it_and_forgotten_with_its_run(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.duckdb"
    start_run(db, "r1", ["demo"], {})
    row = SightingRow("demo", "http://a/", "http://a/x.html", "a/x.html", 1, datetime.now(UTC))
    write_batch(db, Batch("r1", sightings=[row], item_ids=["i1"]))
    assert loaded_item_ids(db, ["i1", "i2"]) == {"i1"}
    forget_loaded_items(db, "r1")
    assert loaded_item_ids(db, ["i1"]) == set()
    assert query(db, "SELECT count(*) FROM sightings") == [(1,)]
