"""Run a Scrapy crawl in this process with newsbot's settings, and report how it ended."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsbot.runs.checks import unknown_spider_argument

REPO_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    """The final stats of one crawl."""

    stats: dict[str, Any]
    spider: Any = None  # the spider instance, for commands that read what it collected

    @property
    def finish_reason(self) -> str:
        return str(self.stats.get("finish_reason", "unknown"))

    def count(self, key: str) -> int:
        return int(self.stats.get(key, 0) or 0)


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Return newsbot's settings (wherever the command runs from) with `overrides` on top."""
    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    settings.update(dict(overrides or {}), priority="cmdline")
    return settings


def replay_overrides(dirs: list[Path], *, at: str | None = None) -> dict[str, Any]:
    """Settings for an offline replay of fixture folders: no throttling, no backoff waits."""
    return {
        "NEWSBOT_REPLAY_DIRS": [str(d) for d in dirs],
        "NEWSBOT_REPLAY_AT": at,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "NEWSBOT_RETRY_BACKOFF_BASE": 0,
    }


def run_spider(
    spider: str, spider_args: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> CrawlOutcome:
    """Crawl with Scrapy's real engine until the spider closes; one call per process."""
    process = CrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_args)
    process.start()
    assert crawler.stats is not None
    return CrawlOutcome(dict(crawler.stats.get_stats()), crawler.spider)


class SpiderError(ValueError):
    """A spider name or argument that cannot be used; the message is one line for the user."""

    def __init__(self, message: str, *, known: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.known = known  # the spider names there are, when the name was unknown


class MisspelledArgument(SpiderError):
    """An argument the spider does not declare (it would be ignored silently); a usage error."""


def check_spider(name: str, args: Mapping[str, Any], settings: Settings | None = None) -> str:
    """Build the spider once outside the crawl, so a bad name or argument fails before crawling.

    (Inside the crawl Scrapy would only log such an error.) Return the name the spider gives itself,
    which its runs are recorded under; raise SpiderError saying what is wrong.
    """
    from scrapy.spiderloader import get_spider_loader

    loader = get_spider_loader(settings or project_settings())
    try:
        spider_cls = loader.load(name)
    except KeyError:
        raise SpiderError(f"no spider named {name!r}", known=tuple(sorted(loader.list()))) from None
    if misspelled := unknown_spider_argument(spider_cls, args):  # else ignored silently by the spider
        raise MisspelledArgument(misspelled)
    try:
        spider = spider_cls(**args)
    except (TypeError, ValueError) as error:
        raise SpiderError(str(error)) from None
    return str(spider.name)
