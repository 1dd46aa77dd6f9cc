"""Not-modified stage: record the 304 answers to conditional refetches in the archive."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.db import ArchiveError
from archive.revisit import apply_not_modified
from newsbot.revisit import NotModified

logger = logging.getLogger(__name__)


class NotModifiedPipeline:
    """Collect NotModified items and mark those articles as seen once the archive writer is done.

    The archive writer keeps a transaction open across a batch, so the marks are written after
    its last commit (spider_closed, after ArchivePipeline's own handler); a crash loses only the
    marks, and the next run refetches those pages conditionally. Settings: NEWSBOT_ARCHIVE_ENABLED,
    NEWSBOT_ARCHIVE_PATH. Other items pass through.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.answers: list[tuple[str, datetime]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSBOT_ARCHIVE_ENABLED", True):
            raise NotConfigured("NEWSBOT_ARCHIVE_ENABLED is off")
        pipeline = cls(crawler.settings.get("NEWSBOT_ARCHIVE_PATH", "archive.db"))
        # Connected after ArchivePipeline's handler (it is built first), so it runs after it.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def process_item(self, item: Any) -> Any:
        if isinstance(item, NotModified):
            self.answers.append((item.url, item.fetched_at))
        return item

    def spider_closed(self) -> None:
        try:
            marked = apply_not_modified(self.path, self.answers)
        except (ArchiveError, sqlite3.Error) as error:
            logger.warning("could not record %d not-modified answers: %s", len(self.answers), error)
            return
        if self.answers:
            logger.info("%d of %d not-modified answers marked as seen", marked, len(self.answers))
