"""Tests for archive.db.open_archive: refusing foreign or newer files without touching them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.db import ArchiveError, open_archive
from tests.support.factories import make_article


def test_a_text_file_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(ArchiveError, match="is not a newsbot archive"):
            open_archive(path, readonly=readonly)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_another_sqlite_database_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('borscht')")
    conn.close()
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(ArchiveError, match="not a newsbot archive"):
            open_archive(path, readonly=readonly)
    assert path.read_bytes() == before


def test_an_archive_from_a_newer_schema_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "archive.db"
    archive = open_archive(path)
    archive.store_article(make_article())
    archive.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('newsbot_archive', 'm999_from_the_future', '2030-01-01')"
    )
    archive.conn.commit()
    archive.close()
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(ArchiveError, match=r"newer archive schema.*m999_from_the_future"):
            open_archive(path, readonly=readonly)
    assert path.read_bytes() == before


def test_readonly_open_of_a_missing_file_says_so_and_creates_nothing(tmp_path):
    with pytest.raises(ArchiveError, match="no archive at"):
        open_archive(tmp_path / "missing.db", readonly=True)
    assert list(tmp_path.iterdir()) == []


def test_readonly_archive_refuses_writes(tmp_path):
    open_archive(tmp_path / "a.db").close()
    archive = open_archive(tmp_path / "a.db", readonly=True)
    with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only"):
        archive.store_article(make_article())
    archive.close()


def test_readonly_open_of_an_older_schema_asks_for_a_migration(tmp_path):
    from sqlite_utils import Database

    from archive.migrations import migrations

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m003_query_indexes")
    db.close()
    with pytest.raises(ArchiveError, match=r"older archive schema.*newsbot archive migrate"):
        open_archive(path, readonly=True)


def test_dead_runs_are_marked_only_within_the_dead_holders_life(tmp_path: Path) -> None:
    def at(hour: int) -> datetime:
        return datetime(2025, 11, 20, hour, tzinfo=UTC)

    with open_archive(tmp_path / "a.db") as archive:
        earlier = archive.start_run("unn", {}, at(8))  # before the dead holder started: not its run
        done = archive.start_run("unn", {}, at(10))
        archive.finish_run(done, finished_at=at(11), stats={}, finish_reason="finished")
        dead = archive.start_run("unn", {}, at(10))
        other = archive.start_run("other-spider", {}, at(10))
        assert archive.mark_dead_runs("unn", started_since="2025-11-20T09:59:00Z") == 1
        reasons = dict(archive.conn.execute("SELECT id, finish_reason FROM crawl_runs").fetchall())
    assert reasons == {earlier: None, done: "finished", dead: "died", other: None}


def test_a_failed_item_inside_a_batch_leaves_no_row_and_the_batch_goes_on(tmp_path: Path) -> None:
    """Per-item rollback: each store runs in a savepoint of the batch's transaction."""
    archive = open_archive(tmp_path / "archive.db")
    with archive.transaction():
        assert archive.store_article(make_article("https://unn.ua/news/1-first")) == "new"
        with pytest.raises(sqlite3.IntegrityError):  # title is NOT NULL: fails after its raw page
            archive.store_article(make_article("https://unn.ua/news/2-broken", title=None))
        assert archive.store_article(make_article("https://unn.ua/news/3-third")) == "new"
    archive.close()
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        for table in ("articles", "raw_pages", "editions"):
            urls = [row[0] for row in conn.execute(f"SELECT url FROM {table} ORDER BY url")]
            assert urls == ["https://unn.ua/news/1-first", "https://unn.ua/news/3-third"], table
        assert conn.execute("SELECT count(*) FROM article_versions").fetchone() == (2,)
        # Both stored articles are findable: the batch indexed them before it committed.
        found = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'lavrov'").fetchall()
        assert len(found) == 2
