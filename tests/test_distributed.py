"""Multi-machine mode pieces: the settings switch, the queue pipeline, the dupefilter, page state."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Request, Spider, signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

from newsbot.items import KnownPage, Teaser
from newsbot.pipelines.archive import ArchivePipeline
from newsbot.runs.crawl import project_settings
from newsbot.runs.distributed.codec import decode_message
from newsbot.runs.distributed.keys import RedisKeys, redact
from newsbot.runs.distributed.queue import RedisQueuePipeline
from newsbot.runs.distributed.scheduler import ExpiringDupeFilter, RedisScheduler, redis_settings
from newsbot.runs.distributed.state import RedisStateStore, encode_known, known_page_of, newer_known_page
from tests.support.factories import make_article, quarantined
from tests.support.redis_server import RedisServer, running_redis

FETCHED = datetime(2024, 4, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


class UnnSpider(Spider):
    name = "unn"


def crawler_with(**settings):
    """A crawler with newsbot's project settings plus `settings`, add-ons applied."""
    base = {k: v for k, v in project_settings().items() if k in ("ITEM_PIPELINES", "ADDONS")}
    return get_crawler(UnnSpider, settings_dict={**base, **settings})


def pipelines(crawler) -> dict:
    return {load_object(k): v for k, v in crawler.settings.getdict("ITEM_PIPELINES").items() if v is not None}


# --- the settings switch -------------------------------------------------------------------------
def test_no_url_means_no_overrides() -> None:
    assert redis_settings(None) == {}
    assert redis_settings("") == {}


def test_url_switches_scheduler_and_dupefilter_to_scrapy_redis() -> None:
    overrides = redis_settings("redis://queue:6379/1", prefix="site-a")
    assert overrides["REDIS_URL"] == "redis://queue:6379/1"
    assert issubclass(load_object(overrides["SCHEDULER"]), load_object("scrapy_redis.scheduler.Scheduler"))
    assert issubclass(
        load_object(overrides["DUPEFILTER_CLASS"]), load_object("scrapy_redis.dupefilter.RFPDupeFilter")
    )
    assert overrides["SCHEDULER_PERSIST"] is True  # one worker stopping must not flush the shared queue
    assert overrides["SCHEDULER_QUEUE_KEY"] == "site-a:%(spider)s:requests"
    assert overrides["SCHEDULER_DUPEFILTER_KEY"] == "site-a:%(spider)s:dupefilter"


def test_single_machine_crawl_keeps_the_archive_pipeline() -> None:
    crawler = crawler_with()
    assert ArchivePipeline in pipelines(crawler)
    assert RedisQueuePipeline not in pipelines(crawler)
    assert crawler.settings.get("SCHEDULER") == "scrapy.core.scheduler.Scheduler"


def test_redis_url_setting_swaps_archive_for_the_queue_in_the_same_place() -> None:
    crawler = crawler_with(NEWSBOT_REDIS_URL="redis://127.0.0.1:1/0")
    found = pipelines(crawler)
    assert ArchivePipeline not in found
    assert found[RedisQueuePipeline] == 900  # last, where the archive was: items are complete
    assert crawler.settings.get("SCHEDULER") == "newsbot.runs.distributed.scheduler.RedisScheduler"
    assert crawler.settings.get("REDIS_URL") == "redis://127.0.0.1:1/0"


def test_a_users_own_scheduler_setting_wins_over_the_addon() -> None:
    crawler = crawler_with(NEWSBOT_REDIS_URL="redis://127.0.0.1:1/0", SCHEDULER_PERSIST=False)
    assert crawler.settings.getbool("SCHEDULER_PERSIST") is False


def test_queue_pipeline_is_off_without_a_url() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(RedisQueuePipeline, get_crawler(UnnSpider))


def test_redact_hides_the_password() -> None:
    assert redact("redis://user:s3cret@host:6379/0") == "redis://user:***@host:6379/0"
    assert redact("redis://:s3cret@host:6379/0") == "redis://:***@host:6379/0"
    assert redact("redis://host:6379/0") == "redis://host:6379/0"


# --- the queue pipeline --------------------------------------------------------------------------
@pytest.mark.redis
def test_queue_pipeline_pushes_run_start_items_and_run_finish(redis_server) -> None:
    crawler = crawler_with(NEWSBOT_REDIS_URL=redis_server.url)
    crawler.spider = UnnSpider.from_crawler(crawler, lang="en")
    pipeline = build_from_crawler(RedisQueuePipeline, crawler)
    pipeline.open_spider()
    article = make_article()
    page = quarantined("https://unn.ua/news/broken", "no title")
    other = Teaser(title="not mine", block="popular")
    assert [pipeline.process_item(i) for i in (article, page, other)] == [article, page, other]
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="finished")

    queued = [decode_message(raw) for raw in reversed(redis_server.client().lrange(RedisKeys().items, 0, -1))]
    assert all(d.ok for d in queued)
    kinds = [d.message.kind for d in queued]
    assert kinds == ["run_start", "article", "quarantined", "run_finish"]  # the teaser is not queued
    assert len({d.message.run for d in queued}) == 1
    assert queued[0].message.data["spider"] == "unn"
    assert queued[0].message.data["args"] == {"lang": "en"}
    assert queued[1].message.item == article
    assert queued[2].message.item == page
    assert queued[3].message.data["finish_reason"] == "finished"
    assert queued[3].message.data["stats"]["newsbot/queued"] == 2


