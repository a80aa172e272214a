"""The Redis keys of shared crawls, and the scripts that change them atomically.

A run of a site lives under ``gleaner:run:<run_id>:``; ``gleaner:site:<site>:run`` names the
site's current run and ``gleaner:runs`` holds every run not yet finished. Items for the loader
wait in one list, ``gleaner:items``; the loader moves them to ``gleaner:items:loading`` while it
loads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

PREFIX: Final = "gleaner"
RUNS: Final = f"{PREFIX}:runs"
"""Set: the runs not yet finished."""
ITEMS: Final = f"{PREFIX}:items"
"""List: encoded items waiting for the loader."""
LOADING: Final = f"{PREFIX}:items:loading"
"""Hash: item id -> encoded item, for the items the loader holds and has not committed."""


def text(value: bytes | str | None) -> str:
    """A value read from Redis (bytes) as text."""
    return value.decode() if isinstance(value, bytes) else str(value or "")


def site_run(site: str) -> str:
    """The key naming a site's current run."""
    return f"{PREFIX}:site:{site}:run"


def alive(worker: str) -> str:
    """A worker's lease: present while the worker lives (it expires unless renewed)."""
    return f"{PREFIX}:worker:{worker}:alive"


def rate(site: str) -> str:
    """The time (microseconds) from which the site's next request may be sent."""
    return f"{PREFIX}:site:{site}:next_request"


@dataclass(frozen=True, slots=True)
class RunKeys:
    """The keys of one run."""

    run_id: str

    def _key(self, name: str) -> str:
        return f"{PREFIX}:run:{self.run_id}:{name}"

    @property
    def meta(self) -> str:
        """Hash: ``site`` (the site's config as JSON), ``settings`` (JSON), ``refresh``."""
        return self._key("meta")

    @property
    def state(self) -> str:
        """String: what the warehouse knew of the site when the run began, published by the
        loader."""
        return self._key("state")

    @property
    def requests(self) -> str:
        """Sorted set: the shared request queue (scrapy-redis)."""
        return self._key("requests")

    @property
    def seen(self) -> str:
        """Set: fingerprints of the requests scheduled in this run (scrapy-redis)."""
        return self._key("seen")

    @property
    def workers(self) -> str:
        """Set: the workers that joined and have not left (or been found dead)."""
        return self._key("workers")

    @property
    def joined(self) -> str:
        """String: set once a worker has joined."""
        return self._key("joined")

    @property
    def closed(self) -> str:
        """String: set when the frontier is done; no worker joins the run after it."""
        return self._key("closed")

    @property
    def known(self) -> str:
        """Hash: URL key -> URL of each listed article skipped as known."""
        return self._key("known")

    @property
    def requested(self) -> str:
        """Set: URL keys of the articles requested."""
        return self._key("requested")

    @property
    def stats(self) -> str:
        """Hash: counters the workers share (``requests``)."""
        return self._key("stats")

    def inflight(self, worker: str) -> str:
        """Hash: request id -> encoded request, for the requests a worker has popped and not
        acknowledged."""
        return self._key(f"inflight:{worker}")

    def all(self) -> list[str]:
        """Every key of the run but the in-flight hashes (deleted as their workers leave)."""
        return [
            self.meta,
            self.state,
            self.requests,
            self.seen,
            self.workers,
            self.joined,
            self.closed,
            self.known,
            self.requested,
            self.stats,
        ]


#: Join a site's run (creating it when there is none), as a worker. KEYS: site run key, runs set.
#: ARGV: new run id, worker id, lease ms, site JSON, settings JSON, refresh. Returns the run id.
JOIN: Final = """
local run = redis.call('GET', KEYS[1])
if not run then
  run = ARGV[1]
  redis.call('SET', KEYS[1], run)
  redis.call('SADD', KEYS[2], run)
  local meta = 'gleaner:run:' .. run .. ':meta'
  redis.call('HSET', meta, 'site', ARGV[4], 'settings', ARGV[5], 'refresh', ARGV[6])
end
local prefix = 'gleaner:run:' .. run .. ':'
redis.call('SET', 'gleaner:worker:' .. ARGV[2] .. ':alive', '1', 'PX', ARGV[3])
redis.call('SADD', prefix .. 'workers', ARGV[2])
redis.call('SET', prefix .. 'joined', '1')
return run
"""

