"""Fill an article's declared and detected languages, per segment, from newsbot.text.language."""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot import settings as defaults
from newsbot.enrich import label_article, language_candidates
from newsbot.items import Article
from newsbot.text.language import get_detector


class DetectLanguagePipeline:
    """Set lang_declared, lang_detected and the language of every title, lead, link and teaser.

    Settings: NEWSBOT_LANGUAGE_ENABLED (default True), NEWSBOT_LANGUAGE_CANDIDATES (ISO 639-1
    codes the detector chooses among; default uk, ru, en).
    """

    def __init__(self, candidates: tuple[str, ...]) -> None:
        self.candidates = candidates
        get_detector(candidates)  # one detector per crawl; its models load when a text first needs them

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSBOT_LANGUAGE_ENABLED", defaults.NEWSBOT_LANGUAGE_ENABLED):
            raise NotConfigured("NEWSBOT_LANGUAGE_ENABLED is off")
        try:
            candidates = language_candidates(
                settings.getlist("NEWSBOT_LANGUAGE_CANDIDATES", defaults.NEWSBOT_LANGUAGE_CANDIDATES)
            )
        except ValueError as error:
            raise NotConfigured(str(error)) from None
        return cls(candidates)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            label_article(item, self.candidates)
        return item
