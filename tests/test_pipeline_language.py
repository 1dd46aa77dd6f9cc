"""Tests for DetectLanguagePipeline on hand-built articles, built the way Scrapy builds it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newsbot.items import Article, CrossLink, QuarantinedPage, RawPage, Teaser
from newsbot.pipelines.language import DetectLanguagePipeline
from newsbot.text.language import get_detector

FETCHED = datetime(2024, 4, 10, 8, 0, tzinfo=UTC)


def build(settings: dict[str, Any] | None = None) -> DetectLanguagePipeline:
    crawler = get_crawler(settings_dict=settings or {})
    return build_from_crawler(DetectLanguagePipeline, crawler)


def english_article(**changes: Any) -> Article:
    """An English-edition article like the seed: English body, Ukrainian cross-links."""
    fields: dict[str, Any] = {
        "url": "https://unn.ua/en/news/chinese-foreign-minister-meets-with-lavrov",
        "site": "unn",
        "edition": "en",
        "layout": "y2024",
        "extractor_version": "test",
        "fetched_at": FETCHED,
        "title": "Chinese foreign minister meets with Lavrov",
        "lead": "The ministers met in Beijing to discuss cooperation between the two countries.",
        "lang_hints": {"html": "en", "og:locale": "en_US"},
        "paragraphs": [
            "On Tuesday the foreign ministers of the two countries met in Beijing.",
            "The parties discussed trade, security and the situation in the region.",
        ],
        "cross_links": [
            CrossLink(title="Кілька найбільших банків КНР перестали приймати платежі з рф"),
            CrossLink(title="Байден говорив телефон із Сі: висловив занепокоєння"),
        ],
        "related": [
            Teaser(title="Rescuers found 20 kg of mercury in a forest in Lviv", block="news-by-theme"),
            Teaser(title="Рятувальники знайшли ртуть у лісі на Львівщині", block="popular"),
            Teaser(title="Спасатели нашли ртуть в лесу на Львовщине", block="latest"),
        ],
    }
    fields.update(changes)
    return Article(**fields)


def test_fills_every_segment() -> None:
    item = build().process_item(english_article())
    assert item.lang_declared == "en"
    assert item.lang_detected == "en"
    assert item.lang_method == "letters"
    assert 0.0 < item.lang_confidence <= 1.0
    assert item.lang_mismatch is False
    assert item.segment_langs == {"title": "en", "lead": "en", "body": "en"}
    assert [link.lang for link in item.cross_links] == ["uk", "uk"]
    assert [teaser.lang for teaser in item.related] == ["en", "uk", "ru"]
    assert item.problems == {}


def test_no_lead_means_no_lead_segment() -> None:
    item = build().process_item(english_article(lead=None))
    assert set(item.segment_langs) == {"title", "body"}


def test_english_edition_with_ukrainian_text_is_a_mismatch() -> None:
    item = english_article(
        paragraphs=["Міністри закордонних справ зустрілися в Пекіні й обговорили співпрацю."]
    )
    item = build().process_item(item)
    assert (item.lang_declared, item.lang_detected, item.lang_mismatch) == ("en", "uk", True)


def test_url_edition_beats_og_locale() -> None:
    # Like the real 2020 UNN Russian page: <html lang="ru"> but og:locale uk_UA.
    item = english_article(
        url="https://unn.ua/ru/news/1906059",
        edition="ru",
        title="В Украине выявили новые случаи заболевания",
        lead=None,
        lang_hints={"html": "ru", "og:locale": "uk_UA"},
        paragraphs=["Об этом сообщили в министерстве здравоохранения в четверг вечером."],
    )
    item = build().process_item(item)
    assert (item.lang_declared, item.lang_detected, item.lang_mismatch) == ("ru", "ru", False)


def test_empty_paragraphs_fall_back_to_title_and_record_a_problem() -> None:
    item = build().process_item(english_article(paragraphs=[]))
    assert item.lang_detected == "en"
    assert item.segment_langs["body"] == "en"
    assert "lang_detected" in item.problems


def test_undetermined_texts_are_und_with_reasons() -> None:
    item = english_article(
        edition="",
        lang_hints={},
        title="12345",
        lead=None,
        paragraphs=["🙂 🙂 🙂"],
        cross_links=[CrossLink(title="02.04.24, 19:59")],
        related=[],
    )
    item = build().process_item(item)
    assert item.lang_declared == "und"
    assert item.lang_detected == "und"
    assert item.lang_mismatch is False
    assert item.segment_langs == {"title": "und", "body": "und"}
    assert item.cross_links[0].lang == "und"
    assert "lang" in item.cross_links[0].problems
    assert {"lang_declared", "lang_detected"} <= set(item.problems)


def test_candidate_setting_is_used() -> None:
    pipeline = build({"NEWSBOT_LANGUAGE_CANDIDATES": ["ru", "en"]})
    item = pipeline.process_item(english_article())
    # Only one Cyrillic candidate: the Ukrainian cross-links can only be Russian.
    assert [link.lang for link in item.cross_links] == ["ru", "ru"]


def test_candidate_setting_as_comma_string() -> None:
    assert build({"NEWSBOT_LANGUAGE_CANDIDATES": "uk,en"}).candidates == ("en", "uk")


def test_bad_candidate_setting_is_not_configured() -> None:
    with pytest.raises(NotConfigured):
        build({"NEWSBOT_LANGUAGE_CANDIDATES": ["uk", "klingon"]})


def test_disabled_raises_not_configured() -> None:
    with pytest.raises(NotConfigured):
        build({"NEWSBOT_LANGUAGE_ENABLED": False})


def test_passes_other_items_through_untouched() -> None:
    page = RawPage(url="https://unn.ua/x", status=500, headers={}, body=b"", fetched_at=FETCHED)
    quarantined = QuarantinedPage(url=page.url, reason="server error", page=page)
    assert build().process_item(quarantined) is quarantined


def test_a_declared_language_outside_the_candidates_joins_them_for_that_page() -> None:
    # A German page of another site, crawled with the default uk/ru/en candidates.
    item = english_article(
        url="https://www.example.de/politik/haushalt",
        site="example.de",
        edition="de",
        layout="generic",
        title="Der Bundestag beschließt den Haushalt für das kommende Jahr",
        lead=None,
        lang_hints={"html": "de"},
        paragraphs=[
            "Nach langen Verhandlungen hat der Bundestag am Freitag den Haushalt beschlossen.",
            "Die Opposition kritisierte die geplanten Ausgaben für die Verteidigung und die Schulden.",
        ],
        cross_links=[],
        related=[],
    )
    item = build().process_item(item)
    assert (item.lang_declared, item.lang_detected, item.lang_mismatch) == ("de", "de", False)
    assert item.segment_langs == {"title": "de", "body": "de"}
    # The page's language gets lingua's low-accuracy models only (10 ms, 1-2 MiB), never the
    # high-accuracy ones a crawl would otherwise build once per page language (~0.5 s, ~50 MiB).
    widened = get_detector(("de", "en", "ru", "uk"), precise_among=("en", "ru", "uk"))
    assert "high-accuracy" not in widened.loaded_models()


def test_a_page_declared_german_but_written_in_english_is_a_mismatch() -> None:
    item = english_article(edition="de", lang_hints={"html": "de"}, cross_links=[], related=[])
    item = build().process_item(item)
    assert (item.lang_declared, item.lang_detected, item.lang_mismatch) == ("de", "en", True)
