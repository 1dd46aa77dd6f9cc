"""The analysts' queries over an open archive, shared by the CLI, the benchmark and Datasette."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from archive.lookup import lookup_keys
from archive.store import OWN_PAGE as OWN_PAGE
from archive.store import load_raw_page
from newsbot.items import FILL_FIELDS, iso_utc


class QueryError(ValueError):
    """The analyst's input cannot be run as asked; the message is one line for the user."""


class NotArchived(LookupError):
    """No archived article has the URL asked for."""


def fts_query(text: str) -> str:
    """Turn a user's search words into an FTS5 query that cannot be malformed.

    Every word becomes a quoted phrase, so FTS5 operators and punctuation are searched for as
    text; "double quoted words" stay one phrase; a trailing * keeps its prefix meaning
    ("Укр*" finds "Україна"). All terms must match. Raise QueryError for an unbalanced quote, a
    bare *, or nothing to search for.
    """
    if text.count('"') % 2:
        raise QueryError("unbalanced double quote in the search query")
    terms: list[str] = []
    for index, chunk in enumerate(text.split('"')):
        if index % 2:  # inside quotes: one phrase
            words = chunk.split()
            if words:
                terms.append(_phrase(" ".join(words)))
            continue
        for word in chunk.split():
            prefix = word.endswith("*")
            word = word.rstrip("*")
            if not word:
                raise QueryError("a bare * needs a word before it, as in Укр*")
            terms.append(_phrase(word) + (" *" if prefix else ""))
    if not terms:
        raise QueryError("the search query is empty")
    return " ".join(terms)


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def day_start(value: date | datetime | None) -> str | None:
    """Return the ISO UTC instant a --since bound starts at (a date means its first moment)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return iso_utc(value if value.tzinfo else value.replace(tzinfo=UTC))


def day_end(value: date | datetime | None) -> str | None:
    """Return the ISO UTC instant an --until bound ends before (a date includes its whole day)."""
    if value is None:
        return None
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) != (0, 0, 0):
        return day_start(value + timedelta(seconds=1))
    return day_start(value + timedelta(days=1))


# The instant an article is dated by in filters: when it was published, else when first seen.
_WHEN = "coalesce(a.published_utc, a.first_seen)"
_FILTERS = (
    "(:lang IS NULL OR a.lang = :lang)"
    " AND (:edition IS NULL OR a.edition = :edition)"
    f" AND (:since IS NULL OR {_WHEN} >= :since)"
    f" AND (:until IS NULL OR {_WHEN} < :until)"
)


def _rows(db: Database, sql: str, params: dict[str, Any] | Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = db.conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def search(
    db: Database,
    query: str,
    *,
    lang: str | None = None,
    edition: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Return the best-matching articles for the user's words, best first, with a snippet."""
    params = {
        "match": fts_query(query),
        "lang": lang,
        "edition": edition,
        "since": since,
        "until": until,
        "limit": limit,
    }
    sql = (
        "SELECT a.url, a.edition, a.lang, a.published_utc, a.title,"
        " snippet(articles_fts, -1, '[', ']', '…', 10) AS snippet"
        " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        f" WHERE articles_fts MATCH :match AND {_FILTERS}"
        " ORDER BY articles_fts.rank LIMIT :limit"
    )
    try:
        return _rows(db, sql, params)
    except sqlite3.OperationalError as error:
        if "fts5" in str(error):
            raise QueryError(f"cannot search for {query!r}: {error}") from None
        raise


UNDATED = "undated"  # the day of an article without a publication time


def stats(db: Database) -> dict[str, Any]:
    """Return counts for a health check: per edition and day, languages, fill rates, failures.

    Every query reads an index, never the articles' text (articles.filled is a bitmask of the
    FILL_FIELDS that hold a value).
    """
    total = db.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    counts = [0] * len(FILL_FIELDS)
    for mask, articles in db.conn.execute("SELECT filled, count(*) FROM articles GROUP BY filled"):
        for bit in range(len(FILL_FIELDS)):
            if mask >> bit & 1:
                counts[bit] += articles
    return {
        "articles": total,
        "per_edition_day": _rows(
            db,
            "SELECT edition, coalesce(substr(published_utc, 1, 10), :undated) AS day,"
            " count(*) AS articles FROM articles GROUP BY edition, day ORDER BY day, edition",
            {"undated": UNDATED},
        ),
        "languages": _rows(
            db,
            "SELECT edition, lang_declared, lang_detected, count(*) AS articles FROM articles"
            " GROUP BY edition, lang_declared, lang_detected ORDER BY articles DESC",
        ),
        "fill_rates": [
            {"field": name, "filled": filled, "rate": round(filled / total, 4) if total else None}
            for name, filled in zip(FILL_FIELDS, counts, strict=True)
        ],
        "problems": _rows(
            db,
            "SELECT p.key AS field, p.value AS reason, count(*) AS articles"
            " FROM (SELECT problems FROM articles WHERE problems IS NOT NULL) AS a,"
            " json_each(a.problems) AS p"
            " GROUP BY field, reason ORDER BY articles DESC, field",
        ),
        "quarantine": _rows(
            db,
            "SELECT reason, count(*) AS pages FROM quarantine GROUP BY reason ORDER BY pages DESC",
        ),
    }


