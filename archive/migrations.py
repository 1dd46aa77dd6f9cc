"""The archive's schema as sqlite-utils migrations, one function per step, applied on open."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from newsbot.items import FILL_FIELDS

# The name of this migration set in sqlite-utils' `_sqlite_migrations` table. An archive is a
# database that has applied at least the first step of this set.
MIGRATION_SET = "newsbot_archive"

migrations = Migrations(MIGRATION_SET)

# Tokenizer for every full-text index: Unicode word boundaries for Cyrillic and Latin alike,
# case folded, diacritics removed (so "Киïв" and "Київ" meet); no stemmer, because the only stemmer
# SQLite ships (porter) is English-only and would mangle Ukrainian and Russian words.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

# The columns the full-text index covers, in order.
FTS_COLUMNS = ("title", "lead", "text")


@migrations()
def m001_core_tables(db: Database) -> None:
    """Create the tables: crawl runs, raw pages, articles and everything hanging off them."""
    db.table("crawl_runs").create(
        {
            "id": int,
            "spider": str,
            "args": str,  # JSON object of the spider's arguments
            "started_at": str,  # ISO 8601 UTC, "...Z"
            "finished_at": str,
            "pages": int,
            "items": int,
            "failures": int,
            "finish_reason": str,
            "stats": str,  # JSON object: the crawler stats at close
        },
        pk="id",
        not_null={"spider", "started_at"},
    )
    db.table("raw_pages").create(
        {
            "id": int,
            "url": str,
            "fetched_at": str,
            "status": int,
            "headers": str,  # JSON object
            "encoding": str,  # how `body` is compressed: "zlib"
            "size": int,  # length of the uncompressed body in bytes
            "body": bytes,
            "run_id": int,
        },
        pk="id",
        not_null={"url", "fetched_at", "encoding", "body"},
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db.table("articles").create(
        {
            "id": int,
            "url": str,  # canonical URL: the key of every idempotent write
            "site": str,
            "edition": str,  # "uk", "en", "ru" from the URL
            "layout": str,
            "lang": str,  # best language known: detected, else declared, else edition
            "lang_declared": str,
            "lang_detected": str,
            "lang_confidence": float,
            "lang_method": str,
            "lang_mismatch": int,
            "segment_langs": str,  # JSON object
            "title": str,
            "authors": str,  # JSON list
            "tags": str,  # JSON list
            "rubric": str,
            "published_raw": str,
            "published_machine": str,
            "published_utc": str,
            "published_precision": str,
            "modified_raw": str,
            "modified_machine": str,
            "modified_utc": str,
            "modified_precision": str,
            "views": int,  # the latest count read on the article's own page
            "views_raw": str,
            "views_at": str,
            "first_seen": str,
            "last_seen": str,
            "version": int,  # number of the current row in article_versions
            "content_hash": str,
            "extractor_version": str,
            "raw_page_id": int,  # the raw page the current version was extracted from
            "problems": str,  # JSON object: field -> reason it is empty or doubtful
            # The long columns last: SQLite then keeps them in overflow pages and scans of the
            # short columns (stats) never read them.
            "lead": str,
            "text": str,  # the paragraphs, separated by a blank line
        },
        pk="id",
        not_null={"url", "site", "edition", "title", "first_seen", "last_seen", "content_hash"},
        foreign_keys=[("raw_page_id", "raw_pages", "id")],
    )
    db.table("article_versions").create(
        {
            "id": int,
            "article_id": int,
            "version": int,  # 1 for the first time the article was seen
            "seen_at": str,  # fetch time of the page that showed this content
            "content_hash": str,
            "extractor_version": str,
            "changed": str,  # JSON list of the fields that differ from the previous version
            "before": str,  # JSON object: those fields' previous values
            "after": str,  # JSON object: those fields' new values
            "raw_page_id": int,
            "run_id": int,
        },
        pk="id",
        not_null={"article_id", "version", "seen_at", "content_hash"},
        foreign_keys=[
            ("article_id", "articles", "id"),
            ("raw_page_id", "raw_pages", "id"),
            ("run_id", "crawl_runs", "id"),
        ],
    )
    db.table("stories").create({"id": int, "first_seen": str}, pk="id")
    db.table("editions").create(
        {
            "url": str,  # one language version of the story (from hreflang alternates)
            "story_id": int,
            "lang": str,
            "article_id": int,  # set once that URL is archived
        },
        pk="url",
        not_null={"story_id"},
        foreign_keys=[("story_id", "stories", "id"), ("article_id", "articles", "id")],
    )
    db.table("links").create(
        {
            "id": int,
            "from_article_id": int,
            "kind": str,  # "inline" for a read-also link in the body, else the teaser block slug
            "position": int,  # inline: paragraph it follows; teaser: index in its block
            "target_url": str,
            "target_article_id": int,  # set once the target is archived
            "title": str,
            "published_raw": str,
            "published_utc": str,
            "published_precision": str,
            "lang": str,
            "views": int,  # teasers only: the count shown next to it
            "labels": str,  # teasers only: JSON list ("Photo", "Video", ...)
        },
        pk="id",
        not_null={"from_article_id", "kind", "title"},
        foreign_keys=[
            ("from_article_id", "articles", "id"),
            ("target_article_id", "articles", "id"),
        ],
    )
    db.table("view_observations").create(
        {
            "id": int,
            "article_id": int,  # the article counted, once it is archived
            "url": str,  # its URL when known
            "title": str,  # its title (how a teaser without a link is matched)
            "observed_at": str,  # fetch time of the page the count was read on
            "views": int,
            "source": str,  # "page" (its own page) or the teaser block slug
            "seen_on_article_id": int,  # the page the count was read on
            "run_id": int,
        },
        pk="id",
        not_null={"observed_at", "views", "source", "seen_on_article_id"},
        foreign_keys=[
            ("article_id", "articles", "id"),
            ("seen_on_article_id", "articles", "id"),
            ("run_id", "crawl_runs", "id"),
        ],
    )
    db.table("quarantine").create(
        {
            "id": int,
            "url": str,
            "reason": str,
            "fetched_at": str,
            "raw_page_id": int,
            "run_id": int,
        },
        pk="id",
        not_null={"url", "reason", "fetched_at"},
        foreign_keys=[("raw_page_id", "raw_pages", "id"), ("run_id", "crawl_runs", "id")],
    )


@migrations()
def m002_articles_fts(db: Database) -> None:
    """Index title, lead and text with FTS5; rewrite the index only when those columns change."""
    articles = db.table("articles")
    articles.enable_fts(FTS_COLUMNS, tokenize=FTS_TOKENIZE, create_triggers=False)
    # sqlite-utils' own triggers fire on every UPDATE; these fire only when an indexed column is
    # set, so refreshing last_seen or views leaves the index alone (perf-notes: re-writing the
    # index on unchanged rows bloats the file).
    db.executescript(
        """
        CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
          INSERT INTO articles_fts (rowid, title, lead, text)
          VALUES (new.id, new.title, new.lead, new.text);
        END;
        CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, lead, text)
          VALUES ('delete', old.id, old.title, old.lead, old.text);
        END;
        CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, lead, text ON articles BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, lead, text)
          VALUES ('delete', old.id, old.title, old.lead, old.text);
          INSERT INTO articles_fts (rowid, title, lead, text)
          VALUES (new.id, new.title, new.lead, new.text);
        END;
        """
    )


@migrations()
def m003_query_indexes(db: Database) -> None:
    """Add the indexes the idempotent writes and the analysts' queries need."""
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["edition", "published_utc"])  # stats per edition and day
    db.table("articles").create_index(["lang", "published_utc"])  # search --lang, stats languages
    db.table("articles").create_index(["published_utc"])  # --since / --until
    db.table("articles").create_index(["views"])  # top --by views
    db.table("article_versions").create_index(["article_id", "version"], unique=True)
    db.table("editions").create_index(["story_id"])
    db.table("editions").create_index(["article_id"])
    db.table("links").create_index(["from_article_id", "kind", "position"])
    db.table("links").create_index(["target_article_id"])
    db.table("view_observations").create_index(["article_id", "observed_at"])
    db.table("view_observations").create_index(["seen_on_article_id", "observed_at"])
    db.table("quarantine").create_index(["reason"])
    db.table("quarantine").create_index(["url"])
    # Partial indexes over the rows still waiting for their target to be archived: small, and
    # what resolves them when it arrives.
    db.executescript(
        """
        CREATE INDEX idx_links_unresolved ON links (target_url)
          WHERE target_article_id IS NULL;
        CREATE INDEX idx_view_observations_unresolved_url ON view_observations (url)
          WHERE article_id IS NULL;
        CREATE INDEX idx_view_observations_unresolved_title ON view_observations (title)
          WHERE article_id IS NULL AND url IS NULL;
        """
    )


