"""Tests for archive.migrations: every step applies from an empty file and from the one before."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from archive.db import open_archive
from archive.migrations import FTS_TOKENIZE, migrations
from tests.support.factories import make_article

STEPS = [step.name for step in migrations.pending(Database(memory=True))]


def schema(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()


def migrate_to(path, step_index: int) -> None:
    """Leave `path` at the schema version just before STEPS[step_index]."""
    db = Database(path)
    migrations.apply(db, stop_before=STEPS[step_index])
    db.close()


def test_an_empty_file_gets_every_step(tmp_path):
    open_archive(tmp_path / "a.db").close()
    with sqlite3.connect(tmp_path / "a.db") as conn:
        applied = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert applied == STEPS
    assert len(STEPS) >= 3


@pytest.mark.parametrize("step_index", range(1, len(STEPS)))
def test_each_earlier_version_migrates_to_the_current_schema(tmp_path, step_index):
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    open_archive(fresh).close()
    migrate_to(old, step_index)
    assert schema(old) != schema(fresh)
    open_archive(old).close()
    assert schema(old) == schema(fresh)


def test_articles_stored_before_the_search_index_existed_become_searchable(tmp_path):
    path = tmp_path / "a.db"
    migrate_to(path, STEPS.index("m002_articles_fts"))
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO articles"
            " (url, site, edition, title, text, first_seen, last_seen, content_hash) VALUES"
            " ('https://unn.ua/news/1', 'unn', 'uk', 'Київ', 'Зустріч у Пекіні', 'x', 'x', 'h')"
        )
    archive = open_archive(path)
    found = archive.conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'пекін*'"
    ).fetchall()
    archive.close()
    assert found == [(1,)]


def test_full_text_index_uses_unicode61_without_diacritics_and_no_stemmer(tmp_path):
    open_archive(tmp_path / "a.db").close()
    ((sql,),) = [row[2:] for row in schema(tmp_path / "a.db") if row[1] == "articles_fts"]
    assert FTS_TOKENIZE == "unicode61 remove_diacritics 2"
    assert "unicode61 remove_diacritics 2" in sql
    assert "porter" not in sql


def test_opening_applies_wal_and_foreign_keys(tmp_path):
    archive = open_archive(tmp_path / "a.db")
    pragmas = [
        archive.conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "foreign_keys", "synchronous")
    ]
    archive.close()
    assert pragmas == ["wal", 1, 1]  # synchronous 1 = NORMAL


def test_articles_indexed_by_the_old_insert_trigger_stay_searchable_after_m005(tmp_path):
    path = tmp_path / "a.db"
    migrate_to(path, STEPS.index("m005_index_new_articles_per_batch"))
    with sqlite3.connect(path) as conn:  # written as newsbot before m005 wrote: the trigger indexes it
        conn.execute(
            "INSERT INTO articles"
            " (url, site, edition, title, text, first_seen, last_seen, content_hash) VALUES"
            " ('https://unn.ua/news/1', 'unn', 'uk', 'Київ', 'Зустріч у Пекіні', 'x', 'x', 'h')"
        )
    conn.close()
    archive = open_archive(path)
    archive.store_article(make_article("https://unn.ua/news/2", paragraphs=["Пекін знову"]))
    archive.conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    found = archive.conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'пекін*' ORDER BY rowid"
    ).fetchall()
    archive.close()
    assert found == [(1,), (2,)]
