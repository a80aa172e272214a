"""The single loader of a shared crawl: it owns the warehouse (DuckDB allows one writer).

It starts each run the workers open (its ``runs`` row, and what the warehouse knows of the site,
published for the workers), drains the item queue into the warehouse with the loading code of a
one-process crawl (:class:`pipelines.load.WarehousePipeline`: batches, the site's boilerplate,
dedupe), and finishes a run once its frontier is done and its items are loaded.

No item is lost or loaded twice: items are moved from the queue into a hash before they are
loaded, each batch stores its items' ids in ``loaded_items`` in its own transaction, and the
items leave the hash only after the commit. A loader restarted after a crash loads the items of
the hash that the warehouse does not have.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from crawler.frontier import keys
from crawler.frontier.messages import decode
from crawler.frontier.scheduler import reclaim
from crawler.listing.incremental import CrawlState
from crawler.settings import GLEANER_BATCH_SIZE, GLEANER_FLUSH_SECONDS
from crawler.sites import SiteConfig
from pipelines.load import CountingStats, LoadSettings, WarehousePipeline
from warehouse.db import connect, write_session
from warehouse.dedupe.plan import DECISIONS
from warehouse.errors import WarehouseError
from warehouse.lifecycle import this_process
from warehouse.rows import SkippedRow
from warehouse.runs import finish_run, forget_loaded_items, loaded_item_ids, start_run
from warehouse.state import SiteState, read_site_state

if TYPE_CHECKING:
    import redis

    from warehouse.rows import Batch
    from warehouse.writer import BatchResult

logger = logging.getLogger(__name__)


class RunLoad(WarehousePipeline):
    """One run's loading: a crawl's warehouse pipeline, fed from the queue, that records which
    items each batch holds."""

    def __init__(
        self, settings: LoadSettings, site: SiteConfig, stored: SiteState, refresh: bool
    ) -> None:
        super().__init__(settings, site.name, CountingStats(), None, site.min_text_chars)
        self.config = site
        self.stored = stored
        self.refresh = refresh
        self.committed: list[str] = []
        """Ids of the items committed and not yet removed from the queue's hash."""
        self.skipped_articles: set[int] = set()
        self._owners: dict[Any, list[str]] = {}

    async def load(self, item_id: str, item: Any) -> None:
        """Buffer one item; commit the buffer when it is full or old."""
        self._owners.setdefault(self._buffer(item), []).append(item_id)
        if isinstance(item, SkippedRow) and item.article_id is not None:
            self.skipped_articles.add(item.article_id)
        await self._flush_if_due()

    def _write(self, batch: Batch) -> BatchResult:
        """Commit the batch with the ids of its items."""
        ids: list[str] = []
        for rows in batch.counted():
            for row in rows:
                owners = self._owners.get(row)
                if owners:
                    ids.append(owners.pop())
                    if not owners:
                        del self._owners[row]
        batch.item_ids = ids
        print(f"run {self.settings.run_id}: loading {len(ids)} items", file=sys.stderr, flush=True)
        result = super()._write(batch)
        self.committed += ids
        print(
            f"run {self.settings.run_id}: committed {len(ids)} items, {result.rows} rows",
            file=sys.stderr,
            flush=True,
        )
        return result

    def unfetched(self, known: dict[str, str], requested: set[str]) -> list[SkippedRow]:
        """The rows of the known article links no worker fetched, as a one-process crawl makes
        them when it ends (``NewsSpider.unfetched``)."""
        state = CrawlState.build(
            self.stored,
            refresh=self.refresh,
            recheck_after=self.config.recheck_after,
            retry_failed_after=timedelta(hours=1),
        )
        return state.unfetched(self.config.name, known, requested, set(self.skipped_articles))


