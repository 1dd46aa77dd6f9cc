"""Tests for the analyst's reading of `newsbot archive` output: diffs, fitted tables, counts,
periods, forgiving URL look-ups, the quarantine, raw pages, and --db in either place.

Every test runs the real command (click's CliRunner) on a real archive file built in tmp_path.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from archive.db import open_archive
from newsbot.cli import main
from newsbot.cli.output import fit_widths, fitted_table
from tests.support.factories import BIDEN, EN, UK, build_archive, make_article, quarantined, teaser


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("analyst") / "archive.db"
    build_archive(path)
    return path


def run(*args: str, code: int = 0, columns: int = 200):
    result = CliRunner().invoke(main, ["archive", *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == code, result.output
    return result


def run_json(*args: str):
    return json.loads(run(*args, "--json").output)


# --- history: a word-level diff ----------------------------------------------------------------

LONG = [f"Paragraph {n} says something about the talks in Beijing and what followed." for n in range(12)]


def test_history_shows_the_words_that_changed_in_a_long_text_not_its_first_characters(tmp_path):
    path = tmp_path / "archive.db"
    archive = open_archive(path)
    url = "https://unn.ua/en/news/edited"
    archive.store_article(make_article(url, paragraphs=LONG))
    edited = [*LONG]
    edited[9] = edited[9].replace("what followed", "what the ministry denied")
    archive.store_article(make_article(url, paragraphs=edited, fetched_at=datetime(2024, 4, 11, tzinfo=UTC)))
    archive.close()

    output = run("--db", str(path), "history", url).output
    (line,) = [line for line in output.splitlines() if line.startswith("  text:")]
    assert "[-followed.-] {+the ministry denied.+}" in line
    assert "Beijing and what [-followed.-]" in line  # the words just before the edit, for context
    assert "…(" in line and "words)…" in line  # the unchanged paragraphs are folded
    assert len(line) < 200
    assert "Paragraph 0 " not in line


# --- tables fit the terminal ------------------------------------------------------------------


def test_fit_widths_shrinks_the_widest_column_first_and_keeps_minimums():
    assert fit_widths([40, 10, 100], [40, 10, 16], 100) == [40, 10, 46]
    assert fit_widths([40, 60, 60], [40, 16, 16], 100) == [40, 28, 28]
    assert fit_widths([90, 30], [90, 16], 80) == [90, 16]  # cannot fit: minimums, the line runs long


def test_fitted_table_wraps_long_cells_and_keeps_urls_whole():
    rows = [{"url": "https://unn.ua/en/news/" + "x" * 30, "views": 5, "title": "word " * 30}]
    lines = fitted_table(rows, ["url", "views", "title"], width=90, keep_whole=["url"])
    assert all(len(line) <= 90 for line in lines)
    assert rows[0]["url"] in lines[2]
    assert len(lines) == 2 + 3  # header, rule, and the title wrapped over three lines
    assert lines[-1].rstrip().endswith("…")
    whole = fitted_table(rows, ["url", "views", "title"], width=None)
    assert len(whole) == 3 and rows[0]["title"].strip() in whole[2]


def test_urls_too_long_to_share_a_line_go_under_their_row_whole():
    url = "https://unn.ua/en/news/" + "a-long-slug-" * 8
    rows = [{"views": 5, "url": url, "title": "Drone strike on Sumy region injures residents"}]
    lines = fitted_table(rows, ["views", "url", "title"], width=80, keep_whole=["url"])
    assert lines[0] == "(url under each row)"
    assert lines[1].split() == ["views", "title"]
    assert lines[3].split() == ["5", "Drone", "strike", "on", "Sumy", "region", "injures", "residents"]
    assert lines[4] == "  " + url
    assert all(len(line) <= 80 for line in lines if line.strip() != url)


def test_tables_fit_the_terminal_width_and_wide_prints_cells_whole(tmp_path):
    path = tmp_path / "archive.db"
    archive = open_archive(path)
    long_title = "A very long headline about " + "the many ministers who met in Beijing " * 4
    for n in range(3):
        archive.store_article(make_article(f"https://unn.ua/en/news/n{n}", title=long_title, views=10 + n))
    archive.close()
    fitted = run("--db", str(path), "top", columns=120).output.splitlines()
    assert max(len(line) for line in fitted) <= 120
    assert any(line.rstrip().endswith("…") for line in fitted)
    wide = run("--db", str(path), "top", "--wide", columns=120).output
    assert long_title.strip() in wide


# --- counts ---------------------------------------------------------------------------------


def test_search_and_top_end_with_a_result_count(db):
    assert run("--db", str(db), "search", "Лавров*").output.splitlines()[-1] == "2 results"
    limited = run("--db", str(db), "search", "Лавров*", "--limit", "1").output.splitlines()[-1]
    assert limited == "1 result (the first 1: raise --limit for more)"
    assert run("--db", str(db), "top").output.splitlines()[-1] == "3 articles"
    assert run("--db", str(db), "search", "nothingmatches").output.splitlines()[-2:] == [
        "(none)",
        "0 results",
    ]


# --- stats groups days --------------------------------------------------------------------


def archive_spread_over(path, days: int, every: int):
    archive = open_archive(path)
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    count = 0
    for offset in range(0, days, every):
        for edition in ("uk", "en"):
            archive.store_article(
                make_article(
                    f"https://unn.ua/{edition}/news/d{offset}",
                    edition=edition,
                    published_utc=start + timedelta(days=offset),
                )
            )
            count += 1
    archive.close()
    return count


def test_stats_of_a_few_days_counts_per_day_with_a_column_per_edition(db):
    output = run("--db", str(db), "stats").output
    assert "articles per day" in output
    lines = output.splitlines()
    header = lines[lines.index("articles per day") + 1].split()
    assert header == ["day", "en", "ru", "uk", "total"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[lines.index("articles per day") + 3 :][:4]}
    assert rows == {
        "2024-04-02": ["0", "0", "1", "1"],
        "2024-04-09": ["1", "0", "1", "2"],
        "undated": ["0", "1", "0", "1"],
        "total": ["1", "1", "2", "4"],
    }


def test_stats_of_months_counts_per_week_and_of_years_per_month(tmp_path):
    weeks = tmp_path / "weeks.db"
    total = archive_spread_over(weeks, days=120, every=3)  # 40 days x 2 editions over four months
    grouped = run_json("--db", str(weeks), "stats")["articles_per_week"]
    assert grouped[0] == {"week": "week of 2024-01-01", "en": 3, "uk": 3, "total": 6}  # Jan 1, 4, 7
    assert grouped[-1] == {"week": "total", "en": total // 2, "uk": total // 2, "total": total}
    assert len(grouped) == 17 + 1  # the last article is on day 117: Saturday of the 17th week
    assert "articles per week" in run("--db", str(weeks), "stats").output

    months = tmp_path / "months.db"
    total = archive_spread_over(months, days=400, every=10)
    table = run_json("--db", str(months), "stats")["articles_per_month"]
    assert [row["month"] for row in table][:3] == ["2024-01", "2024-02", "2024-03"]
    assert table[0]["total"] == 8  # Jan 1, 11, 21, 31 in two editions
    assert table[-1]["total"] == total
    by_day = run_json("--db", str(months), "stats", "--by", "day")["articles_per_day"]
    assert len(by_day) == 40 + 1


# --- URL look-ups --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pasted",
    [
        UK + "/",
        UK.replace("https://", "http://"),
        UK + "?utm_source=facebook&utm_medium=social",
        UK + "/?fbclid=IwAR2x",
        "https://unn.ua/amp/news/lavrov",
    ],
)
def test_views_and_history_accept_the_url_as_shared(db, pasted):
    assert [r["views"] for r in run_json("--db", str(db), "views", pasted)] == [100, 180, 250]
    assert len(run_json("--db", str(db), "history", pasted)) == 2
    assert run_json("--db", str(db), "links", pasted)["editions"]


def test_views_of_a_url_seen_only_in_teasers_shows_the_teasers_counts(tmp_path):
    path = tmp_path / "archive.db"
    archive = open_archive(path)
    only_teased = "https://unn.ua/news/never-fetched"
    for hour, views in ((8, 12), (14, 31)):
        archive.store_article(
            make_article(
                fetched_at=datetime(2024, 4, 10, hour, tzinfo=UTC),
                related=[teaser("Never fetched itself", only_teased, views=views)],
            )
        )
    archive.close()
    rows = run_json("--db", str(path), "views", only_teased + "/")
    assert [(r["views"], r["source"]) for r in rows] == [(12, "news-by-theme"), (31, "news-by-theme")]
    assert "no archived article" in run("--db", str(path), "history", only_teased, code=1).output


# --- quarantine, raw -----------------------------------------------------------------------


def test_quarantine_lists_reason_counts_and_the_pages(db):
    data = run_json("--db", str(db), "quarantine")
    assert [(r["reason"], r["pages"]) for r in data["reasons"]] == [("no title", 2), ("empty body", 1)]
    assert {r["url"] for r in data["pages"]} == {f"https://unn.ua/news/{x}" for x in "abc"}
    assert all(r["bytes"] == len(b"<html>?</html>") for r in data["pages"])
    only = run_json("--db", str(db), "quarantine", "--reason", "empty body")["pages"]
    assert [r["url"] for r in only] == ["https://unn.ua/news/c"]
    assert run("--db", str(db), "quarantine").output.splitlines()[-1] == "3 pages"


def test_raw_writes_an_articles_stored_page_and_a_quarantined_one(db, tmp_path):
    out = tmp_path / "page.html"
    result = run("--db", str(db), "raw", BIDEN + "/", "-o", str(out))
    assert out.read_bytes() == f"<html><body>{BIDEN}</body></html>".encode()
    assert "article, HTTP 200" in result.output
    run("--db", str(db), "raw", "https://unn.ua/news/b", "-o", str(out))
    assert out.read_bytes() == b"<html>?</html>"
    missing = run("--db", str(db), "raw", "https://unn.ua/news/zzz", "-o", str(out), code=1)
    assert "no stored page for https://unn.ua/news/zzz" in missing.output


# --- --db on the group or the subcommand ------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["stats"], ["search", "Лавров*"], ["top"], ["views", EN], ["quarantine"]]
)
def test_db_after_the_subcommand_means_the_same_as_before_it(db, command):
    before = run("--db", str(db), *command, "--json").output
    after = run(*command, "--db", str(db), "--json").output
    assert before == after


def test_db_after_the_subcommand_names_a_missing_file_in_the_error(tmp_path):
    missing = tmp_path / "none.db"
    result = run("stats", "--db", str(missing), code=1)
    assert str(missing) in result.output
    assert not missing.exists()


# --- reparse --quarantined ---------------------------------------------------------------------


def test_reparse_quarantined_archives_pages_that_now_parse_and_keeps_the_rest(tmp_path):
    from newsbot.items import QuarantinedPage, RawPage
    from newsbot.replay import load_fixture
    from tests.test_cli_archive import FIXTURE

    fixture = load_fixture(FIXTURE)
    path = tmp_path / "archive.db"
    archive = open_archive(path)
    # An older extractor could not read this real page: it was quarantined with its bytes.
    page = RawPage(
        url=fixture.url,
        status=200,
        headers=fixture.headers,
        body=fixture.body(),
        fetched_at=fixture.fetched_at,
    )
    archive.store_quarantine(QuarantinedPage(url=fixture.url, reason="no title", page=page))
    archive.store_quarantine(quarantined("https://unn.ua/news/broken", "no title"))
    archive.close()

    rows = run_json("--db", str(path), "reparse", "--quarantined")
    outcomes = {row["outcome"] for row in rows}
    assert outcomes == {"new", "unparseable"}
    (archived,) = [row for row in rows if row["outcome"] == "new"]
    assert "china" in archived["url"]
    assert run_json("--db", str(path), "stats")["articles"] == 1
    assert run_json("--db", str(path), "search", "Lavrov")[0]["url"] == archived["url"]
    left = run_json("--db", str(path), "quarantine")["pages"]
    assert [row["url"] for row in left] == ["https://unn.ua/news/broken"]
    # the archived page's bytes are the quarantined ones, still there
    out = tmp_path / "page.html"
    run("--db", str(path), "raw", archived["url"], "-o", str(out))
    assert out.read_bytes() == fixture.body()
    # nothing more to do the second time: only the page that still fails is tried
    again = run("--db", str(path), "reparse", "--quarantined").output.strip().splitlines()[-1]
    assert again == "1 unparseable"
