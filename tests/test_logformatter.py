"""QuietLogFormatter: Scrapy's per-response DEBUG messages only when LOG_LEVEL shows them."""

from __future__ import annotations

import logging

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newsbot.logformatter import QuietLogFormatter, level_number
from newsbot.runs.crawl import project_settings


class _Spider(Spider):
    name = "quiet"


def _formatter(level: str | int) -> QuietLogFormatter:
    return QuietLogFormatter.from_crawler(get_crawler(_Spider, settings_dict={"LOG_LEVEL": level}))


def _response() -> HtmlResponse:
    request = Request("https://unn.ua/news/1-x")
    return HtmlResponse(request.url, body=b"<html></html>", request=request)


def test_newsbot_settings_use_it() -> None:
    assert project_settings()["LOG_FORMATTER"] == "newsbot.logformatter.QuietLogFormatter"


@pytest.mark.parametrize("level", ["INFO", "WARNING", "error", logging.INFO])
def test_above_debug_the_per_response_messages_are_not_built(level: str | int) -> None:
    formatter, response = _formatter(level), _response()
    assert formatter.crawled(response.request, response, None) is None
    assert formatter.scraped({"title": "x"}, response, None) is None
    # Messages that are not per response stay as Scrapy writes them.
    error = formatter.item_error({"title": "x"}, ValueError("bad"), response, None)
    assert error is not None and error["level"] == logging.ERROR


@pytest.mark.parametrize("level", ["DEBUG", logging.DEBUG, "no such level"])
def test_at_debug_every_message_is_kept(level: str | int) -> None:
    formatter, response = _formatter(level), _response()
    crawled = formatter.crawled(response.request, response, None)
    assert crawled is not None and "Crawled (200)" in crawled["msg"] % crawled["args"]
    assert formatter.scraped({"title": "x"}, response, None)["level"] == logging.DEBUG


def test_level_number_reads_names_and_numbers() -> None:
    assert (level_number("info"), level_number(30), level_number("nonsense")) == (20, 30, 10)
