"""Example News page object (test-only site): only the byline needs code; the rest is in examplenews.toml."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from newsbot.items import Article, QuarantinedPage
from newsbot.pages.base import ArticlePage, first_text, parse_with
from newsbot.sites import Site

EXTRACTOR_VERSION = "examplenews-1"
# "By Jane Doe and John Roe", "Автори: Олена Коваль та Іван Бойко": a lead word, then names
# joined by and/та/і or commas.
_LEAD = re.compile(r"^(?:by|автори?:?)\s+", re.IGNORECASE)
_JOIN = re.compile(r"\s*,\s*|\s+(?:and|та|і)\s+")


class ExampleNewsPage(ArticlePage):
    """Every Example News article page; the site's selectors give title, body, time and views."""

    layout = "examplenews"
    marker = "story-body"

    def authors(self) -> list[str]:
        byline = first_text(self.sel.css("p.byline"))
        names = [n for n in _JOIN.split(_LEAD.sub("", byline or "")) if n]
        return names or super().authors()


def parse_article(
    body: bytes,
    url: str,
    *,
    site: Site,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
) -> Article | QuarantinedPage:
    """Extract one Example News article page, or explain why it cannot be one."""
    return parse_with(
        ExampleNewsPage,
        body,
        url,
        site=site,
        extractor_version=EXTRACTOR_VERSION,
        fetched_at=fetched_at,
        headers=headers,
        status=status,
    )
