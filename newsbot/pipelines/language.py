"""Fill an article's declared and detected languages, per segment, from newsbot.text.language."""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot.items import Article, CrossLink, Teaser
from newsbot.text.language import (
    DEFAULT_CANDIDATES,
    UNDETERMINED,
    declared_language,
    detect_language,
    get_detector,
    normalize_candidates,
)


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
        if not settings.getbool("NEWSBOT_LANGUAGE_ENABLED", True):
            raise NotConfigured("NEWSBOT_LANGUAGE_ENABLED is off")
        raw = settings.getlist("NEWSBOT_LANGUAGE_CANDIDATES", list(DEFAULT_CANDIDATES))
        candidates = normalize_candidates(raw)
        if isinstance(candidates, str):
            raise NotConfigured(f"NEWSBOT_LANGUAGE_CANDIDATES: {candidates}")
        return cls(candidates)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            label_article(item, self.candidates)
        return item


def label_article(article: Article, candidates: tuple[str, ...]) -> None:
    """Fill the language fields of `article` in place; record what could not be told."""
    declared = declared_language(edition=article.edition, hints=article.lang_hints)
    article.lang_declared = declared.lang
    if declared.lang == UNDETERMINED:
        article.problems["lang_declared"] = declared.reason or "undetermined"

    title = detect_language(article.title or "", candidates=candidates)
    body_text = "\n".join(article.paragraphs)
    if body_text.strip():
        body = detect_language(body_text, candidates=candidates)
    else:
        article.problems["lang_detected"] = "no paragraphs: language told from the title"
        body = title
    article.lang_detected = body.lang
    article.lang_confidence = body.confidence
    article.lang_method = body.method
    if body.lang == UNDETERMINED and "lang_detected" not in article.problems:
        article.problems["lang_detected"] = body.reason or "undetermined"
    article.lang_mismatch = UNDETERMINED not in (declared.lang, body.lang) and (declared.lang != body.lang)

    segments = {"title": title.lang, "body": body.lang}
    if article.lead and article.lead.strip():
        segments["lead"] = detect_language(article.lead, candidates=candidates).lang
    article.segment_langs = segments

    units: list[CrossLink | Teaser] = [*article.cross_links, *article.related]
    for unit in units:
        found = detect_language(unit.title or "", candidates=candidates)
        unit.lang = found.lang
        if found.lang == UNDETERMINED:
            unit.problems["lang"] = found.reason or "undetermined"
