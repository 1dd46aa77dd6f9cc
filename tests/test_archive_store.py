"""Tests for archive.store through Archive: articles, versions, links, views, editions."""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import UTC, datetime, timedelta

import pytest

from archive import store
from archive.db import Archive, open_archive
from newsbot.items import Subhead
from tests.support.factories import FETCHED, cross_link, make_article, quarantined, teaser

LAVROV = "https://unn.ua/en/news/china-lavrov"
BIDEN = "https://unn.ua/news/biden-xi"
ROCKET = "https://unn.ua/en/news/rocket"
LATER = FETCHED + timedelta(hours=6)


@pytest.fixture
def archive(tmp_path) -> Archive:
    opened = open_archive(tmp_path / "archive.db")
    yield opened
    opened.close()


def rows(archive: Archive, sql: str, *params) -> list[tuple]:
    return archive.conn.execute(sql, params).fetchall()


def test_storing_the_same_page_twice_keeps_one_article(archive):
    assert archive.store_article(make_article(views=100)) == "new"
    assert archive.store_article(make_article(views=100)) == "unchanged"
    assert rows(archive, "SELECT count(*) FROM articles") == [(1,)]
    assert rows(archive, "SELECT count(*) FROM article_versions") == [(1,)]
    # the same fetch seen twice is one observation, not two
    assert rows(archive, "SELECT views FROM view_observations") == [(100,)]


def test_article_columns_hold_the_extracted_fields(archive):
    article = make_article(
        lead="Beijing talks",
        authors=["Alexey Suprun"],
        tags=["China", "russia"],
        published_raw="09.04.24, 15:10",
        published_utc=datetime(2024, 4, 9, 12, 10, tzinfo=UTC),
        published_precision="minute",
        lang_detected="uk",
        problems={"modified": "no modified date on the page"},
    )
    archive.store_article(article)
    row = archive.db.execute(
        "SELECT site, edition, lang, lang_declared, lang_detected, title, lead, text, authors,"
        " tags, published_raw, published_utc, published_precision, first_seen, last_seen,"
        " extractor_version, problems FROM articles"
    ).fetchone()
    assert row == (
        "unn",
        "en",
        "uk",  # the detected language wins over the declared one
        "en",
        "uk",
        "Chinese foreign minister meets with Lavrov",
        "Beijing talks",
        "The foreign ministers met in Beijing.\n\nThey discussed cooperation.",
        '["Alexey Suprun"]',
        '["China","russia"]',
        "09.04.24, 15:10",
        "2024-04-09T12:10:00Z",
        "minute",
        "2024-04-10T08:00:00Z",
        "2024-04-10T08:00:00Z",
        "test-1",
        '{"modified":"no modified date on the page"}',
    )


def test_raw_page_is_kept_compressed_with_its_headers(archive):
    article = make_article()
    article.page.body = "<html><body>Переговори в Пекіні</body></html>".encode()
    archive.store_article(article)
    ((url, status, headers, encoding, size, body),) = rows(
        archive, "SELECT url, status, headers, encoding, size, body FROM raw_pages"
    )
    assert (url, status, encoding) == (LAVROV, 200, "zlib")
    assert json.loads(headers) == {"Content-Type": "text/html; charset=utf-8"}
    assert zlib.decompress(body) == article.page.body
    assert size == len(article.page.body)


def test_changed_title_adds_a_version_saying_what_changed(archive):
    archive.store_article(make_article(title="Wang Yi meets Lavrov"))
    outcome = archive.store_article(make_article(title="Wang Yi meets Lavrov in Beijing", fetched_at=LATER))
    assert outcome == "changed"
    assert rows(archive, "SELECT version, changed, before, after FROM article_versions ORDER BY version") == [
        (1, None, None, None),
        (
            2,
            '["title"]',
            '{"title":"Wang Yi meets Lavrov"}',
            '{"title":"Wang Yi meets Lavrov in Beijing"}',
        ),
    ]
    assert rows(archive, "SELECT title, version, first_seen, last_seen FROM articles") == [
        ("Wang Yi meets Lavrov in Beijing", 2, "2024-04-10T08:00:00Z", "2024-04-10T14:00:00Z")
    ]
    # each version keeps the page it was read from
    assert rows(archive, "SELECT count(*) FROM raw_pages") == [(2,)]


def test_unchanged_recrawl_updates_last_seen_but_not_the_search_index(archive):
    archive.store_article(make_article())
    before = rows(archive, "SELECT count(*) FROM articles_fts_data")
    assert archive.store_article(make_article(fetched_at=LATER, views=7)) == "unchanged"
    assert rows(archive, "SELECT last_seen, views FROM articles") == [("2024-04-10T14:00:00Z", 7)]
    assert rows(archive, "SELECT count(*) FROM articles_fts_data") == before
    assert rows(archive, "SELECT count(*) FROM raw_pages") == [(1,)]


