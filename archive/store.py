"""Idempotent writes: articles, their versions, links, view counts, editions, quarantine, runs."""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from newsbot.items import Article, QuarantinedPage, RawPage, iso_utc, parse_iso, story_text
from newsbot.stats import failed_pages

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"

# The extracted fields whose values make up an article's content. A change in any of them is a
# new version; views, teasers and the derived fields (language, UTC instants) are not content.
CONTENT_FIELDS = (
    "title",
    "lead",
    "text",
    "authors",
    "tags",
    "rubric",
    "published_raw",
    "published_machine",
    "modified_raw",
    "modified_machine",
    "cross_links",
)
# zlib level for raw page bodies: level 1 compresses a news page about as well as 6 (2.2 vs
# 2.1 KB for a 5 KB page) at less than half the CPU time.
ZLIB_LEVEL = 1

try:
    # ISA-L writes the same zlib format (zlib.decompress reads it) about 4.5x faster than zlib
    # at level 1, and smaller: 0.43 against 1.95 ms for a 290 KiB real news page (bench/README).
    from isal.isal_zlib import compress as _compress
except ImportError:  # pragma: no cover - isal is a dependency; stdlib zlib is the fallback
    _compress = zlib.compress
INLINE = "inline"  # links.kind of a read-also link inside the body
OWN_PAGE = "page"  # view_observations.source of a count read on the article's own page
# article_versions.cause: a fetch by a crawl, or a re-extraction of a stored raw page.
CRAWL = "crawl"
REPARSE = "reparse"


# One encoder each, built once: json.dumps() with options builds a new encoder on every call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _json(value: Any) -> str | None:
    """Dump `value` as compact JSON, or None for an empty container or None."""
    if value is None or (isinstance(value, list | dict) and not value):
        return None
    return _COMPACT(value)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else iso_utc(moment)


def extracted_content(article: Article) -> dict[str, Any]:
    """Return the article's content fields as plain JSON-ready values (see CONTENT_FIELDS)."""
    return {
        "title": article.title,
        "lead": article.lead,
        "text": story_text(article) or None,
        "authors": list(article.authors),
        "tags": list(article.tags),
        "rubric": article.rubric,
        "published_raw": article.published_raw,
        "published_machine": article.published_machine,
        "modified_raw": article.modified_raw,
        "modified_machine": article.modified_machine,
        "cross_links": [[link.title, link.url, link.published_raw] for link in article.cross_links],
    }


