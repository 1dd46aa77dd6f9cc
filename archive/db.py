"""Open an archive file: check it, apply pending migrations, hand out the write API."""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlite_utils import Database

from archive import store
from archive.migrations import MIGRATION_SET, migrations
from newsbot.items import Article, NotModified, QuarantinedPage, RawPage

MIGRATIONS_TABLE = "_sqlite_migrations"
BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another writer before giving up
# A writer's page cache in KiB (SQLite's default is 2 MiB). 128 MiB grew a crawl's RSS from 160 to
# 300 MiB over 6,000 pages and saved no CPU time: bench_archive --n 20000 wrote at the same
# rate per CPU second with 8, 16 and 128 MiB (runs alternated, docs/performance.md).
WRITER_CACHE_KIB = 16_384
# Items a writer hands store_items() at a time (ArchivePipeline's default chunk): their new articles
# go in one statement per table. 32 takes most of the gain (bench_archive) and holds at most 32
# items' pages in memory.
STORE_CHUNK = 32


# What SQLite raises when a file is damaged, full, locked or unreadable: callers outside archive/
# catch it under this name instead of importing sqlite3.
StorageError = sqlite3.Error


class ArchiveError(Exception):
    """The file cannot be used as an archive; the message is one line for the user."""


def _known_migrations() -> list[str]:
    return [migration.name for migration in migrations.pending(Database(memory=True))]


def _read_only_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _applied_migrations(conn: sqlite3.Connection, path: Path) -> list[str] | None:
    """Return the archive migrations applied in the file, or None for an empty database.

    Raise ArchiveError when the file is not an SQLite database or holds something else.
    """
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if MIGRATIONS_TABLE in tables:
            applied = [
                row[0]
                for row in conn.execute(
                    f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?",
                    (MIGRATION_SET,),
                )
            ]
        else:
            applied = []
    except sqlite3.OperationalError as error:
        # "unable to open database file": a read-only folder (WAL needs its -shm file), no
        # permission, a vanished file. Not a verdict on what the file holds.
        raise ArchiveError(
            f"{path} cannot be opened: {error} (is the file or its folder read-only?)"
        ) from None
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"{path} is not a newsbot archive ({error})") from None
    if not applied:
        if tables:
            raise ArchiveError(f"{path} is not a newsbot archive (an SQLite file of other tables)")
        return None
    return applied


def _check_version(applied: list[str], path: Path) -> list[str]:
    """Raise ArchiveError when the file has steps this code does not know; return pending ones."""
    known = _known_migrations()
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise ArchiveError(
            f"{path} has a newer archive schema than this newsbot knows"
            f" (unknown step {unknown[0]}): upgrade newsbot"
        )
    return [name for name in known if name not in applied]


