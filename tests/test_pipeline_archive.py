"""Tests for ArchivePipeline, built the way Scrapy builds it."""

from __future__ import annotations

import json
import sqlite3

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newsbot.items import Teaser
from newsbot.pipelines.archive import ArchivePipeline
from tests.support.factories import make_article, quarantined
from tests.test_archive_batch import end_the_transaction_on


class UnnSpider(Spider):
    name = "unn"


def build(tmp_path, spider_kwargs=None, **settings):
    settings = {"NEWSBOT_ARCHIVE_PATH": str(tmp_path / "archive.db"), **settings}
    crawler = get_crawler(UnnSpider, settings_dict=settings)
    crawler.spider = UnnSpider.from_crawler(crawler, **(spider_kwargs or {}))
    return crawler, build_from_crawler(ArchivePipeline, crawler)


def finish(crawler, pipeline, reason="finished"):
    pipeline.close_spider()
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason=reason)


def read(tmp_path, sql):
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        return conn.execute(sql).fetchall()


def test_disabled_pipeline_is_not_configured(tmp_path):
    with pytest.raises(NotConfigured):
        build(tmp_path, NEWSBOT_ARCHIVE_ENABLED=False)


def test_pipeline_stores_items_counts_outcomes_and_records_the_run(tmp_path):
    crawler, pipeline = build(tmp_path, spider_kwargs={"edition": "en", "pages": "3"})
    pipeline.open_spider()
    run_id = crawler.stats.get_value("newsbot/run_id")
    assert run_id == 1
    items = [
        make_article(),
        make_article(),
        make_article("https://unn.ua/en/news/other", title="Other"),
        make_article(title="Retitled"),
        quarantined("https://unn.ua/news/broken", "no title"),
        Teaser(title="not mine", block="popular"),
    ]
    assert [pipeline.process_item(item) for item in items] == items  # every item passes on
    finish(crawler, pipeline, reason="shutdown")

    stats = crawler.stats.get_stats()
    assert stats["newsbot/articles_new"] == 2
    assert stats["newsbot/articles_unchanged"] == 1
    assert stats["newsbot/articles_changed"] == 1
    assert stats["newsbot/quarantined"] == 1
    assert read(tmp_path, "SELECT count(*) FROM articles") == [(2,)]
    ((spider, args, finish_reason, failures),) = read(
        tmp_path, "SELECT spider, args, finish_reason, failures FROM crawl_runs"
    )
    assert (spider, json.loads(args), finish_reason, failures) == (
        "unn",
        {"edition": "en", "pages": "3"},
        "shutdown",
        1,  # the quarantined page
    )
    assert read(tmp_path, "SELECT DISTINCT run_id FROM article_versions") == [(run_id,)]


def test_spider_crawl_args_are_preferred_when_present(tmp_path):
    crawler, pipeline = build(tmp_path)
    crawler.spider.crawl_args = {"since": "2024-04-01"}
    pipeline.open_spider()
    finish(crawler, pipeline)
    assert read(tmp_path, "SELECT args FROM crawl_runs") == [('{"since": "2024-04-01"}',)]


def test_batches_commit_every_n_items(tmp_path):
    crawler, pipeline = build(tmp_path, NEWSBOT_ARCHIVE_BATCH_SIZE=2)
    pipeline.open_spider()
    for n in range(3):
        pipeline.process_item(make_article(f"https://unn.ua/news/{n}"))
    # a second connection sees the committed batch of two, not the open third item
    assert read(tmp_path, "SELECT count(*) FROM articles") == [(2,)]
    finish(crawler, pipeline)
    assert read(tmp_path, "SELECT count(*) FROM articles") == [(3,)]


def test_an_item_the_archive_rejects_is_logged_and_the_rest_kept(tmp_path, caplog):
    crawler, pipeline = build(tmp_path)
    pipeline.open_spider()
    broken = make_article("https://unn.ua/news/broken", title=None)
    assert pipeline.process_item(broken) is broken
    pipeline.process_item(make_article())
    finish(crawler, pipeline)
    assert crawler.stats.get_value("newsbot/archive_errors") == 1
    assert "could not archive https://unn.ua/news/broken" in caplog.text
    assert read(tmp_path, "SELECT count(*) FROM articles") == [(1,)]


def test_a_rejected_item_among_new_articles_written_together_loses_only_itself(tmp_path, caplog):
    crawler, pipeline = build(tmp_path)
    pipeline.chunk_size = 3
    pipeline.open_spider()
    items = [
        make_article("https://unn.ua/news/1-first"),
        make_article("https://unn.ua/news/2-broken", title=None),
        make_article("https://unn.ua/news/3-third"),
    ]
    for item in items:
        pipeline.process_item(item)
    # the chunk of three was written (the queue is empty) though the batch is still open
    assert pipeline._queue == []
    pipeline.process_item(make_article("https://unn.ua/news/4-fourth"))
    finish(crawler, pipeline)
    stats = crawler.stats.get_stats()
    assert stats["newsbot/articles_new"] == 3
    assert stats["newsbot/archive_errors"] == stats["newsbot/not_stored"] == 1
    assert "could not archive https://unn.ua/news/2-broken" in caplog.text
    assert read(tmp_path, "SELECT url FROM articles ORDER BY id") == [
        ("https://unn.ua/news/1-first",),
        ("https://unn.ua/news/3-third",),
        ("https://unn.ua/news/4-fourth",),
    ]
    assert read(tmp_path, "SELECT count(*) FROM raw_pages") == [(3,)]


def test_the_error_that_ends_the_transaction_is_the_cause_the_failed_batch_reports(tmp_path, caplog):
    crawler, pipeline = build(tmp_path)
    pipeline.chunk_size = 4
    pipeline.open_spider()
    end_the_transaction_on(pipeline.archive.conn, "Fatal")
    for url, title in [("1-first", "First"), ("2-broken", None), ("3-fatal", "Fatal"), ("4-after", "After")]:
        pipeline.process_item(make_article(f"https://unn.ua/news/{url}", title=title))
    finish(crawler, pipeline)
    stats = crawler.stats.get_stats()
    # The NOT NULL failure was the broken item's own; the trigger's error ended the batch.
    assert stats["newsbot/commit_failed"] == "IntegrityError: transaction ended"
    assert stats["newsbot/archive_errors"] == 3
    assert stats["newsbot/not_stored"] == 4
    assert "newsbot/articles_new" not in stats
    assert read(tmp_path, "SELECT count(*) FROM articles") == [(0,)]