@migrations()
def m004_version_cause(db: Database) -> None:
    """Say why each version was recorded: a crawl fetched it, or `reparse` re-extracted it."""
    db.table("article_versions").add_column("cause", str)
    db.execute("UPDATE article_versions SET cause = 'crawl'")


@migrations()
def m005_index_new_articles_per_batch(db: Database) -> None:
    """Index new articles per batch (archive.store.index_articles) instead of per row.

    FTS5 flushes its pending terms at every statement savepoint, so the per-row insert trigger
    made every article its own index segment: three times the cost of indexing a batch. The
    update and delete triggers stay, so any writer keeps the index in sync on those.
    """
    db.execute("DROP TRIGGER articles_fts_ai")


# FILL_FIELDS (newsbot.items): the columns `archive stats` reports, in the bit order of articles.filled.


@migrations()
def m006_stats_indexes(db: Database) -> None:
    """Let stats read indexes only: a fill bitmask column, languages, and articles with problems.

    A full scan of 100,000 articles read most of their text pages and took a second; these
    covering indexes answer the same counts from a few megabytes.
    """
    filled = " | ".join(f"(({name} IS NOT NULL) << {bit})" for bit, name in enumerate(FILL_FIELDS))
    db.execute(f"ALTER TABLE articles ADD COLUMN filled INTEGER GENERATED ALWAYS AS ({filled}) VIRTUAL")
    db.table("articles").create_index(["filled"])
    db.table("articles").create_index(["edition", "lang_declared", "lang_detected"])
    db.execute("CREATE INDEX idx_articles_problems ON articles (problems) WHERE problems IS NOT NULL")


