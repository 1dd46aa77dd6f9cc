"""Store articles and quarantined pages in the SQLite archive, in batched transactions."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.db import STORE_CHUNK, Archive, ArchiveError, StorageError, open_archive
from newsbot import settings as defaults
from newsbot.accounting import COMMIT_FAILED_STAT, LOST, archive_outcome
from newsbot.items import Article, NotModified, QuarantinedPage
from newsbot.middlewares import ledger_of

logger = logging.getLogger(__name__)

# Crawler stats keys this pipeline writes, one per outcome of store_article.
STAT_PREFIX = "newsbot/"
RUN_ID_STAT = "newsbot/run_id"


def spider_arguments(spider: Any) -> dict[str, Any]:
    """Return the arguments a spider was started with (`-a name=value`).

    A spider that keeps them in a `crawl_args` dict says so exactly; otherwise they are the plain
    values Scrapy's Spider.__init__ copied into the instance's __dict__.
    """
    crawl_args = getattr(spider, "crawl_args", None)
    if isinstance(crawl_args, dict):
        return dict(crawl_args)
    skip = {"name", "crawler", "settings", "start_urls", "custom_settings", "allowed_domains"}
    return {
        key: value
        for key, value in vars(spider).items()
        if not key.startswith("_")
        and key not in skip
        and isinstance(value, str | int | float | bool | type(None))
    }


class ArchivePipeline:
    """Write each Article and QuarantinedPage to the archive; pass every item on unchanged.

    Settings: NEWSBOT_ARCHIVE_ENABLED (default True), NEWSBOT_ARCHIVE_PATH (default
    "archive.db"), NEWSBOT_ARCHIVE_BATCH_SIZE (items per committed transaction, default 500; a
    crash loses at most the open batch, and never corrupts the file). Items are handed to the
    archive archive.db.STORE_CHUNK at a time: the new articles among them are written together, a
    bad one still rolled back alone.

    The newsbot/articles_* and newsbot/quarantined counts grow only when the batch holding the
    items has committed. A failed commit (disk full, database locked, I/O error) loses that batch:
    its items are counted in newsbot/not_stored and settled as lost in the ledger, the cause goes
    to newsbot/commit_failed, and the crawl stops with finish reason archive_commit_failed.
    """

    def __init__(self, crawler: Crawler, path: str, batch_size: int) -> None:
        self.crawler = crawler
        self.path = path
        self.batch_size = max(1, batch_size)
        self.chunk_size = min(STORE_CHUNK, self.batch_size)
        # Items of the open batch not yet handed to the archive (at most chunk_size of them).
        self._queue: list[Article | QuarantinedPage | NotModified] = []
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self._batch: contextlib.ExitStack | None = None
        # (fetched URL, store outcome) of the items written in the open batch, not yet committed.
        self._pending: list[tuple[str, str]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSBOT_ARCHIVE_ENABLED", defaults.NEWSBOT_ARCHIVE_ENABLED):
            raise NotConfigured("NEWSBOT_ARCHIVE_ENABLED is off")
        pipeline = cls(
            crawler,
            settings.get("NEWSBOT_ARCHIVE_PATH", defaults.NEWSBOT_ARCHIVE_PATH),
            settings.getint("NEWSBOT_ARCHIVE_BATCH_SIZE", defaults.NEWSBOT_ARCHIVE_BATCH_SIZE),
        )
        # The finish reason is known only at spider_closed, which Scrapy sends after
        # close_spider of every pipeline.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        started_at = self.crawler.stats.get_value("start_time") or datetime.now(UTC)
        try:
            self.archive = open_archive(self.path)
            self.run_id = self.archive.start_run(
                getattr(spider, "name", "?"), spider_arguments(spider), started_at
            )
        except (ArchiveError, StorageError) as error:
            # "database is locked" beside another writer, a foreign file, a full disk: the crawl
            # cannot store anything, so it stops as soon as it has opened, and the run fails.
            cause = f"{type(error).__name__}: {error}"
            logger.error("cannot write to the archive %s: %s", self.path, cause)
            self.crawler.stats.set_value(COMMIT_FAILED_STAT, f"opening {self.path}: {cause}")
            if self.archive is not None:
                self.archive.close()
                self.archive = None
            self.crawler.signals.connect(self._stop_unusable, signal=signals.spider_opened)
            return
        self.crawler.stats.set_value(RUN_ID_STAT, self.run_id)

    def _stop_unusable(self) -> None:
        self._stop_crawl("archive_unavailable")

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article | QuarantinedPage | NotModified) or self.archive is None:
            if isinstance(item, Article | QuarantinedPage | NotModified):
                self._lose([fetched_url(item)], "the archive is closed (an earlier commit failed)")
            return item
        self._open_batch()
        self._queue.append(item)
        if len(self._queue) >= self.chunk_size:
            self._store_queue()
        if self.archive is not None and len(self._pending) + len(self._queue) >= self.batch_size:
            self._commit_batch()
        return item

    def _store_queue(self) -> None:
        """Hand the queued items to the archive; note each outcome, or report and lose each failure."""
        queue, self._queue = self._queue, []
        if not queue or self.archive is None:
            return
        try:
            results: list[str | Exception] = self.archive.store_items(queue, self.run_id)
        except Exception as error:  # the look-up before any item failed (disk I/O error, ...)
            results = [error] * len(queue)
        fatal = None
        for item, result in zip(queue, results, strict=True):
            if isinstance(result, Exception):
                # The failed item's writes were rolled back to its savepoint; the batch goes on,
                # unless the error took the whole transaction with it (disk full, I/O error).
                logger.error("could not archive %s: %s", item.url, result)
                self.crawler.stats.inc_value(f"{STAT_PREFIX}archive_errors")
                self._lose([fetched_url(item)], f"archive error: {result}")
                fatal = result  # the last error is the one that ended the transaction, if one did
            else:
                self._pending.append((fetched_url(item), result))
        if fatal is not None and not self.archive.conn.in_transaction:
            self._fail_batch(fatal)

    def close_spider(self) -> None:
        self._commit_batch()

    def spider_closed(self, reason: str) -> None:
        """Finish the run once Scrapy knows why it stopped (after every pipeline has closed)."""
        if self.archive is None:
            return
        self._commit_batch()
        if self.archive is None:  # that commit failed
            return
        assert self.run_id is not None
        try:
            self.archive.finish_run(
                self.run_id,
                finished_at=datetime.now(UTC),
                stats=self.crawler.stats.get_stats(),
                finish_reason=reason,
            )
        except StorageError as error:
            logger.error("could not record the end of run %s: %s", self.run_id, error)
            self.crawler.stats.set_value(COMMIT_FAILED_STAT, f"recording the run's end: {error}")
        self.archive.close()
        self.archive = None

    def _open_batch(self) -> None:
        if self._batch is None:
            assert self.archive is not None
            self._batch = contextlib.ExitStack()
            self._batch.enter_context(self.archive.transaction())

    def _commit_batch(self) -> None:
        """Commit the open batch; only then count its items and settle them in the ledger."""
        if self._batch is None:
            return
        self._store_queue()
        if self._batch is None:  # storing the queue ended the transaction: the batch is lost
            return
        batch, self._batch = self._batch, None
        try:
            batch.close()
        except Exception as error:
            self._batch = batch  # for _fail_batch's bookkeeping; its transaction is gone
            self._fail_batch(error)
            return
        pending, self._pending = self._pending, []
        ledger = ledger_of(self.crawler)
        for url, outcome in pending:
            self.crawler.stats.inc_value(f"{STAT_PREFIX}{outcome}")
            if ledger is not None:
                ledger.settle_url(url, archive_outcome(outcome))

    def _fail_batch(self, error: BaseException) -> None:
        """A commit failed: the batch's items are lost, the run fails with the cause, the crawl stops."""
        urls = [url for url, _ in self._pending]  # the queue is empty: it was handed over first
        self._pending = []
        batch, self._batch = self._batch, None
        if batch is not None:
            with contextlib.suppress(Exception):
                batch.close()
        cause = f"{type(error).__name__}: {error}"
        logger.error("archive commit failed, %d items not stored: %s", len(urls), cause)
        if not self.crawler.stats.get_value(COMMIT_FAILED_STAT):
            self.crawler.stats.set_value(COMMIT_FAILED_STAT, cause)
        self._lose(urls, f"commit failed: {cause}")
        if self.archive is not None:
            with contextlib.suppress(Exception):
                self.archive.close()
            self.archive = None
        self._stop_crawl("archive_commit_failed")

    def _stop_crawl(self, reason: str) -> None:
        """Close the spider (once) with `reason`: nothing more can be stored."""
        try:
            engine = self.crawler.engine
        except RuntimeError:  # Scrapy's "Crawler.engine is not set yet": no crawl runs to stop
            return
        slot = getattr(engine, "_slot", None)
        if slot is None or slot.closing is not None:
            return
        from scrapy.utils.defer import deferred_from_coro

        closing = deferred_from_coro(engine.close_spider_async(reason=reason))
        closing.addErrback(lambda failure: logger.error("could not stop the crawl: %s", failure.value))

    def _lose(self, urls: list[str], reason: str) -> None:
        self.crawler.stats.inc_value(f"{STAT_PREFIX}not_stored", len(urls))
        ledger = ledger_of(self.crawler)
        if ledger is not None:
            for url in urls:
                ledger.settle_url(url, LOST, reason)


def fetched_url(item: Article | QuarantinedPage | NotModified) -> str:
    """Return the URL an item was fetched from (its request's, before any canonical rewrite)."""
    page = getattr(item, "page", None)
    return page.url if page is not None else item.url
