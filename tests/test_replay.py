"""Fixture folders: saving, loading, and serving the right fetch of a URL for a replay clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newsbot.replay import (
    FETCHED_AT,
    FixtureIndex,
    ReplayMiddleware,
    fixture_name,
    load_fixtures,
    save_fixture,
)

T1 = datetime(2025, 11, 14, 7, 0, tzinfo=UTC)
T2 = datetime(2025, 11, 14, 13, 0, tzinfo=UTC)
URL = "https://unn.ua/en/news/some-story"


def _save(root: Path, name: str, body: bytes, when: datetime, url: str = URL) -> None:
    save_fixture(
        root,
        url=url,
        status=200,
        headers={"Content-Type": "text/html"},
        body=body,
        fetched_at=when,
        name=name,
    )


def test_saved_fixture_loads_back(tmp_path: Path) -> None:
    folder = save_fixture(
        tmp_path,
        url=URL,
        status=203,
        headers={"ETag": '"x"'},
        body=b"<html>",
        fetched_at=T1,
        expected={"kind": "article"},
    )
    (fixture,) = load_fixtures(tmp_path)
    assert (fixture.url, fixture.status, fixture.headers, fixture.fetched_at) == (
        URL,
        203,
        {"ETag": '"x"'},
        T1,
    )
    assert fixture.body() == b"<html>"
    assert json.loads((folder / "meta.json").read_text())["fetched_at"] == "2025-11-14T07:00:00Z"


def test_save_refuses_to_overwrite(tmp_path: Path) -> None:
    _save(tmp_path, "a", b"1", T1)
    with pytest.raises(FileExistsError):
        _save(tmp_path, "a", b"2", T1)


def test_fixture_name_is_a_slug_of_the_path() -> None:
    assert fixture_name("https://unn.ua/en/news/Drone-Attack?x=1") == "en-news-drone-attack-x-1"


def test_index_serves_the_newest_fetch_not_after_the_clock(tmp_path: Path) -> None:
    _save(tmp_path, "early", b"early", T1)
    _save(tmp_path, "late", b"late", T2)
    index = FixtureIndex(load_fixtures(tmp_path))
    assert index.lookup(URL).body() == b"late"
    assert index.lookup(URL, at=T1).body() == b"early"
    assert index.lookup(URL, at=datetime(2025, 11, 14, 12, 59, tzinfo=UTC)).body() == b"early"
    assert index.lookup(URL, at=datetime(2025, 11, 13, tzinfo=UTC)) is None


def test_index_matches_canonical_urls(tmp_path: Path) -> None:
    _save(tmp_path, "listing", b"p2", T1, url="https://unn.ua/news?page=2&sort=new")
    index = FixtureIndex(load_fixtures(tmp_path))
    assert index.lookup("https://unn.ua/news?sort=new&page=2").body() == b"p2"


def test_middleware_answers_from_fixtures_with_their_fetch_time(tmp_path: Path) -> None:
    _save(tmp_path, "story", b"<html>story</html>", T1)
    crawler = get_crawler(settings_dict={"NEWSBOT_REPLAY_DIRS": [str(tmp_path)]})
    middleware = build_from_crawler(ReplayMiddleware, crawler)
    crawler.stats.open_spider()
    request = Request(URL)
    response = middleware.process_request(request)
    assert (response.status, response.body) == (200, b"<html>story</html>")
    assert request.meta[FETCHED_AT] == T1
    missing = middleware.process_request(Request("https://unn.ua/en/news/unknown"))
    assert missing.status == 404
    assert crawler.stats.get_value("newsbot/replay/miss") == 1


def test_middleware_is_off_without_replay_dirs() -> None:
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        build_from_crawler(ReplayMiddleware, get_crawler(settings_dict={}))


def test_a_missing_robots_txt_is_an_absent_file_not_a_page_without_a_fixture(tmp_path: Path) -> None:
    _save(tmp_path, "story", b"<html>story</html>", T1)
    crawler = get_crawler(settings_dict={"NEWSBOT_REPLAY_DIRS": [str(tmp_path)]})
    middleware = build_from_crawler(ReplayMiddleware, crawler)
    crawler.stats.open_spider()
    robots = middleware.process_request(Request("https://unn.ua/robots.txt"))
    assert robots.status == 404  # what a site without robots.txt answers: everything allowed
    assert crawler.stats.get_value("newsbot/replay/robots_absent") == 1
    assert crawler.stats.get_value("newsbot/replay/miss") is None
