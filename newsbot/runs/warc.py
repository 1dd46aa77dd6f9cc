"""Import WARC files into the archive: each HTML response through the page objects, the stages, the store.

The reading and the reasons are newsbot.warc's (no Scrapy, no SQLite); storing goes through archive/.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from archive import warc as ledger  # the archive's side: which records were imported, and from where
from archive.db import Archive
from newsbot.enrich import enrich_article
from newsbot.items import Article, QuarantinedPage
from newsbot.pages import parse_page
from newsbot.runs.alarms import FillCounter
from newsbot.warc import DAMAGE, NOT_ARTICLE, Filters, Progress, Skip, Tally, WarcPage, segments, to_page

logger = logging.getLogger("newsbot.warc")  # one logger for the reading and the import: -v shows both


def import_warc(
    archive: Archive,
    path: Path,
    *,
    run_id: int,
    settings: Mapping[str, Any] | None = None,
    filters: Filters | None = None,
    not_article: Callable[[str], bool] | None = None,
    batch_size: int = 500,
    progress: Progress | None = None,
    fill: FillCounter | None = None,
    tally: Tally | None = None,
) -> Tally:
    """Import one WARC file's response records into the archive; return what happened to each.

    Each page goes through the page objects (picked by the record's URL) and the split, timestamp
    and language stages (with `settings`, as `enrich_article` reads them) and is stored as a crawl
    stores it, with its WARC file and offset as its source and the record's WARC-Date as its fetch
    time. Records imported
    before (same record ID, or same file and offset) are passed over, so a second import adds
    nothing. `not_article` tells the URLs a site's rules say are not articles (listings, feeds):
    a crawl never hands those to the page objects, so neither does an import. Writes commit every
    `batch_size` records; an interruption loses only the open batch, which the next import of the
    file redoes. `fill` counts the filled fields of each stored article, as a crawl's fill-rate
    stage does. `tally` (a new one by default) is filled as records are read; when the import is
    interrupted it is set back to the counts of what was committed, so a caller that keeps it can
    still account for the batches that were stored.
    """
    filters = filters or Filters()
    tally = tally if tally is not None else Tally()
    committed = tally.copy()
    committed_fill = copy.deepcopy(fill)
    total = path.stat().st_size
    pending = 0
    batch: contextlib.ExitStack | None = None
    try:
        for segment in segments(path):
            tally.records += 1
            tally.framed += segment.data is not None
            result = to_page(segment, path.name)
            if isinstance(result, Skip):
                tally.skipped[result.kind] += 1
                level = logging.WARNING if result.kind in DAMAGE else logging.INFO
                logger.log(level, "skipped record at %s:%d: %s", path.name, segment.offset, result.detail)
            elif filters.miss(result.page) is not None:
                tally.filtered += 1
            elif not_article is not None and not_article(result.page.url):
                tally.skipped[NOT_ARTICLE] += 1
                logger.info(
                    "skipped record at %s:%d: %s is not an article page",
                    path.name,
                    segment.offset,
                    result.page.url,
                )
            else:
                if batch is None:
                    batch = contextlib.ExitStack()
                    batch.enter_context(archive.transaction())
                if ledger.already_imported(archive, result.source):
                    tally.already += 1
                else:
                    article = _store(archive, result, run_id, settings, tally)
                    if fill is not None and article is not None:
                        fill.add(article)
                    pending += 1
                if pending >= batch_size:
                    batch.close()
                    batch, pending, committed = None, 0, tally.copy()
                    committed_fill = copy.deepcopy(fill)
            if progress is not None:
                progress.tick(path.name, segment.offset + segment.length, total, tally)
    except BaseException:
        if batch is not None:  # roll the open batch back: the next import redoes it
            batch.__exit__(*sys.exc_info())
        tally.restore(committed)
        if fill is not None and committed_fill is not None:
            fill.articles, fill.filled = committed_fill.articles, committed_fill.filled
        raise
    if batch is not None:
        batch.close()
    return tally


def _store(
    archive: Archive,
    found: WarcPage,
    run_id: int,
    settings: Mapping[str, Any] | None,
    tally: Tally,
) -> Article | None:
    """Extract, enrich and store one page as a crawl would; count its outcome; return the article."""
    page = found.page
    try:
        item = parse_page(
            page.body, page.url, fetched_at=page.fetched_at, headers=page.headers, status=page.status
        )
        if isinstance(item, Article):
            enrich_article(item, settings)
    except Exception as error:  # a page-object or stage bug must not lose the page: keep it, say why
        logger.warning("extraction failed for %s: %s: %s", page.url, type(error).__name__, error)
        item = QuarantinedPage(page.url, f"extraction failed: {type(error).__name__}: {error}", page)
    try:
        outcome = ledger.store_from_warc(archive, item, found.source, run_id)
    except Exception as error:  # the item's savepoint rolled back; the batch goes on
        logger.error("could not archive %s: %s: %s", page.url, type(error).__name__, error)
        tally.errors += 1
        return None
    tally.outcomes[outcome] += 1
    return item if isinstance(item, Article) else None