@migrations()
def m007_dateline_and_subheads(db: Database) -> None:
    """Keep what real unn.ua pages print around the story (issue 15): the dateline's place
    ("Kyiv" of "Kyiv • UNN") and the subheads ("Details", "Нагадаємо") as JSON [[text, position]],
    position being the index of the paragraph the subhead follows. Both are metadata, not content.
    """
    db.execute("ALTER TABLE articles ADD COLUMN dateline TEXT")
    db.execute("ALTER TABLE articles ADD COLUMN subheads TEXT")
    # The UTC offset that reconciles the visible publication clock with the machine time
    # (newsbot.text.zone_check): the evidence for the per-site zone of visible times.
    db.execute("ALTER TABLE articles ADD COLUMN visible_offset_minutes INTEGER")


@migrations()
def m008_warc_records(db: Database) -> None:
    """Keep where each page imported from a WARC file came from (`newsbot archive import-warc`).

    One row per response record that reached the archive: its file, offset and record ID (so a
    second import of the file passes over it), what the archive did with it, and the raw page that
    holds its bytes (none when the article was already archived unchanged).
    """
    db.table("warc_records").create(
        {
            "id": int,
            "warc_file": str,  # the file's name, without its folder
            "warc_offset": int,  # where the record (its gzip member) starts in the file
            "warc_length": int,  # bytes it spans there
            "record_id": str,  # WARC-Record-ID, "<urn:uuid:...>"
            "url": str,  # WARC-Target-URI
            "warc_date": str,  # WARC-Date: the page's fetch time, ISO 8601 UTC
            "outcome": str,  # the store outcome: articles_new, articles_unchanged, quarantined, ...
            "raw_page_id": int,
            "run_id": int,  # the crawl_runs row of the import
        },
        pk="id",
        not_null={"warc_file", "warc_offset", "url", "warc_date", "outcome"},
        foreign_keys=[("raw_page_id", "raw_pages", "id"), ("run_id", "crawl_runs", "id")],
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_warc_records_record_id ON warc_records (record_id)"
        " WHERE record_id IS NOT NULL"
    )
    db.table("warc_records").create_index(["warc_file", "warc_offset"])
    db.table("warc_records").create_index(["raw_page_id"])


LIST_LEAD_CHARS = 200  # articles_list cuts the lead here, so each row stays a line or two tall


@migrations()
def m009_articles_list_view(db: Database) -> None:
    """Add articles_list: one short row per article, for browsing (Datasette opens on it).

    articles has 37 columns, the title 13th, and the full text makes each row a screen tall; this
    view has the columns an analyst scans first, and the lead cut to LIST_LEAD_CHARS characters.
    """
    db.execute(
        f"""
        CREATE VIEW articles_list AS
        SELECT id, published_utc, edition, lang, title, views, url,
          CASE WHEN length(lead) > {LIST_LEAD_CHARS} THEN substr(lead, 1, {LIST_LEAD_CHARS - 1}) || '…'
               ELSE lead END AS lead,
          version, last_seen
        FROM articles
        """
    )
