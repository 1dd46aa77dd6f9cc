"""Revisit policy: when an archived page is due, conditional requests, 304s, and the archive-backed store."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from archive.db import open_archive
from archive.revisit import ArchiveStateStore, known_page
from archive.store import mark_unchanged
from newsbot.items import KnownPage, NotModified
from newsbot.replay import FETCHED_AT, ReplayMiddleware, save_fixture
from newsbot.runs.revisit import (
    DEFAULT_SCHEDULE,
    StateStoreUnavailable,
    build_state_store,
    conditional_headers,
    is_due,
    parse_schedule,
    revisit_now,
)
from newsbot.spiders.unn import UnnSpider
from tests.support.factories import make_article, raw_page

URL = "https://unn.ua/en/news/some-story"
PUBLISHED = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def _known(last_fetched: datetime, published: datetime | None = PUBLISHED, **validators: str) -> KnownPage:
    return KnownPage(URL, published, last_fetched, **validators)


# --- the policy ----------------------------------------------------------------------------------


def test_a_page_never_archived_is_always_due() -> None:
    assert is_due(None, now=PUBLISHED)


def test_a_page_fetched_half_an_hour_after_publication_waits_for_the_one_hour_mark() -> None:
    known = _known(PUBLISHED + 0.5 * H)
    assert not is_due(known, now=PUBLISHED + 59 * timedelta(minutes=1))
    assert is_due(known, now=PUBLISHED + H)


def test_after_the_one_hour_fetch_the_next_visit_is_at_six_hours() -> None:
    known = _known(PUBLISHED + 1.1 * H)
    assert not is_due(known, now=PUBLISHED + 5.9 * H)
    assert is_due(known, now=PUBLISHED + 6 * H)


def test_missed_checkpoints_cost_one_fetch() -> None:
    # Crawler down for four days: one fetch at day 4 covers the 6 h, 24 h and 3 d checkpoints.
    assert is_due(_known(PUBLISHED + 1.5 * H), now=PUBLISHED + timedelta(days=4))
    assert not is_due(_known(PUBLISHED + timedelta(days=4)), now=PUBLISHED + timedelta(days=6))
    assert is_due(_known(PUBLISHED + timedelta(days=4)), now=PUBLISHED + timedelta(days=7))


def test_after_the_last_checkpoint_only_a_newer_listed_date_makes_it_due() -> None:
    known = _known(PUBLISHED + timedelta(days=7, hours=1))
    a_year_later = PUBLISHED + timedelta(days=365)
    assert not is_due(known, now=a_year_later)
    assert not is_due(known, now=a_year_later, listed_modified=PUBLISHED)
    assert is_due(known, now=a_year_later, listed_modified=PUBLISHED + timedelta(days=30))


def test_an_old_story_first_archived_late_is_not_due_again() -> None:
    # Published 10 days before it was first fetched: every checkpoint lies before that fetch.
    known = _known(PUBLISHED + timedelta(days=10))
    assert not is_due(known, now=PUBLISHED + timedelta(days=11))


def test_unknown_publication_waits_for_a_newer_listed_date() -> None:
    known = _known(PUBLISHED, published=None)
    assert not is_due(known, now=PUBLISHED + timedelta(days=2))
    assert is_due(known, now=PUBLISHED + timedelta(days=2), listed_modified=PUBLISHED + H)


def test_the_schedule_is_a_parameter() -> None:
    known = _known(PUBLISHED + 0.5 * H)
    assert not is_due(known, now=PUBLISHED + 2 * H, schedule=[timedelta(hours=3)])
    assert is_due(known, now=PUBLISHED + 3 * H, schedule=[timedelta(hours=3)])


@given(
    fetched=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
    wait=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
)
def test_due_stays_due_as_time_passes_and_a_fresh_fetch_is_never_due(fetched, wait, later) -> None:
    known = _known(PUBLISHED + fetched)
    now = PUBLISHED + fetched + wait
    if is_due(known, now=now):
        assert is_due(known, now=now + later)
    assert not is_due(known, now=known.last_fetched_at)


def test_schedule_setting_reads_units() -> None:
    assert parse_schedule("1h,6h,24h,3d,7d") == DEFAULT_SCHEDULE
    assert parse_schedule(" 30m, 2w ") == (timedelta(minutes=30), timedelta(weeks=2))
    assert parse_schedule("3d,1h") == (timedelta(hours=1), timedelta(days=3))


@pytest.mark.parametrize("text", ["1x", "h", "0h", "", "1h,,2h"])
def test_schedule_setting_refuses_unreadable_steps(text: str) -> None:
    with pytest.raises(ValueError, match="schedule"):
        parse_schedule(text)


def test_conditional_headers_carry_the_last_validators() -> None:
    assert conditional_headers(None) == {}
    assert conditional_headers(_known(PUBLISHED)) == {}
    known = _known(PUBLISHED, etag='"abc"', last_modified="Thu, 20 Nov 2025 07:30:00 GMT")
    assert conditional_headers(known) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Thu, 20 Nov 2025 07:30:00 GMT",
    }


def test_now_is_the_replay_clock_when_replaying_else_the_crawl_start() -> None:
    started = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    replaying = get_crawler(settings_dict={"NEWSBOT_REPLAY_AT": "2025-11-20T16:00:00Z"}).settings
    assert revisit_now(replaying, started) == datetime(2025, 11, 20, 16, 0, tzinfo=UTC)
    assert revisit_now(get_crawler(settings_dict={}).settings, started) == started


# --- the state store factory -----------------------------------------------------------------------


def test_factory_reads_the_archive_by_default(tmp_path: Path) -> None:
    settings = get_crawler(settings_dict={"NEWSBOT_ARCHIVE_PATH": str(tmp_path / "a.db")}).settings
    store = build_state_store(settings)
    assert isinstance(store, ArchiveStateStore)
    assert store.path == tmp_path / "a.db"


def test_factory_says_clearly_when_the_redis_store_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "newsbot.runs.distributed.state", None)  # makes the import fail
    settings = get_crawler(settings_dict={"NEWSBOT_REDIS_URL": "redis://127.0.0.1:1/0"}).settings
    with pytest.raises(StateStoreUnavailable, match="NEWSBOT_REDIS_URL"):
        build_state_store(settings)


# --- the archive side -----------------------------------------------------------------------------


def _archive_with(path: Path, *articles) -> None:
    with open_archive(path) as archive:
        for article in articles:
            archive.store_article(article)


def test_store_knows_an_archived_article_with_its_validators(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    article = make_article(URL, fetched_at=PUBLISHED + H, published_utc=PUBLISHED)
    article.page = raw_page(URL, PUBLISHED + H)
    article.page.headers = {"etag": '"v1"', "Last-Modified": "Thu, 20 Nov 2025 09:00:00 GMT"}
    _archive_with(db, article)
    store = ArchiveStateStore(db)
    try:
        assert store.get(URL) == KnownPage(
            URL, PUBLISHED, PUBLISHED + H, '"v1"', "Thu, 20 Nov 2025 09:00:00 GMT"
        )
        assert store.get("https://unn.ua/en/news/never-seen") is None
    finally:
        store.close()


def test_store_without_an_archive_knows_nothing(tmp_path: Path) -> None:
    store = ArchiveStateStore(tmp_path / "none.db")
    assert store.get(URL) is None
    assert not (tmp_path / "none.db").exists()


def test_a_304_moves_last_seen_forward_only(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _archive_with(db, make_article(URL, fetched_at=PUBLISHED + H, published_utc=PUBLISHED))
    with open_archive(db) as archive:
        assert mark_unchanged(archive.conn, URL, PUBLISHED + 6 * H)
        assert mark_unchanged(archive.conn, URL, PUBLISHED + 2 * H)  # an older answer changes nothing
        assert not mark_unchanged(archive.conn, "https://unn.ua/en/news/never-seen", PUBLISHED)
        assert known_page(archive.conn, URL).last_fetched_at == PUBLISHED + 6 * H
        versions = archive.conn.execute("SELECT count(*) FROM article_versions").fetchone()[0]
        observations = archive.conn.execute("SELECT count(*) FROM view_observations").fetchone()[0]
    assert (versions, observations) == (1, 0)  # no body: no version, no view count


def test_not_modified_items_are_stored_through_the_archive(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _archive_with(db, make_article(URL, fetched_at=PUBLISHED + H, published_utc=PUBLISHED))
    with open_archive(db) as archive:
        assert archive.store_item(NotModified(URL, PUBLISHED + 6 * H)) == "not_modified"
        assert (
            archive.store_item(NotModified("https://unn.ua/en/news/x", PUBLISHED)) == "not_modified_unknown"
        )
        assert known_page(archive.conn, URL).last_fetched_at == PUBLISHED + 6 * H


# --- replay answers conditional requests ----------------------------------------------------------


def _replay(tmp_path: Path, headers: dict[str, str], at: str = "2025-11-20T16:00:00Z") -> ReplayMiddleware:
    save_fixture(
        tmp_path, url=URL, status=200, headers=headers, body=b"<html>v1</html>", fetched_at=PUBLISHED
    )
    crawler = get_crawler(settings_dict={"NEWSBOT_REPLAY_DIRS": [str(tmp_path)], "NEWSBOT_REPLAY_AT": at})
    crawler.stats.open_spider()
    return build_from_crawler(ReplayMiddleware, crawler)


def test_replay_answers_a_matching_etag_with_304_at_the_replay_clock(tmp_path: Path) -> None:
    middleware = _replay(tmp_path, {"ETag": '"v1"'})
    request = Request(URL, headers={"If-None-Match": '"v1"'})
    response = middleware.process_request(request)
    assert (response.status, response.body) == (304, b"")
    assert request.meta[FETCHED_AT] == datetime(2025, 11, 20, 16, 0, tzinfo=UTC)
    assert middleware.process_request(Request(URL, headers={"If-None-Match": '"v0"'})).status == 200
    assert middleware.stats.get_value("newsbot/replay/not_modified") == 1


def test_replay_compares_last_modified_with_if_modified_since(tmp_path: Path) -> None:
    middleware = _replay(tmp_path, {"Last-Modified": "Thu, 20 Nov 2025 09:00:00 GMT"})
    later = Request(URL, headers={"If-Modified-Since": "Thu, 20 Nov 2025 10:00:00 GMT"})
    earlier = Request(URL, headers={"If-Modified-Since": "Thu, 20 Nov 2025 08:00:00 GMT"})
    assert middleware.process_request(later).status == 304
    assert middleware.process_request(earlier).status == 200


def test_replay_without_validators_always_sends_the_page(tmp_path: Path) -> None:
    middleware = _replay(tmp_path, {"Content-Type": "text/html"})
    request = Request(URL, headers={"If-None-Match": '"v1"', "If-Modified-Since": "Fri, 21 Nov 2025 GMT"})
    assert middleware.process_request(request).status == 200


# --- the spider consults the policy ---------------------------------------------------------------


class _Store:
    def __init__(self, *known: KnownPage) -> None:
        self.pages = {page.url: page for page in known}

    def get(self, url: str) -> KnownPage | None:
        return self.pages.get(url)


def _spider(*known: KnownPage, now: datetime) -> UnnSpider:
    spider = UnnSpider(lang="en")
    spider.page_state = _Store(*known)
    spider.revisit_now = now
    return spider


def test_spider_skips_an_archived_article_that_is_not_due() -> None:
    spider = _spider(_known(PUBLISHED + 0.5 * H), now=PUBLISHED + 0.75 * H)
    assert list(spider._article_requests(URL)) == []


def test_spider_refetches_a_due_article_conditionally() -> None:
    spider = _spider(_known(PUBLISHED + 0.5 * H, etag='"v1"'), now=PUBLISHED + 6 * H)
    (request,) = spider._article_requests(URL)
    assert request.headers.get("If-None-Match") == b'"v1"'
    assert 304 in request.meta["handle_httpstatus_list"]


def test_spider_fetches_a_new_article_plainly() -> None:
    (request,) = _spider(now=PUBLISHED)._article_requests(URL)
    assert b"If-None-Match" not in request.headers
    assert "handle_httpstatus_list" not in request.meta


def test_spider_refetches_when_the_feed_shows_a_newer_date() -> None:
    old = _known(PUBLISHED + timedelta(days=8))
    now = PUBLISHED + timedelta(days=20)
    assert list(_spider(old, now=now)._article_requests(URL, listed=PUBLISHED)) == []
    assert len(list(_spider(old, now=now)._article_requests(URL, listed=now - H))) == 1


def test_spider_turns_a_304_into_not_modified() -> None:
    request = Request(URL, meta={FETCHED_AT: PUBLISHED + 6 * H})
    response = HtmlResponse(URL, status=304, body=b"", request=request)
    (item,) = UnnSpider(lang="en").parse_article(response)
    assert item == NotModified(URL, PUBLISHED + 6 * H)
