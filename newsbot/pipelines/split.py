"""Split stage: fill an article's paragraphs, cross-links, view count and cleaned teasers."""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot import settings as defaults
from newsbot.enrich import split_article
from newsbot.items import Article


class SplitBodyPipeline:
    """Turn `Article.body_html`, `views_raw` and raw `related` into the split fields.

    Settings: NEWSBOT_SPLIT_ENABLED (default True). Items other than Article pass through.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build the stage, or raise NotConfigured when NEWSBOT_SPLIT_ENABLED is off."""
        if not crawler.settings.getbool("NEWSBOT_SPLIT_ENABLED", defaults.NEWSBOT_SPLIT_ENABLED):
            raise NotConfigured("NEWSBOT_SPLIT_ENABLED is off")
        return cls()

    def process_item(self, item: Any) -> Any:
        """Fill the split fields of an Article; record reasons for what stays empty."""
        if isinstance(item, Article):
            split_article(item)
        return item
