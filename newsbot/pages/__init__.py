"""Page objects: HTML -> raw fields, one module per site, no Scrapy import."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from newsbot.items import Article, QuarantinedPage, RawPage
from newsbot.pages import unn
from newsbot.pages.guard import contained
from newsbot.text.budget import DEFAULT_PAGE_BUDGET


def parse_page(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
    budget: float = DEFAULT_PAGE_BUDGET,
) -> Article | QuarantinedPage:
    """Extract an article page of any supported site, or explain why it cannot be one.

    Contained (newsbot.pages.guard): an exception or more than `budget` seconds quarantines the page.
    """
    return contained(_parse_page, body, url, fetched_at=fetched_at, headers=headers, status=status, budget=budget)


def _parse_page(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
) -> Article | QuarantinedPage:
    if unn.is_unn_url(url):
        return unn.parse_article(body, url, fetched_at=fetched_at, headers=headers, status=status)
    page = RawPage(url=url, status=status, headers=dict(headers or {}), body=body, fetched_at=fetched_at)
    return QuarantinedPage(url, "unsupported site: no page object for this domain", page)
