"""Scrapy's per-response generator check is off (settings.py): it is made here, once, instead."""

from __future__ import annotations

import inspect

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import is_generator_with_return_value

from newsbot.runs.crawl import project_settings


def _generator_methods() -> list[tuple[str, object]]:
    loader = SpiderLoader.from_settings(project_settings())
    found = []
    for name in loader.list():
        spider = loader.load(name)
        for attr, value in inspect.getmembers(spider, inspect.isfunction):
            if inspect.isgeneratorfunction(value):
                found.append((f"{name}.{attr}", value))
    return found


def test_the_per_response_check_is_off_in_newsbot_settings() -> None:
    assert project_settings().getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False


def test_no_spider_callback_is_a_generator_that_returns_a_value() -> None:
    methods = _generator_methods()
    assert any(name.endswith(".parse_article") for name, _ in methods)  # the check sees the callbacks
    returning = [name for name, method in methods if is_generator_with_return_value(method)]
    assert returning == [], f"generator callbacks whose return value Scrapy would drop: {returning}"


def test_the_check_itself_catches_a_return_value() -> None:
    def callback(response):  # a callback as a spider author might slip one in
        yield 1
        return 2

    assert is_generator_with_return_value(callback)
