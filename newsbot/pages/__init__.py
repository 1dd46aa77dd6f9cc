"""Page objects: HTML -> raw fields, one module per site, no Scrapy import.

A page on a known site that matches none of its layouts, and any page of a site with no file under
sites/, is read by the generic page object (layout "generic") instead of being lost.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from types import ModuleType

from newsbot.items import Article, QuarantinedPage
from newsbot.pages import generic
from newsbot.pages.base import raw_page
from newsbot.pages.guard import Parser, contained
from newsbot.sites import Site, site_for_url
from newsbot.text.budget import DEFAULT_PAGE_BUDGET

# The reason a site's own page objects give for markup none of their layouts knows.
NO_KNOWN_LAYOUT = "unknown layout"


def page_module(site: Site) -> ModuleType | None:
    """Import the page-object module a site names (newsbot.pages.generic by default), or None if absent.

    The name is a dotted module path, or the path of a .py file (a site file kept outside the
    package names the module beside it: `page = "mynews_pages.py"`).
    """
    if site.page_module.endswith(".py"):
        return _module_from_file(site.page_module)
    try:
        return importlib.import_module(site.page_module)
    except ModuleNotFoundError as error:
        if error.name and site.page_module.startswith(error.name):
            return None  # the module itself is missing, not something it imports
        raise


@cache
def _module_from_file(path: str) -> ModuleType | None:
    """Load a page-object module from its file once per process, or None if the file is gone."""
    file = Path(path)
    spec = importlib.util.spec_from_file_location(f"newsbot_site_pages.{file.stem}", file)
    if spec is None or spec.loader is None or not file.is_file():
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # registered before it runs, as an import would (dataclasses need it)
    spec.loader.exec_module(module)
    return module


def parse_page(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
    site: Site | None = None,
    budget: float = DEFAULT_PAGE_BUDGET,
) -> Article | QuarantinedPage:
    """Extract an article page of any site, or explain why it cannot be one.

    `site` is the site the crawl is about; without it the URL's domain picks a shipped site, and a
    URL of no shipped site is read by the generic page object under its host name. Contained
    (newsbot.pages.guard): an exception or more than `budget` seconds quarantines the page.
    """
    site = site or site_for_url(url)
    module = page_module(site) if site is not None else generic
    if module is None:
        assert site is not None
        page = raw_page(body, url, fetched_at=fetched_at, headers=headers, status=status)
        return QuarantinedPage(url, f"unsupported site: no module {site.page_module}", page)

    def read_with(parse: Parser) -> Article | QuarantinedPage:
        return contained(
            parse, body, url, fetched_at=fetched_at, headers=headers, status=status, budget=budget, site=site
        )

    found = read_with(module.parse_article)
    if (
        module is not generic
        and isinstance(found, QuarantinedPage)
        and found.reason.startswith(NO_KNOWN_LAYOUT)
    ):
        # The site changed its markup: read the page generically rather than lose it.
        return read_with(generic.parse_article)
    return found
