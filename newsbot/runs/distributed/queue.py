"""Push articles and quarantined pages to a Redis list for the one archive writer (multi-machine mode)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot.items import Article, NotModified, QuarantinedPage, iso_utc
from newsbot.pipelines.archive import spider_arguments
from newsbot.runs.distributed.codec import encode_event, encode_item
from newsbot.runs.distributed.keys import DEFAULT_PREFIX, RedisKeys, redact, worker_id

logger = logging.getLogger(__name__)

QUEUED_STAT = "newsbot/queued"
QUEUE_ERRORS_STAT = "newsbot/queue_errors"


class RedisQueuePipeline:
    """LPUSH each Article and QuarantinedPage, encoded by newsbot.runs.distributed.codec, to `<prefix>:items`.

    Active only when NEWSBOT_REDIS_URL is set (RedisAddon puts it where ArchivePipeline was).
    The run is announced with a `run_start` message and closed with `run_finish` (stats and
    finish reason), so the writer records one crawl run per worker in the archive. An item that
    cannot be pushed (Redis gone) is logged and counted, never raised: it was not archived, so
    the next run sees the page as unknown and fetches it again.
    """

    def __init__(self, crawler: Crawler, url: str, keys: RedisKeys) -> None:
        self.crawler = crawler
        self.url = url
        self.keys = keys
        self.run = f"{worker_id()}:{datetime.now(UTC):%Y%m%dT%H%M%S}"
        self.server: Any = None
        self._warned = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisQueuePipeline:
        url = crawler.settings.get("NEWSBOT_REDIS_URL")
        if not url:
            raise NotConfigured("NEWSBOT_REDIS_URL is not set")
        prefix = crawler.settings.get("NEWSBOT_REDIS_PREFIX") or DEFAULT_PREFIX
        pipeline = cls(crawler, url, RedisKeys(prefix))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        import redis

        self.server = redis.Redis.from_url(self.url)
        spider = self.crawler.spider
        started_at = self.crawler.stats.get_value("start_time") or datetime.now(UTC)
        data = {
            "spider": getattr(spider, "name", "?"),
            "args": spider_arguments(spider),
            "started_at": iso_utc(started_at),
        }
        self._push(encode_event("run_start", run=self.run, data=data), "the run start")

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article | QuarantinedPage | NotModified):
            return item
        if self._push(encode_item(item, run=self.run), item.url):
            self.crawler.stats.inc_value(QUEUED_STAT)
        else:
            self.crawler.stats.inc_value(QUEUE_ERRORS_STAT)
        return item

    def spider_closed(self, reason: str) -> None:
        """Tell the writer how the run ended (Scrapy sends this after every pipeline closed)."""
        if self.server is None:
            return
        stats = {
            key: iso_utc(value) if isinstance(value, datetime) else value
            for key, value in self.crawler.stats.get_stats().items()
        }
        data = {"finished_at": iso_utc(datetime.now(UTC)), "finish_reason": reason, "stats": stats}
        self._push(encode_event("run_finish", run=self.run, data=data), "the run end")
        self.server.close()
        self.server = None

    def _push(self, message: bytes, what: str) -> bool:
        import redis

        try:
            self.server.lpush(self.keys.items, message)
        except redis.RedisError as error:
            if not self._warned:
                logger.error("Redis at %s went away: could not queue %s (%s)", redact(self.url), what, error)
                self._warned = True
            return False
        return True
