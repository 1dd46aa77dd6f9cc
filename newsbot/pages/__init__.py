"""Page objects: HTML -> raw fields, one module per site, no Scrapy import."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from newsbot.items import Article, QuarantinedPage, RawPage
from newsbot.pages import unn


def parse_page(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
) -> Article | QuarantinedPage:
    """Extract an article page of any supported site, or explain why it cannot be one."""
    if unn.is_unn_url(url):
        return unn.parse_article(body, url, fetched_at=fetched_at, headers=headers, status=status)
    page = RawPage(url=url, status=status, headers=dict(headers or {}), body=body, fetched_at=fetched_at)
    return QuarantinedPage(url, "unsupported site: no page object for this domain", page)
