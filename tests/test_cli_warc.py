"""`newsbot archive import-warc` and `export --format warc` on real archive files and real WARC files."""

from __future__ import annotations

import fcntl
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.db import open_archive
from newsbot.cli import main
from tests.support.paths import EXTDATA, FIXTURES, REPO, fixtures_of_kind, need
from tests.support.warc_files import (
    Member,
    benchmark_pages,
    chunked,
    corrupt,
    cut_short,
    fixture_record,
    gzipped,
    record_bytes,
    write_members,
)

# Tables an import writes to; a second import of the same file must leave their row counts alone.
CONTENT_TABLES = (
    "articles",
    "article_versions",
    "raw_pages",
    "quarantine",
    "links",
    "view_observations",
    "editions",
    "stories",
    "warc_records",
)
BENCHMARK = EXTDATA / "article-extraction-benchmark"


def run(db: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(main, ["archive", "--db", str(db), *args])
    assert result.exit_code == code, result.output
    return result


def import_json(db: Path, *args: str, code: int = 0) -> dict:
    result = run(db, "import-warc", "--json", *args, code=code)
    return json.loads(result.stdout)


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in CONTENT_TABLES
        }


# --- a file of every kind of record ---------------------------------------------------------------

ARTICLES = fixtures_of_kind("article")
BAD = fixtures_of_kind("quarantine")
LISTINGS = fixtures_of_kind("listing")
FEEDS = fixtures_of_kind("feed")
# Pages that follow a damaged member: they must still be imported.
AFTER_DAMAGE = ARTICLES[:3]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """A .warc.gz of the fixture pages with records of every other kind, and damage, in between."""
    fetched = ARTICLES[0].fetched_at
    members = [Member("info", record_bytes("", kind="warcinfo"), "warcinfo")]
    for fixture in ARTICLES[3:] + BAD + LISTINGS + FEEDS:
        members.append(Member(fixture.url, fixture_record(fixture)))
    broken = ARTICLES[3]
    members += [
        Member(
            broken.url + "#request", record_bytes(broken.url, kind="request", fetched_at=fetched), "request"
        ),
        Member(
            broken.url + "#revisit", record_bytes(broken.url, kind="revisit", fetched_at=fetched), "revisit"
        ),
        Member(
            "https://unn.ua/img/logo.png",
            record_bytes(
                "https://unn.ua/img/logo.png",
                b"\x89PNG\r\n\x1a\n" + bytes(200),
                headers=[("Content-Type", "image/png")],
            ),
        ),
        Member(
            "https://unn.ua/news/old-address",
            record_bytes(
                "https://unn.ua/news/old-address",
                b"",
                status=301,
                headers=[("Location", "https://unn.ua/news/new-address")],
            ),
        ),
        Member(
            "https://unn.ua/news/truncated-by-crawler",
            record_bytes(
                "https://unn.ua/news/truncated-by-crawler",
                ARTICLES[4].body()[:3000],
                warc_headers={"WARC-Truncated": "length"},
            ),
        ),
        # A member cut short in the middle of the file, then one whose compressed bytes are damaged:
        # each is followed by a whole page that must still be read.
        Member("cut-middle", cut_short(fixture_record(ARTICLES[5]))),
        Member(AFTER_DAMAGE[0].url, fixture_record(AFTER_DAMAGE[0])),
        Member("corrupt", corrupt(fixture_record(ARTICLES[6]))),
        Member(AFTER_DAMAGE[1].url, fixture_record(AFTER_DAMAGE[1])),
        Member("garbage", b"this is not gzip data\r\n" * 4),
        Member(AFTER_DAMAGE[2].url, fixture_record(AFTER_DAMAGE[2])),
        # The download stopped half way through the last member.
        Member("cut-end", cut_short(fixture_record(ARTICLES[7]))),
    ]
    return write_members(tmp_path_factory.mktemp("warc") / "mixed.warc.gz", members).path


@pytest.fixture(scope="module")
def imported(mixed, tmp_path_factory) -> tuple[Path, dict, dict]:
    db = tmp_path_factory.mktemp("db") / "archive.db"
    first = import_json(db, str(mixed), "--progress", "0")
    return db, first, counts(db)


