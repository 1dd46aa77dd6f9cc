"""Tests for `newsbot archive`: every command on a small archive built in tmp_path."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import open_archive
from newsbot.cli import main
from tests.support.factories import BIDEN, EN, RU, UK, build_archive, make_article, quarantined

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "archive.db"
    build_archive(path)
    return path


def run(db, *args: str, code: int = 0, columns: int = 200):
    result = CliRunner().invoke(main, ["archive", "--db", str(db), *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == code, result.output
    return result


def run_json(db, *args: str):
    return json.loads(run(db, *args, "--json").output)


# --- search ------------------------------------------------------------------------------


def test_search_finds_cyrillic_words_by_prefix_in_any_case(db):
    assert [row["url"] for row in run_json(db, "search", "україн*")] == [UK]
    assert [row["url"] for row in run_json(db, "search", "ПЕКІН*")] == [UK]


def test_search_filters_by_language_and_dates(db):
    hits = run_json(db, "search", "Пекін* OR Beijing")  # OR is searched as a word: no hit
    assert hits == []
    assert [r["url"] for r in run_json(db, "search", "cooperation", "--lang", "en")] == [EN]
    assert run_json(db, "search", "cooperation", "--lang", "uk") == []
    assert [r["url"] for r in run_json(db, "search", "говорив", "--until", "2024-04-02")] == [BIDEN]
    assert run_json(db, "search", "говорив", "--since", "2024-04-03") == []


def test_search_matches_quoted_phrases_and_limits(db):
    assert [r["url"] for r in run_json(db, "search", '"discussed cooperation"')] == [EN]
    assert run_json(db, "search", '"cooperation discussed"') == []
    assert len(run_json(db, "search", "Лавров*", "--limit", "1")) == 1


def test_search_table_shows_title_and_marked_snippet(db):
    output = run(db, "search", "засудила").output
    assert "Лавров і Ван Ї у Пекіні" in output
    assert "[засудила]" in output


def test_search_csv_has_a_header_and_one_row_per_hit(db):
    rows = list(csv.DictReader(io.StringIO(run(db, "search", "Ukraine", "--csv").output)))
    assert [row["url"] for row in rows] == [EN]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unbalanced', "unbalanced double quote"),
        ("*", "bare *"),
        ("Пекін* *", "bare *"),
        ("   ", "empty"),
    ],
)
def test_malformed_search_is_a_one_line_error_with_status_2(db, query, message):
    result = run(db, "search", query, code=2)
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("query", ["NEAR(", "title:", "a AND", "^x", "a -(", "OR", "'"])
def test_fts_operators_in_user_input_are_searched_as_text(db, query):
    assert run_json(db, "search", query) == []


def test_punctuation_around_a_word_is_ignored(db):
    assert [row["url"] for row in run_json(db, "search", "(Пекіні),")] == [UK]


# --- stats, top ----------------------------------------------------------------------------


def test_stats_counts_editions_days_languages_fill_rates_and_quarantine(db):
    stats = run_json(db, "stats")
    assert stats["articles"] == 4
    assert {(r["edition"], r["day"]): r["articles"] for r in stats["per_edition_day"]} == {
        ("uk", "2024-04-02"): 1,
        ("uk", "2024-04-09"): 1,
        ("en", "2024-04-09"): 1,
        ("ru", "undated"): 1,
    }
    languages = {
        (r["edition"], r["lang_declared"], r["lang_detected"]): r["articles"] for r in stats["languages"]
    }
    assert languages == {("uk", "uk", "uk"): 2, ("en", "en", "en"): 1, ("ru", "ru", "uk"): 1}
    rates = {r["field"]: r["rate"] for r in stats["fill_rates"]}
    assert rates["title"] == 1.0
    assert rates["published_utc"] == 0.75
    assert rates["views"] == 0.75
    assert rates["lead"] == 0.0
    assert stats["problems"] == [{"field": "published", "reason": "no date on the page", "articles": 1}]
    assert stats["quarantine"] == [
        {"reason": "no title", "pages": 2},
        {"reason": "empty body", "pages": 1},
    ]


def test_stats_table_and_csv(db):
    assert "fill rates" in run(db, "stats").output
    rows = list(csv.DictReader(io.StringIO(run(db, "stats", "--csv").output)))
    assert {"section": "articles", "row": "0", "column": "articles", "value": "4"} in rows


def test_top_by_views_orders_by_the_latest_own_page_count(db):
    rows = run_json(db, "top", "--by", "views")
    assert [(r["url"], r["views"]) for r in rows] == [(BIDEN, 900), (UK, 250), (EN, 40)]
    assert [r["url"] for r in run_json(db, "top", "--lang", "en")] == [EN]


# --- views, links, history ------------------------------------------------------------------


def test_views_is_the_time_series_from_own_page_and_teasers(db):
    rows = run_json(db, "views", UK)
    assert [(r["observed_at"], r["views"], r["source"], r["seen_on"]) for r in rows] == [
        ("2024-04-09T14:00:00Z", 100, "page", UK),
        ("2024-04-09T18:00:00Z", 180, "news-by-theme", EN),
        ("2024-04-10T09:00:00Z", 250, "page", UK),
    ]


def test_views_of_an_unknown_url_is_a_one_line_error(db):
    result = run(db, "views", "https://unn.ua/news/nowhere", code=1)
    assert result.output.strip() == (
        "Error: no archived article at https://unn.ua/news/nowhere, and no teaser links to it"
    )


def test_links_shows_links_out_in_and_the_other_editions(db):
    links = run_json(db, "links", EN)
    assert [(r["kind"], r["target_url"], r["archived"]) for r in links["out"]] == [
        ("inline", BIDEN, 1),
        ("news-by-theme", UK, 1),
    ]
    assert links["in"] == []
    assert [(r["lang"], r["url"], r["archived"]) for r in links["editions"]] == [
        ("ru", RU, 1),
        ("uk", UK, 1),
    ]
    into_biden = run_json(db, "links", BIDEN)["in"]
    assert [(r["from_url"], r["kind"]) for r in into_biden] == [(EN, "inline")]


def test_history_lists_versions_and_the_changed_title(db):
    versions = run_json(db, "history", UK)
    assert [(v["version"], v["seen_at"], v["changed"]) for v in versions] == [
        (1, "2024-04-09T14:00:00Z", None),
        (2, "2024-04-10T09:00:00Z", ["title"]),
    ]
    assert versions[1]["before"] == {"title": "Лавров зустрівся з Ван Ї у Пекіні"}
    assert versions[1]["after"] == {"title": "Лавров і Ван Ї у Пекіні"}
    output = run(db, "history", UK).output
    assert "version 2" in output
    assert "title: Лавров [-зустрівся з-] {+і+} Ван Ї у Пекіні" in output


# --- export ---------------------------------------------------------------------------------


def test_export_jsonl_streams_every_article_with_decoded_lists(db):
    lines = run(db, "export").output.splitlines()
    articles = [json.loads(line) for line in lines]
    assert [a["url"] for a in articles] == [UK, EN, BIDEN, RU]
    assert articles[3]["problems"] == {"published": "no date on the page"}
    assert articles[0]["text"] == "Україна засудила цю зустріч.\n\nСторони говорили про співпрацю."


def test_export_csv_with_filters_and_query(db, tmp_path):
    out = tmp_path / "uk.csv"
    run(db, "export", "--format", "csv", "--edition", "uk", "--since", "2024-04-05", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["url"] for row in rows] == [UK]
    lines = run(db, "export", "--query", "Пекін*").output.splitlines()
    assert [json.loads(line)["url"] for line in lines] == [UK]


# --- chart, migrate, bad files ---------------------------------------------------------------


def test_chart_views_writes_a_png(db, tmp_path):
    pytest.importorskip("matplotlib", reason="charts are an optional extra (pip install -e '.[chart]')")
    out = tmp_path / "views.png"
    run(db, "chart", "views", UK, "-o", str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 5000


def test_migrate_creates_an_archive_that_readers_accept(tmp_path):
    path = tmp_path / "new.db"
    assert f"{path}: schema up to date" in run(path, "migrate").output
    assert run_json(path, "stats")["articles"] == 0


def test_reindex_makes_rows_added_by_hand_searchable(tmp_path):
    path = tmp_path / "archive.db"
    build_archive(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:  # an analyst's own INSERT
        conn.execute(
            "INSERT INTO articles (url, site, edition, title, text, first_seen, last_seen, content_hash)"
            " VALUES ('https://unn.ua/news/by-hand', 'unn', 'uk', 'Рукописна замітка', 'Жовтогарячий',"
            " '2024-04-10T00:00:00Z', '2024-04-10T00:00:00Z', 'x')"
        )
    assert run_json(path, "search", "жовтогаряч*") == []
    before = {row["url"] for row in run_json(path, "search", "Пекін*")}
    result = run(path, "reindex")
    assert result.output.startswith(f"{path}: 5 articles indexed for search in ")
    assert [row["url"] for row in run_json(path, "search", "жовтогаряч*")] == ["https://unn.ua/news/by-hand"]
    assert {row["url"] for row in run_json(path, "search", "Пекін*")} == before == {UK}


def test_a_file_that_is_not_an_archive_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database\n" * 100)
    before = path.read_bytes()
    for args in (["stats"], ["migrate"], ["search", "x"]):
        result = run(path, *args, code=1)
        assert "is not a newsbot archive" in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert path.read_bytes() == before


def test_a_missing_archive_is_a_one_line_error(tmp_path):
    result = run(tmp_path / "missing.db", "stats", code=1)
    assert result.output.strip() == f"Error: no archive at {tmp_path / 'missing.db'}"


# --- a reader while a crawl writes -----------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    sys.path[:0] = sys.argv[2:]
    from tests.support.factories import make_article
    from archive.db import open_archive

    archive = open_archive(sys.argv[1])
    with archive.transaction():
        archive.store_article(make_article("https://unn.ua/news/uncommitted", title="Новина"))
        print("holding", flush=True)
        sys.stdin.readline()  # hold the write transaction open until told to commit
    print("committed", flush=True)
    archive.close()
    """
)