def test_a_recrawl_that_confirms_the_archive_does_not_rewrite_the_article_row(archive):
    archive.conn.execute("CREATE TEMP TABLE updated (article_id INTEGER)")
    archive.conn.execute(
        "CREATE TEMP TRIGGER count_updates AFTER UPDATE ON main.articles"
        " BEGIN INSERT INTO updated VALUES (new.id); END"
    )
    archive.store_article(make_article(views=5))
    assert archive.store_article(make_article(views=5)) == "unchanged"
    assert rows(archive, "SELECT count(*) FROM updated") == [(0,)]
    # a later fetch with a new count still refreshes the row, once
    assert archive.store_article(make_article(fetched_at=LATER, views=9)) == "unchanged"
    assert rows(archive, "SELECT count(*) FROM updated") == [(1,)]
    assert rows(archive, "SELECT last_seen, views, views_at FROM articles") == [
        ("2024-04-10T14:00:00Z", 9, "2024-04-10T14:00:00Z")
    ]


def test_an_older_fetch_does_not_move_last_seen_back(archive):
    archive.store_article(make_article(fetched_at=LATER, views=50))
    archive.store_article(make_article(fetched_at=FETCHED, views=20))
    assert rows(archive, "SELECT first_seen, last_seen, views FROM articles") == [
        ("2024-04-10T08:00:00Z", "2024-04-10T14:00:00Z", 50)
    ]


def test_search_index_follows_a_changed_paragraph(archive):
    archive.store_article(make_article(paragraphs=["Переговори у Пекіні"]))
    archive.store_article(make_article(paragraphs=["Переговори у Москві"], fetched_at=LATER))
    match = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
    assert rows(archive, match, "Пекіні") == []
    assert rows(archive, match, "Москві") == [(1,)]


def test_inline_link_resolves_when_its_target_arrives_later(archive):
    link = cross_link("Байден говорив телефоном із Сі", BIDEN, position=4, published_raw="02.04.24, 19:59")
    archive.store_article(make_article(cross_links=[link]))
    assert rows(
        archive, "SELECT kind, position, target_url, target_article_id, published_raw FROM links"
    ) == [("inline", 4, BIDEN, None, "02.04.24, 19:59")]
    archive.store_article(make_article(BIDEN, title="Байден говорив телефоном із Сі", edition="uk"))
    assert rows(archive, "SELECT target_article_id FROM links") == [(2,)]


def test_link_to_an_archived_article_resolves_at_once(archive):
    archive.store_article(make_article(BIDEN, title="Байден", edition="uk"))
    archive.store_article(make_article(cross_links=[cross_link("Байден", BIDEN)]))
    assert rows(archive, "SELECT from_article_id, target_article_id FROM links") == [(2, 1)]


def test_a_page_that_links_to_itself_points_at_itself_and_restores_unchanged(archive):
    page = make_article(LAVROV, cross_links=[cross_link("This story", LAVROV)], alternates={"en": LAVROV})
    assert archive.store_article(page) == "new"
    assert archive.store_article(page) == "unchanged"
    assert rows(archive, "SELECT from_article_id, target_article_id FROM links") == [(1, 1)]
    assert rows(archive, "SELECT url, lang, article_id FROM editions") == [(LAVROV, "en", 1)]


def test_content_hash_is_blake2b_of_the_sorted_compact_json(archive):
    # Archives written earlier hold hashes of this exact text: any other encoding would turn
    # every unchanged recrawl into a new version.
    content = {"title": "Київ", "tags": ["a", "b"], "lead": None}
    text = '{"lead":null,"tags":["a","b"],"title":"Київ"}'
    assert store.content_hash(content) == hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def test_teasers_are_links_of_their_block_and_view_observations(archive):
    related = [
        teaser("Russia fails to launch a rocket", ROCKET, views=22037),
        teaser("Popular thing", None, views=3562, block="popular"),
    ]
    archive.store_article(make_article(related=related, views=23713))
    assert rows(archive, "SELECT kind, position, target_url, title, views FROM links ORDER BY id") == [
        ("news-by-theme", 0, ROCKET, "Russia fails to launch a rocket", 22037),
        ("popular", 0, None, "Popular thing", 3562),
    ]
    assert rows(
        archive,
        "SELECT article_id, url, title, views, source, seen_on_article_id FROM view_observations ORDER BY id",
    ) == [
        (1, LAVROV, "Chinese foreign minister meets with Lavrov", 23713, "page", 1),
        (None, ROCKET, "Russia fails to launch a rocket", 22037, "news-by-theme", 1),
        (None, None, "Popular thing", 3562, "popular", 1),
    ]


