"""Shared page-object parts: dispatch by site, the page guards and a site's selector overrides."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from newsbot.items import Article, QuarantinedPage
from newsbot.pages import parse_page
from newsbot.pages.base import ArticlePage, parse_with
from newsbot.sites import FieldSelector, Site, get_site

FETCHED = datetime(2025, 11, 14, 9, 0, tzinfo=UTC)
UNN = get_site("unn")
PAGE = b"""<html lang="en"><head><meta property="og:title" content="Head title">
<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-11-13T10:00:00+02:00",
"author": {"name": "Head Author"}}</script></head>
<body><h1 class="t">Visible title</h1><p class="when" datetime="2025-11-13T08:05:00Z">13 Nov, 08:05</p>
<div class="text"><p>One.</p><p>Two.</p></div><span class="v">12 views</span></body></html>"""


class Plain(ArticlePage):
    layout = "plain"
    marker = ""


def _site(**selectors: str) -> Site:
    return Site(
        name="plain",
        domains=("plain.example",),
        zone="UTC",
        editions=UNN.editions,
        selectors={k: FieldSelector.parse(v) for k, v in selectors.items()},
    )


def _parse(site: Site, body: bytes = PAGE) -> Article | QuarantinedPage:
    return parse_with(
        Plain, body, "https://plain.example/en/1", site=site, extractor_version="t", fetched_at=FETCHED
    )


def test_without_selectors_the_head_metadata_is_all_there_is() -> None:
    page = _parse(_site())
    assert isinstance(page, QuarantinedPage)
    assert page.reason == "no body (plain layout)"


def test_selectors_override_any_field() -> None:
    site = _site(
        title="css:h1.t", body="css:div.text", published="xpath://p[@class='when']", views="span.v",
        authors="css:h1.t",
    )  # fmt: skip
    article = _parse(site)
    assert isinstance(article, Article)
    assert (article.title, article.views_raw, article.authors) == (
        "Visible title",
        "12 views",
        ["Visible title"],
    )
    assert (article.published_raw, article.published_machine) == ("13 Nov, 08:05", "2025-11-13T08:05:00Z")
    assert article.body_html == "<p>One.</p><p>Two.</p>"
    assert (article.site, article.layout, article.edition) == ("plain", "plain", "en")


def test_a_selector_that_matches_nothing_keeps_the_page_objects_value() -> None:
    article = _parse(_site(body="css:div.text", title="css:h2.missing", authors="css:.missing"))
    assert isinstance(article, Article)
    assert (article.title, article.authors) == ("Head title", ["Head Author"])


def test_the_guards_refuse_junk_before_any_parsing() -> None:
    site = _site(body="css:div.text")
    assert _parse(site, b"\x00\x01\x02\x03" * 1000).reason.startswith("not HTML")
    assert _parse(site, b" " * (6 * 1024 * 1024)).reason.startswith("too large")


def test_a_site_whose_page_module_is_missing_is_an_unsupported_site() -> None:
    site = replace(UNN, name="ghost", page_module="newsbot.pages.no_such_module")
    page = parse_page(PAGE, "https://unn.ua/en/news/x", fetched_at=FETCHED, site=site)
    assert isinstance(page, QuarantinedPage)
    assert page.reason == "unsupported site: no module newsbot.pages.no_such_module"
    assert page.page.body == PAGE


def test_the_url_picks_the_shipped_site_when_none_is_given() -> None:
    # UNN's layouts know no such markup, so the generic page object reads it: no title there either.
    page = parse_page(b"<html></html>", "https://unn.ua/en/news/x", fetched_at=FETCHED)
    assert isinstance(page, QuarantinedPage)
    assert page.reason.startswith("no title (generic layout)")