def test_import_counts_each_outcome(imported) -> None:
    _, summary, _ = imported
    total = summary["total"]
    # Articles stored: every article fixture (the three after the damage included); damaged ones not.
    assert total["articles"] == len(ARTICLES)
    assert total["stored"] == {"articles_new": len(ARTICLES), "quarantined": len(BAD)}
    assert total["skipped"] == {
        "not-response": 2,  # warcinfo, request
        "revisit": 1,
        "not-html": 1 + len(FEEDS),  # the PNG, and the RSS feeds (application/rss+xml)
        "http-status": 1,  # the 301
        "truncated-by-crawler": 1,
        "broken-gzip": 2,  # the member cut short mid-file, the damaged one
        "not-warc": 1,  # the garbage between members
        "cut-short": 1,  # the last member
        "not-article": len(LISTINGS),  # listing pages: a crawl never extracts them either
    }
    assert total["records"] == sum(total["skipped"].values()) + len(ARTICLES) + len(BAD)
    assert total["filtered"] == total["already_imported"] == total["archive_errors"] == 0


def test_import_stores_every_article_and_quarantines_bad_pages(imported) -> None:
    db, _, _ = imported
    with open_archive(db, readonly=True) as archive:
        stored = {row[0] for row in archive.conn.execute("SELECT url FROM articles")}
        reasons = dict(archive.conn.execute("SELECT url, reason FROM quarantine"))
    assert stored == {f.expected()["url"] for f in ARTICLES}
    for fixture in BAD:
        assert reasons[fixture.url].startswith(fixture.expected()["reason_prefix"]), fixture.name


def test_import_takes_the_fetch_time_from_warc_date(imported) -> None:
    db, _, _ = imported
    with open_archive(db, readonly=True) as archive:
        seen = dict(archive.conn.execute("SELECT url, first_seen FROM articles"))
        fetched = dict(archive.conn.execute("SELECT url, fetched_at FROM raw_pages"))
    for fixture in ARTICLES:
        moment = fixture.fetched_at.strftime("%Y-%m-%dT%H:%M:%S")
        assert seen[fixture.expected()["url"]].startswith(moment), fixture.name
        assert fetched[fixture.url].startswith(moment), fixture.name


def test_import_records_file_and_offset_as_each_pages_source(imported, mixed) -> None:
    db, _, _ = imported
    with open_archive(db, readonly=True) as archive:
        rows = archive.conn.execute(
            "SELECT w.warc_file, w.warc_offset, w.url, w.record_id, r.body IS NOT NULL"
            " FROM warc_records w JOIN raw_pages r ON r.id = w.raw_page_id"
        ).fetchall()
    assert len(rows) == len(ARTICLES) + len(BAD)
    with mixed.open("rb") as stream:
        for warc_file, offset, url, record_id, has_body in rows:
            assert warc_file == "mixed.warc.gz" and has_body
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))  # the record that offset names, read by warcio
            assert record.rec_headers.get_header("WARC-Target-URI") == url
            assert record.rec_headers.get_header("WARC-Record-ID") == record_id


def test_import_is_accounted_as_a_run(imported) -> None:
    db, summary, _ = imported
    with open_archive(db, readonly=True) as archive:
        spider, pages, items, failures, reason, stats = archive.conn.execute(
            "SELECT spider, pages, items, failures, finish_reason, stats FROM crawl_runs WHERE id = ?",
            (summary["run_id"],),
        ).fetchone()
        run_ids = {row[0] for row in archive.conn.execute("SELECT DISTINCT run_id FROM raw_pages")}
    assert (spider, reason) == ("import-warc", "finished")
    assert pages == items == len(ARTICLES) + len(BAD)
    assert failures == len(BAD)  # quarantined pages count as failures, as in a crawl
    stats = json.loads(stats)
    assert stats["newsbot/warc/skipped/broken-gzip"] == 2
    # Fill rates per site and layout, as a crawl's fill-rate stage records them.
    layouts = Counter(f"unn/{f.expected()['layout']}" for f in ARTICLES)
    assert {key: rates["articles"] for key, rates in stats["newsbot/fill_rates"].items()} == layouts
    assert all(rates["rates"]["title"] == 1.0 for rates in stats["newsbot/fill_rates"].values())
    assert run_ids == {summary["run_id"]}


def test_reimporting_the_same_file_adds_nothing(imported, mixed) -> None:
    db, _, before = imported
    again = import_json(db, str(mixed))["total"]
    assert again["already_imported"] == len(ARTICLES) + len(BAD)
    assert again["stored"] == {} and again["articles"] == 0
    assert counts(db) == before


