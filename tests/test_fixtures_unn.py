"""Every field of every UNN fixture against its hand-written expected.json, one test per field.

An article fixture is extracted by the page objects and run through the same stages the pipelines
run (split, timestamps, language); a quarantine fixture must be refused with its reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from newsbot.enrich import enrich_article
from newsbot.items import Article, QuarantinedPage, to_jsonable
from newsbot.pages import parse_page
from newsbot.replay import Fixture, load_fixture
from tests.support.paths import fixtures_of_kind

ARTICLES = fixtures_of_kind("article")
QUARANTINED = fixtures_of_kind("quarantine")
NOT_FIELDS = {"kind", "reviewed", "problems_keys"}


def extracted(fixture: Fixture) -> dict[str, Any]:
    return _extracted(fixture.path)


@cache
def _extracted(path: Path) -> dict[str, Any]:
    fixture = load_fixture(path)
    article = parse_page(fixture.body(), fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers)
    assert isinstance(article, Article), f"{fixture.name} was quarantined: {getattr(article, 'reason', '')}"
    return to_jsonable(enrich_article(article))


def _field_cases() -> list[Any]:
    return [
        pytest.param(f, key, id=f"{f.name}-{key}")
        for f in ARTICLES
        for key in f.expected()
        if key not in NOT_FIELDS
    ]


def _project(got: Any, expected: Any) -> Any:
    """Keep, in lists of objects, only the keys the expected objects name."""
    if isinstance(expected, list) and isinstance(got, list) and all(isinstance(e, dict) for e in expected):
        return [
            {k: item.get(k) for k in expected[i]} if i < len(expected) else item for i, item in enumerate(got)
        ]
    return got


def test_there_are_fixtures_of_every_layout_and_edition() -> None:
    seen = {(f.expected()["edition"], f.expected()["layout"]) for f in ARTICLES}
    assert {layout for _, layout in seen} == {"next", "y2024", "legacy"}
    assert {edition for edition, _ in seen} == {"uk", "en", "ru"}
    assert len(ARTICLES) >= 15


@pytest.mark.parametrize(("fixture", "key"), _field_cases())
def test_field(fixture: Fixture, key: str) -> None:
    expected = fixture.expected()
    assert expected.get("reviewed", True), f"{fixture.name}/expected.json is an unreviewed draft"
    assert _project(extracted(fixture).get(key), expected[key]) == expected[key]


@pytest.mark.parametrize(
    "fixture", [f for f in ARTICLES if "problems_keys" in f.expected()], ids=lambda f: f.name
)
def test_recorded_problems(fixture: Fixture) -> None:
    assert set(fixture.expected()["problems_keys"]) <= set(extracted(fixture)["problems"])


@pytest.mark.parametrize("fixture", QUARANTINED, ids=lambda f: f.name)
def test_quarantined_with_reason(fixture: Fixture) -> None:
    page = parse_page(fixture.body(), fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers)
    assert isinstance(page, QuarantinedPage)
    assert page.reason.startswith(fixture.expected()["reason_prefix"])
    assert page.page.body == fixture.body()


# --- rules that hold for every article ---------------------------------------------------------


@pytest.mark.parametrize("fixture", ARTICLES, ids=lambda f: f.name)
def test_no_cross_link_or_teaser_text_left_in_paragraphs(fixture: Fixture) -> None:
    article = extracted(fixture)
    titles = [x["title"] for x in article["cross_links"] + article["related"]]
    for paragraph in article["paragraphs"]:
        assert not [t for t in titles if t in paragraph], paragraph


@pytest.mark.parametrize("fixture", ARTICLES, ids=lambda f: f.name)
def test_no_timestamp_is_after_the_fetch(fixture: Fixture) -> None:
    article = extracted(fixture)
    latest = fixture.fetched_at + timedelta(minutes=1)
    stamps = [article["published_utc"], article["modified_utc"]]
    stamps += [x["published_utc"] for x in article["cross_links"] + article["related"]]
    for stamp in filter(None, stamps):
        assert datetime.fromisoformat(stamp.replace("Z", "+00:00")) <= latest, stamp
