"""Archive.store_items: new articles written together must leave exactly what one-by-one stores leave."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from archive.db import open_archive
from newsbot.items import NotModified
from tests.support.factories import FETCHED, cross_link, make_article, quarantined, teaser

A = "https://unn.ua/news/1-alpha"
A_EN = "https://unn.ua/en/news/1-alpha"
A_RU = "https://unn.ua/ru/news/1-alpha"
B = "https://unn.ua/news/2-beta"
B_EN = "https://unn.ua/en/news/2-beta"
C = "https://unn.ua/news/3-gamma"
D = "https://unn.ua/news/4-delta"
E = "https://unn.ua/news/5-epsilon"
E_EN = "https://unn.ua/en/news/5-epsilon"
LATER = FETCHED + timedelta(hours=3)

# Every table the schema has, in the order a dump compares them (rowid order within each).
TABLES = (
    "crawl_runs",
    "raw_pages",
    "articles",
    "article_versions",
    "stories",
    "editions",
    "links",
    "view_observations",
    "quarantine",
)


def article(url: str, title: str, minutes: int = 0, **fields):
    edition = "en" if "/en/" in url else "ru" if "/ru/" in url else "uk"
    return make_article(
        url,
        title=title,
        edition=edition,
        fetched_at=FETCHED + timedelta(minutes=minutes),
        paragraphs=[f"{title} story text.", "Second paragraph."],
        **fields,
    )


def chunks() -> list[list]:
    """A crawl's items in the chunks a pipeline hands the archive: links forward, backward and to
    the page itself, a count matched by title only, stories that merge, a repeat within a chunk, a
    changed recrawl, a quarantined page and a 304 between new articles."""
    alpha = article(
        A,
        "Alpha",
        views=10,
        alternates={"uk": A, "en": A_EN, "ru": A_RU, "x-default": A},
        cross_links=[cross_link("Beta", B, position=1), cross_link("No link")],
        related=[
            teaser("Gamma", C, views=5),
            teaser("Epsilon", views=7),  # no URL: matched by title when "Epsilon" arrives
            teaser("Alpha", A, views=10, block="latest"),  # the page itself
            teaser("Old story", "https://unn.ua/news/0-old"),
        ],
    )
    beta = article(
        B,
        "Beta",
        1,
        alternates={"uk": B, "en": B_EN},
        cross_links=[cross_link("Alpha", A, views=11)],
        related=[teaser("Epsilon", views=8), teaser("Delta", D, views=2)],
    )
    gamma = article(C, "Gamma", 2, alternates={"uk": C, "en": A_EN})  # joins Alpha's story
    # Epsilon's rail lists Epsilon itself without a link: not matched to the page it is read on.
    epsilon = article(
        E, "Epsilon", 3, views=3, alternates={"uk": E, "en": E_EN}, related=[teaser("Epsilon", views=6)]
    )
    # Delta names Beta's and Epsilon's English editions: their two stories merge into one.
    delta = article(
        D, "Delta", 4, alternates={"uk": D, "en": B_EN, "ru": E_EN}, related=[teaser("Epsilon", views=9)]
    )
    alpha_changed = article(
        A,
        "Alpha, updated",
        30,
        views=40,
        alternates={"uk": A, "en": A_EN},
        cross_links=alpha.cross_links,
        related=alpha.related,
    )
    return [
        [alpha, beta, quarantined("https://unn.ua/news/9-broken", "no story text"), gamma],
        [epsilon, alpha, NotModified(B, LATER), delta, article(A_EN, "Alpha in English", 5, views=1)],
        [article(B_EN, "Beta in English", 6), alpha_changed, alpha_changed],
    ]


def dump(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        tables = {table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in TABLES}
        tables["search alpha"] = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'alpha' ORDER BY rowid"
        ).fetchall()
        tables["search text"] = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'paragraph' ORDER BY rowid"
        ).fetchall()
    return tables


def store(path: Path, batches: list[list], *, together: bool) -> list:
    """Store each batch in a transaction, with store_items (together) or store_item one by one;
    return the outcomes, an error as its class."""
    archive = open_archive(path)
    run = archive.start_run("unn", {}, FETCHED)
    outcomes = []
    with archive:
        for batch in batches:
            with archive.transaction():
                if together:
                    results = archive.store_items(batch, run)
                else:
                    results = []
                    for item in batch:
                        try:
                            results.append(archive.store_item(item, run))
                        except sqlite3.Error as error:
                            results.append(error)
            outcomes += [type(result) if isinstance(result, Exception) else result for result in results]
    return outcomes


def test_new_articles_stored_together_leave_the_rows_one_by_one_stores_leave(tmp_path: Path) -> None:
    one_by_one = store(tmp_path / "one.db", chunks(), together=False)
    together = store(tmp_path / "chunks.db", chunks(), together=True)
    assert together == one_by_one
    assert together == [
        "articles_new",
        "articles_new",
        "quarantined",
        "articles_new",
        "articles_new",
        "articles_unchanged",
        "not_modified",
        "articles_new",
        "articles_new",
        "articles_new",
        "articles_changed",
        "articles_unchanged",
    ]
    expected, written = dump(tmp_path / "one.db"), dump(tmp_path / "chunks.db")
    for table in expected:
        assert written[table] == expected[table], table


def test_the_scenario_resolves_what_the_pages_name(tmp_path: Path) -> None:
    """What the rows compared above say, read off the scenario rather than the code."""
    store(tmp_path / "chunks.db", chunks(), together=True)
    with sqlite3.connect(tmp_path / "chunks.db") as conn:
        ids = dict(conn.execute("SELECT url, id FROM articles"))
        # Alpha's link to Beta (stored after it) and its teaser to itself point at the articles.
        links = dict(
            conn.execute(
                "SELECT target_url, target_article_id FROM links"
                " WHERE from_article_id = ? AND target_url IS NOT NULL",
                (ids[A],),
            )
        )
        assert links == {B: ids[B], C: ids[C], A: ids[A], "https://unn.ua/news/0-old": None}
        # URL-less "Epsilon" counts are matched by title when Epsilon arrives: Beta's, read before,
        # is; Delta's and Alpha's, read after (Alpha's first fetch was stored again after it,
        # replacing its rows), wait for another arrival.
        epsilon = conn.execute(
            "SELECT seen_on_article_id, observed_at, article_id FROM view_observations"
            " WHERE title = 'Epsilon' AND url IS NULL ORDER BY id"
        ).fetchall()
        assert epsilon == [
            (ids[B], "2024-04-10T08:01:00Z", ids[E]),
            (ids[E], "2024-04-10T08:03:00Z", None),
            (ids[A], "2024-04-10T08:00:00Z", None),
            (ids[D], "2024-04-10T08:04:00Z", None),
            (ids[A], "2024-04-10T08:30:00Z", None),
        ]
        # Alpha and Gamma are one story; Beta, Delta and Epsilon another after the merge.
        stories = conn.execute(
            "SELECT group_concat(url, ' ') FROM (SELECT * FROM editions ORDER BY url)"
            " GROUP BY story_id ORDER BY 1"
        ).fetchall()
        assert sorted(sorted(row[0].split()) for row in stories) == [
            sorted([A, A_EN, A_RU, C]),
            sorted([B, B_EN, D, E, E_EN]),
        ]
        assert conn.execute("SELECT count(*) FROM stories").fetchone() == (2,)


def failing_chunks() -> list[list]:
    """New articles around one that cannot be stored (title is NOT NULL: it fails after its raw
    page and links were written), and one that names it."""
    return [
        [
            article(A, "Alpha", cross_links=[cross_link("Beta", B)]),
            article(B, None, 1, related=[teaser("Alpha", A, views=3)]),
            article(C, "Gamma", 2, related=[teaser("Beta", B, views=4)], alternates={"uk": C, "en": B}),
        ],
        [article(B, "Beta, fixed", 3)],
    ]


def test_a_bad_item_among_new_articles_is_rolled_back_alone(tmp_path: Path) -> None:
    together = store(tmp_path / "chunks.db", failing_chunks(), together=True)
    assert together == ["articles_new", sqlite3.IntegrityError, "articles_new", "articles_new"]
    assert store(tmp_path / "one.db", failing_chunks(), together=False) == together
    expected, written = dump(tmp_path / "one.db"), dump(tmp_path / "chunks.db")
    for table in expected:
        assert written[table] == expected[table], table
    with sqlite3.connect(tmp_path / "chunks.db") as conn:
        assert conn.execute("SELECT url FROM raw_pages ORDER BY id").fetchall() == [(A,), (C,), (B,)]
        assert conn.execute("SELECT count(*) FROM article_versions").fetchone() == (3,)
        # Gamma's teaser waited for Beta, and found it when the fixed page came.
        beta = conn.execute("SELECT id FROM articles WHERE url = ?", (B,)).fetchone()[0]
        assert conn.execute("SELECT target_article_id FROM links WHERE title = 'Beta'").fetchall() == [
            (beta,),
            (beta,),
        ]


def test_store_items_opens_its_own_transaction_when_none_is_open(tmp_path: Path) -> None:
    with open_archive(tmp_path / "archive.db") as archive:
        results = archive.store_items([article(A, "Alpha"), article(B, None, 1), article(C, "Gamma", 2)])
        assert [type(result) if isinstance(result, Exception) else result for result in results] == [
            "articles_new",
            sqlite3.IntegrityError,
            "articles_new",
        ]
        assert not archive.conn.in_transaction
        found = archive.conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'gamma'"
        ).fetchall()
        assert len(found) == 1


@pytest.mark.parametrize("size", [1, 2, 7])
def test_any_chunk_size_leaves_the_same_rows(tmp_path: Path, size: int) -> None:
    items = [item for batch in chunks() for item in batch]
    store(tmp_path / "one.db", [items], together=False)
    store(tmp_path / "chunks.db", [items[i : i + size] for i in range(0, len(items), size)], together=True)
    assert dump(tmp_path / "chunks.db") == dump(tmp_path / "one.db")


def test_a_story_made_after_a_merge_in_the_same_chunk_takes_the_id_one_by_one_stores_give(
    tmp_path: Path,
) -> None:
    """Gamma names Alpha's and Beta's English editions: Beta's story (the newest) merges into
    Alpha's and is deleted, so Delta's new story gets its id again, as SQLite gives it."""
    items = [
        article(A, "Alpha", alternates={"uk": A, "en": A_EN}),
        article(B, "Beta", 1, alternates={"uk": B, "en": B_EN}),
        article(C, "Gamma", 2, alternates={"uk": C, "en": A_EN, "ru": B_EN}),
        article(D, "Delta", 3),
    ]
    store(tmp_path / "one.db", [items], together=False)
    store(tmp_path / "chunks.db", [items], together=True)
    assert dump(tmp_path / "chunks.db") == dump(tmp_path / "one.db")
    with sqlite3.connect(tmp_path / "chunks.db") as conn:
        assert conn.execute("SELECT id, first_seen FROM stories ORDER BY id").fetchall() == [
            (1, "2024-04-10T08:00:00Z"),
            (2, "2024-04-10T08:03:00Z"),
        ]


def end_the_transaction_on(conn: sqlite3.Connection, title: str) -> None:
    """Make SQLite end the whole transaction (as a full disk can) when an article titled `title`
    is inserted: a temporary trigger on this connection only."""
    conn.execute(
        "CREATE TEMP TRIGGER end_transaction BEFORE INSERT ON articles"
        f" WHEN NEW.title = '{title}' BEGIN SELECT RAISE(ROLLBACK, 'transaction ended'); END"
    )


@pytest.mark.parametrize("open_transaction", [True, False])
def test_the_error_that_ends_the_transaction_is_the_result_of_every_later_item(
    tmp_path: Path, open_transaction: bool
) -> None:
    items = [article(A, "Alpha"), article(B, None, 1), article(C, "Fatal", 2), article(D, "Delta", 3)]
    with open_archive(tmp_path / "archive.db") as archive:
        end_the_transaction_on(archive.conn, "Fatal")
        if open_transaction:
            with contextlib.suppress(sqlite3.Error), archive.transaction():
                results = archive.store_items(items)
        else:
            results = archive.store_items(items)  # its own transaction: nothing to commit, no raise
        assert results[0] == "articles_new"
        assert isinstance(results[1], sqlite3.IntegrityError) and "NOT NULL" in str(results[1])
        assert [str(result) for result in results[2:]] == ["transaction ended", "transaction ended"]
        assert not archive.conn.in_transaction


def test_a_count_without_a_url_goes_to_the_first_article_of_its_title_stored_after_its_page(
    tmp_path: Path,
) -> None:
    """Within one chunk of new articles: Alpha's and the first Twin's counts of "Twin" (no URL)
    go to the first Twin stored after the page they were read on; Old's, stored before the chunk,
    to the first Twin of the chunk; the second Twin's own count of "Twin" waits."""
    twin_1, twin_2 = "https://unn.ua/news/7-twin", "https://unn.ua/news/8-twin"
    old = article(E, "Old", related=[teaser("Twin", views=1)])
    chunk = [
        article(A, "Alpha", 1, related=[teaser("Twin", views=2)]),
        article(twin_1, "Twin", 2, related=[teaser("Twin", views=3)]),
        article(twin_2, "Twin", 3, related=[teaser("Twin", views=4)]),
    ]
    store(tmp_path / "one.db", [[old], chunk], together=False)
    store(tmp_path / "chunks.db", [[old], chunk], together=True)
    assert dump(tmp_path / "chunks.db") == dump(tmp_path / "one.db")
    with sqlite3.connect(tmp_path / "chunks.db") as conn:
        ids = dict(conn.execute("SELECT url, id FROM articles"))
        counts = conn.execute(
            "SELECT views, article_id FROM view_observations WHERE title = 'Twin' ORDER BY views"
        ).fetchall()
    assert counts == [(1, ids[twin_1]), (2, ids[twin_1]), (3, ids[twin_2]), (4, None)]
