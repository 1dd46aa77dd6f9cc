"""The one archive writer of multi-machine mode: drain the Redis item queue into the SQLite archive.

Delivery is at-least-once into an idempotent archive, so nothing is lost and nothing doubles:
each message is moved (LMOVE) from the queue to a `:processing` list, stored inside an SQLite
transaction, and removed from `:processing` only after that transaction committed. A writer that
dies (or loses Redis) leaves its uncommitted messages in `:processing`; the next writer stores
them first, and storing a message twice adds nothing to the archive.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.db import Archive, open_archive
from newsbot.items import Article, KnownPage, parse_iso
from newsbot.runs.distributed.codec import Message, decode_message
from newsbot.runs.distributed.keys import RedisKeys, is_dead_local_process, redact, worker_id
from newsbot.runs.distributed.state import decode_known, encode_known, known_page_of, newer_known_page

logger = logging.getLogger(__name__)

WRITER_LOCK_TTL = 15  # seconds; refreshed on every poll, so a dead writer's lock soon lapses


class IngestError(Exception):
    """Ingest cannot go on (Redis unreachable, another writer busy); the message is one line."""


@dataclass(slots=True)
class IngestReport:
    """What one ingest stored, by outcome; `stopped` says why it ended."""

    outcomes: Counter[str] = field(default_factory=Counter)  # new/changed/unchanged/quarantined/...
    batches: int = 0
    recovered: int = 0  # messages a previous writer had taken but not committed
    stopped: str = ""

    @property
    def messages(self) -> int:
        return sum(self.outcomes.values())


@dataclass(slots=True)
class _Batch:
    raw: list[bytes]
    known: dict[str, KnownPage] = field(default_factory=dict)  # url -> state to mirror
    runs: dict[str, int] = field(default_factory=dict)  # worker run -> crawl_runs id, new this batch
    dead: list[bytes] = field(default_factory=list)


class Writer:
    """Drain `keys.items` into the archive at `db_path`, one committed batch at a time."""

    def __init__(
        self,
        server: Any,
        db_path: Path,
        *,
        keys: RedisKeys | None = None,
        batch_size: int = 200,
        url: str = "",
    ) -> None:
        self.server = server
        self.db_path = db_path
        self.keys = keys or RedisKeys()
        self.batch_size = max(1, batch_size)
        self.url = url
        self.name = worker_id()
        self.report = IngestReport()
        self._run_ids: dict[str, int] = {}
        self._run_counts: dict[str, Counter[str]] = {}

    def run(
        self,
        *,
        idle: float = 5.0,
        follow: bool = False,
        on_batch: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Store everything queued; stop after `idle` seconds without a message (never with `follow`).

        Redis going away raises IngestError; the archive then holds exactly the committed batches
        and every uncommitted message is still in Redis.
        """
        import redis

        try:
            self._lock()
            with open_archive(self.db_path) as archive:
                leftover = self.server.lrange(self.keys.processing, 0, -1)
                if leftover:
                    # Taken by a writer that stopped before committing: oldest is at the right.
                    self.report.recovered = len(leftover)
                    for start in range(0, len(leftover), self.batch_size):
                        chunk = list(reversed(leftover))[start : start + self.batch_size]
                        self._store(archive, chunk, on_batch)
                quiet_since = time.monotonic()
                while True:
                    self._lock()
                    raw = self._take(wait=min(1.0, max(idle, 0.1)))
                    if raw:
                        self._store(archive, raw, on_batch)
                        quiet_since = time.monotonic()
                    elif not follow and time.monotonic() - quiet_since >= idle:
                        self.report.stopped = f"queue empty for {idle:g} s"
                        break
            self._unlock()
        except redis.RedisError as error:
            raise IngestError(
                f"Redis at {redact(self.url)} went away ({error}): the archive holds every committed"
                f" batch; uncommitted messages stay in {self.keys.processing} for the next ingest"
            ) from None
        return self.report

    # --- Redis side ---------------------------------------------------------------------------------
    def _lock(self) -> None:
        """Hold the queue's writer lock (SQLite has one writer); take over a dead local writer's."""
        key = f"{self.keys.items}:writer"
        if self.server.set(key, self.name, nx=True, ex=WRITER_LOCK_TTL):
            return
        holder = (self.server.get(key) or b"").decode()
        if holder and holder != self.name:
            if not is_dead_local_process(holder):
                raise IngestError(
                    f"another writer ({holder}) is draining {self.keys.items}: run one `archive ingest`"
                    f" per queue (a stopped writer's lock lapses after {WRITER_LOCK_TTL} s)"
                )
            logger.warning("writer %s is gone: taking over its lock", holder)
            self.server.set(key, self.name, ex=WRITER_LOCK_TTL)
        self.server.expire(key, WRITER_LOCK_TTL)

    def _unlock(self) -> None:
        key = f"{self.keys.items}:writer"
        if self.server.get(key) == self.name.encode():
            self.server.delete(key)

    def _take(self, *, wait: float) -> list[bytes]:
        """Move up to a batch of messages to `:processing`, waiting up to `wait` s for the first."""
        first = self.server.blmove(self.keys.items, self.keys.processing, wait, "RIGHT", "LEFT")
        if first is None:
            return []
        taken = [first]
        while len(taken) < self.batch_size:
            more = self.server.lmove(self.keys.items, self.keys.processing, "RIGHT", "LEFT")
            if more is None:
                break
            taken.append(more)
        return taken

    def _release(self, batch: _Batch) -> None:
        """After the commit: mirror page state and run ids, park dead messages, drop the batch."""
        pipe = self.server.pipeline()
        if batch.known:
            pipe.hset(self.keys.known, mapping={url: encode_known(p) for url, p in batch.known.items()})
        if batch.runs:
            pipe.hset(self.keys.runs, mapping=batch.runs)
        if batch.dead:
            pipe.lpush(self.keys.dead, *batch.dead)
        for raw in batch.raw:
            pipe.lrem(self.keys.processing, 1, raw)
        pipe.execute()

    # --- archive side -------------------------------------------------------------------------------
    def _store(
        self, archive: Archive, raw: list[bytes], on_batch: Callable[[IngestReport], None] | None
    ) -> None:
        batch = _Batch(raw)
        decoded = [decode_message(message) for message in raw]
        # Every Redis read happens before the transaction, so a Redis failure never interrupts one.
        self._prefetch_runs([d.message for d in decoded if d.message is not None])
        known = self._prefetch_known([d.message for d in decoded if d.message is not None])
        with archive.transaction():
            for message, result in zip(raw, decoded, strict=True):
                if result.message is None:
                    self._dead(batch, message, result.error or "unreadable")
                    continue
                try:
                    self._apply(archive, result.message, batch, known)
                except Exception as error:
                    # The item's own savepoint rolled back; the rest of the batch goes on.
                    logger.exception("could not store a queued %s", result.message.kind)
                    self._dead(batch, message, f"store failed: {type(error).__name__}: {error}")
        self._release(batch)
        self.report.batches += 1
        if on_batch is not None:
            on_batch(self.report)

    def _apply(self, archive: Archive, message: Message, batch: _Batch, known: dict[str, KnownPage]) -> None:
        run_id = self._run_ids.get(message.run or "")
        counts = self._run_counts.setdefault(message.run or "", Counter())
        if message.kind == "run_start":
            data = message.data
            run_id = archive.start_run(
                str(data.get("spider", "?")), dict(data.get("args") or {}), parse_iso(data["started_at"])
            )
            self._run_ids[message.run or ""] = batch.runs[message.run or ""] = run_id
            outcome = "runs_started"
        elif message.kind == "run_finish":
            data = message.data
            stats = {**dict(data.get("stats") or {}), **{f"newsbot/{k}": v for k, v in counts.items()}}
            if run_id is not None:
                archive.finish_run(
                    run_id,
                    finished_at=parse_iso(data["finished_at"]),
                    stats=stats,
                    finish_reason=str(data.get("finish_reason", "unknown")),
                )
            outcome = "runs_finished"
        else:
            assert message.item is not None
            outcome = archive.store_item(message.item, run_id)
            if isinstance(message.item, Article):
                page = newer_known_page(known.get(message.item.url), known_page_of(message.item))
                known[message.item.url] = batch.known[message.item.url] = page
        counts[outcome] += 1
        self.report.outcomes[outcome] += 1

    def _dead(self, batch: _Batch, message: bytes, reason: str) -> None:
        logger.warning("queued message set aside in %s: %s", self.keys.dead, reason)
        record = {"reason": reason, "message": message.decode("utf-8", "replace")}
        batch.dead.append(json.dumps(record, ensure_ascii=False).encode("utf-8"))
        self.report.outcomes["dead"] += 1

    def _prefetch_runs(self, messages: list[Message]) -> None:
        wanted = sorted({m.run for m in messages if m.run and m.run not in self._run_ids})
        if wanted:
            for run, run_id in zip(wanted, self.server.hmget(self.keys.runs, wanted), strict=True):
                if run_id is not None:
                    self._run_ids[run] = int(run_id)

    def _prefetch_known(self, messages: list[Message]) -> dict[str, KnownPage]:
        urls = sorted({m.item.url for m in messages if isinstance(m.item, Article)})
        if not urls:
            return {}
        values = self.server.hmget(self.keys.known, urls)
        found = {url: decode_known(url, raw) for url, raw in zip(urls, values, strict=True)}
        return {url: page for url, page in found.items() if page is not None}
