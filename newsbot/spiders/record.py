"""A one-page spider that fetches URLs for `newsbot fixture save` and keeps the raw responses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response

from newsbot.items import RawPage
from newsbot.replay import FETCHED_AT
from newsbot.spiders import response_headers


class FixtureRecordSpider(scrapy.Spider):
    """Fetch each URL once, whatever its status, and keep the bytes as RawPage objects."""

    name = "fixture-record"
    custom_settings = {"ITEM_PIPELINES": {}, "HTTPERROR_ALLOW_ALL": True}  # noqa: RUF012

    def __init__(self, urls: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = [u for u in urls.split(",") if u]
        self.recorded: list[RawPage] = []

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.keep, dont_filter=True)

    def keep(self, response: Response) -> None:
        self.recorded.append(
            RawPage(
                url=response.url,
                status=response.status,
                headers=response_headers(response),
                body=response.body,
                fetched_at=response.meta[FETCHED_AT],
            )
        )
