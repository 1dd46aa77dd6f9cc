"""Split stage: fill an article's paragraphs, cross-links, view count and cleaned teasers."""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot import settings as defaults
from newsbot.enrich import SPLIT_FAILED, split_article
from newsbot.items import Article, QuarantinedPage


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
        """Fill the split fields of an Article; record reasons for what stays empty.

        An article whose body could not be split at all (nested past Python's recursion limit,
        over its time budget) is quarantined with the reason instead of kept without a body.
        """
        if isinstance(item, Article):
            split_article(item)
            failed = item.problems.get("paragraphs", "")
            if failed.startswith(SPLIT_FAILED) and item.page is not None:
                return QuarantinedPage(item.page.url, f"body could not be split: {failed}", item.page)
        return item