def test_a_reader_gets_a_consistent_answer_while_a_writer_holds_a_transaction(db, tmp_path):
    path = tmp_path / "busy.db"
    build_archive(path)
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(TESTS), str(TESTS.parent)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        assert writer.stdout.readline().strip() == "holding"
        # the reader neither waits for the writer nor sees its uncommitted article
        assert run_json(path, "stats")["articles"] == 4
        assert run_json(path, "search", "Новина") == []
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "committed"  # the reader blocked nothing
    assert writer.returncode == 0
    assert run_json(path, "stats")["articles"] == 5


# --- reparse --------------------------------------------------------------------------------

FIXTURE = TESTS.parent / "fixtures" / "unn" / "en-y2024-china-lavrov"


def stored_as_an_older_extractor_saw_it(path):
    """Archive the fixture page as if an older extractor had read a wrong title and no lead."""
    from newsbot.enrich import enrich_article
    from newsbot.pages import parse_page
    from newsbot.replay import load_fixture

    fixture = load_fixture(FIXTURE)
    article = enrich_article(
        parse_page(fixture.body(), fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers)
    )
    right = (article.url, article.title, article.lead, article.extractor_version)
    article.title = "Chinese foreign minister meets with Lavrov02.04.24, 19:59"
    article.lead = None
    article.extractor_version = "unn-0"
    archive = open_archive(path)
    archive.store_article(article)
    archive.store_quarantine(quarantined("https://unn.ua/news/broken", "no title"))
    archive.close()
    return right


