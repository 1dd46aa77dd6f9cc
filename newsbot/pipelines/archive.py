"""Store articles and quarantined pages in the SQLite archive, in batched transactions."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.db import Archive, open_archive
from newsbot import settings as defaults
from newsbot.items import Article, NotModified, QuarantinedPage

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
    crash loses at most the open batch, and never corrupts the file).
    """

    def __init__(self, crawler: Crawler, path: str, batch_size: int) -> None:
        self.crawler = crawler
        self.path = path
        self.batch_size = max(1, batch_size)
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self._batch: contextlib.ExitStack | None = None
        self._in_batch = 0

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
        self.archive = open_archive(self.path)
        self.run_id = self.archive.start_run(
            getattr(spider, "name", "?"), spider_arguments(spider), started_at
        )
        self.crawler.stats.set_value(RUN_ID_STAT, self.run_id)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article | QuarantinedPage | NotModified) or self.archive is None:
            return item
        self._open_batch()
        try:
            outcome = self.archive.store_item(item, self.run_id)
            self.crawler.stats.inc_value(f"{STAT_PREFIX}{outcome}")
        except Exception:
            # The failed item's writes were rolled back to its savepoint; the batch goes on.
            logger.exception("could not archive %s", item.url)
            self.crawler.stats.inc_value(f"{STAT_PREFIX}archive_errors")
        self._in_batch += 1
        if self._in_batch >= self.batch_size:
            self._commit_batch()
        return item

    def close_spider(self) -> None:
        self._commit_batch()

    def spider_closed(self, reason: str) -> None:
        """Finish the run once Scrapy knows why it stopped (after every pipeline has closed)."""
        if self.archive is None:
            return
        self._commit_batch()
        assert self.run_id is not None
        self.archive.finish_run(
            self.run_id,
            finished_at=datetime.now(UTC),
            stats=self.crawler.stats.get_stats(),
            finish_reason=reason,
        )
        self.archive.close()
        self.archive = None

    def _open_batch(self) -> None:
        if self._batch is None:
            assert self.archive is not None
            self._batch = contextlib.ExitStack()
            self._batch.enter_context(self.archive.transaction())
            self._in_batch = 0

    def _commit_batch(self) -> None:
        if self._batch is not None:
            self._batch.close()
            self._batch = None