def test_the_same_file_under_another_name_adds_nothing(imported, mixed, tmp_path) -> None:
    db, _, before = imported
    copy = tmp_path / "renamed.warc.gz"
    shutil.copyfile(mixed, copy)
    assert import_json(db, str(copy))["total"]["already_imported"] == len(ARTICLES) + len(BAD)
    assert counts(db) == before


def test_progress_lines_and_summary_go_where_they_belong(mixed, tmp_path) -> None:
    result = run(
        tmp_path / "a.db", "import-warc", str(mixed), "--progress", "0", "--domain", "nowhere.example"
    )
    progress = [line for line in result.stderr.splitlines() if line.startswith("mixed.warc.gz: ")]
    assert len(progress) > 10 and "% of" in progress[-1] and "records/s" in progress[-1]
    # Damage is reported without -v; the summary is the one line on stdout.
    assert "broken gzip member" in result.stderr and "cut short at the end of the file" in result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith(f"{mixed}: ")


def test_verbose_logs_each_skip_reason(mixed, tmp_path) -> None:
    result = run(tmp_path / "a.db", "import-warc", str(mixed), "-v", "--domain", "nowhere.example")
    assert "revisit record of" in result.stderr
    assert "image/png" in result.stderr
    assert "http 301 -> https://unn.ua/news/new-address" in result.stderr


def test_domain_and_dates_filter_records(mixed, tmp_path) -> None:
    none = import_json(tmp_path / "a.db", str(mixed), "--domain", "example.org")["total"]
    assert none["articles"] == 0 and none["filtered"] == len(ARTICLES) + len(BAD) + len(LISTINGS)
    dates = sorted({f.fetched_at.date() for f in ARTICLES})
    late = [f for f in ARTICLES if f.fetched_at.date() == dates[-1]]
    summary = import_json(tmp_path / "b.db", str(mixed), "--since", dates[-1].isoformat())["total"]
    assert summary["articles"] == len(late)
    early = [f for f in ARTICLES if f.fetched_at.date() == dates[0]]
    summary = import_json(tmp_path / "c.db", str(mixed), "--until", dates[0].isoformat())["total"]
    assert summary["articles"] == len(early)


def test_site_filter_and_unknown_site(mixed, tmp_path) -> None:
    assert import_json(tmp_path / "a.db", str(mixed), "--site", "unn")["total"]["articles"] == len(ARTICLES)
    assert import_json(tmp_path / "b.db", str(mixed), "--site", "generic")["total"]["articles"] == 0
    result = run(tmp_path / "c.db", "import-warc", str(mixed), "--site", "nosuchsite", code=2)
    assert "unknown site 'nosuchsite'" in result.output