def run_counters(db_path: str, run_id: str, requests: int) -> dict[str, int]:
    """A run's counters, counted in the warehouse (so a restarted loader counts them all)."""
    conn = connect(db_path, read_only=True)
    try:
        pages, size = conn.execute(
            "SELECT count(*), coalesce(sum(bytes), 0) FROM fetches WHERE run_id = ?", [run_id]
        ).fetchall()[0]
        decisions = conn.execute(
            "SELECT decision, count(*) FROM decisions WHERE run_id = ? GROUP BY ALL", [run_id]
        ).fetchall()
        rejects = conn.execute(
            "SELECT reason, count(*) FROM rejects WHERE run_id = ? GROUP BY ALL", [run_id]
        ).fetchall()
    finally:
        conn.close()
    counters = {
        "pages": int(pages),
        "requests": requests,
        "bytes": int(size),
        "robots_forbidden": sum(int(n) for reason, n in rejects if reason == "blocked"),
    }
    counters.update({f"decisions/{d}": 0 for d in DECISIONS})
    counters.update({f"decisions/{d}": int(n) for d, n in decisions})
    counters.update({f"rejects/{r}": int(n) for r, n in rejects})
    return counters


class Loader:
    """Drains the item queue of a Redis server into one warehouse."""

    def __init__(
        self,
        server: redis.Redis,
        db_path: str,
        *,
        batch_size: int = GLEANER_BATCH_SIZE,
        flush_seconds: float = GLEANER_FLUSH_SECONDS,
    ) -> None:
        self.server = server
        self.db_path = db_path
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.runs: dict[str, RunLoad] = {}
        self.finished: list[str] = []
        """Runs finished by this loader, in order."""

    async def run(self, *, until_idle: bool = False, on_finish: Any = None) -> list[str]:
        """Load until stopped; with ``until_idle``, until a run has finished and none is left.

        Args:
            until_idle: Stop once at least one run has finished and no run is open.
            on_finish: Called with each finished run's id.

        Returns:
            The ids of the runs finished.
        """
        await self.recover()
        while True:
            moved = await self.step()
            for run_id in await self.finish_ready():
                if on_finish is not None:
                    on_finish(run_id)
            if until_idle and self.finished and not self.runs and not self.server.scard(keys.RUNS):
                return self.finished
            if not moved:
                await asyncio.sleep(0.2)

    async def recover(self) -> None:
        """Load the items a previous loader took and did not commit; drop those it committed."""
        found = cast("dict[bytes, bytes]", self.server.hgetall(keys.LOADING))
        held = {keys.text(k): v for k, v in found.items()}
        done = await asyncio.to_thread(loaded_item_ids, self.db_path, held)
        if done:
            self.server.hdel(keys.LOADING, *done)
        for item_id, message in held.items():
            if item_id not in done:
                await self._load(message)
        logger.info("recovered %d items; %d were loaded already", len(held) - len(done), len(done))

    async def step(self) -> int:
        """Open new runs, load the next items, commit what is due. Returns the items taken."""
        for raw in self.server.smembers(keys.RUNS):
            run_id = keys.text(raw)
            if run_id not in self.runs:
                await self.open_run(run_id)
        taken = self.server.eval(keys.TAKE, 2, keys.ITEMS, keys.LOADING, self.batch_size)
        for message in taken:
            await self._load(message)
        for run in self.runs.values():
            if run.due():
                await run.flush()
            self._acknowledge(run)
        return len(taken)

    async def _load(self, message: bytes) -> None:
        item_id, run_id, row = decode(message)
        run = self.runs.get(run_id) or await self.open_run(run_id)
        if run is None:
            logger.warning("item %s of unknown run %s dropped", item_id, run_id)
            self.server.hdel(keys.LOADING, item_id)
            return
        await run.load(item_id, row)
        self._acknowledge(run)

    def _acknowledge(self, run: RunLoad) -> None:
        if run.committed:
            self.server.hdel(keys.LOADING, *run.committed)
            run.committed.clear()

    async def open_run(self, run_id: str) -> RunLoad | None:
        """Start (or resume) a run: its ``runs`` row and the site's state for the workers."""
        run = keys.RunKeys(run_id)
        meta = {keys.text(k): keys.text(v) for k, v in self.server.hgetall(run.meta).items()}
        if "site" not in meta:
            self.server.srem(keys.RUNS, run_id)
            return None
        site = SiteConfig.model_validate_json(meta["site"])
        settings = json.loads(meta.get("settings") or "{}")
        published = self.server.get(run.state)
        await asyncio.to_thread(self._record_start, run_id, site.name, settings)
        if published is not None:
            stored = pickle.loads(cast("bytes", published))
        else:
            stored = await asyncio.to_thread(
                read_site_state, self.db_path, site.name, run_id=run_id
            )
            self.server.set(run.state, pickle.dumps(stored, protocol=5))
        load_settings = LoadSettings(self.db_path, run_id, self.batch_size, self.flush_seconds)
        pipeline = RunLoad(load_settings, site, stored, meta.get("refresh") == "1")
        await pipeline.open_spider()
        self.runs[run_id] = pipeline
        print(f"run {run_id}: started ({site.name})", file=sys.stderr, flush=True)
        return pipeline

    def _record_start(self, run_id: str, site: str, settings: dict[str, Any]) -> None:
        """Record the run as ``running`` by this process (again, after a loader restart)."""
        try:
            start_run(self.db_path, run_id, [site], settings)
        except WarehouseError:
            me = this_process()
            with write_session(self.db_path) as conn:
                conn.execute(
                    "UPDATE runs SET status = 'running', finished_at = NULL, finish_reason = NULL,"
                    " host = ?, pid = ?, process_started = ? WHERE run_id = ?",
                    [me.host, me.pid, me.started, run_id],
                )

    async def finish_ready(self) -> list[str]:
        """Finish the runs whose frontier is done and whose items are all loaded."""
        done: list[str] = []
        for run_id, pipeline in list(self.runs.items()):
            run = keys.RunKeys(run_id)
            reclaim(self.server, run)
            close_keys = [run.requests, run.workers, run.joined, run.closed]
            close_keys.append(keys.site_run(pipeline.site))
            if not self.server.eval(keys.CLOSE, len(close_keys), *close_keys, run_id):
                continue
            if self.server.llen(keys.ITEMS):
                continue
            await self.finish(run_id, pipeline)
            done.append(run_id)
        return done

    async def finish(self, run_id: str, pipeline: RunLoad) -> None:
        """Load the known links no worker fetched, commit the rest, record the run's end."""
        run = keys.RunKeys(run_id)
        known = {keys.text(k): keys.text(v) for k, v in self.server.hgetall(run.known).items()}
        requested = {keys.text(k) for k in self.server.smembers(run.requested)}
        rows = pipeline.unfetched(known, requested)
        ids = [f"{run_id}:unfetched:{row.url_key}" for row in rows]
        done = await asyncio.to_thread(loaded_item_ids, self.db_path, ids)
        for item_id, row in zip(ids, rows, strict=True):
            if item_id not in done:
                await pipeline.load(item_id, row)
        await pipeline.flush(final=True)
        self._acknowledge(pipeline)
        requests = int(self.server.hget(run.stats, "requests") or 0)
        counters = await asyncio.to_thread(run_counters, self.db_path, run_id, requests)
        await asyncio.to_thread(finish_run, self.db_path, run_id, "finished", "finished", counters)
        self.server.delete(*run.all())
        self.server.srem(keys.RUNS, run_id)
        # Last: until the run has left Redis, a restarted loader may finish it again and must
        # find the links above loaded.
        await asyncio.to_thread(forget_loaded_items, self.db_path, run_id)
        del self.runs[run_id]
        self.finished.append(run_id)
        print(f"run {run_id}: finished", file=sys.stderr, flush=True)