def test_teaser_counts_attach_to_the_teased_article_by_url_or_title(archive):
    related = [
        teaser("Russia fails to launch a rocket", ROCKET, views=22037),
        teaser("Popular thing", None, views=3562, block="popular"),
    ]
    archive.store_article(make_article(related=related))
    archive.store_article(make_article(ROCKET, title="Russia fails to launch a rocket"))
    archive.store_article(make_article("https://unn.ua/en/news/popular", title="Popular thing"))
    assert rows(archive, "SELECT article_id, views FROM view_observations ORDER BY id") == [
        (2, 22037),
        (3, 3562),
    ]
    # and once archived, a later teaser of it is attached as it is stored
    archive.store_article(make_article(related=[teaser("x", ROCKET, views=30000)], fetched_at=LATER))
    assert rows(archive, "SELECT article_id FROM view_observations WHERE views = 30000") == [(2,)]


def test_editions_link_the_language_versions_of_one_story(archive):
    alternates = {
        "uk": "https://unn.ua/news/lavrov",
        "en": "https://unn.ua/en/news/lavrov",
        "ru": "https://unn.ua/ru/news/lavrov",
        "x-default": "https://unn.ua/news/lavrov",
    }
    archive.store_article(make_article(alternates["en"], alternates=alternates))
    archive.store_article(make_article(alternates["ru"], edition="ru", title="Лавров"))
    assert rows(archive, "SELECT url, story_id, lang, article_id FROM editions ORDER BY url") == [
        ("https://unn.ua/en/news/lavrov", 1, "en", 1),
        ("https://unn.ua/news/lavrov", 1, "uk", None),
        ("https://unn.ua/ru/news/lavrov", 1, "ru", 2),
    ]


def test_two_stories_that_meet_through_an_alternate_become_one(archive):
    uk, en, ru = (
        "https://unn.ua/news/s",
        "https://unn.ua/en/news/s",
        "https://unn.ua/ru/news/s",
    )
    archive.store_article(make_article(uk, edition="uk", alternates={"ru": ru}))
    archive.store_article(make_article(en, alternates={}))
    assert rows(archive, "SELECT count(DISTINCT story_id) FROM editions") == [(2,)]
    archive.store_article(make_article(ru, edition="ru", alternates={"uk": uk, "en": en}))
    assert rows(archive, "SELECT count(DISTINCT story_id), count(*) FROM editions") == [(1, 3)]
    assert rows(archive, "SELECT count(*) FROM stories") == [(1,)]


def test_quarantine_keeps_reason_and_bytes_once_per_fetch(archive):
    page = quarantined("https://unn.ua/news/broken", "no title")
    archive.store_quarantine(page)
    archive.store_quarantine(page)
    ((url, reason, fetched_at, body),) = rows(
        archive,
        "SELECT q.url, q.reason, q.fetched_at, p.body FROM quarantine q"
        " JOIN raw_pages p ON p.id = q.raw_page_id",
    )
    assert (url, reason, fetched_at) == (
        "https://unn.ua/news/broken",
        "no title",
        "2024-04-10T08:00:00Z",
    )
    assert zlib.decompress(body) == b"<html>?</html>"


def test_crawl_run_records_arguments_counts_and_reason(archive):
    run_id = archive.start_run("unn", {"edition": "en"}, FETCHED)
    archive.store_article(make_article(), run_id)
    stats = {
        "response_received_count": 12,
        "item_scraped_count": 10,
        # Two timeouts, one retried: one page failed (newsbot.stats.failed_pages), and one quarantined.
        "downloader/exception_type_count/twisted.internet.error.TimeoutError": 2,
        "retry/count": 1,
        "newsbot/article_fetch_failed": 1,
        "newsbot/quarantined": 1,
    }
    archive.finish_run(run_id, finished_at=LATER, stats=stats, finish_reason="finished")
    assert rows(
        archive,
        "SELECT spider, args, started_at, finished_at, pages, items, failures, finish_reason FROM crawl_runs",
    ) == [
        (
            "unn",
            '{"edition": "en"}',
            "2024-04-10T08:00:00Z",
            "2024-04-10T14:00:00Z",
            12,
            10,
            2,
            "finished",
        )
    ]
    assert rows(archive, "SELECT run_id FROM article_versions") == [(run_id,)]


