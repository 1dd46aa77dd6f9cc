"""Tests for SplitBodyPipeline, replayed over every article fixture (HTML and text rendering)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newsbot.items import Article, QuarantinedPage, RawPage, Teaser
from newsbot.pages import parse_page
from newsbot.pipelines.split import SplitBodyPipeline
from newsbot.text.split import split_text
from newsbot.text.split_html import render_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "unn"


def _article_fixtures() -> list[Path]:
    """Return the fixture folders whose expected output is a reviewed article with split fields."""
    found = []
    for folder in sorted(FIXTURES.glob("*/expected.json")):
        expected = json.loads(folder.read_text(encoding="utf-8"))
        if (
            expected.get("kind") == "article"
            and expected.get("reviewed", True)
            and ("paragraphs" in expected)
        ):
            found.append(folder.parent)
    return found


ARTICLE_FIXTURES = _article_fixtures()


def _load(folder: Path) -> tuple[Article, dict[str, Any]]:
    """Parse a fixture page with the page objects; return the article and its expected output."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    article = parse_page(
        (folder / "body.html").read_bytes(),
        meta["url"],
        fetched_at=datetime.fromisoformat(meta["fetched_at"]),
        headers=meta["headers"],
    )
    assert isinstance(article, Article), article
    return article, expected


def _pipeline(**settings: Any) -> SplitBodyPipeline:
    return build_from_crawler(SplitBodyPipeline, get_crawler(settings_dict=settings))


def _links(links: list[Any]) -> list[dict[str, Any]]:
    keys = ("title", "url", "published_raw", "position")
    return [{k: getattr(c, k) for k in keys} for c in links]


def _teasers(teasers: list[Any]) -> list[dict[str, Any]]:
    keys = ("title", "url", "published_raw", "views", "labels", "block")
    return [{k: getattr(t, k) for k in keys} for t in teasers]


def _expected(expected: dict[str, Any], field: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: entry[k] for k in keys} for entry in expected[field]]


@pytest.fixture(params=ARTICLE_FIXTURES, ids=[f.name for f in ARTICLE_FIXTURES])
def split_fixture(request: pytest.FixtureRequest) -> tuple[Article, dict[str, Any]]:
    article, expected = _load(request.param)
    return _pipeline().process_item(article), expected


def test_there_are_fixtures_to_replay() -> None:
    assert ARTICLE_FIXTURES, f"no article fixtures with split fields under {FIXTURES}"


def test_paragraphs(split_fixture: tuple[Article, dict[str, Any]]) -> None:
    article, expected = split_fixture
    assert article.paragraphs == expected["paragraphs"]


def test_views(split_fixture: tuple[Article, dict[str, Any]]) -> None:
    article, expected = split_fixture
    assert article.views == expected["views"]


def test_cross_links(split_fixture: tuple[Article, dict[str, Any]]) -> None:
    article, expected = split_fixture
    keys = ("title", "url", "published_raw", "position")
    assert _links(article.cross_links) == _expected(expected, "cross_links", keys)


def test_related(split_fixture: tuple[Article, dict[str, Any]]) -> None:
    article, expected = split_fixture
    keys = ("title", "url", "published_raw", "views", "labels", "block")
    assert _teasers(article.related) == _expected(expected, "related", keys)


def test_no_split_text_left_in_paragraphs(split_fixture: tuple[Article, dict[str, Any]]) -> None:
    article, _ = split_fixture
    body = "\n".join(article.paragraphs)
    for link in article.cross_links:
        assert link.title not in body
        assert not link.published_raw or link.published_raw not in body
    for teaser in article.related:
        assert teaser.title not in body


@pytest.mark.parametrize("folder", ARTICLE_FIXTURES, ids=[f.name for f in ARTICLE_FIXTURES])
def test_text_rendering_splits_like_the_html(folder: Path) -> None:
    article, expected = _load(folder)
    text = render_text(article.title, article.views_raw, article.body_html, article.related)
    result = split_text(text)
    assert result.title == expected["title"]
    assert result.paragraphs == expected["paragraphs"]
    assert result.views == expected["views"]
    link_keys = ("title", "published_raw", "position")  # plain text carries no link targets
    assert [{k: getattr(c, k) for k in link_keys} for c in result.cross_links] == _expected(
        expected, "cross_links", link_keys
    )
    teaser_keys = ("title", "published_raw", "views", "labels", "block")
    assert [{k: getattr(t, k) for k in teaser_keys} for t in result.related] == _expected(
        expected, "related", teaser_keys
    )


# --- the pipeline itself ---------------------------------------------------------------------


def _article(**fields: Any) -> Article:
    base: dict[str, Any] = {
        "url": "https://unn.ua/en/news/some-story",
        "site": "unn",
        "edition": "en",
        "layout": "y2024",
        "extractor_version": "test",
        "fetched_at": datetime(2024, 4, 10, 6, 30, tzinfo=UTC),
        "title": "Some story",
    }
    base.update(fields)
    return Article(**base)


def test_disabled_by_setting() -> None:
    with pytest.raises(NotConfigured):
        _pipeline(NEWSBOT_SPLIT_ENABLED=False)


def test_passes_other_items_through_untouched() -> None:
    page = RawPage("https://unn.ua/x", 500, {}, b"oops", datetime(2024, 1, 1, tzinfo=UTC))
    quarantined = QuarantinedPage("https://unn.ua/x", "server error", page)
    assert _pipeline().process_item(quarantined) is quarantined


def test_bad_input_keeps_the_article_and_records_reasons() -> None:
    article = _article(
        body_html="\u200b\u00a0<p>\u00ad</p>",
        views_raw="переглядів",
        related=[Teaser(title="Only labelsPhotoVideo", block="popular", views_raw="-3 views")],
    )
    out = _pipeline().process_item(article)
    assert out is article and out.title == "Some story"
    assert out.paragraphs == [] and "paragraphs" in out.problems
    assert out.views is None and "no digits" in out.problems["views"]
    [teaser] = out.related
    assert teaser.title == "Only labels" and teaser.labels == ["Photo", "Video"]
    assert teaser.views is None and "negative" in teaser.problems["views"]


def test_cross_link_positions_and_urls_resolve_against_the_article() -> None:
    article = _article(
        body_html=(
            '<div class="read-also"><a href="/news/first">Перша новина</a>'
            '<span class="read-also__date">01.04.24, 10:00</span></div>'
            "<p>Story text.</p>"
            '<p><a href="/news/second">Друга новина</a>02.04.24, 11:00</p>'
        ),
        views_raw="• 5 переглядiв",
    )
    out = _pipeline().process_item(article)
    assert out.paragraphs == ["Story text."]
    assert out.views == 5
    assert _links(out.cross_links) == [
        {
            "title": "Перша новина",
            "url": "https://unn.ua/news/first",
            "published_raw": "01.04.24, 10:00",
            "position": -1,
        },
        {
            "title": "Друга новина",
            "url": "https://unn.ua/news/second",
            "published_raw": "02.04.24, 11:00",
            "position": 0,
        },
    ]