def test_reparse_re_extracts_stored_pages_and_records_what_changed(tmp_path):
    path = tmp_path / "archive.db"
    url, title, lead, extractor_version = stored_as_an_older_extractor_saw_it(path)
    assert lead, "the fixture page has a lead for the re-extraction to restore"

    rows = run_json(path, "reparse")
    assert rows == [{"url": url, "outcome": "changed", "changed": "title, lead", "reason": None}]
    versions = run_json(path, "history", url)
    assert [(v["version"], v["cause"], v["extractor_version"]) for v in versions] == [
        (1, "crawl", "unn-0"),
        (2, "reparse", extractor_version),
    ]
    assert versions[1]["after"] == {"title": title, "lead": lead}
    exported = json.loads(run(path, "export").output)
    assert (exported["title"], exported["extractor_version"]) == (title, extractor_version)

    # the same extractor again finds nothing new; the table output ends with the counts
    assert run(path, "reparse").output.strip().endswith("1 unchanged")
    assert run_json(path, "stats")["articles"] == 1


def test_reparse_reports_a_page_that_no_longer_parses_and_keeps_the_article(tmp_path):
    path = tmp_path / "archive.db"
    archive = open_archive(path)
    article = make_article()
    article.page.body = b"\x00\x01 not html at all"
    archive.store_article(article)
    archive.close()
    (row,) = run_json(path, "reparse")
    assert row["outcome"] == "unparseable"
    assert row["reason"]
    assert run_json(path, "stats")["articles"] == 1


def test_reparse_of_an_unknown_url_is_a_one_line_error(tmp_path):
    path = tmp_path / "archive.db"
    stored_as_an_older_extractor_saw_it(path)
    result = run(path, "reparse", "--url", "https://unn.ua/news/nowhere", code=1)
    assert (
        result.output.strip()
        == "Error: no archived article with a stored page at https://unn.ua/news/nowhere"
    )
