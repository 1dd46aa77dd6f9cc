"""Scrapy's log messages, minus the per-response ones that LOG_LEVEL would drop anyway.

Scrapy keeps its own loggers at DEBUG and lets the handler filter by LOG_LEVEL, so the "Crawled
(200) <GET ...>" and "Scraped from <200 ...>" records are built for every response and item and
then thrown away (about 0.1 ms per page). Below DEBUG this formatter returns None for them, which
Scrapy takes as "log nothing"; at LOG_LEVEL = DEBUG every message is as Scrapy writes it.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy.logformatter import LogFormatter


def level_number(level: Any) -> int:
    """Return the number of a logging level given as a number or a name ("INFO"); unknown -> DEBUG."""
    if isinstance(level, int):
        return level
    number = logging.getLevelName(str(level).upper())
    return number if isinstance(number, int) else logging.DEBUG


class QuietLogFormatter(LogFormatter):
    """LogFormatter that skips the per-response DEBUG messages unless LOG_LEVEL shows them."""

    def __init__(self, debug: bool = True) -> None:
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        return cls(debug=level_number(crawler.settings.get("LOG_LEVEL", "DEBUG")) <= logging.DEBUG)

    def crawled(self, *args: Any, **kwargs: Any) -> Any:
        return super().crawled(*args, **kwargs) if self.debug else None

    def scraped(self, *args: Any, **kwargs: Any) -> Any:
        return super().scraped(*args, **kwargs) if self.debug else None
