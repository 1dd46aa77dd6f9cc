"""UNN page objects: layout detection, the real 2020 page, discovery pages and bad input."""

from __future__ import annotations

import gc
import random
from datetime import UTC, datetime

import pytest
from lxml import etree
from parsel import Selector

from newsbot.items import Article, QuarantinedPage
from newsbot.pages import parse_page
from newsbot.pages.base import ClassIndex, PageTree, TokenIndex, page_source, parse_html
from newsbot.pages.feeds import parse_feed
from newsbot.pages.unn import (
    LegacyArticlePage,
    NextArticlePage,
    Y2024ArticlePage,
    detect_layout,
    edition_from_url,
    is_article_url,
    parse_article,
    parse_listing,
)
from tests.support.paths import FIXTURES, UNN_RU_2020, fixtures_of_kind, need

FETCHED = datetime(2020, 12, 3, 17, 0, tzinfo=UTC)
RU_2020_URL = (
    "https://www.unn.com.ua/ru/news/1906059-parlament-moldovi-z-podachi-dodona-obmezhiv-"
    "povnovazhennya-sandu-sche-do-yiyi-inavguratsiyi"
)


@pytest.fixture(scope="module")
def real_2020() -> Article:
    page = parse_page(need(UNN_RU_2020).read_bytes(), RU_2020_URL, fetched_at=FETCHED)
    assert isinstance(page, Article)
    return page


def test_real_2020_page_is_the_legacy_layout(real_2020: Article) -> None:
    assert (real_2020.layout, real_2020.edition) == ("legacy", "ru")


def test_real_2020_page_title(real_2020: Article) -> None:
    assert real_2020.title == (
        'Парламент Молдовы, "с подачи Додона" - ограничил полномочия Санду еще до ее инаугурации'
    )


def test_real_2020_page_author(real_2020: Article) -> None:
    assert real_2020.authors == ["Алексей Супрун"]


def test_real_2020_page_views_raw_text_is_kept(real_2020: Article) -> None:
    assert real_2020.views_raw == "3375"


def test_real_2020_page_date(real_2020: Article) -> None:
    assert real_2020.published_machine == "2020-12-03T18:47"
    assert real_2020.published_raw == "3 декабря 2020, 18:47"


def test_real_2020_page_has_five_body_paragraphs(real_2020: Article) -> None:
    paragraphs = Selector(text=real_2020.body_html).xpath("//p")
    assert len(paragraphs) == 5
    assert paragraphs[0].xpath("string()").get().startswith("КИЕВ.")


def test_real_2020_page_declares_ru_but_og_locale_uk(real_2020: Article) -> None:
    # The page's own metadata disagree: <html lang="ru"> but og:locale uk_UA.
    assert real_2020.lang_hints == {"html": "ru", "og:locale": "uk_UA"}


def test_real_2020_page_latest_news_teasers_carry_their_day(real_2020: Article) -> None:
    first = real_2020.related[0]
    assert first.block == "latest"
    assert first.published_raw == "Четверг, 3 декабря 2020, 19:01"
    assert first.labels == ["Video"]


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("en-next-kharkiv-drone-attack", NextArticlePage),
        ("en-y2024-china-lavrov", Y2024ArticlePage),
        ("uk-legacy-kyiv-metro-cp1251", LegacyArticlePage),
    ],
)
def test_layout_is_detected_from_markup(name: str, layout: type) -> None:
    html = (FIXTURES / name / "body.html").read_bytes().decode("utf-8", errors="replace")
    assert detect_layout(Selector(text=html)) is layout


def _live_elements() -> int:
    return sum(1 for obj in gc.get_objects() if isinstance(obj, etree._Element))


@pytest.mark.parametrize(
    ("name", "layout", "lookup"),
    [
        ("en-next-kharkiv-drone-attack", NextArticlePage, lambda tree: tree.lookup(ClassIndex)),
        ("en-y2024-china-lavrov", Y2024ArticlePage, lambda tree: tree.lookup(TokenIndex)),
        ("uk-legacy-kyiv-metro-cp1251", LegacyArticlePage, lambda tree: tree.filed(LegacyArticlePage._FILED)),
    ],
)
def test_the_layout_test_and_its_page_object_share_one_pass_that_goes_with_the_page(
    name: str, layout: type, lookup
) -> None:
    fixture = next(f for f in fixtures_of_kind("article") if f.name == name)
    text, data, _ = page_source(fixture.body(), fixture.headers)
    tree = PageTree(parse_html(text, data))
    assert detect_layout(tree, text) is layout
    found = lookup(tree)  # what the layout test filed, kept with the page
    page = layout(tree, fixture.url)
    assert (page.filed if layout is LegacyArticlePage else page.classes) is found
    assert page.tree.head() is tree.head()  # canonical, alternates, tags, language hints: one read
    del tree, page, found
    before = _live_elements()
    article = parse_page(fixture.body(), fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers)
    assert isinstance(article, Article)
    assert _live_elements() == before  # no element of the page's tree outlives its page object


def test_next_layout_matches_class_prefix_whatever_the_build_hash() -> None:
    html = (FIXTURES / "en-next-kharkiv-drone-attack" / "body.html").read_text("utf-8")
    rebuilt = html.replace("__x7Yk2", "__Q1w2E").replace("__Qw9e1", "__Zz0Aa")
    page = parse_page(rebuilt.encode(), "https://unn.ua/en/news/x", fetched_at=FETCHED)
    assert isinstance(page, Article)
    assert page.title == "Drone attack on Kharkiv: 14 injured, a kindergarten damaged"


