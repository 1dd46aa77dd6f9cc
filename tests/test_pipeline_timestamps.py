"""Tests for NormaliseTimestampsPipeline, built the way Scrapy builds it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newsbot.items import Article, CrossLink, QuarantinedPage, RawPage, Teaser
from newsbot.pipelines.timestamps import NormaliseTimestampsPipeline

FETCHED = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)  # 10 April 2024, 12:00 in Kyiv (UTC+3)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def build(**settings: Any) -> NormaliseTimestampsPipeline:
    return build_from_crawler(NormaliseTimestampsPipeline, get_crawler(settings_dict=settings))


def article(**fields: Any) -> Article:
    values: dict[str, Any] = {
        "url": "https://unn.ua/en/news/chinese-foreign-minister-meets-with-lavrov",
        "site": "unn",
        "edition": "en",
        "layout": "y2024",
        "extractor_version": "test",
        "fetched_at": FETCHED,
        "title": "Chinese foreign minister meets with Lavrov",
    }
    values.update(fields)
    return Article(**values)


def test_fills_article_cross_links_and_teasers() -> None:
    item = article(
        published_raw="April 9, 2024, 02:35 PM",
        published_machine="2024-04-09T14:35",
        modified_raw="9 квітня 2024, 16:00",
        cross_links=[
            CrossLink(title="Байден говорив телефоном із Сі", published_raw="02.04.24, 19:59"),
            CrossLink(title="Кілька найбільших банків КНР", published_raw="21.02.24, 10:16"),
            CrossLink(title="No date", published_raw=None),
        ],
        related=[
            Teaser(title="Russia fails to launch", block="news-by-theme", published_raw="04:13 AM"),
            Teaser(title="Serpukhov", block="popular", published_raw="2 години тому"),
            Teaser(title="Mercury found", block="latest", published_raw="April 9, 09:46 PM"),
        ],
    )
    out = build().process_item(item)
    assert out is item
    assert (item.published_utc, item.published_precision) == (utc(2024, 4, 9, 11, 35), "minute")
    assert (item.modified_utc, item.modified_precision) == (utc(2024, 4, 9, 13, 0), "minute")
    assert [(c.published_utc, c.published_precision) for c in item.cross_links] == [
        (utc(2024, 4, 2, 16, 59), "minute"),  # 19:59 Kyiv summer time
        (utc(2024, 2, 21, 8, 16), "minute"),  # 10:16 Kyiv winter time
        (None, None),
    ]
    assert [(t.published_utc, t.published_precision) for t in item.related] == [
        (utc(2024, 4, 10, 1, 13), "minute"),  # today, 04:13 Kyiv
        (utc(2024, 4, 10, 7, 0), "hour"),  # fetch time minus two hours
        (utc(2024, 4, 9, 18, 46), "minute"),  # yesterday evening
    ]
    assert item.problems == {}
    assert item.published_raw == "April 9, 2024, 02:35 PM"  # raw text kept beside the result
    assert all(not c.problems for c in item.cross_links)


def test_machine_value_wins_and_a_disagreement_is_noted() -> None:
    item = article(published_raw="3 декабря 2020, 18:47", published_machine="2020-12-03T18:57")
    build().process_item(item)
    assert item.published_utc == utc(2020, 12, 3, 16, 57)
    assert "disagree" in item.problems["published"]


def test_day_precision_text_agrees_with_machine_time_on_the_same_day() -> None:
    item = article(published_raw="April 9, 2024", published_machine="2024-04-09T23:30:00+03:00")
    build().process_item(item)
    assert (item.published_utc, item.published_precision) == (utc(2024, 4, 9, 20, 30), "second")
    assert "published" not in item.problems


def test_visible_text_used_when_machine_value_is_unreadable() -> None:
    item = article(published_raw="3 декабря 2020, 18:47", published_machine="not a date")
    build().process_item(item)
    assert item.published_utc == utc(2020, 12, 3, 16, 47)
    assert "machine value unreadable" in item.problems["published"]


def test_failures_are_recorded_per_field_and_the_item_is_kept() -> None:
    item = article(
        published_raw="31.02.24, 10:00",
        cross_links=[CrossLink(title="Bad", published_raw="25:61")],
        related=[Teaser(title="Future", block="latest", published_raw="01.01.2099")],
    )
    out = build().process_item(item)
    assert out is item
    assert item.published_utc is None
    assert "day 31" in item.problems["published"]
    assert item.cross_links[0].published_utc is None
    assert "hour 25" in item.cross_links[0].problems["published"]
    assert "after the fetch" in item.related[0].problems["published"]


def test_zone_per_site_from_settings() -> None:
    item = article(site="example", published_raw="02.04.24, 19:59")
    build(NEWSBOT_TIMEZONES={"example": "Europe/London"}).process_item(item)
    assert item.published_utc == utc(2024, 4, 2, 18, 59)  # 19:59 BST (UTC+1)


def test_fallback_zone_for_unlisted_sites() -> None:
    item = article(site="other", published_raw="02.04.24, 19:59")
    build(NEWSBOT_TIMEZONE="UTC").process_item(item)
    assert item.published_utc == utc(2024, 4, 2, 19, 59)


def test_other_items_pass_through_untouched() -> None:
    page = RawPage(url="https://unn.ua/x", status=500, headers={}, body=b"", fetched_at=FETCHED)
    quarantined = QuarantinedPage(url=page.url, reason="server error", page=page)
    assert build().process_item(quarantined) is quarantined


def test_switched_off_raises_not_configured() -> None:
    with pytest.raises(NotConfigured):
        build(NEWSBOT_TIMESTAMPS_ENABLED=False)
