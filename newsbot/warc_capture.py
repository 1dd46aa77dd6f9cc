"""Write every response a crawl fetches to rotating WARC files, beside the archive (optional)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsbot import __version__
from newsbot.items import RawPage
from newsbot.replay import FETCHED_AT
from newsbot.spiders import response_headers
from newsbot.warc import RotatingWarcWriter

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class WarcWriterMiddleware:
    """Append each downloaded response, as the server sent it, to WARC files.

    It sits next to the downloader (before HttpCompressionMiddleware and the retries), so every
    response is written, retried ones included, with its body still in its Content-Encoding:
    what was on the wire, less the chunking. Its WARC-Date is the fetch time the archive records.

    Settings: NEWSBOT_WARC_ENABLED (default off), NEWSBOT_WARC_DIR (folder, default "warc"),
    NEWSBOT_WARC_PREFIX (file name prefix, default "newsbot"), NEWSBOT_WARC_MAX_BYTES (a new file
    is started past this size, default 1 GB). A failed write is logged and counted
    (newsbot/warc/write_errors) and the crawl goes on.
    """

    def __init__(self, crawler: Crawler, writer: RotatingWarcWriter) -> None:
        self.crawler = crawler
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSBOT_WARC_ENABLED", False):
            raise NotConfigured  # off by default: no message, so Scrapy logs no "Disabled" warning
        writer = RotatingWarcWriter(
            Path(settings.get("NEWSBOT_WARC_DIR", "warc")),
            prefix=settings.get("NEWSBOT_WARC_PREFIX", "newsbot"),
            max_bytes=settings.getint("NEWSBOT_WARC_MAX_BYTES", 1_000_000_000),
            software=f"newsbot/{__version__}",
        )
        middleware = cls(crawler, writer)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        # The fetch-time middleware keeps the stamp set here (both only set it when it is missing).
        fetched_at = request.meta.setdefault(FETCHED_AT, datetime.now(UTC))
        page = RawPage(
            url=response.url,
            status=response.status,
            headers=response_headers(response),
            body=response.body,
            fetched_at=fetched_at,
        )
        stats = self.crawler.stats
        assert stats is not None
        try:
            self.writer.write(page, decoded=False)
            stats.inc_value("newsbot/warc/written")
        except OSError as error:
            logger.error("could not write %s to a WARC file: %s", response.url, error)
            stats.inc_value("newsbot/warc/write_errors")
        return response

    def spider_closed(self) -> None:
        files = self.writer.close()
        if files:
            logger.info("wrote %d WARC file(s) to %s", len(files), self.writer.folder)
