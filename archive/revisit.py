"""What the revisit policy and the layout alarms read from the archive, plus the 304 bookkeeping."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

from archive.db import Archive, ArchiveError, open_archive
from newsbot.items import KnownPage, parse_instant, validators

logger = logging.getLogger(__name__)

FILL_RATES_STAT = "newsbot/fill_rates"  # crawler stats key (and crawl_runs.stats key) of a run's rates


def known_page(conn: sqlite3.Connection, url: str) -> KnownPage | None:
    """Return what the archive knows of `url` (its canonical URL), or None when it is not archived."""
    row = conn.execute(
        "SELECT a.url, a.published_utc, a.last_seen, r.headers FROM articles a"
        " LEFT JOIN raw_pages r ON r.id = a.raw_page_id WHERE a.url = ?",
        (url,),
    ).fetchone()
    if row is None:
        return None
    stored_url, published, last_seen, headers = row
    last_fetched_at = parse_instant(last_seen)
    if last_fetched_at is None:  # cannot happen for rows store.py wrote: NOT NULL, ISO 8601
        return None
    etag, last_modified = validators(json.loads(headers) if headers else {})
    return KnownPage(stored_url, parse_instant(published), last_fetched_at, etag, last_modified)


def fill_rate_history(conn: sqlite3.Connection, spider: str, *, runs: int) -> list[dict[str, Any]]:
    """Return the fill rates recorded by the last `runs` finished runs of `spider`, newest first."""
    rows = conn.execute(
        "SELECT json_extract(stats, ?) FROM crawl_runs"
        " WHERE spider = ? AND finished_at IS NOT NULL AND json_extract(stats, ?) IS NOT NULL"
        " ORDER BY id DESC LIMIT ?",
        (f'$."{FILL_RATES_STAT}"', spider, f'$."{FILL_RATES_STAT}"', runs),
    )
    return [json.loads(text) for (text,) in rows]


def read_fill_rate_history(path: str | Path, spider: str, *, runs: int) -> list[dict[str, Any]]:
    """Open the archive read-only and return `fill_rate_history`; empty when there is no archive yet."""
    if not Path(path).exists():
        return []
    with open_archive(path, readonly=True) as archive:
        return fill_rate_history(archive.conn, spider, runs=runs)


class ArchiveStateStore:
    """Page state read from the SQLite archive through a read-only connection, opened on first use.

    No archive yet (the first run) means nothing is known: every page is new.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._archive: Archive | None = None
        self._absent = False

    def get(self, url: str) -> KnownPage | None:
        archive = self._open()
        return None if archive is None else known_page(archive.conn, url)

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None

    def _open(self) -> Archive | None:
        if self._archive is None and not self._absent:
            try:
                self._archive = open_archive(self.path, readonly=True)
            except ArchiveError as error:
                # The writer reports a foreign or newer file itself; here it only means "nothing known".
                logger.warning("revisit policy sees no archive (%s): every page counts as new", error)
                self._absent = True
        return self._archive