PERIODS = ("day", "week", "month")


def choose_period(days: list[str], *, max_rows: int = 31) -> str:
    """Return the longest-needed grouping so a span of dated days prints at most ~`max_rows` rows.

    Up to a month of days by day, up to about half a year by week, longer by month.
    """
    dated = sorted(day for day in days if day != UNDATED)
    if not dated:
        return "day"
    span = (date.fromisoformat(dated[-1]) - date.fromisoformat(dated[0])).days + 1
    if span <= max_rows:
        return "day"
    if span <= max_rows * 7 - 24:  # about 26 weeks
        return "week"
    return "month"


def period_of(day: str, by: str) -> str:
    """Return the label of the day, week (its Monday) or month a YYYY-MM-DD day falls in."""
    if day == UNDATED or by == "day":
        return day
    if by == "month":
        return day[:7]
    moment = date.fromisoformat(day)
    return "week of " + (moment - timedelta(days=moment.weekday())).isoformat()


def per_period(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Pivot (edition, day, articles) rows into one row per period: a column per edition, a total.

    The last row holds the totals; undated articles come just before it.
    """
    editions = sorted({row["edition"] for row in rows})
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        label = period_of(row["day"], by)
        line = table.setdefault(label, {by: label, **dict.fromkeys(editions, 0), "total": 0})
        line[row["edition"]] += row["articles"]
        line["total"] += row["articles"]
    ordered = sorted(table.values(), key=lambda line: (line[by] == UNDATED, line[by]))
    totals = {by: "total", **{e: sum(line[e] for line in ordered) for e in editions}}
    totals["total"] = sum(line["total"] for line in ordered)
    return [*ordered, totals] if ordered else []


def top_by_views(
    db: Database,
    *,
    limit: int = 20,
    lang: str | None = None,
    edition: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[dict[str, Any]]:
    """Return the most viewed articles by their latest count on their own page."""
    return _rows(
        db,
        "SELECT a.views, a.views_at, a.url, a.edition, a.lang, a.published_utc, a.title"
        f" FROM articles a WHERE a.views IS NOT NULL AND {_FILTERS}"
        " ORDER BY a.views DESC LIMIT :limit",
        {"limit": limit, "lang": lang, "edition": edition, "since": since, "until": until},
    )


def _in_keys(column: str, keys: list[str]) -> str:
    return f"{column} IN ({', '.join('?' * len(keys))})"


def _article(db: Database, url: str) -> dict[str, Any]:
    """Return the archived article an analyst's URL means (trailing /, http, utm_*, AMP forgiven)."""
    keys = lookup_keys(url)
    found = _rows(db, f"SELECT id, url, title FROM articles WHERE {_in_keys('url', keys)}", keys)
    if not found:
        raise NotArchived(f"no archived article at {url}")
    # the most literal match first: the order of lookup_keys
    return min(found, key=lambda row: keys.index(row["url"]))


def article_title(db: Database, url: str) -> str:
    """Return the title of the archived article at `url`."""
    return _article(db, url)["title"]


def _teaser_only(db: Database, url: str) -> dict[str, Any] | None:
    """Return {url, title} of a URL seen only in teasers on archived pages, or None."""
    keys = lookup_keys(url)
    found = _rows(
        db,
        "SELECT url, title FROM view_observations"
        f" WHERE article_id IS NULL AND {_in_keys('url', keys)}"
        " UNION SELECT target_url, title FROM links"
        f" WHERE target_article_id IS NULL AND {_in_keys('target_url', keys)}",
        keys + keys,
    )
    return min(found, key=lambda row: keys.index(row["url"])) if found else None


def views_series(db: Database, url: str) -> list[dict[str, Any]]:
    """Return the view counts of one article over time: its own page and teasers elsewhere.

    A URL that is not archived but was listed in teasers on archived pages has the counts those
    teasers showed.
    """
    try:
        article: dict[str, Any] = _article(db, url)
    except NotArchived:
        teaser = _teaser_only(db, url)
        if teaser is None:
            raise NotArchived(f"no archived article at {url}, and no teaser links to it") from None
        article = {"id": None, **teaser}
    return _rows(
        db,
        "SELECT o.observed_at, o.views, o.source, seen.url AS seen_on"
        " FROM view_observations o JOIN articles seen ON seen.id = o.seen_on_article_id"
        " WHERE o.article_id = :id"
        " OR (o.article_id IS NULL AND o.url = :url)"
        " OR (o.article_id IS NULL AND o.url IS NULL AND o.title = :title)"
        " ORDER BY o.observed_at, o.source = 'page' DESC, o.id",
        article,
    )


def series_title(db: Database, url: str) -> str:
    """Return the title of the article at `url`, or of the teasers that list it."""
    try:
        return article_title(db, url)
    except NotArchived:
        teaser = _teaser_only(db, url)
        if teaser is None:
            raise
        return teaser["title"] or url


def links(db: Database, url: str) -> dict[str, list[dict[str, Any]]]:
    """Return the article's links out (inline and teasers), links in, and its other editions."""
    article = _article(db, url)
    return {
        "out": _rows(
            db,
            "SELECT l.kind, l.position, l.target_url, l.title, l.published_raw,"
            " l.target_article_id IS NOT NULL AS archived"
            " FROM links l WHERE l.from_article_id = :id ORDER BY l.kind != 'inline', l.kind,"
            " l.position",
            article,
        ),
        "in": _rows(
            db,
            "SELECT src.url AS from_url, l.kind, l.position, src.title AS from_title"
            " FROM links l JOIN articles src ON src.id = l.from_article_id"
            " WHERE l.target_article_id = :id"
            " OR (l.target_article_id IS NULL AND l.target_url = :url)"
            " ORDER BY src.url, l.kind",
            article,
        ),
        "editions": _rows(
            db,
            "SELECT other.lang, other.url, other.article_id IS NOT NULL AS archived"
            " FROM editions mine JOIN editions other ON other.story_id = mine.story_id"
            " WHERE mine.url = :url AND other.url != :url ORDER BY other.lang, other.url",
            article,
        ),
    }


def history(db: Database, url: str) -> list[dict[str, Any]]:
    """Return the versions of one article, oldest first, with what changed in each."""
    article = _article(db, url)
    versions = _rows(
        db,
        "SELECT version, seen_at, cause, extractor_version, changed, before, after"
        " FROM article_versions WHERE article_id = :id ORDER BY version",
        article,
    )
    for version in versions:
        for key in ("changed", "before", "after"):
            version[key] = json.loads(version[key]) if version[key] else None
    return versions


def quarantine(db: Database, *, reason: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Return the quarantined pages: counts by reason, and the latest pages (with `reason` only those)."""
    return {
        "reasons": _rows(
            db,
            "SELECT reason, count(*) AS pages, max(fetched_at) AS latest FROM quarantine"
            " GROUP BY reason ORDER BY pages DESC, reason",
        ),
        "pages": _rows(
            db,
            "SELECT q.fetched_at, q.reason, q.url, r.status, r.size AS bytes FROM quarantine q"
            " LEFT JOIN raw_pages r ON r.id = q.raw_page_id"
            " WHERE (:reason IS NULL OR q.reason = :reason)"
            " ORDER BY q.fetched_at DESC, q.id DESC LIMIT :limit",
            {"reason": reason, "limit": limit},
        ),
    }


def raw_page(db: Database, url: str) -> tuple[str, Any]:
    """Return where the stored page of `url` comes from ("article" or "quarantine") and the page.

    An archived article gives the page its current version was extracted from; otherwise the
    latest quarantined fetch of the URL.
    """
    keys = lookup_keys(url)
    for source, sql in (
        ("article", f"SELECT raw_page_id FROM articles WHERE {_in_keys('url', keys)}"),
        (
            "quarantine",
            f"SELECT raw_page_id FROM quarantine WHERE {_in_keys('url', keys)} ORDER BY fetched_at DESC",
        ),
    ):
        for (raw_page_id,) in db.conn.execute(sql, keys):
            if raw_page_id is not None:
                return source, load_raw_page(db.conn, raw_page_id)
    raise NotArchived(f"no stored page for {url} (neither an archived article nor a quarantined page)")


# Columns `export` writes, in order; JSON-list columns are decoded in JSON output.
EXPORT_COLUMNS = (
    "url",
    "site",
    "edition",
    "lang",
    "lang_declared",
    "lang_detected",
    "title",
    "lead",
    "text",
    "authors",
    "tags",
    "rubric",
    "published_raw",
    "published_utc",
    "published_precision",
    "modified_utc",
    "views",
    "first_seen",
    "last_seen",
    "version",
    "extractor_version",
    "problems",
)
JSON_COLUMNS = frozenset({"authors", "tags", "problems"})


def export_articles(
    db: Database,
    *,
    lang: str | None = None,
    edition: str | None = None,
    since: str | None = None,
    until: str | None = None,
    query: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield archived articles one by one (streaming), optionally filtered and searched."""
    columns = ", ".join(f"a.{name}" for name in EXPORT_COLUMNS)
    params: dict[str, Any] = {"lang": lang, "edition": edition, "since": since, "until": until}
    if query:
        params["match"] = fts_query(query)
        sql = (
            f"SELECT {columns} FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH :match AND {_FILTERS} ORDER BY a.id"
        )
    else:
        sql = f"SELECT {columns} FROM articles a WHERE {_FILTERS} ORDER BY a.id"
    cursor = db.conn.execute(sql, params)
    for row in cursor:
        yield dict(zip(EXPORT_COLUMNS, row, strict=True))