#: Pop the first request of the queue into a worker's in-flight hash, unless the worker was found
#: dead and removed. KEYS: queue, in-flight hash, workers set. ARGV: request id, worker id.
#: Returns the encoded request, nil when the queue is empty, 0 when the worker was removed.
POP: Final = """
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return 0 end
local found = redis.call('ZRANGE', KEYS[1], 0, 0)
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
redis.call('HSET', KEYS[2], ARGV[1], found[1])
return found[1]
"""

#: Put a worker's in-flight requests back in the queue and remove the worker. KEYS: in-flight
#: hash, queue, workers set, the worker's lease. ARGV: worker id. Returns how many went back.
RELEASE: Final = """
local held = redis.call('HVALS', KEYS[1])
for _, request in ipairs(held) do redis.call('ZADD', KEYS[2], 0, request) end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
return #held
"""

#: Acknowledge a request: when the worker still holds it, push its items; in any case record the
#: listed links. KEYS: in-flight hash, items list, known hash, requested set. ARGV: request id
#: ('' for none), item count N, N items, known pair count M, M (key, URL) pairs, requested keys.
#: Returns 1 when the items were pushed.
ACK: Final = """
local n = tonumber(ARGV[2])
local owned = ARGV[1] == '' or redis.call('HDEL', KEYS[1], ARGV[1]) == 1
if owned then
  for i = 3, 2 + n do redis.call('RPUSH', KEYS[2], ARGV[i]) end
end
local at = 3 + n
local m = tonumber(ARGV[at])
for i = 0, m - 1 do redis.call('HSETNX', KEYS[3], ARGV[at + 1 + 2 * i], ARGV[at + 2 + 2 * i]) end
for i = at + 1 + 2 * m, #ARGV do redis.call('SADD', KEYS[4], ARGV[i]) end
if owned then return 1 end
return 0
"""

#: Close a run whose frontier is done: no request queued, no worker left, one joined once.
#: KEYS: queue, workers, joined, closed, site run key. ARGV: run id. Returns 1 when closed.
CLOSE: Final = """
if redis.call('EXISTS', KEYS[4]) == 1 then return 1 end
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('SCARD', KEYS[2]) > 0 then return 0 end
redis.call('SET', KEYS[4], '1')
if redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('DEL', KEYS[5]) end
return 1
"""

#: Move up to N items from the queue into the loader's hash. KEYS: items list, loading hash.
#: ARGV: N. Returns the items moved (each ``<id> <payload>``).
TAKE: Final = """
local items = redis.call('LPOP', KEYS[1], ARGV[1])
if not items then return {} end
for _, item in ipairs(items) do
  local space = string.find(item, ' ', 1, true)
  redis.call('HSET', KEYS[2], string.sub(item, 1, space - 1), item)
end
return items
"""

#: Take the site's next request slot when it has come. KEYS: the site's rate key, the run's
#: stats. ARGV: interval in microseconds (0: no limit). Returns 0 when the slot is taken (the
#: request counted), else how many microseconds remain until it comes.
ACQUIRE: Final = """
local interval = tonumber(ARGV[1])
if interval > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local next_at = tonumber(redis.call('GET', KEYS[1]) or '0')
  if now < next_at then return next_at - now end
  local ttl = 60000 + math.floor(interval / 1000)
  redis.call('SET', KEYS[1], string.format('%.0f', now + interval), 'PX', ttl)
end
redis.call('HINCRBY', KEYS[2], 'requests', 1)
return 0
"""
