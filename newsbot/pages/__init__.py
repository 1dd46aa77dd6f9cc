"""Page objects: HTML -> raw fields, one module per site, no Scrapy import."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import datetime
from types import ModuleType

from newsbot.items import Article, QuarantinedPage, RawPage
from newsbot.sites import Site, site_for_url


def page_module(site: Site) -> ModuleType | None:
    """Import the page-object module a site names (newsbot.pages.generic by default), or None if absent."""
    try:
        return importlib.import_module(site.page_module)
    except ModuleNotFoundError as error:
        if error.name and site.page_module.startswith(error.name):
            return None  # the module itself is missing, not something it imports
        raise


def parse_page(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
    site: Site | None = None,
) -> Article | QuarantinedPage:
    """Extract an article page of any supported site, or explain why it cannot be one.

    `site` is the site the crawl is about; without it the URL's domain picks a shipped site.
    """
    site = site or site_for_url(url)
    module = page_module(site) if site is not None else None
    if site is None or module is None:
        page = RawPage(url=url, status=status, headers=dict(headers or {}), body=body, fetched_at=fetched_at)
        what = "no page object for this domain" if site is None else f"no module {site.page_module}"
        return QuarantinedPage(url, f"unsupported site: {what}", page)
    return module.parse_article(body, url, fetched_at=fetched_at, headers=headers, status=status, site=site)
