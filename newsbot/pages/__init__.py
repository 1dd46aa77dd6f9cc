"""Page objects: HTML -> raw fields, one module per site, no Scrapy import.

A page on a known site that matches none of its layouts, and any page of any other site, is
read by the generic page object (layout "generic") instead of being lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from newsbot.items import Article, QuarantinedPage
from newsbot.pages import generic, unn


def parse_page(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
) -> Article | QuarantinedPage:
    """Extract an article page of any site, or explain why it cannot be one."""
    if unn.is_unn_url(url):
        found = unn.parse_article(body, url, fetched_at=fetched_at, headers=headers, status=status)
        if isinstance(found, QuarantinedPage) and found.reason.startswith("unknown layout"):
            return generic.parse_generic(
                body, url, fetched_at=fetched_at, headers=headers, status=status, site=unn.SITE
            )
        return found
    return generic.parse_generic(body, url, fetched_at=fetched_at, headers=headers, status=status)
