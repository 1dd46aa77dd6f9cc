"""Split stage: fill an article's paragraphs, cross-links, view count and cleaned teasers."""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot.items import Article
from newsbot.text.split_html import split_body

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
        """Fill the split fields of an Article; record reasons for what stays empty."""
        if isinstance(item, Article):
            split_article(item)
        return item


def split_article(article: Article) -> None:
    """Fill `article`'s paragraphs, cross-links, view count and cleaned teasers in place."""
    try:
        result = split_body(
            article.body_html,
            views_raw=article.views_raw,
            related=article.related,
            base_url=article.url,
            title=article.title,
        )
    except Exception as exc:  # a splitter bug must not lose the article: keep it, say why
        logger.exception("split failed for %s", article.url)
        article.problems["paragraphs"] = f"splitter failed: {exc!r}"
        return
    article.paragraphs = result.paragraphs
    article.cross_links = result.cross_links
    article.subheads = result.subheads
    article.dateline = article.dateline or result.dateline
    article.views = result.views
    article.related = result.related
    article.problems.update(result.problems)
