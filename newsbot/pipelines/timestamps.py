"""Timestamp stage: fill every UTC time and precision of an article, its cross-links and teasers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot import settings as defaults
from newsbot.enrich import normalise_article_times
from newsbot.items import Article
from newsbot.sites import site_zones


class NormaliseTimestampsPipeline:
    """Read `published_*`, `modified_*` and every cross-link's and teaser's `published_raw`.

    Settings: NEWSBOT_TIMESTAMPS_ENABLED (default True), NEWSBOT_TIMEZONES (site slug -> zone, over
    the `zone` in the site's TOML file), NEWSBOT_TIMEZONE (zone for other sites, default Europe/Kyiv).
    The clock is the item's `fetched_at`; the language hint is its edition. Items other than Article
    pass through.
    """

    def __init__(self, zones: Mapping[str, str], default_zone: str) -> None:
        self.zones = dict(zones)
        self.default_zone = default_zone

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build the stage from settings, or raise NotConfigured when it is switched off."""
        settings = crawler.settings
        if not settings.getbool("NEWSBOT_TIMESTAMPS_ENABLED", defaults.NEWSBOT_TIMESTAMPS_ENABLED):
            raise NotConfigured("NEWSBOT_TIMESTAMPS_ENABLED is off")
        # The news spider's site may come from a TOML file outside the package: its zone counts too.
        crawled = getattr(crawler.spider, "site", None)
        zones = site_zones(
            settings.getdict("NEWSBOT_TIMEZONES", defaults.NEWSBOT_TIMEZONES), [crawled] if crawled else []
        )
        return cls(zones, settings.get("NEWSBOT_TIMEZONE", defaults.NEWSBOT_TIMEZONE))

    def process_item(self, item: Any) -> Any:
        """Fill the timestamp fields of an Article; record per-field reasons for failures."""
        if isinstance(item, Article):
            normalise_article_times(item, tz=self.zones.get(item.site, self.default_zone))
        return item
