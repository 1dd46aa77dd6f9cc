"""One scheduled run into an archive: lock -> stale-lock takeover -> run record -> crawl -> verdict."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.db import open_archive
from archive.revisit import FILL_RATES_STAT
from newsbot.accounting import pages_attempted
from newsbot.runs.alarms import generic_articles, run_failures
from newsbot.runs.crawl import CrawlOutcome, project_settings, run_spider
from newsbot.runs.lock import RunLock, lock_path


@dataclass(frozen=True, slots=True)
class ScheduledRun:
    """How one scheduled run ended: the crawl's stats and the reasons it failed (none: ok)."""

    spider: str
    outcome: CrawlOutcome
    failures: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> dict[str, Any]:
        """Return the closing summary of the run: its id, counts and verdict."""
        count = self.outcome.count
        return {
            "spider": self.spider,
            "run_id": self.outcome.stats.get("newsbot/run_id"),
            "finish_reason": self.outcome.finish_reason,
            "pages": pages_attempted(self.outcome.stats),
            "new": count("newsbot/articles_new"),
            "changed": count("newsbot/articles_changed"),
            "unchanged": count("newsbot/articles_unchanged"),
            "not_modified": count("newsbot/revisit/not_modified"),
            "not_due": count("newsbot/revisit/not_due"),
            "quarantined": count("newsbot/quarantined"),
            "generic": generic_articles(self.outcome.stats.get(FILL_RATES_STAT) or {}),
            "alarms": len(self.outcome.stats.get("newsbot/alarms") or []),
            "ok": self.ok,
            "failures": self.failures,
        }


def scheduled_run(
    spider: str,
    spider_args: Mapping[str, Any],
    overrides: Mapping[str, Any],
    *,
    db: Path,
    note: Callable[[str], None],
    run_name: str | None = None,
) -> ScheduledRun:
    """Crawl `spider` into the archive `db` under its run lock, and judge the run.

    A lock left by a dead run is taken over (said through `note`) and that run's record is closed
    as dead (`run_name`: the name runs are recorded under, when the spider gives itself another than
    `spider`). Raise LockHeld when a live run holds the lock, ArchiveError when `db` is not an
    archive this version can use; in both cases nothing was crawled.
    """
    lock = RunLock(lock_path(db))
    stale = lock.acquire()
    try:
        if stale is not None:
            note(f"taking over the stale lock {lock.path} of {stale.describe()} (that run died)")
        # Refuse a foreign or newer file before crawling, migrate, and close the dead run's record.
        with open_archive(db) as archive:
            if stale is not None:
                archive.mark_dead_runs(run_name or spider, started_since=stale.started_at)
        outcome = run_spider(spider, spider_args, overrides)
    finally:
        lock.release()
    max_error_rate = project_settings(overrides).getfloat("NEWSBOT_MAX_ERROR_RATE")
    return ScheduledRun(spider, outcome, run_failures(outcome.stats, max_error_rate=max_error_rate))
