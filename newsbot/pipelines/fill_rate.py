"""Fill-rate stage: count filled fields per site and layout, and raise layout alarms at the run's end."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.db import ArchiveError
from archive.revisit import FILL_RATES_STAT, read_fill_rate_history
from newsbot import settings as defaults
from newsbot.items import Article
from newsbot.runs.alarms import ZONE_ALARM_STAT, AlarmRule, FillCounter, layout_alarms
from newsbot.text.zone_check import zone_alarm

logger = logging.getLogger(__name__)

ALARMS_STAT = "newsbot/alarms"  # crawler stats key: list of alarm records (kept in crawl_runs.stats)
# Past runs read per history window: runs with too few articles of a layout are skipped, so read more.
_HISTORY_READ_FACTOR = 5


class FillRatePipeline:
    """Record each run's fill rates in its stats (so the crawl run keeps them) and alarm on drops.

    Settings: NEWSBOT_FILL_RATE_ENABLED (default True); the alarm rule NEWSBOT_ALARM_DROP,
    NEWSBOT_ALARM_HISTORY_RUNS, NEWSBOT_ALARM_MIN_ARTICLES, NEWSBOT_ALARM_MIN_RUNS (see
    newsbot.runs.alarms.AlarmRule); the history comes from NEWSBOT_ARCHIVE_PATH. Items pass through.
    """

    def __init__(self, crawler: Crawler, rule: AlarmRule, archive_path: str | None) -> None:
        self.crawler = crawler
        self.rule = rule
        self.archive_path = archive_path
        self.counter = FillCounter()
        self.history: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSBOT_FILL_RATE_ENABLED", defaults.NEWSBOT_FILL_RATE_ENABLED):
            raise NotConfigured("NEWSBOT_FILL_RATE_ENABLED is off")
        default = AlarmRule()
        rule = AlarmRule(
            drop=settings.getfloat("NEWSBOT_ALARM_DROP", default.drop),
            history_runs=settings.getint("NEWSBOT_ALARM_HISTORY_RUNS", default.history_runs),
            min_articles=settings.getint("NEWSBOT_ALARM_MIN_ARTICLES", default.min_articles),
            min_runs=settings.getint("NEWSBOT_ALARM_MIN_RUNS", default.min_runs),
        )
        archive_on = settings.getbool("NEWSBOT_ARCHIVE_ENABLED", defaults.NEWSBOT_ARCHIVE_ENABLED)
        return cls(crawler, rule, settings.get("NEWSBOT_ARCHIVE_PATH") if archive_on else None)

    def open_spider(self) -> None:
        if self.archive_path is None:
            return
        name = getattr(self.crawler.spider, "name", "?")
        try:
            self.history = read_fill_rate_history(
                self.archive_path, name, runs=self.rule.history_runs * _HISTORY_READ_FACTOR
            )
        except ArchiveError as error:
            logger.warning("no fill-rate history, layout alarms are off for this run: %s", error)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            self.counter.add(item)
        return item

    def close_spider(self) -> None:
        rates = self.counter.rates()
        alarms = layout_alarms(rates, self.history, self.rule)
        for alarm in alarms:
            logger.error(alarm.message())
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(FILL_RATES_STAT, rates)
        self.crawler.stats.set_value(ALARMS_STAT, [dataclasses.asdict(alarm) for alarm in alarms])
        # The zone of visible times, checked on every page that has a machine time (issue 15).
        zone = zone_alarm(self.counter.zone_checked, self.counter.zone_disagreed)
        if zone is not None:
            logger.error(zone)
            self.crawler.stats.set_value(ZONE_ALARM_STAT, zone)
