"""The ledger: every scheduled request ends in one outcome, and a failed commit fails the run.

The crawls here are real replays through `newsbot crawl` (Scrapy's engine, the pipelines, a real
SQLite file); the faults are real too: a full tmpfs, SQLite's own page quota, a second writer.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy import signals

from newsbot.accounting import (
    ARCHIVED,
    FAILED,
    LOST,
    LOST_STAT,
    QUARANTINED,
    SKIPPED,
    URLS_SHOWN,
    Ledger,
    accounted_error_rate,
    accounting_failures,
)
from newsbot.pipelines.archive import ArchivePipeline
from tests.support.crawl import newsbot
from tests.support.paths import FIXTURES, REPO

EXTENSIONS = "newsbot.middlewares.AccountingExtension"


def replay_all(db: Path, fixtures: Path = FIXTURES, *extra: str) -> subprocess.CompletedProcess[str]:
    """Crawl every article of a fixture folder (given as urls, feeds too) into `db`, as JSON."""
    from newsbot.pages.unn import is_article_url
    from newsbot.replay import load_fixtures

    urls = sorted({f.url for f in load_fixtures(fixtures) if is_article_url(f.url)})
    return newsbot(
        "crawl",
        "unn",
        "--db",
        str(db),
        "--replay",
        str(fixtures),
        "--json",
        "-a",
        f"urls={','.join(urls)}",
        "-a",
        "discover=rss",
        "-s",
        "NEWSBOT_MAX_ERROR_RATE=1.0",
        *extra,
    )


def integrity(db: Path) -> tuple[str, int, int]:
    """Return (integrity_check, articles, quarantined rows) of an archive file."""
    with sqlite3.connect(db) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        quarantined = conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    return check, articles, quarantined


class ArchiveQuota:
    """Test fault, enabled with -s EXTENSIONS: cap the archive's connection a few pages above its
    size when the crawl opens, so commits fail with SQLITE_FULL as on a full disk."""

    EXTRA_PAGES = 40

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        return extension

    def opened(self) -> None:
        for pipeline in self.crawler.engine.scraper.itemproc.middlewares:
            if isinstance(pipeline, ArchivePipeline) and pipeline.archive is not None:
                conn = pipeline.archive.conn
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                conn.execute(f"PRAGMA max_page_count = {pages + self.EXTRA_PAGES}")


def _quota_settings() -> list[str]:
    extensions = {EXTENSIONS: 0, "tests.test_accounting.ArchiveQuota": 1}
    return ["-s", f"EXTENSIONS={json.dumps(extensions)}", "-s", "NEWSBOT_ARCHIVE_BATCH_SIZE=3"]


# --- the ledger itself ------------------------------------------------------------------------------


def test_the_ledger_settles_once_and_names_the_remainder() -> None:
    ledger = Ledger()
    a = ledger.open("https://unn.ua/news/a", "page")
    b = ledger.open("https://unn.ua/news/b", "page")
    c = ledger.open("https://unn.ua/news/c", "page")
    ledger.move(b, "https://unn.ua/news/b2")  # a redirect
    assert ledger.settle_url("https://unn.ua/news/a", ARCHIVED)
    assert ledger.settle_url("https://unn.ua/news/b2", QUARANTINED, "no body")
    # The first outcome stands, the clash is kept (a settled request keeps no URL: the caller names it).
    assert not ledger.settle(a, LOST, "late", "https://unn.ua/news/a")
    assert ledger.conflicts == ["https://unn.ua/news/a: archived then lost"]
    assert ledger.remainder() == ["https://unn.ua/news/c"]
    ledger.settle(c, SKIPPED, "robots.txt: forbidden")
    counts = ledger.counts()
    assert (counts["archived"], counts["quarantined"], counts["skipped"], counts["unaccounted"]) == (
        1,
        1,
        1,
        0,
    )


def test_a_duplicate_does_not_steal_the_url_of_the_first_request() -> None:
    ledger = Ledger()
    first = ledger.open("https://unn.ua/news/a", "page")
    dup = ledger.open("https://unn.ua/news/a", "page")
    ledger.settle(dup, SKIPPED, "duplicate: already scheduled in this crawl")
    assert ledger.settle_url("https://unn.ua/news/a", ARCHIVED)
    assert ledger.outcome(first) == ARCHIVED


def test_a_settled_request_is_folded_into_counts_and_a_late_clash_is_still_caught() -> None:
    ledger = Ledger()
    keys = [ledger.open(f"https://unn.ua/news/{i}", "page") for i in range(30)]
    ledger.move(keys[0], "https://unn.ua/news/0-moved")  # a redirect
    assert ledger.settle_url("https://unn.ua/news/0-moved", LOST, "commit failed: disk full")
    for i in range(1, 30):
        assert ledger.settle_url(f"https://unn.ua/news/{i}", LOST if i < 25 else ARCHIVED, "commit failed")
    assert (ledger.entry(keys[0]), ledger.outcome(keys[0])) == (None, LOST)
    # The request's first URL still finds it once settled: a second outcome is a named clash.
    assert not ledger.settle_url("https://unn.ua/news/0", ARCHIVED)
    assert not ledger.settle_url("https://unn.ua/news/29", ARCHIVED)  # the same outcome: no clash
    assert ledger.conflicts == ["https://unn.ua/news/0: lost then archived"]
    stats = ledger.stats()
    assert stats[LOST_STAT] == [f"https://unn.ua/news/{i}" for i in range(URLS_SHOWN)]
    counts = ledger.counts()
    assert (counts["lost"], counts["archived"], counts["scheduled"], counts["unaccounted"]) == (25, 5, 30, 0)
    assert accounting_failures(stats) == [
        "25 items not stored: "
        + ", ".join(f"https://unn.ua/news/{i}" for i in range(URLS_SHOWN))
        + " and 5 more"
    ]


def test_failures_and_error_rate_come_from_the_ledger() -> None:
    ledger = Ledger()
    for name in "abcd":
        ledger.open(f"https://unn.ua/news/{name}", "page")
    ledger.settle_url("https://unn.ua/news/a", ARCHIVED)
    ledger.settle_url("https://unn.ua/news/b", LOST, "commit failed: disk full")
    ledger.settle_url("https://unn.ua/news/c", SKIPPED, "robots.txt: forbidden")
    stats = ledger.stats()
    assert accounted_error_rate(stats) == (1, 3)  # the skipped page was never attempted
    assert accounting_failures(stats) == [
        "1 items not stored: https://unn.ua/news/b",
        "1 requests unaccounted: https://unn.ua/news/d",
    ]
    assert accounted_error_rate({}) is None
    assert FAILED in ledger.counts()


# --- real crawls -------------------------------------------------------------------------------------


def test_a_replay_accounts_for_every_request(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    run = replay_all(db)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    check, articles, quarantined = integrity(db)
    assert (check, articles, quarantined) == ("ok", result["new"], result["quarantined"])
    assert result["failures"] == []
    # 3 feeds plus 23 article pages (the AMP page among them): 19 archived, 4 quarantined.
    assert result["pages"] == 26
    assert (articles, quarantined) == (19, 4)


def test_a_full_sqlite_quota_fails_the_run_and_keeps_the_archive_consistent(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    run = replay_all(db, FIXTURES, *_quota_settings())
    assert run.returncode == 1, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["finish_reason"] == "archive_commit_failed"
    assert any("archive commit failed: " in f and "full" in f for f in result["failures"]), result
    assert any(" items not stored: " in f for f in result["failures"]), result
    assert "Traceback" not in run.stderr
    check, articles, quarantined = integrity(db)
    # The counts are those of the batches that committed, and those rows are all there.
    assert check == "ok"
    assert (articles, quarantined) == (result["new"], result["quarantined"])
    assert articles + quarantined < 22


def _mount_tmpfs(where: Path, size: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")


def test_a_full_filesystem_fails_the_run_and_keeps_the_archive_consistent(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "400k")
    try:
        db = disk / "a.db"
        run = replay_all(db)
        assert run.returncode == 1, run.stdout + run.stderr
        result = json.loads(run.stdout)
        assert result["ok"] is False
        assert any("full" in f for f in result["failures"]), result
        assert "Traceback" not in run.stderr
        copy = tmp_path / "copy.db"  # read it where there is room for SQLite's own files
        for suffix in ("", "-wal"):
            if Path(f"{db}{suffix}").exists():
                shutil.copy(f"{db}{suffix}", f"{copy}{suffix}")
        check, articles, quarantined = integrity(copy)
        assert check == "ok"
        assert (articles, quarantined) == (result["new"], result["quarantined"])
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_demo_beside_a_writer_that_holds_the_archive_fails(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    first = newsbot("demo", "--db", str(db))
    assert first.returncode == 0, first.stderr
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a running crawl's open batch
        started = time.monotonic()
        second = newsbot("demo", "--db", str(db))
        assert time.monotonic() - started < 120
    finally:
        writer.close()
    assert second.returncode == 1, second.stdout + second.stderr
    assert "database is locked" in second.stderr
    assert "Traceback" not in second.stderr
    assert second.stderr.strip().splitlines()[-1].startswith("newsbot demo: the crawl FAILED")


def test_the_error_rate_fires_in_replay_and_counts_each_failed_page_once(tmp_path: Path) -> None:
    # The 23 article fixtures (4 of them unreadable; the AMP page among them) plus two URLs with no
    # fixture (404 after retries): 6 bad pages of 28 attempted (the 3 feeds count and are fine).
    missing = ["https://unn.ua/news/no-such-page-1", "https://unn.ua/en/news/no-such-page-2"]
    from newsbot.pages.unn import is_article_url
    from newsbot.replay import load_fixtures

    urls = sorted({f.url for f in load_fixtures(FIXTURES) if is_article_url(f.url)}) + missing
    run = newsbot(
        "crawl", "unn", "--db", str(tmp_path / "a.db"), "--replay", str(FIXTURES), "--json",
        "-a", f"urls={','.join(urls)}", "-a", "discover=rss", "-s", "NEWSBOT_MAX_ERROR_RATE=0.2",
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["failures"] == ["error rate 21% (6 of 28 pages) is above 20%"]
    assert (result["new"], result["quarantined"]) == (19, 6)


def test_sigterm_stops_a_crawl_promptly_and_the_run_fails_naming_what_was_not_fetched(tmp_path: Path) -> None:
    import signal

    from newsbot.replay import load_fixture, save_fixture

    source = load_fixture(FIXTURES / "uk-next-kharkiv-drone-attack")
    site = tmp_path / "site"
    urls = []
    for n in range(40):
        url = f"https://unn.ua/news/slow-{n:02d}"
        body = source.body().replace(source.url.encode(), url.encode())
        if n % 5 == 0:  # a page the old views regex needed minutes for
            body = body.replace(b"41263<!-- -->", b"4" * 40_000 + b"<!-- -->", 1)
        save_fixture(
            site, url=url, status=200, headers=source.headers, body=body, fetched_at=source.fetched_at
        )
        urls.append(url)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [
        sys.executable, "-m", "newsbot", "crawl", "unn", "--db", str(tmp_path / "a.db"),
        "--replay", str(site), "--json", "-a", "discover=none", "-a", f"urls={','.join(urls)}",
        "-s", "NEWSBOT_REPLAY_DELAY=0.5",
        "-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
    ]  # fmt: skip
    log = tmp_path / "crawl.log"
    args += ["--log-file", str(log)]
    crawl = subprocess.Popen(
        args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while "Spider opened" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.5)  # a few pages in (each answer is held back 0.5 s)
    crawl.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    out, err = crawl.communicate(timeout=60)
    assert time.monotonic() - stopped < 30  # a graceful stop: the in-flight pages, then close
    assert crawl.returncode == 1, out + err
    result = json.loads(out)
    assert result["finish_reason"] == "shutdown"
    assert result["failures"][0] == "the crawl stopped early: shutdown"
    assert any(" requests unaccounted: https://unn.ua/news/slow-" in f for f in result["failures"]), result
    with sqlite3.connect(tmp_path / "a.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (result["new"],)
