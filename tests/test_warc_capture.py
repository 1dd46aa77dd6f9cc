"""NEWSBOT_WARC_ENABLED: a replay crawl (a real process, Scrapy's engine) also writes rotating WARC files."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from newsbot.cli import main
from newsbot.items import RawPage
from newsbot.warc import RotatingWarcWriter
from tests.support.paths import FIXTURES, REPO

MAX_BYTES = 12_000  # small enough that the fixture crawl (about 50 KB of gzip) fills several files


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> tuple[Path, Path, dict]:
    folder = tmp_path_factory.mktemp("capture")
    db, warc_dir = folder / "crawl.db", folder / "warc"
    done = subprocess.run(
        [
            sys.executable, "-m", "newsbot", "crawl", "unn", "--db", str(db), "--replay", str(FIXTURES),
            "--json", "-s", "NEWSBOT_WARC_ENABLED=true", "-s", f"NEWSBOT_WARC_DIR={warc_dir}",
            "-s", f"NEWSBOT_WARC_MAX_BYTES={MAX_BYTES}", "-s", "NEWSBOT_WARC_PREFIX=test",
        ],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return db, warc_dir, json.loads(done.stdout)


def _records(path: Path) -> list[tuple[str, str | None, str | None]]:
    with path.open("rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.get_header("WARC-Date"))
            for r in ArchiveIterator(stream)
        ]


def test_the_crawl_writes_rotated_files_each_opening_with_warcinfo(crawl) -> None:
    _, warc_dir, _ = crawl
    files = sorted(warc_dir.iterdir())
    assert len(files) >= 3, files  # the fixture pages are several times MAX_BYTES
    assert all(re.fullmatch(r"test-\d{14}-\d{5}\.warc\.gz", f.name) for f in files), files  # none left .open
    for path in files:
        kinds = [kind for kind, _, _ in _records(path)]
        assert kinds[0] == "warcinfo" and set(kinds[1:]) == {"response"}
    # A file is closed once it passes the limit: all but the last are past it, by one record at most.
    assert all(f.stat().st_size >= MAX_BYTES for f in files[:-1])


def test_every_fetched_response_is_written_once(crawl) -> None:
    db, warc_dir, _ = crawl
    responses = [
        url for f in sorted(warc_dir.iterdir()) for kind, url, _ in _records(f) if kind == "response"
    ]
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM crawl_runs").fetchone()[0])
    # Every response Scrapy received (robots.txt too, when the crawl fetches one: archives keep it).
    assert len(responses) == len(set(responses)) == stats["response_received_count"]


def test_importing_the_crawls_warc_files_gives_its_articles(crawl, tmp_path) -> None:
    db, warc_dir, _ = crawl
    again = tmp_path / "again.db"
    result = CliRunner().invoke(
        main, ["archive", "--db", str(again), "import-warc", *map(str, sorted(warc_dir.iterdir()))]
    )
    assert result.exit_code == 0, result.output
    query = (
        "SELECT url, title, lead, text, authors, published_utc, edition, layout, lang, first_seen"
        " FROM articles ORDER BY url"
    )
    quarantine = "SELECT url, reason FROM quarantine ORDER BY url"
    with sqlite3.connect(db) as before, sqlite3.connect(again) as after:
        assert after.execute(query).fetchall() == before.execute(query).fetchall()
        assert after.execute(quarantine).fetchall() == before.execute(quarantine).fetchall()


def test_rotating_writer_names_files_by_start_time_and_never_overwrites(tmp_path) -> None:
    moment = datetime(2024, 4, 10, 8, 0, tzinfo=UTC)
    page = RawPage(
        "https://unn.ua/news/1", 200, {"Content-Type": "text/html"}, b"<html>x</html>" * 50, moment
    )
    (tmp_path / "t-20240410080000-00001.warc.gz").write_bytes(b"from an earlier run")
    writer = RotatingWarcWriter(tmp_path, prefix="t", max_bytes=1, software="tests", clock=lambda: moment)
    writer.write(page, decoded=True)
    writer.write(page, decoded=True)
    assert [p.name for p in writer.close()] == [
        "t-20240410080000-00002.warc.gz",
        "t-20240410080000-00003.warc.gz",
    ]
    assert (tmp_path / "t-20240410080000-00001.warc.gz").read_bytes() == b"from an earlier run"
    assert [kind for kind, _, _ in _records(tmp_path / "t-20240410080000-00003.warc.gz")] == [
        "warcinfo",
        "response",
    ]