def test_windows_1251_page_is_decoded() -> None:
    body = (FIXTURES / "uk-legacy-kyiv-metro-cp1251" / "body.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    page = parse_page(
        body,
        "https://www.unn.com.ua/uk/news/1-x",
        fetched_at=FETCHED,
        headers={"Content-Type": "text/html; charset=windows-1251"},
    )
    assert isinstance(page, Article)
    assert "Лук'янівська" in page.title


@pytest.mark.parametrize(
    ("url", "edition"),
    [
        ("https://unn.ua/news/some-story", "uk"),
        ("https://unn.ua/en/news/some-story", "en"),
        ("https://unn.ua/ru/news/some-story", "ru"),
        ("https://www.unn.com.ua/uk/news/1921544-x", "uk"),
        ("https://unn.ua/rss/news_uk.xml", None),
    ],
)
def test_edition_from_url(url: str, edition: str | None) -> None:
    assert edition_from_url(url) == edition


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://unn.ua/news/some-story", True),
        ("https://unn.ua/en/news/some-story", True),
        ("https://www.unn.com.ua/ru/news/1906059-slug", True),
        ("https://unn.ua/news", False),
        ("https://unn.ua/en/news?page=2", False),
        ("https://unn.ua/rss/news_en.xml", False),
        ("https://unn.ua/news/tag/kharkiv", False),
        ("https://example.com/news/some-story", False),
    ],
)
def test_is_article_url(url: str, article: bool) -> None:
    assert is_article_url(url) is article


# --- bad input: quarantined with a reason, never an exception ----------------------------------


def _quarantined(body: bytes, url: str = "https://unn.ua/en/news/x") -> QuarantinedPage:
    page = parse_article(body, url, fetched_at=FETCHED)
    assert isinstance(page, QuarantinedPage), page
    assert page.page.body == body  # the raw bytes are kept for later re-parsing
    return page


def test_ten_megabytes_of_junk_is_quarantined_as_too_large() -> None:
    junk = random.Random(7).randbytes(10 * 1024 * 1024)
    assert _quarantined(junk).reason.startswith("too large")


def test_binary_junk_is_quarantined_as_not_html() -> None:
    assert _quarantined(random.Random(3).randbytes(4096)).reason.startswith("not HTML")


def test_html_without_a_known_layout_is_quarantined() -> None:
    body = b"<html><head><title>UNN</title></head><body><p>Contacts</p></body></html>"
    assert _quarantined(body).reason.startswith("unknown layout")


def test_article_without_title_is_quarantined() -> None:
    body = (
        b'<html><body><article class="article-page"><h1 class="article-page__title"></h1>'
        b'<div class="article-page__text"><p>Text.</p></div></article></body></html>'
    )
    assert _quarantined(body).reason.startswith("no title")


def test_article_without_body_is_quarantined() -> None:
    body = (
        b'<html><body><article class="article-page"><h1 class="article-page__title">T</h1>'
        b'<div class="article-page__text">  </div></article></body></html>'
    )
    assert _quarantined(body).reason.startswith("no body")


def test_truncated_page_is_kept_with_a_problem() -> None:
    full = (FIXTURES / "en-y2024-china-lavrov" / "body.html").read_bytes()
    cut = full[: full.index(b"Wang Yi emphasized that diplomacy")]
    page = parse_article(cut, "https://unn.ua/en/news/x", fetched_at=FETCHED)
    assert isinstance(page, Article)
    assert page.problems["page"].startswith("truncated")


def test_page_of_another_site_goes_to_the_generic_page_object() -> None:
    empty = parse_page(b"<html></html>", "https://example.com/news/x", fetched_at=FETCHED)
    assert isinstance(empty, QuarantinedPage)
    assert empty.reason.startswith("no title (generic layout)")
    story = (
        b'<html lang="en"><head><meta property="og:type" content="article"></head><body>'
        b"<h1>Bridge reopens</h1><article><p>The bridge over the river reopened on Monday after"
        b" a year of repairs, the city said.</p></article></body></html>"
    )
    page = parse_page(story, "https://example.com/news/x", fetched_at=FETCHED)
    assert isinstance(page, Article)
    assert (page.site, page.layout, page.title) == ("example.com", "generic", "Bridge reopens")


def test_unn_page_in_no_known_layout_is_archived_as_generic() -> None:
    body = (
        b'<html lang="uk"><head><meta property="og:title" content="\xd0\x9c\xd1\x96\xd1\x81\xd1\x82 | UNN">'
        b'<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Mist",'
        b' "datePublished": "2025-11-13T21:46:00+02:00"}</script></head><body><main class="redesign">'
        b'<h1>Mist</h1><div class="story"><p>The bridge over the Dnipro reopened on Monday after a year'
        b" of repairs, the city administration said.</p></div></main></body></html>"
    )
    page = parse_page(body, "https://unn.ua/news/mist", fetched_at=FETCHED)
    assert isinstance(page, Article), page
    assert (page.site, page.layout, page.edition) == ("unn", "generic", "uk")
    assert page.published_machine == "2025-11-13T21:46:00+02:00"
    assert "reopened on Monday" in page.body_html


# --- discovery pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", fixtures_of_kind("listing"), ids=lambda f: f.name)
def test_listing_links_match_expected(fixture) -> None:
    listing = parse_listing(fixture.body(), fixture.url, fixture.headers)
    expected = fixture.expected()
    got = [{"url": x.url, "title": x.title, "published_raw": x.published_raw} for x in listing.links()]
    assert got == expected["links"]
    assert listing.next_page() == expected["next_page"]


@pytest.mark.parametrize("fixture", fixtures_of_kind("feed"), ids=lambda f: f.name)
def test_feed_links_match_expected(fixture) -> None:
    feed = parse_feed(fixture.body(), fixture.url)
    got = [{"url": x.url, "title": x.title, "published_raw": x.published_raw} for x in feed.links()]
    assert got == fixture.expected()["links"]
