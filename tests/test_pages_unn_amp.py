"""AMP copies of UNN articles: unn.ua/amp/..., /en/amp/..., /ru/amp/... (../shared/unn-real-pages.md).

Their canonical URL is the non-AMP one; the fixture ru-amp-kyiv-water-supply holds a whole page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsbot.items import Article
from newsbot.pages import parse_page
from newsbot.pages.unn import amp_canonical, edition_from_url, is_amp_url, is_article_url
from newsbot.replay import load_fixture
from tests.support.paths import FIXTURES


@pytest.mark.parametrize(
    ("url", "canonical", "edition"),
    [
        (
            "https://unn.ua/amp/news/u-kyievi-vidnovyly-vodu",
            "https://unn.ua/news/u-kyievi-vidnovyly-vodu",
            "uk",
        ),
        ("https://unn.ua/en/amp/news/water-restored", "https://unn.ua/en/news/water-restored", "en"),
        ("https://unn.ua/ru/amp/news/voda-vosstanovlena", "https://unn.ua/ru/news/voda-vosstanovlena", "ru"),
    ],
)
def test_amp_urls_are_articles_of_their_edition_with_a_canonical_url(
    url: str, canonical: str, edition: str
) -> None:
    assert is_amp_url(url) and is_article_url(url)
    assert amp_canonical(url) == canonical
    assert edition_from_url(url) == edition
    assert not is_amp_url(canonical) and amp_canonical(canonical) == canonical


def test_an_amp_page_without_a_canonical_link_is_stored_under_the_non_amp_url() -> None:
    fixture = load_fixture(FIXTURES / "ru-amp-kyiv-water-supply")
    body = fixture.body().replace(b'<link rel="canonical"', b'<link rel="x-canonical"')
    article = parse_page(body, fixture.url, fetched_at=datetime(2025, 11, 25, 9, 40, tzinfo=UTC))
    assert isinstance(article, Article)
    assert article.layout == "amp"
    assert (
        article.url
        == "https://unn.ua/ru/news/v-kieve-na-levom-beregu-vosstanovili-vodosnabzhenie-posle-avarii"
    )
    assert article.edition == "ru"