def open_archive(path: str | Path, *, readonly: bool = False) -> Archive:
    """Open (and for writing, create and migrate) the archive at `path`.

    A file that is not an archive, or comes from a newer schema, raises ArchiveError and is left
    exactly as it was.
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        # A FIFO or a device would block SQLite's open() for good; a folder cannot be one either.
        raise ArchiveError(f"{path} is not a regular file, so it cannot be an archive")
    exists = path.exists() and path.stat().st_size > 0
    if readonly:
        if not path.exists():
            raise ArchiveError(f"no archive at {path}")
        conn = _read_only_connection(path)
        try:
            applied = _applied_migrations(conn, path)
            if applied is None:
                raise ArchiveError(f"{path} is not a newsbot archive (an empty database)")
            if _check_version(applied, path):
                raise ArchiveError(
                    f"{path} has an older archive schema: run `newsbot archive migrate --db {path}`"
                )
            conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        return Archive(Database(conn), path, readonly=True)
    if exists:
        # Inspect through a read-only connection first: refusing a foreign file must not touch it
        # (a writable open would already switch it to WAL mode).
        with contextlib.closing(_read_only_connection(path)) as probe:
            applied = _applied_migrations(probe, path)
            if applied is not None:
                _check_version(applied, path)
    conn = sqlite3.connect(path)
    db = Database(conn)
    try:
        db.enable_wal()
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        # Savepoints keep the pages they change in a sub-journal: in memory rather than a temporary
        # file, the per-item savepoint costs a third as much (the pages of one item, freed at its
        # release). The journal of the transaction itself (the WAL) is untouched: durability is the same.
        db.execute("PRAGMA temp_store = MEMORY")
        migrations.apply(db)
    except sqlite3.OperationalError as error:
        conn.close()
        # "attempt to write a readonly database", "database is locked", "disk I/O error": the file
        # may well be an archive; say what stops writing to it.
        raise ArchiveError(f"{path} cannot be opened for writing: {error}") from None
    except BaseException:
        conn.close()
        raise
    return Archive(db, path, readonly=False)


# One savepoint name for every nested block: SQLite releases or rolls back to the innermost of
# that name, and the three statements stay in sqlite3's statement cache (sqlite-utils' atomic()
# names each savepoint at random, so each of its statements is parsed anew).
_SAVEPOINT = "archive_item"


@contextlib.contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """Run the block inside a savepoint of the open transaction: an error undoes only the block."""
    conn.execute(f"SAVEPOINT {_SAVEPOINT}")
    try:
        yield
    except BaseException:
        # An error such as a RAISE(ROLLBACK) trigger may have ended the whole transaction; then
        # there is no savepoint left to roll back to, and the original error must show.
        if conn.in_transaction:
            conn.execute(f"ROLLBACK TO {_SAVEPOINT}")
            conn.execute(f"RELEASE {_SAVEPOINT}")
        raise
    conn.execute(f"RELEASE {_SAVEPOINT}")


class Archive:
    """An open archive: the crawl side's write API; `db` for the queries."""

    def __init__(self, db: Database, path: Path, *, readonly: bool) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly
        # Articles inserted in the open transaction and not yet in the full-text index, by URL.
        # They are indexed in one statement just before the outermost transaction commits.
        self._unindexed: dict[str, int] = {}

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Archive]:
        """Run the writes inside the block as one transaction (a savepoint when nested).

        The outermost block indexes its new articles for full-text search before it commits, so
        no reader ever sees an article that search cannot find.
        """
        if self.conn.in_transaction:
            with _savepoint(self.conn):
                yield self
            return
        try:
            with self.db.atomic():
                yield self
                self._index_new_articles()
        finally:
            self._unindexed.clear()

    def _index_new_articles(self) -> None:
        if self._unindexed:
            store.index_articles(self.conn, self._unindexed.values())
            self._unindexed.clear()

    def _store(self, article: Article, run_id: int | None, reparsed_from: int | None) -> str:
        if article.url in self._unindexed:
            # Changing an article inserted earlier in this batch: its update trigger removes the
            # old terms from the index, so they must be there first.
            self._index_new_articles()
        with self.transaction():
            outcome, article_id = store.store_article(self.conn, article, run_id, reparsed_from=reparsed_from)
            if outcome == store.NEW:
                self._unindexed[article.url] = article_id
        return outcome

    def store_items(
        self, items: Sequence[Article | QuarantinedPage | NotModified], run_id: int | None = None
    ) -> list[str | Exception]:
        """Store items as store_item() would one by one; return each one's outcome, or its error.

        New articles (the common case of a crawl) are written together, a statement per table and
        no savepoint each; when that fails, they are stored again one by one, so a bad item is
        rolled back alone and the others are kept, as with store_item(). Everything else (a
        recrawl, a quarantined page, a 304) goes through store_item() in its turn. An error that
        ends the whole transaction (disk full) is the result of that item and of every later one.
        """
        if self.conn.in_transaction:
            return self._store_items(items, run_id)
        results: list[str | Exception] = []
        ended = False
        try:
            with self.transaction():
                results = self._store_items(items, run_id)
                ended = not self.conn.in_transaction
        except sqlite3.Error:
            if ended:
                return results  # the transaction an item's error ended cannot commit
            raise  # the commit failed: no item is stored
        return results

    def _store_items(
        self, items: Sequence[Article | QuarantinedPage | NotModified], run_id: int | None
    ) -> list[str | Exception]:
        unarchived = store.unarchived_urls(
            self.conn, [item.url for item in items if isinstance(item, Article)]
        )

        def new(item: Article | QuarantinedPage | NotModified) -> bool:
            if isinstance(item, Article) and item.url in unarchived:
                unarchived.discard(item.url)  # a second sighting in the same chunk is not new
                return True
            return False

        results: list[str | Exception] = []
        for together, group in itertools.groupby(items, key=new):
            if not self.conn.in_transaction:
                break
            run = list(group)
            results += (
                self._store_new(cast("list[Article]", run), run_id)
                if together
                else self._store_each(run, run_id)
            )
        # The last result is the error that ended the transaction, if one did: it is every later item's.
        return results + results[-1:] * (len(items) - len(results))

    def _store_each(
        self, items: Sequence[Article | QuarantinedPage | NotModified], run_id: int | None
    ) -> list[str | Exception]:
        """Store items one by one with store_item(), up to the one whose error ends the transaction."""
        results: list[str | Exception] = []
        for item in items:
            try:
                results.append(self.store_item(item, run_id))
            except Exception as error:  # the item's savepoint rolled it back; the caller reports it
                results.append(error)
            if not self.conn.in_transaction:
                break
        return results

    def _store_new(self, articles: list[Article], run_id: int | None) -> list[str | Exception]:
        """Write articles none of which is archived, together; one by one when that fails."""
        try:
            with _savepoint(self.conn):
                ids = store.store_new_articles(self.conn, articles, run_id)
        except Exception as error:
            if not self.conn.in_transaction:
                return [error] * len(articles)
            return self._store_each(articles, run_id)
        self._unindexed.update(zip([article.url for article in articles], ids, strict=True))
        return [f"articles_{store.NEW}"] * len(articles)

    def start_run(self, spider: str, args: Mapping[str, Any], started_at: datetime) -> int:
        """Record the start of a crawl run; return its id."""
        with self.db.atomic():
            return store.start_run(self.conn, spider, args, started_at)

    def store_article(self, article: Article, run_id: int | None = None) -> str:
        """Store one sighting of an article; return "new", "changed" or "unchanged"."""
        return self._store(article, run_id, None)

    def store_reparsed(self, article: Article, raw_page_id: int) -> tuple[str, list[str]]:
        """Store an article re-extracted from the stored raw page `raw_page_id`.

        Return the outcome ("new", "changed", "unchanged") and the fields that changed.
        """
        outcome = self._store(article, None, raw_page_id)
        return outcome, store.latest_change(self.conn, article.url) if outcome == store.CHANGED else []

    def stored_pages(self, *, url: str | None = None, edition: str | None = None) -> list[tuple[str, int]]:
        """Return (article URL, raw page id) of every archived article's current version."""
        return store.stored_pages(self.conn, url=url, edition=edition)

    def load_raw_page(self, raw_page_id: int) -> RawPage:
        """Return a stored raw page with its body decompressed."""
        return store.load_raw_page(self.conn, raw_page_id)

    def quarantined_pages(
        self, *, url: str | None = None, reason: str | None = None
    ) -> list[tuple[int, str, int]]:
        """Return (quarantine id, URL, raw page id) of every quarantined page kept with its bytes."""
        return store.quarantined_pages(self.conn, url=url, reason=reason)

    def release_quarantined(self, quarantine_id: int) -> None:
        """Drop a quarantine entry whose page is now archived as an article."""
        with self.db.atomic():
            store.release_quarantined(self.conn, quarantine_id)

    def store_item(self, item: Article | QuarantinedPage | NotModified, run_id: int | None = None) -> str:
        """Store any item a crawl yields; return its outcome for the crawl stats.

        "articles_new" / "articles_changed" / "articles_unchanged", "quarantined", or for a 304
        answer "not_modified" ("not_modified_unknown" when the article is not archived).
        """
        if isinstance(item, Article):
            return f"articles_{self.store_article(item, run_id)}"
        if isinstance(item, QuarantinedPage):
            self.store_quarantine(item, run_id)
            return "quarantined"
        with self.db.atomic():
            known = store.mark_unchanged(self.conn, item.url, item.fetched_at)
        return "not_modified" if known else "not_modified_unknown"

    def store_quarantine(self, page: QuarantinedPage, run_id: int | None = None) -> None:
        """Keep a page that could not become an article, with its reason and bytes."""
        with self.db.atomic():
            store.store_quarantine(self.conn, page, run_id)

    def mark_dead_runs(self, spider: str, *, started_since: str) -> int:
        """Mark the unfinished runs a dead process left behind (see store.mark_dead_runs)."""
        with self.db.atomic():
            return store.mark_dead_runs(self.conn, spider, started_since=started_since)

    def finish_run(
        self, run_id: int, *, finished_at: datetime, stats: Mapping[str, Any], finish_reason: str
    ) -> None:
        """Record the end of a crawl run with its counts and finish reason."""
        with self.db.atomic():
            store.finish_run(
                self.conn, run_id, finished_at=finished_at, stats=stats, finish_reason=finish_reason
            )

    def rebuild_search_index(self) -> int:
        """Re-index every article for full-text search in one transaction; return how many."""
        with self.db.atomic():
            return store.rebuild_search_index(self.conn)

    def damage(self) -> str | None:
        """Return what SQLite's quick_check finds wrong with the file, or None when it is sound.

        Reads every page once (seconds for a large archive): for `archive migrate`, not per query.
        """
        try:
            rows = [row[0] for row in self.conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as error:
            return str(error)
        return None if rows == ["ok"] else "; ".join(rows)

    def close(self) -> None:
        """Commit nothing pending (an open transaction rolls back) and close the file."""
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