@pytest.mark.redis
def test_queue_pipeline_survives_redis_going_away(redis_server, caplog) -> None:
    crawler = crawler_with(NEWSBOT_REDIS_URL=redis_server.url)
    crawler.spider = UnnSpider.from_crawler(crawler)
    pipeline = build_from_crawler(RedisQueuePipeline, crawler)
    pipeline.open_spider()
    redis_server.kill()
    article = make_article()
    assert pipeline.process_item(article) is article
    assert pipeline.process_item(make_article("https://unn.ua/en/news/b")) is not None
    assert crawler.stats.get_value("newsbot/queue_errors") == 2
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1  # one clear line, not one per item
    assert "went away" in errors[0].getMessage()


# --- the dupefilter ------------------------------------------------------------------------------
def dupefilter(redis_server, ttl: int) -> ExpiringDupeFilter:
    crawler = crawler_with(
        NEWSBOT_REDIS_URL=redis_server.url, REDIS_URL=redis_server.url, NEWSBOT_REDIS_DUPEFILTER_TTL=ttl
    )
    return ExpiringDupeFilter.from_spider(UnnSpider.from_crawler(crawler))


@pytest.mark.redis
def test_dupefilter_filters_repeats_within_a_run(redis_server) -> None:
    seen = dupefilter(redis_server, ttl=60)
    assert seen.request_seen(Request("https://unn.ua/news/a")) is False
    assert seen.request_seen(Request("https://unn.ua/news/a")) is True
    assert seen.request_seen(Request("https://unn.ua/news/b")) is False


@pytest.mark.redis
def test_dupefilter_forgets_when_its_ttl_runs_out(redis_server) -> None:
    seen = dupefilter(redis_server, ttl=60)
    seen.request_seen(Request("https://unn.ua/news/a"))
    server = redis_server.client()
    assert 0 < server.ttl(seen.key) <= 60
    server.pexpire(seen.key, 1)  # fast-forward: the run's time is over
    deadline = time.monotonic() + 5
    while server.exists(seen.key) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen.request_seen(Request("https://unn.ua/news/a")) is False  # a later run fetches it again


@pytest.mark.redis
def test_dupefilter_ttl_counts_from_the_runs_first_request(redis_server) -> None:
    seen = dupefilter(redis_server, ttl=60)
    seen.request_seen(Request("https://unn.ua/news/a"))
    server = redis_server.client()
    server.expire(seen.key, 5)  # as if 55 s of the run had passed
    seen.request_seen(Request("https://unn.ua/news/b"))
    assert server.ttl(seen.key) <= 5  # a busy run does not keep its fingerprints forever


# --- the scheduler's stopping rules --------------------------------------------------------------
def scheduler(redis_server, **settings) -> RedisScheduler:
    crawler = crawler_with(NEWSBOT_REDIS_URL=redis_server.url, **settings)
    crawler.spider = UnnSpider.from_crawler(crawler)
    scheduler = RedisScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


@pytest.mark.redis
def test_two_workers_share_one_queue_and_one_dupefilter(redis_server) -> None:
    first, second = scheduler(redis_server), scheduler(redis_server)
    assert first.enqueue_request(Request("https://unn.ua/news/a")) is True
    assert second.enqueue_request(Request("https://unn.ua/news/a")) is False  # seeded by the first
    assert second.has_pending_requests()
    assert second.next_request().url == "https://unn.ua/news/a"
    assert first.next_request() is None


@pytest.mark.redis
def test_last_worker_out_of_a_finished_run_clears_its_fingerprints(redis_server) -> None:
    first, second = scheduler(redis_server), scheduler(redis_server)
    first.enqueue_request(Request("https://unn.ua/news/a"))
    second.next_request()
    server = redis_server.client()
    first.close("finished")
    assert server.exists(first.df.key)  # the second worker is still crawling
    second.close("finished")
    assert not server.exists(first.df.key)
    assert server.zcard(RedisKeys().workers("unn")) == 0


