"""Split stage: fill an article's paragraphs, cross-links, view count and cleaned teasers."""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot.items import Article, QuarantinedPage
from newsbot.pages.guard import failure_reason
from newsbot.text.budget import DEFAULT_PAGE_BUDGET, TimeBudgetExceeded, time_budget
from newsbot.text.split_html import split_body

SPLIT_FAILED = "splitter failed"  # start of the paragraphs problem when the body could not be split

logger = logging.getLogger(__name__)


class SplitBodyPipeline:
    """Turn `Article.body_html`, `views_raw` and raw `related` into the split fields.

    Settings: NEWSBOT_SPLIT_ENABLED (default True). Items other than Article pass through.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build the stage, or raise NotConfigured when NEWSBOT_SPLIT_ENABLED is off."""
        if not crawler.settings.getbool("NEWSBOT_SPLIT_ENABLED", True):
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


def split_article(article: Article) -> None:
    """Fill `article`'s paragraphs, cross-links, view count and cleaned teasers in place."""
    try:
        with time_budget(DEFAULT_PAGE_BUDGET):
            result = split_body(
                article.body_html, views_raw=article.views_raw, related=article.related, base_url=article.url
            )
    except (RecursionError, TimeBudgetExceeded) as exc:  # hostile markup, not a bug: one line
        logger.warning("split failed for %s: %s", article.url, failure_reason(exc))
        article.problems["paragraphs"] = f"{SPLIT_FAILED}: {failure_reason(exc)}"
        return
    except Exception as exc:  # a splitter bug must not lose the article: keep it, say why
        logger.exception("split failed for %s", article.url)
        article.problems["paragraphs"] = f"{SPLIT_FAILED}: {exc!r}"
        return
    article.paragraphs = result.paragraphs
    article.cross_links = result.cross_links
    article.views = result.views
    article.related = result.related
    article.problems.update(result.problems)