def test_a_file_that_is_not_a_warc_fails_without_traceback(tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes((FIXTURES / "en-legacy-kyiv-downpour" / "body.html").read_bytes())
    result = run(tmp_path / "a.db", "import-warc", str(page), code=1)
    assert "no WARC record found" in result.output and "Traceback" not in result.output
    with open_archive(tmp_path / "a.db", readonly=True) as archive:
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_a_plain_warc_with_damage(tmp_path) -> None:
    """Uncompressed WARC: garbage between records is passed over; a last record cut short is counted."""
    first, second, third = ARTICLES[:3]
    members = [
        Member(first.url, fixture_record(first, compress=False)),
        Member("garbage", b"\r\nnot a record at all\r\n"),
        Member(second.url, fixture_record(second, compress=False)),
        Member("cut", cut_short(fixture_record(third, compress=False), 0.6)),
    ]
    path = write_members(tmp_path / "plain.warc", members).path
    summary = import_json(tmp_path / "a.db", str(path))["total"]
    assert summary["stored"] == {"articles_new": 2}
    assert summary["skipped"] == {"not-warc": 1, "cut-short": 1}


def test_encoded_payloads_are_stored_decoded(tmp_path) -> None:
    """A gzip Content-Encoding and a chunked transfer are undone, as Scrapy undoes them in a crawl."""
    first, second = ARTICLES[:2]
    members = [
        Member(
            first.url,
            record_bytes(
                first.url,
                gzipped(first.body()),
                fetched_at=first.fetched_at,
                headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            ),
        ),
        Member(
            second.url,
            record_bytes(
                second.url,
                chunked(second.body()),
                fetched_at=second.fetched_at,
                headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
            ),
        ),
    ]
    path = write_members(tmp_path / "encoded.warc.gz", members).path
    db = tmp_path / "a.db"
    assert import_json(db, str(path))["total"]["stored"] == {"articles_new": 2}
    with open_archive(db, readonly=True) as archive:
        for fixture in (first, second):
            raw_page_id = archive.conn.execute(
                "SELECT raw_page_id FROM warc_records WHERE url = ?", (fixture.url,)
            ).fetchone()[0]
            page = archive.load_raw_page(raw_page_id)
            assert page.body == fixture.body()
            assert not {"content-encoding", "transfer-encoding"} & {k.lower() for k in page.headers}


# --- real pages of many sites, under their own URLs -----------------------------------------------


@pytest.fixture(scope="module")
def benchmark_warc(tmp_path_factory) -> tuple[Path, list[tuple[str, str, bytes]]]:
    pages = benchmark_pages(need(BENCHMARK))
    members = [
        Member(url, record_bytes(url, body, headers=[("Content-Type", "text/html")]))
        for _, url, body in pages
    ]
    return write_members(tmp_path_factory.mktemp("bench") / "benchmark.warc.gz", members).path, pages


def test_real_pages_of_many_sites_each_end_archived_or_quarantined(benchmark_warc, tmp_path) -> None:
    path, pages = benchmark_warc
    db = tmp_path / "a.db"
    summary = import_json(db, str(path))["total"]
    assert summary["records"] == len(pages)
    assert summary["skipped"] == {}
    assert summary["articles"] + summary["quarantined"] == len(pages)
    with open_archive(db, readonly=True) as archive:
        for _, url, body in pages:
            raw_page_id = archive.conn.execute(
                "SELECT raw_page_id FROM warc_records WHERE url = ?", (url,)
            ).fetchone()[0]
            assert archive.load_raw_page(raw_page_id).body == body, url


def test_domain_filter_on_real_pages(benchmark_warc, tmp_path) -> None:
    path, pages = benchmark_warc
    hosts = [urlsplit(url).hostname for _, url, _ in pages]
    host = max(set(hosts), key=hosts.count)  # the site with the most pages in the set
    summary = import_json(tmp_path / "a.db", str(path), "--domain", host)["total"]
    assert summary["articles"] + summary["quarantined"] == hosts.count(host)
    assert summary["filtered"] == len(pages) - hosts.count(host)


# --- export and round trip -------------------------------------------------------------------------

ROUND_TRIP_COLUMNS = "url, title, lead, text, authors, published_utc, modified_utc, edition, layout, lang"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    """An archive written by a real replay crawl of the fixtures (`newsbot demo`, as a process)."""
    db = tmp_path_factory.mktemp("crawl") / "archive.db"
    done = subprocess.run(
        [sys.executable, "-m", "newsbot", "demo", "--db", str(db), "--no-timeline"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def exported(crawled, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "pages.warc.gz"
    result = run(crawled, "export", "--format", "warc", "-o", str(path))
    assert f"wrote {len(ARTICLES)} pages to {path}" in result.stderr
    return path


def test_export_writes_warcinfo_then_one_response_per_stored_page(exported, crawled) -> None:
    with open_archive(crawled, readonly=True) as archive:
        stored = {
            url: (status, fetched_at)
            for url, status, fetched_at in archive.conn.execute(
                "SELECT r.url, r.status, r.fetched_at FROM articles a"
                " JOIN raw_pages r ON r.id = a.raw_page_id"
            )
        }
    with exported.open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(stream)
        ]
    kind, headers, _, body = records[0]
    assert kind == "warcinfo" and b"software: newsbot/" in body
    responses = {
        h.get_header("WARC-Target-URI"): (h, http) for k, h, http, _ in records[1:] if k == "response"
    }
    assert len(records) == 1 + len(stored) and set(responses) == set(stored)
    for url, (status, fetched_at) in stored.items():
        headers, http = responses[url]
        assert int(http.get_statuscode()) == status
        assert headers.get_header("WARC-Date").rstrip("Z") == fetched_at.rstrip("Z")
        assert http.get_header("Content-Type", "").startswith("text/html")


def test_exported_file_passes_warcio_check_and_index(exported) -> None:
    warcio = shutil.which("warcio")
    if warcio is None:
        pytest.skip("the warcio command is not on PATH")
    checked = subprocess.run([warcio, "check", "-v", str(exported)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout and "digest fail" not in checked.stdout
    index = subprocess.run([warcio, "index", str(exported)], capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    assert [row["warc-type"] for row in rows].count("response") == len(ARTICLES)


def test_round_trip_gives_the_same_articles(exported, crawled, tmp_path) -> None:
    db = tmp_path / "again.db"
    assert import_json(db, str(exported))["total"]["stored"] == {"articles_new": len(ARTICLES)}
    with sqlite3.connect(crawled) as before, sqlite3.connect(db) as after:
        query = f"SELECT {ROUND_TRIP_COLUMNS} FROM articles ORDER BY url"
        assert after.execute(query).fetchall() == before.execute(query).fetchall()
        links = (
            "SELECT a.url, l.kind, l.position, l.title, l.target_url, l.published_utc FROM links l"
            " JOIN articles a ON a.id = l.from_article_id ORDER BY 1, 2, 3"
        )
        assert after.execute(links).fetchall() == before.execute(links).fetchall()


def test_export_filters_select_articles(crawled, tmp_path) -> None:
    path = tmp_path / "en.warc"  # no .gz: plain WARC
    run(crawled, "export", "--format", "warc", "--edition", "en", "-o", str(path))
    assert path.read_bytes().startswith(b"WARC/1.1")
    with path.open("rb") as stream:
        urls = [
            r.rec_headers.get_header("WARC-Target-URI")
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        ]
    assert sorted(urls) == sorted(f.url for f in ARTICLES if f.expected()["edition"] == "en")


def test_export_to_stdout_is_gzipped_warc(crawled) -> None:
    result = CliRunner().invoke(
        main, ["archive", "--db", str(crawled), "export", "--format", "warc", "--edition", "ru"]
    )
    assert result.exit_code == 0, result.output
    records = list(ArchiveIterator(io.BytesIO(result.stdout_bytes)))
    assert result.stdout_bytes[:2] == b"\x1f\x8b"
    assert len([r for r in records if r.rec_type == "response"]) == len(
        [f for f in ARTICLES if f.expected()["edition"] == "ru"]
    )


# --- an interrupted import -------------------------------------------------------------------------


def test_an_interrupted_import_loses_nothing_and_the_next_one_finishes(tmp_path) -> None:
    """Ctrl-C mid-file: the open batch rolls back, the run says so, and importing again completes."""
    pages = 240
    members = []
    for i in range(pages):
        fixture = ARTICLES[i % len(ARTICLES)]
        url = f"{fixture.url.rstrip('/')}-copy{i:04d}"
        body = fixture.body().replace(fixture.expected()["url"].encode(), url.encode())
        members.append(Member(url, record_bytes(url, body, fetched_at=fixture.fetched_at)))
    path = write_members(tmp_path / "many.warc.gz", members).path
    db = tmp_path / "a.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def command(archive: Path, *options: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "newsbot",
            "archive",
            "--db",
            str(archive),
            "import-warc",
            str(path),
            *options,
        ]

    process = subprocess.Popen(
        command(db, "--progress", "0", "--batch-size", "20"),
        cwd=REPO, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    # A one-page pipe: the import blocks on its progress lines until they are read, so it cannot run
    # far past the point where this test interrupts it, however slowly this test is scheduled.
    fcntl.fcntl(process.stderr.fileno(), fcntl.F_SETPIPE_SZ, 4096)
    for line in process.stderr:  # progress lines: interrupt once 60 records are done
        if line.startswith("many.warc.gz: ") and int(line.split(" records")[0].rsplit(" ", 1)[-1]) >= 60:
            process.send_signal(signal.SIGINT)
            break
    _, rest = process.communicate(timeout=120)
    assert process.returncode == 130, rest
    assert "import interrupted" in rest and "Traceback" not in rest
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        recorded = conn.execute("SELECT count(*) FROM warc_records").fetchone()[0]
        reason, items, stats = conn.execute("SELECT finish_reason, items, stats FROM crawl_runs").fetchone()
        as_articles = conn.execute(
            "SELECT count(*) FROM warc_records WHERE outcome LIKE 'articles_%'"
        ).fetchone()[0]
    assert reason == "shutdown"
    # The run accounts for exactly the batches it committed.
    assert items == recorded
    assert sum(rates["articles"] for rates in json.loads(stats)["newsbot/fill_rates"].values()) == as_articles
    assert 0 < recorded < pages and recorded % 20 == 0  # whole batches only, each page with its source
    assert 0 < stored <= recorded
    again = subprocess.run(
        command(db, "--json"), cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    total = json.loads(again.stdout)["total"]
    assert total["already_imported"] == recorded
    assert total["already_imported"] + sum(total["stored"].values()) == pages
    # Interrupted and resumed gives what one import in one go gives.
    whole = tmp_path / "whole.db"
    done = subprocess.run(command(whole), cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert counts(db) == counts(whole)