@pytest.mark.redis
def test_an_interrupted_run_keeps_its_queue_and_fingerprints(redis_server) -> None:
    worker = scheduler(redis_server)
    worker.enqueue_request(Request("https://unn.ua/news/a"))
    worker.close("shutdown")
    server = redis_server.client()
    assert server.exists(worker.df.key)
    assert len(worker.queue) == 1  # the next worker resumes it


@pytest.mark.redis
def test_idle_worker_waits_then_stops(redis_server) -> None:
    worker = scheduler(redis_server, NEWSBOT_REDIS_IDLE_CLOSE=0.2)
    with pytest.raises(DontCloseSpider):
        worker.spider_idle()
    worker.idle_since -= 0.3  # the idle time has passed
    worker.spider_idle()  # no exception: Scrapy closes the spider


@pytest.mark.redis
def test_new_work_restarts_the_idle_clock(redis_server) -> None:
    worker = scheduler(redis_server, NEWSBOT_REDIS_IDLE_CLOSE=0.2)
    with pytest.raises(DontCloseSpider):
        worker.spider_idle()
    worker.idle_since -= 0.3
    worker.enqueue_request(Request("https://unn.ua/news/a"))
    assert worker.idle_since is None
    with pytest.raises(DontCloseSpider):
        worker.spider_idle()


@pytest.mark.redis
def test_redis_going_away_stops_the_worker_with_one_error(redis_server, caplog) -> None:
    worker = scheduler(redis_server)
    redis_server.kill()
    assert worker.has_pending_requests() is False
    assert worker.next_request() is None
    assert worker.enqueue_request(Request("https://unn.ua/news/a")) is False
    with pytest.raises(CloseSpider) as closed:
        worker.spider_idle()
    assert closed.value.reason == "redis_unavailable"
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert errors[0].startswith(f"Redis at {redis_server.url} went away")
    worker.close("redis_unavailable")  # must not raise either


# --- page state for the revisit policy -----------------------------------------------------------
def test_known_page_comes_from_the_article_and_its_headers() -> None:
    article = make_article(published_utc=FETCHED - timedelta(hours=3))
    article.page.headers = {"etag": '"v1"', "Last-Modified": "Wed, 10 Apr 2024 07:00:00 GMT"}
    page = known_page_of(article)
    assert page == KnownPage(
        url="https://unn.ua/en/news/china-lavrov",
        published_utc=FETCHED - timedelta(hours=3),
        last_fetched_at=FETCHED,
        etag='"v1"',
        last_modified="Wed, 10 Apr 2024 07:00:00 GMT",
    )


def test_later_fetch_wins_and_publication_time_is_kept() -> None:
    early = KnownPage("u", FETCHED - timedelta(days=1), FETCHED, etag='"v1"')
    late = KnownPage("u", None, FETCHED + timedelta(hours=6), etag='"v2"')
    assert newer_known_page(early, late) == KnownPage(
        "u", FETCHED - timedelta(days=1), late.last_fetched_at, '"v2"'
    )
    assert newer_known_page(late, early) == newer_known_page(early, late)  # arrival order does not matter
    assert newer_known_page(None, early) == early


@pytest.mark.redis
def test_state_store_reads_what_the_writer_mirrored(redis_server) -> None:
    page = KnownPage("https://unn.ua/news/a", FETCHED - timedelta(hours=1), FETCHED, None, "Wed, 10 Apr 2024")
    server = redis_server.client()
    server.hset(RedisKeys().known, page.url, encode_known(page))
    server.hset(RedisKeys().known, "https://unn.ua/news/bad", "{not json")
    store = RedisStateStore.from_settings({"NEWSBOT_REDIS_URL": redis_server.url})
    assert store.get(page.url) == page
    assert store.get("https://unn.ua/news/never-seen") is None
    assert store.get("https://unn.ua/news/bad") is None  # unreadable state: the page is simply due


@pytest.mark.redis
def test_a_new_run_forgets_what_an_interrupted_run_saw(redis_server) -> None:
    crashed = scheduler(redis_server)
    crashed.enqueue_request(Request("https://unn.ua/news/a"))
    crashed.enqueue_request(Request("https://unn.ua/news/b"))
    assert crashed.next_request().url == "https://unn.ua/news/a"  # in flight when its machine died
    gone = subprocess.Popen(["true"])
    gone.wait()
    server = redis_server.client()
    workers = RedisKeys().workers("unn")
    server.zrem(workers, crashed.worker)  # registered under the pid of a process that has exited
    server.zadd(workers, {f"{socket.gethostname()}:{gone.pid}:abc123": time.time()})

    fresh = scheduler(redis_server)
    assert server.zrange(workers, 0, -1) == [fresh.worker.encode()]
    assert fresh.next_request().url == "https://unn.ua/news/b"  # the queue is resumed
    assert fresh.enqueue_request(Request("https://unn.ua/news/a")) is True  # not lost to the old run
