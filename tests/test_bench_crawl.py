"""bench/bench_crawl.py's copies of the real UNN page are distinct articles with the page's chrome.

A crawl benchmark that serves one article under many URLs lets any text cache answer for the
article itself; these checks read the copies through the real UNN page object.
"""

from __future__ import annotations

import re
import sys

import pytest

from newsbot.items import Article
from newsbot.pages import parse_page
from tests.support.paths import REPO, UNN_RU_2020

sys.path.insert(0, str(REPO / "bench"))

import bench_crawl

pytestmark = pytest.mark.skipif(not UNN_RU_2020.exists(), reason=f"{UNN_RU_2020} is absent")

HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def _copies(*indexes: int) -> list[tuple[bytes, Article]]:
    raw = UNN_RU_2020.read_bytes()
    html = raw.decode("utf-8")
    canonical = bench_crawl.unn_canonical(raw)
    slug = canonical.rsplit("/", 1)[-1]
    vocabulary = bench_crawl.article_vocabulary(html)
    out = []
    for i in indexes:
        body = bench_crawl.vary_unn_copy(html, i, vocabulary, slug).encode("utf-8")
        url = f"{canonical}-copy{i:05d}"
        article = parse_page(body, url, fetched_at=bench_crawl.UNN_FETCHED_AT, headers=HEADERS)
        assert isinstance(article, Article), article
        out.append((body, article))
    return out


def test_copies_are_distinct_articles_of_the_same_size() -> None:
    (body0, first), (body1, second), (body2, late) = _copies(0, 1, 2000)
    # Copy 0 is the page as printed (only its URL changed).
    assert first.title.startswith("Парламент Молдовы")
    assert (first.published_machine, first.views_raw) == ("2020-12-03T18:47", "3375")
    for article in (second, late):
        assert article.title != first.title
        assert article.body_html != first.body_html
        assert article.url.endswith(f"-copy{1 if article is second else 2000:05d}")
    assert second.published_machine == "2020-12-03T18:40"  # 7 minutes earlier per copy
    # 2,000 x 7 minutes = 9 days 17:20 before 3 December 18:47.
    assert (late.published_machine, late.published_raw) == ("2020-11-24T01:27", "24 ноября 2020, 01:27")
    assert late.modified_machine == "2020-11-24T01:28"
    assert late.views_raw == "5375"
    assert all(abs(len(b) - len(body0)) < len(body0) * 0.01 for b in (body1, body2))


def test_copies_keep_the_chrome_and_the_teaser_rails() -> None:
    (_, first), (_, late) = _copies(0, 1999)
    assert late.related == first.related  # the teaser rail repeats across a site's pages
    assert (late.authors, late.tags, late.rubric) == (first.authors, first.tags, first.rubric)
    # The article's own words, permuted: the text stays Russian and about as long.
    own = set(re.findall(r"\w+", first.title + " " + first.body_html))
    assert set(re.findall(r"\w+", late.title)) <= own
    assert len(late.body_html) == pytest.approx(len(first.body_html), rel=0.05)