def content_hash(content: Mapping[str, Any]) -> str:
    """Hash content fields into 32 hex digits; equal content gives an equal hash."""
    text = _CANONICAL(content)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _stored_content(conn: sqlite3.Connection, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Return the content fields of an archived article's row, shaped like extracted_content."""
    content = {name: stored[name] for name in CONTENT_FIELDS[:-1]}
    content["authors"] = json.loads(content["authors"] or "[]")
    content["tags"] = json.loads(content["tags"] or "[]")
    content["cross_links"] = [
        list(link)
        for link in conn.execute(
            "SELECT title, target_url, published_raw FROM links"
            " WHERE from_article_id = ? AND kind = ? ORDER BY position, id",
            (stored["id"], INLINE),
        )
    ]
    return content


def diff_content(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """Return the changed field names and those fields' old and new values."""
    changed = [name for name in CONTENT_FIELDS if before.get(name) != after.get(name)]
    return changed, {n: before.get(n) for n in changed}, {n: after.get(n) for n in changed}


_INSERT_RAW_PAGE = (
    "INSERT INTO raw_pages (url, fetched_at, status, headers, encoding, size, body, run_id, id)"
    " VALUES (?, ?, ?, ?, 'zlib', ?, ?, ?, ?)"
)


def _raw_page_values(page: RawPage, run_id: int | None, raw_page_id: int | None = None) -> tuple[Any, ...]:
    """Return the raw_pages row of `page` (its body compressed); a None id lets SQLite choose one."""
    return (
        page.url,
        iso_utc(page.fetched_at),
        page.status,
        _json(dict(page.headers)),
        len(page.body),
        _compress(page.body, ZLIB_LEVEL),
        run_id,
        raw_page_id,
    )


def _insert_raw_page(conn: sqlite3.Connection, page: RawPage | None, run_id: int | None) -> int:
    if page is None:
        return None  # type: ignore[return-value]
    return conn.execute(_INSERT_RAW_PAGE, _raw_page_values(page, run_id)).lastrowid  # type: ignore[return-value]


def _metadata_columns(article: Article) -> dict[str, Any]:
    """Columns refreshed on every sighting: derived fields, not content (no full-text rewrite)."""
    return {
        "site": article.site,
        "edition": article.edition,
        "layout": article.layout,
        "lang": article.lang_detected or article.lang_declared or article.edition,
        "lang_declared": article.lang_declared,
        "lang_detected": article.lang_detected,
        "lang_confidence": article.lang_confidence,
        "lang_method": article.lang_method,
        "lang_mismatch": int(article.lang_mismatch),
        "segment_langs": _json(article.segment_langs),
        "published_utc": _iso(article.published_utc),
        "published_precision": article.published_precision,
        "modified_utc": _iso(article.modified_utc),
        "modified_precision": article.modified_precision,
        "extractor_version": article.extractor_version,
        "problems": _json(article.problems),
        "dateline": article.dateline,
        "visible_offset_minutes": article.visible_offset_minutes,
        "subheads": _json([[s.text, s.position] for s in article.subheads]) if article.subheads else None,
    }


def _content_columns(content: Mapping[str, Any]) -> dict[str, Any]:
    columns = {name: content[name] for name in CONTENT_FIELDS[:-1]}
    columns["authors"] = _json(columns["authors"])
    columns["tags"] = _json(columns["tags"])
    return columns


def _views_columns(article: Article, fetched_at: str) -> dict[str, Any]:
    if article.views is None:
        return {}
    return {"views": article.views, "views_raw": article.views_raw, "views_at": fetched_at}


_NO_VIEWS = {"views": None, "views_raw": None, "views_at": None}


def _new_article_columns(
    article: Article, content: Mapping[str, Any], digest: str, fetched_at: str, raw_page_id: int | None
) -> dict[str, Any]:
    """Return every column of a first sighting's articles row, always the same names in one order."""
    return {
        "url": article.url,
        **_metadata_columns(article),
        **_content_columns(content),
        **(_views_columns(article, fetched_at) or _NO_VIEWS),
        "first_seen": fetched_at,
        "last_seen": fetched_at,
        "version": 1,
        "content_hash": digest,
        "raw_page_id": raw_page_id,
    }


@functools.cache
def _insert_article_sql(names: tuple[str, ...]) -> str:
    """Return the INSERT for these article columns (a handful of shapes: built once each)."""
    # Positional marks: binding a row by name costs a look-up per column.
    return f"INSERT INTO articles ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def _update_article(conn: sqlite3.Connection, stored: Mapping[str, Any], columns: Mapping[str, Any]) -> None:
    """Set the columns whose values differ from the `stored` row; write nothing when none do.

    An UPDATE rewrites the index entries of every column it sets, equal value or not, so a
    recrawl that only confirms what is archived must not set them.
    """
    changed = {name: value for name, value in columns.items() if stored[name] != value}
    if not changed:
        return
    # Column names come from this module's own dicts above, never from input.
    assignments = ", ".join(f"{name} = :{name}" for name in changed)
    conn.execute(f"UPDATE articles SET {assignments} WHERE id = :_id", {**changed, "_id": stored["id"]})


def _version_values(
    article_id: int,
    version: int,
    article: Article,
    fetched_at: str,
    digest: str,
    raw_page_id: int | None,
    run_id: int | None,
    change: tuple[list[str], dict[str, Any], dict[str, Any]] | None = None,
    cause: str = CRAWL,
) -> tuple[Any, ...]:
    changed, before, after = change or (None, None, None)
    return (
        article_id,
        version,
        fetched_at,
        digest,
        article.extractor_version,
        _json(changed),
        _json(before),
        _json(after),
        raw_page_id,
        run_id,
        cause,
    )


_INSERT_VERSION = (
    "INSERT INTO article_versions (article_id, version, seen_at, content_hash,"
    " extractor_version, changed, before, after, raw_page_id, run_id, cause)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _mentioned_urls(article: Article, urls: set[str]) -> set[str]:
    """Add the article's own URL and the URLs it mentions (links, teasers, editions) to `urls`."""
    urls.add(article.url)
    urls.update(link.url for link in article.cross_links if link.url)
    urls.update(teaser.url for teaser in article.related if teaser.url)
    urls.update(url for url in article.alternates.values() if url)
    return urls


def _archived_ids(conn: sqlite3.Connection, urls: Iterable[str]) -> dict[str, int]:
    """Return the ids of the archived articles among `urls`."""
    return dict(
        conn.execute(
            "SELECT url, id FROM articles WHERE url IN (SELECT value FROM json_each(?))",
            (_COMPACT(list(urls)),),
        )
    )


def _article_ids(conn: sqlite3.Connection, article: Article) -> dict[str, int]:
    """Return the ids of the archived articles among the article's own URL and those it mentions."""
    return _archived_ids(conn, _mentioned_urls(article, set()))


def _inline_rows(article_id: int, article: Article, archived: Mapping[str, int]) -> list[tuple[Any, ...]]:
    """Return the links rows of the article's inline read-also links."""
    return [
        (
            article_id,
            INLINE,
            link.position,
            link.url,
            archived.get(link.url or ""),
            link.title,
            link.published_raw,
            _iso(link.published_utc),
            link.published_precision,
            link.lang,
            None,
            None,
        )
        for link in article.cross_links
    ]


def _teaser_rows(article_id: int, article: Article, archived: Mapping[str, int]) -> list[tuple[Any, ...]]:
    """Return the links rows of the article's teasers, numbered within each block."""
    positions: dict[str, int] = {}
    rows = []
    for teaser in article.related:
        position = positions[teaser.block] = positions.get(teaser.block, -1) + 1
        rows.append(
            (
                article_id,
                teaser.block,
                position,
                teaser.url,
                archived.get(teaser.url or ""),
                teaser.title,
                teaser.published_raw,
                _iso(teaser.published_utc),
                teaser.published_precision,
                teaser.lang,
                teaser.views,
                _json(teaser.labels),
            )
        )
    return rows


_INSERT_LINKS = (
    "INSERT INTO links (from_article_id, kind, position, target_url, target_article_id,"
    " title, published_raw, published_utc, published_precision, lang, views, labels)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _replace_links(
    conn: sqlite3.Connection,
    article_id: int,
    article: Article,
    archived: Mapping[str, int],
    *,
    inline: bool,
    fresh: bool = False,
) -> None:
    """Rewrite the article's inline links (inline=True) or its teaser links (inline=False).

    `fresh` says the article was just inserted, so it has no links to delete yet.
    """
    if not fresh:
        operator = "=" if inline else "!="
        conn.execute(
            f"DELETE FROM links WHERE from_article_id = ? AND kind {operator} ?", (article_id, INLINE)
        )
    rows = (_inline_rows if inline else _teaser_rows)(article_id, article, archived)
    conn.executemany(_INSERT_LINKS, rows)


def _view_rows(
    article_id: int, article: Article, archived: Mapping[str, int], run_id: int | None, observed_at: str
) -> list[tuple[Any, ...]]:
    """Return the view_observations rows of the counts read on this fetch of the page.

    Each row starts (counted article id, url, title): the batch writer resolves url-less ones.
    """
    rows: list[tuple[Any, ...]] = []
    if article.views is not None:
        rows.append(
            (article_id, article.url, article.title, observed_at, article.views, OWN_PAGE, article_id, run_id)
        )
    rows.extend(
        (
            archived.get(teaser.url or ""),
            teaser.url,
            teaser.title,
            observed_at,
            teaser.views,
            teaser.block,
            article_id,
            run_id,
        )
        for teaser in article.related
        if teaser.views is not None
    )
    # 2024-2026 cross-links print the linked story's counter: an observation like a teaser's.
    rows.extend(
        (
            archived.get(link.url or ""),
            link.url,
            link.title,
            observed_at,
            link.views,
            INLINE,
            article_id,
            run_id,
        )
        for link in article.cross_links
        if link.views is not None
    )
    return rows


_INSERT_VIEWS = (
    "INSERT INTO view_observations (article_id, url, title, observed_at, views, source,"
    " seen_on_article_id, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _replace_view_observations(
    conn: sqlite3.Connection,
    article_id: int,
    article: Article,
    archived: Mapping[str, int],
    run_id: int | None,
    observed_at: str,
    *,
    fresh: bool = False,
) -> None:
    """Record the counts read on this fetch of the page; a repeated fetch replaces its own rows."""
    if not fresh:
        conn.execute(
            "DELETE FROM view_observations WHERE seen_on_article_id = ? AND observed_at = ?",
            (article_id, observed_at),
        )
    conn.executemany(_INSERT_VIEWS, _view_rows(article_id, article, archived, run_id, observed_at))


_RESOLVE_LINKS = "UPDATE links SET target_article_id = ? WHERE target_article_id IS NULL AND target_url = ?"
_RESOLVE_VIEWS_BY_URL = "UPDATE view_observations SET article_id = ? WHERE article_id IS NULL AND url = ?"
_RESOLVE_VIEWS_BY_TITLE = (
    "UPDATE view_observations SET article_id = ? WHERE article_id IS NULL AND url IS NULL AND title = ?"
)


def _resolve_arrival(conn: sqlite3.Connection, article_id: int, url: str, title: str) -> None:
    """Point links and view counts that were waiting for this article at it."""
    conn.execute(_RESOLVE_LINKS, (article_id, url))
    conn.execute(_RESOLVE_VIEWS_BY_URL, (article_id, url))
    conn.execute(_RESOLVE_VIEWS_BY_TITLE, (article_id, title))


def _edition_urls(article: Article) -> dict[str, str]:
    """Return the article's URL and its hreflang alternates, each with its language."""
    urls = {article.url: article.edition}
    for code, url in article.alternates.items():
        if url and code.lower() != "x-default":
            urls.setdefault(url, code[:2].lower())
    return urls


def _known_editions(conn: sqlite3.Connection, urls: Iterable[str]) -> dict[str, list[Any]]:
    """Return [story id, article id] of each of `urls` the editions table holds."""
    return {
        url: [story_id, article_id]
        for url, story_id, article_id in conn.execute(
            "SELECT url, story_id, article_id FROM editions WHERE url IN (SELECT value FROM json_each(?))",
            (_COMPACT(list(urls)),),
        )
    }


class _Editions:
    """Join articles and their hreflang alternates into stories, merging stories that meet.

    `known` holds [story id, article id] of every edition URL the articles name that the table
    has; it is kept up to date as rows are planned, so a batch of articles needs one look-up.
    Rows are written at flush(), and before a merge (the only statement that reads them back).
    """

    def __init__(self, conn: sqlite3.Connection, known: dict[str, list[Any]]) -> None:
        self.conn = conn
        self.known = known
        self.stories: list[tuple[int, str]] = []
        self.editions: list[tuple[str, int, str, int | None]] = []
        self.article_ids: list[tuple[int, str]] = []
        self.next_story: int | None = None

    def add(
        self,
        article_id: int,
        article: Article,
        archived: Mapping[str, int],
        fetched_at: str,
        urls: Mapping[str, str],
    ) -> None:
        """Plan the rows joining the article and `urls` (its _edition_urls) into one story."""
        own = self.known.get(article.url)
        story_ids = sorted({self.known[url][0] for url in urls if url in self.known})
        if story_ids:
            story_id = story_ids[0]
            for other in story_ids[1:]:
                self._merge(story_id, other)
        else:
            if self.next_story is None:
                self.next_story = _next_id(self.conn, "stories")
            story_id, self.next_story = self.next_story, self.next_story + 1
            self.stories.append((story_id, fetched_at))
        for url, lang in urls.items():
            if url not in self.known:
                known_id = article_id if url == article.url else archived.get(url)
                self.editions.append((url, story_id, lang, known_id))
                self.known[url] = [story_id, known_id]
        if own is not None and own[1] != article_id:
            self.article_ids.append((article_id, article.url))
            own[1] = article_id

    def _merge(self, story_id: int, other: int) -> None:
        self.flush()
        self.conn.execute("UPDATE editions SET story_id = ? WHERE story_id = ?", (story_id, other))
        self.conn.execute("DELETE FROM stories WHERE id = ?", (other,))
        # The story deleted may be the newest: the next one takes its id again, as SQLite would.
        self.next_story = None
        for entry in self.known.values():
            if entry[0] == other:
                entry[0] = story_id

    def flush(self) -> None:
        if self.stories:
            self.conn.executemany("INSERT INTO stories (id, first_seen) VALUES (?, ?)", self.stories)
        if self.editions:
            self.conn.executemany(
                "INSERT INTO editions (url, story_id, lang, article_id) VALUES (?, ?, ?, ?)", self.editions
            )
        if self.article_ids:
            self.conn.executemany("UPDATE editions SET article_id = ? WHERE url = ?", self.article_ids)
        self.stories, self.editions, self.article_ids = [], [], []


def _link_editions(
    conn: sqlite3.Connection,
    article_id: int,
    article: Article,
    archived: Mapping[str, int],
    fetched_at: str,
) -> None:
    """Join the article and its hreflang alternates into one story, merging stories that meet."""
    urls = _edition_urls(article)
    editions = _Editions(conn, _known_editions(conn, urls))
    editions.add(article_id, article, archived, fetched_at, urls)
    editions.flush()


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    """Return the id SQLite would give the next row of `table` (an INTEGER PRIMARY KEY: max + 1)."""
    return conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]


def store_article(
    conn: sqlite3.Connection,
    article: Article,
    run_id: int | None = None,
    *,
    reparsed_from: int | None = None,
) -> tuple[str, int]:
    """Write one sighting of an article; return "new", "changed" or "unchanged", and its id.

    A new article is not yet in the full-text index: the caller indexes the new ids of a batch
    with index_articles() before committing (one index write per batch instead of one per row).

    Keyed on the canonical URL: storing the same page twice adds nothing. The raw page is kept
    for each new version (an unchanged recrawl differs only in counters and teasers, which are
    recorded as view observations and teaser links). `reparsed_from` is the id of the stored raw
    page the article was re-extracted from: its bytes are not stored again, and the derived
    fields are refreshed even though the page is older than the latest sighting.
    """
    content = extracted_content(article)
    digest = content_hash(content)
    fetched_at = iso_utc(article.fetched_at)
    archived = _article_ids(conn, article)
    row = None
    if article.url in archived:  # a new URL (the common case) needs no second look-up
        cursor = conn.execute("SELECT * FROM articles WHERE id = ?", (archived[article.url],))
        row = dict(zip([column[0] for column in cursor.description], cursor.fetchone(), strict=True))
    cause = CRAWL if reparsed_from is None else REPARSE
    if row is None:
        raw_page_id = reparsed_from or _insert_raw_page(conn, article.page, run_id)
        columns = _new_article_columns(article, content, digest, fetched_at, raw_page_id)
        article_id = conn.execute(_insert_article_sql(tuple(columns)), tuple(columns.values())).lastrowid
        assert article_id is not None
        conn.execute(
            _INSERT_VERSION,
            _version_values(article_id, 1, article, fetched_at, digest, raw_page_id, run_id, cause=cause),
        )
        _resolve_arrival(conn, article_id, article.url, article.title)
        # The article's own links and counts may name the page itself (a teaser to itself).
        archived = {**archived, article.url: article_id}
        _replace_links(conn, article_id, article, archived, inline=True, fresh=True)
        outcome = NEW
    else:
        article_id, version, last_seen, views_at = (
            row["id"],
            row["version"],
            row["last_seen"],
            row["views_at"],
        )
        columns = {
            "first_seen": min(row["first_seen"], fetched_at),
            "last_seen": max(last_seen, fetched_at),
        }
        if fetched_at >= last_seen or reparsed_from is not None:
            columns.update(_metadata_columns(article))
        if views_at is None or fetched_at >= views_at:
            columns.update(_views_columns(article, fetched_at))
        if row["content_hash"] == digest:
            _update_article(conn, row, columns)
            outcome = UNCHANGED
        else:
            change = diff_content(_stored_content(conn, row), content)
            raw_page_id = reparsed_from or _insert_raw_page(conn, article.page, run_id)
            version += 1
            columns.update(_content_columns(content))
            columns.update(version=version, content_hash=digest, raw_page_id=raw_page_id)
            columns.update(extractor_version=article.extractor_version)
            _update_article(conn, row, columns)
            conn.execute(
                _INSERT_VERSION,
                _version_values(
                    article_id, version, article, fetched_at, digest, raw_page_id, run_id, change, cause
                ),
            )
            _replace_links(conn, article_id, article, archived, inline=True)
            _resolve_arrival(conn, article_id, article.url, article.title)
            outcome = CHANGED
    fresh = outcome == NEW
    _replace_links(conn, article_id, article, archived, inline=False, fresh=fresh)
    _replace_view_observations(conn, article_id, article, archived, run_id, fetched_at, fresh=fresh)
    _link_editions(conn, article_id, article, archived, fetched_at)
    return outcome, article_id


def unarchived_urls(conn: sqlite3.Connection, urls: Iterable[str]) -> set[str]:
    """Return those of `urls` no archived article has."""
    wanted = set(urls)
    return wanted - set(_archived_ids(conn, wanted)) if wanted else wanted


def store_new_articles(
    conn: sqlite3.Connection, articles: Sequence[Article], run_id: int | None = None
) -> list[int]:
    """Write the first sighting of each of `articles`, a statement per table for all; return their ids.

    The caller vouches that no article is archived yet and no URL repeats. The rows are those
    store_article() would write for each in turn, ids included: the ids are chosen here as SQLite
    would choose them (the largest plus one), so each row can name its article before it exists,
    and a link or count naming an article later in the batch is resolved as its arrival would.
    Like store_article(), the articles are left for index_articles().
    """
    first_id = _next_id(conn, "articles")
    ids = range(first_id, first_id + len(articles))
    mentioned: set[str] = set()
    for article in articles:
        _mentioned_urls(article, mentioned)
    archived = _archived_ids(conn, mentioned)
    archived.update(zip([article.url for article in articles], ids, strict=True))
    next_raw_page = _next_id(conn, "raw_pages")
    raw_pages: list[tuple[Any, ...]] = []
    rows: list[dict[str, Any]] = []
    versions: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    views: list[tuple[Any, ...]] = []
    fetched = []
    for position, (article, article_id) in enumerate(zip(articles, ids, strict=True)):
        content = extracted_content(article)
        digest = content_hash(content)
        fetched_at = iso_utc(article.fetched_at)
        fetched.append(fetched_at)
        raw_page_id = None
        if article.page is not None:
            raw_page_id, next_raw_page = next_raw_page, next_raw_page + 1
            raw_pages.append(_raw_page_values(article.page, run_id, raw_page_id))
        rows.append(_new_article_columns(article, content, digest, fetched_at, raw_page_id))
        versions.append(_version_values(article_id, 1, article, fetched_at, digest, raw_page_id, run_id))
        links += _inline_rows(article_id, article, archived)
        links += _teaser_rows(article_id, article, archived)
        for view in _view_rows(article_id, article, archived, run_id, fetched_at):
            if view[1] is None:
                # A count without a URL is matched by title to the first article of that title
                # stored after the page it was read on, as _resolve_arrival() matches it then.
                title = view[2]
                later = (ids[k] for k in range(position + 1, len(articles)) if articles[k].title == title)
                view = (next(later, None), *view[1:])
            views.append(view)
    conn.executemany(_INSERT_RAW_PAGE, raw_pages)
    conn.executemany(_insert_article_sql(tuple(rows[0])), [tuple(row.values()) for row in rows])
    conn.executemany(_INSERT_VERSION, versions)
    # Rows written before this batch that wait for one of its articles; the batch's own rows
    # are resolved above, so these run first and leave them alone.
    arrivals = [(article_id, article.url) for article, article_id in zip(articles, ids, strict=True)]
    conn.executemany(_RESOLVE_LINKS, arrivals)
    conn.executemany(_RESOLVE_VIEWS_BY_URL, arrivals)
    conn.executemany(
        _RESOLVE_VIEWS_BY_TITLE,
        [(article_id, article.title) for article, article_id in zip(articles, ids, strict=True)],
    )
    conn.executemany(_INSERT_LINKS, links)
    conn.executemany(_INSERT_VIEWS, views)
    edition_urls = [_edition_urls(article) for article in articles]
    editions = _Editions(conn, _known_editions(conn, {url for urls in edition_urls for url in urls}))
    for article, article_id, fetched_at, urls in zip(articles, ids, fetched, edition_urls, strict=True):
        editions.add(article_id, article, archived, fetched_at, urls)
    editions.flush()
    return list(ids)


def index_articles(conn: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """Add new articles to the full-text index in one statement.

    FTS5 writes its pending terms to disk at every statement that opens a savepoint, so indexing
    row by row through a trigger costs about three times as much as indexing a batch at once.
    Updates and deletes stay with the triggers (see migrations m002 and m005).
    """
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, lead, text)"
        " SELECT id, title, lead, text FROM articles"
        " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        (json.dumps(list(article_ids)),),
    )


def rebuild_search_index(conn: sqlite3.Connection) -> int:
    """Re-index every article for full-text search from the articles table; return how many.

    The remedy for rows that reached the articles table without the archive's write path (an
    INSERT there has no trigger since migration m005), and a measure of what indexing alone costs.
    """
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def latest_change(conn: sqlite3.Connection, url: str) -> list[str]:
    """Return the fields that changed in the article's latest version (empty for the first)."""
    row = conn.execute(
        "SELECT v.changed FROM articles a JOIN article_versions v"
        " ON v.article_id = a.id AND v.version = a.version WHERE a.url = ?",
        (url,),
    ).fetchone()
    return json.loads(row[0]) if row and row[0] else []


def stored_pages(
    conn: sqlite3.Connection, *, url: str | None = None, edition: str | None = None
) -> list[tuple[str, int]]:
    """Return (article URL, raw page id) of each archived article's current version, in id order."""
    return conn.execute(
        "SELECT url, raw_page_id FROM articles"
        " WHERE raw_page_id IS NOT NULL AND (:url IS NULL OR url = :url)"
        " AND (:edition IS NULL OR edition = :edition) ORDER BY id",
        {"url": url, "edition": edition},
    ).fetchall()


def load_raw_page(conn: sqlite3.Connection, raw_page_id: int) -> RawPage:
    """Return a stored raw page with its body decompressed."""
    url, status, headers, encoding, body, fetched_at = conn.execute(
        "SELECT url, status, headers, encoding, body, fetched_at FROM raw_pages WHERE id = ?",
        (raw_page_id,),
    ).fetchone()
    if encoding != "zlib":
        raise ValueError(f"raw page {raw_page_id}: unknown body encoding {encoding!r}")
    return RawPage(
        url=url,
        status=status,
        headers=json.loads(headers or "{}"),
        body=zlib.decompress(body),
        fetched_at=parse_iso(fetched_at),
    )


def store_quarantine(conn: sqlite3.Connection, page: QuarantinedPage, run_id: int | None = None) -> None:
    """Keep a page that could not become an article, with its reason and bytes; once per fetch."""
    fetched_at = iso_utc(page.page.fetched_at)
    seen = conn.execute(
        "SELECT 1 FROM quarantine WHERE url = ? AND fetched_at = ? AND reason = ?",
        (page.url, fetched_at, page.reason),
    ).fetchone()
    if seen:
        return
    raw_page_id = _insert_raw_page(conn, page.page, run_id)
    conn.execute(
        "INSERT INTO quarantine (url, reason, fetched_at, raw_page_id, run_id) VALUES (?, ?, ?, ?, ?)",
        (page.url, page.reason, fetched_at, raw_page_id, run_id),
    )


def quarantined_pages(
    conn: sqlite3.Connection, *, url: str | None = None, reason: str | None = None
) -> list[tuple[int, str, int]]:
    """Return (quarantine id, URL, raw page id) of every quarantined page kept with its bytes."""
    return conn.execute(
        "SELECT id, url, raw_page_id FROM quarantine WHERE raw_page_id IS NOT NULL"
        " AND (:url IS NULL OR url = :url) AND (:reason IS NULL OR reason = :reason) ORDER BY id",
        {"url": url, "reason": reason},
    ).fetchall()


def release_quarantined(conn: sqlite3.Connection, quarantine_id: int) -> None:
    """Drop a quarantine entry whose page has now been archived as an article (its bytes stay)."""
    conn.execute("DELETE FROM quarantine WHERE id = ?", (quarantine_id,))


def start_run(conn: sqlite3.Connection, spider: str, args: Mapping[str, Any], started_at: datetime) -> int:
    """Record the start of a crawl run and return its id."""
    cursor = conn.execute(
        "INSERT INTO crawl_runs (spider, args, started_at) VALUES (?, ?, ?)",
        (spider, json.dumps(dict(args), ensure_ascii=False, default=str), iso_utc(started_at)),
    )
    return cursor.lastrowid  # type: ignore[return-value]


def _stat(stats: Mapping[str, Any], *keys: str) -> int | None:
    """Return the first of `keys` present in the crawler stats, as an int."""
    for key in keys:
        if isinstance(stats.get(key), int):
            return int(stats[key])
    return None


def finish_run(
    conn: sqlite3.Connection,
    run_id: int,
    *,
    finished_at: datetime,
    stats: Mapping[str, Any],
    finish_reason: str,
) -> None:
    """Record the end of a crawl run with its counts (from Scrapy's stats keys) and reason."""
    failures = failed_pages(stats)
    pages = _stat(stats, "response_received_count", "downloader/response_count")
    if pages is not None:  # robots.txt answers are not the crawl's pages
        pages = max(pages - (_stat(stats, "robotstxt/response_count") or 0), 0)
    conn.execute(
        "UPDATE crawl_runs SET finished_at = ?, pages = ?, items = ?, failures = ?,"
        " finish_reason = ?, stats = ? WHERE id = ?",
        (
            iso_utc(finished_at),
            pages,
            _stat(stats, "item_scraped_count"),
            failures,
            finish_reason,
            json.dumps(dict(stats), ensure_ascii=False, default=str),
            run_id,
        ),
    )


def mark_unchanged(conn: sqlite3.Connection, url: str, fetched_at: datetime) -> bool:
    """Record a 304 answer: the article was seen at `fetched_at`; return False when it is not archived.

    No version and no view observation: a 304 has no body to read them from.
    """
    cursor = conn.execute(
        "UPDATE articles SET last_seen = max(last_seen, ?) WHERE url = ?", (iso_utc(fetched_at), url)
    )
    return cursor.rowcount > 0


DIED = "died"  # finish reason of a run whose process was killed before it could record its end


def mark_dead_runs(conn: sqlite3.Connection, spider: str, *, started_since: str) -> int:
    """Mark unfinished runs of `spider` started at or after `started_since` as died; return how many.

    Called when a crawl takes over the lock of a process that died: its run never recorded an end.
    """
    cursor = conn.execute(
        "UPDATE crawl_runs SET finish_reason = ? WHERE spider = ? AND finished_at IS NULL"
        " AND finish_reason IS NULL AND started_at >= ?",
        (DIED, spider, started_since),
    )
    return cursor.rowcount
