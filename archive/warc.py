"""The archive's side of WARC files: which records were imported, and the raw pages to export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from archive import queries, store
from newsbot.items import Article, QuarantinedPage, RawPage, iso_utc

if TYPE_CHECKING:
    from archive.db import Archive
    from newsbot.warc import WarcSource


def already_imported(archive: Archive, source: WarcSource) -> bool:
    """Tell whether this record reached the archive before: same record ID, else same file and offset."""
    if source.record_id:
        sql, params = "SELECT 1 FROM warc_records WHERE record_id = ?", (source.record_id,)
    else:
        sql = "SELECT 1 FROM warc_records WHERE warc_file = ? AND warc_offset = ? AND record_id IS NULL"
        params = (source.warc_file, source.offset)  # type: ignore[assignment]
    return archive.conn.execute(sql, params).fetchone() is not None


def store_from_warc(
    archive: Archive, item: Article | QuarantinedPage, source: WarcSource, run_id: int | None
) -> str:
    """Store an item read from a WARC record as a crawl stores it, and record where it came from.

    Return the store outcome ("articles_new", ..., "quarantined"). The item and its record row are
    written together or not at all.
    """
    with archive.transaction():
        outcome = archive.store_item(item, run_id)
        page = item.page
        assert page is not None
        archive.conn.execute(
            "INSERT INTO warc_records (warc_file, warc_offset, warc_length, record_id, url, warc_date,"
            " outcome, raw_page_id, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source.warc_file,
                source.offset,
                source.length,
                source.record_id,
                page.url,
                iso_utc(page.fetched_at),
                outcome,
                _raw_page_id(archive, item, outcome),
                run_id,
            ),
        )
    return outcome


def _raw_page_id(archive: Archive, item: Article | QuarantinedPage, outcome: str) -> int | None:
    """Return the raw page holding the item's bytes (None when an unchanged article stored none)."""
    conn = archive.conn
    if isinstance(item, QuarantinedPage):
        row = conn.execute(
            "SELECT raw_page_id FROM quarantine WHERE url = ? AND fetched_at = ? AND reason = ?"
            " ORDER BY id DESC LIMIT 1",
            (item.url, iso_utc(item.page.fetched_at), item.reason),
        ).fetchone()
    elif outcome in (f"articles_{store.NEW}", f"articles_{store.CHANGED}"):
        row = conn.execute("SELECT raw_page_id FROM articles WHERE url = ?", (item.url,)).fetchone()
    else:
        row = None
    return row[0] if row else None


def pages_to_export(archive: Archive, **filters: Any) -> Iterator[RawPage]:
    """Yield the raw pages of every version of the matching articles, oldest fetch first.

    `filters` are those of `queries.export_articles` (lang, edition, since, until, query). Pages
    are read one at a time, so an export of any size holds one page in memory.
    """
    urls = [row["url"] for row in queries.export_articles(archive.db, **filters)]
    ids = [
        row[0]
        for row in archive.conn.execute(
            "SELECT DISTINCT r.id FROM articles a JOIN article_versions v ON v.article_id = a.id"
            " JOIN raw_pages r ON r.id = v.raw_page_id"
            " WHERE a.url IN (SELECT value FROM json_each(?)) ORDER BY r.fetched_at, r.id",
            (json.dumps(urls),),
        )
    ]
    for raw_page_id in ids:
        yield store.load_raw_page(archive.conn, raw_page_id)


def record_source(archive: Archive, raw_page_id: int) -> dict[str, Any] | None:
    """Return the WARC file, offset and record ID a raw page was imported from, or None."""
    cursor = archive.conn.execute(
        "SELECT warc_file, warc_offset, warc_length, record_id, run_id FROM warc_records"
        " WHERE raw_page_id = ? ORDER BY id LIMIT 1",
        (raw_page_id,),
    )
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else None