def test_a_failing_write_inside_a_batch_rolls_back_only_that_article(archive):
    with archive.transaction():
        archive.store_article(make_article())
        broken = make_article(BIDEN, title=None)  # NOT NULL title: the insert fails
        with pytest.raises(Exception, match="NOT NULL"):
            archive.store_article(broken)
        archive.store_article(make_article(ROCKET))
    assert rows(archive, "SELECT url FROM articles ORDER BY id") == [(LAVROV,), (ROCKET,)]
    assert rows(archive, "SELECT count(*) FROM raw_pages") == [(2,)]


# --- the full-text index stays in sync ---------------------------------------------------------


def assert_index_in_sync(archive: Archive) -> None:
    """FTS5's own check: every indexed term matches the articles table, and nothing is missing."""
    archive.conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def search_ids(path, words: str) -> list[int]:
    """Search from another connection, as an analyst would."""
    reader = open_archive(path, readonly=True)
    try:
        found = reader.conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", (words,)
        ).fetchall()
    finally:
        reader.close()
    return [row[0] for row in found]


def test_a_committed_batch_is_searchable_by_other_connections(archive):
    with archive.transaction():
        for n in range(3):
            archive.store_article(make_article(f"https://unn.ua/news/{n}", paragraphs=[f"Пекін зустріч {n}"]))
    assert search_ids(archive.path, "пекін") == [1, 2, 3]
    assert_index_in_sync(archive)


def test_an_article_changed_within_its_own_batch_is_indexed_once_with_the_new_text(archive):
    with archive.transaction():
        archive.store_article(make_article(paragraphs=["Переговори у Пекіні"]))
        archive.store_article(make_article(paragraphs=["Переговори у Москві"], fetched_at=LATER))
    assert search_ids(archive.path, "Пекіні") == []
    assert search_ids(archive.path, "Москві") == [1]
    assert_index_in_sync(archive)


def test_a_rolled_back_batch_leaves_nothing_to_index_later(archive):
    with pytest.raises(RuntimeError), archive.transaction():
        archive.store_article(make_article(BIDEN, paragraphs=["Розмова з Сі"]))
        raise RuntimeError("crawl stopped")
    # the rolled-back row's id is reused by the next article; it must be indexed exactly once
    archive.store_article(make_article(ROCKET, paragraphs=["Ракета не злетіла"]))
    assert search_ids(archive.path, "Сі") == []
    assert search_ids(archive.path, "ракета") == [1]
    assert_index_in_sync(archive)


def test_plain_sql_updates_and_deletes_keep_the_index_in_sync(archive):
    archive.store_article(make_article(paragraphs=["Переговори у Пекіні"]))
    archive.store_article(make_article(ROCKET, paragraphs=["Ракета не злетіла"]))
    with archive.transaction():
        archive.conn.execute("UPDATE articles SET text = 'Переговори у Москві' WHERE id = 1")
        archive.conn.execute("DELETE FROM view_observations WHERE seen_on_article_id = 2")
        archive.conn.execute("DELETE FROM links WHERE from_article_id = 2")
        archive.conn.execute("DELETE FROM editions WHERE article_id = 2")
        archive.conn.execute("DELETE FROM article_versions WHERE article_id = 2")
        archive.conn.execute("DELETE FROM articles WHERE id = 2")
    assert search_ids(archive.path, "Москві") == [1]
    assert search_ids(archive.path, "Пекіні OR ракета") == []
    assert_index_in_sync(archive)


def test_cross_link_counters_are_view_observations_and_dateline_subheads_are_kept(archive):
    # 2024-2026 cross-links print the linked story's counter ("...26.09.24, 19:28 • 18166 views").
    links = [
        cross_link("Parliament passed the bill", ROCKET, 0, published_raw="26.09.24, 19:28", views=18166)
    ]
    subheads = [Subhead("Details", 0), Subhead("Recall", 1)]
    archive.store_article(make_article(cross_links=links, views=412, dateline="Kyiv", subheads=subheads))
    assert rows(archive, "SELECT url, title, views, source FROM view_observations ORDER BY id") == [
        ("https://unn.ua/en/news/china-lavrov", "Chinese foreign minister meets with Lavrov", 412, "page"),
        (ROCKET, "Parliament passed the bill", 18166, "inline"),
    ]
    assert rows(archive, "SELECT dateline, subheads FROM articles") == [
        ("Kyiv", '[["Details",0],["Recall",1]]')
    ]


def test_the_text_column_holds_subheads_in_reading_order(archive):
    # A subhead is part of what a reader reads: in the story text, in place; only the paragraph
    # list (and its statistics) leaves it out.
    subheads = [Subhead("Details", 0), Subhead("Recall", 1)]
    archive.store_article(make_article(subheads=subheads))
    assert rows(archive, "SELECT text FROM articles") == [
        ("The foreign ministers met in Beijing.\n\nDetails\n\nThey discussed cooperation.\n\nRecall",)
    ]
