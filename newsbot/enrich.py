"""Run the article stages (split, timestamps, language) outside Scrapy, exactly as the pipelines do.

Used where a page is extracted without a crawl: `newsbot split`, `archive reparse`, fixture tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsbot.items import Article
from newsbot.pipelines.language import label_article
from newsbot.pipelines.split import split_article
from newsbot.pipelines.timestamps import DEFAULT_TIMEZONE, DEFAULT_TIMEZONES, normalise_article_times
from newsbot.text.language import DEFAULT_CANDIDATES, normalize_candidates


def enrich_article(article: Article, settings: Mapping[str, Any] | None = None) -> Article:
    """Fill `article`'s derived fields in place and return it.

    `settings` may hold the pipelines' NEWSBOT_TIMEZONES, NEWSBOT_TIMEZONE and
    NEWSBOT_LANGUAGE_CANDIDATES (a Scrapy Settings object works too); defaults otherwise.
    """
    settings = settings or {}
    zones = {**DEFAULT_TIMEZONES, **dict(settings.get("NEWSBOT_TIMEZONES") or {})}
    candidates = normalize_candidates(settings.get("NEWSBOT_LANGUAGE_CANDIDATES") or DEFAULT_CANDIDATES)
    if isinstance(candidates, str):
        raise ValueError(f"NEWSBOT_LANGUAGE_CANDIDATES: {candidates}")
    split_article(article)
    normalise_article_times(
        article, tz=zones.get(article.site, settings.get("NEWSBOT_TIMEZONE") or DEFAULT_TIMEZONE)
    )
    label_article(article, candidates)
    return article
