"""UNN spider: argument checking and what it schedules from feeds and listings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse, Request, XmlResponse

from newsbot.replay import FETCHED_AT
from newsbot.spiders.unn import FEEDS, LISTINGS, SpiderArgumentError, UnnSpider


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lang": "de"}, "lang must be uk, en, ru or all"),
        ({"since": "13.11.2025"}, "since must be a date"),
        ({"max_articles": "0"}, "max_articles must be a positive whole number"),
        ({"max_articles": "many"}, "max_articles must be a positive whole number"),
        ({"discover": "sitemap"}, "discover must be rss, listing, both or none"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs: dict, message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=message):
        UnnSpider(**kwargs)


def test_lang_list_and_defaults() -> None:
    assert UnnSpider().editions == ("uk", "en", "ru")
    assert UnnSpider(lang="en,ru").editions == ("en", "ru")
    assert UnnSpider(discover="both").discover == ("rss", "listing")
    assert UnnSpider(discover="none").discover == ()


async def _start(spider: UnnSpider) -> list[str]:
    return [request.url async for request in spider.start()]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"lang": "en"}, [FEEDS["en"], LISTINGS["en"]]),
        ({"lang": "uk", "discover": "rss"}, [FEEDS["uk"]]),
        (
            {"lang": "ru", "discover": "listing", "urls": "https://unn.ua/news/a"},
            [LISTINGS["ru"], "https://unn.ua/news/a"],
        ),
    ],
)
def test_start_requests(kwargs: dict, expected: list[str]) -> None:
    import asyncio

    assert asyncio.run(_start(UnnSpider(**kwargs))) == expected


FEED = b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>UNN</title>
<item><title>New</title><link>https://unn.ua/en/news/new-story</link>
<pubDate>Fri, 14 Nov 2025 08:00:00 +0200</pubDate></item>
<item><title>Old</title><link>https://unn.ua/en/news/old-story</link>
<pubDate>Mon, 10 Nov 2025 08:00:00 +0200</pubDate></item>
<item><title>Other edition</title><link>https://unn.ua/ru/news/ru-story</link>
<pubDate>Fri, 14 Nov 2025 08:00:00 +0200</pubDate></item>
</channel></rss>"""


def _feed_response() -> XmlResponse:
    request = Request(FEEDS["en"], meta={FETCHED_AT: datetime(2025, 11, 14, 9, 0, tzinfo=UTC)})
    return XmlResponse(FEEDS["en"], body=FEED, request=request)


def test_feed_links_outside_since_and_other_editions_are_skipped() -> None:
    spider = UnnSpider(lang="en", since="2025-11-13")
    urls = [r.url for r in spider.parse_feed(_feed_response())]
    assert urls == ["https://unn.ua/en/news/new-story"]


def test_max_articles_caps_what_is_scheduled() -> None:
    spider = UnnSpider(lang="en,ru", max_articles="1")
    assert [r.url for r in spider.parse_feed(_feed_response())] == ["https://unn.ua/en/news/new-story"]


LISTING = b"""<html><body><main>
<a class="news-card_root__a1" href="/en/news/n1"><p class="news-card_title__b2">N1</p>
<p class="news-card_date__c3">November 14, 08:00 AM</p></a>
<a class="news-card_root__a1" href="/en/news/n2"><p class="news-card_title__b2">N2</p>
<p class="news-card_date__c3">November 10, 08:00 AM</p></a>
<a class="pagination_next__d4" rel="next" href="/en/news?page=2">Next</a></main></body></html>"""


def test_listing_stops_paginating_past_since() -> None:
    request = Request(LISTINGS["en"], meta={FETCHED_AT: datetime(2025, 11, 14, 9, 0, tzinfo=UTC)})
    response = HtmlResponse(LISTINGS["en"], body=LISTING, request=request)
    urls = [r.url for r in UnnSpider(lang="en", since="2025-11-13").parse_listing(response, page=1)]
    assert urls == ["https://unn.ua/en/news/n1"]  # n2 is older than since; no page 2
    all_urls = [r.url for r in UnnSpider(lang="en").parse_listing(response, page=1)]
    assert all_urls == [
        "https://unn.ua/en/news/n1",
        "https://unn.ua/en/news/n2",
        "https://unn.ua/en/news?page=2",
    ]
