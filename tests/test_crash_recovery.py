"""A crawl killed with SIGKILL mid-run: the archive opens, is intact, and the next run completes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from archive.db import ArchiveError, open_archive
from newsbot.pages.unn import amp_canonical, is_article_url
from newsbot.runs.lock import lock_path
from tests.support.crawl import crawl
from tests.support.paths import FIXTURES, REPO, fixtures_of_kind


def _article_urls() -> list[str]:
    return sorted({f.url for f in fixtures_of_kind("article") if is_article_url(f.url)})


def _args(db: Path, log: Path) -> list[str]:
    return [
        "unn", "--db", str(db), "--log-file", str(log), "--replay", str(FIXTURES),
        "-a", "urls=" + ",".join(_article_urls()),
        "-a", "max_pages=10",
        "-s", "NEWSBOT_ARCHIVE_BATCH_SIZE=1",
    ]  # fmt: skip


def _stored(db: Path) -> int:
    try:
        with open_archive(db, readonly=True) as archive:
            return archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except ArchiveError:
        return 0  # not created or not migrated yet


def test_sigkill_mid_run_leaves_an_archive_the_next_run_completes(tmp_path: Path) -> None:
    db, log = tmp_path / "archive.db", tmp_path / "crawl.log"
    expected = sorted({amp_canonical(url) for url in _article_urls()})  # AMP pages: canonical URL
    slow = [*_args(db, log), "-s", "NEWSBOT_REPLAY_DELAY=0.3", "-s", "CONCURRENT_REQUESTS=1"]
    victim = subprocess.Popen(
        [sys.executable, "-m", "newsbot", "crawl", *slow],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with victim:
        deadline = time.monotonic() + 120
        while _stored(db) < 2 and victim.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
    assert victim.returncode == -signal.SIGKILL, "the crawl ended before it could be killed mid-run"
    stored_at_kill = _stored(db)
    assert 2 <= stored_at_kill < len(expected)
    assert lock_path(db).exists()  # the dead run's lock file stays behind

    with open_archive(db) as archive:  # opens (and recovers the WAL) ...
        assert archive.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # ... intact
        assert archive.conn.execute("SELECT finished_at FROM crawl_runs").fetchall() == [(None,)]

    again = crawl(*_args(db, log), "--json")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "taking over the stale lock" in again.stderr
    with open_archive(db, readonly=True) as archive:
        conn = archive.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        urls = [row[0] for row in conn.execute("SELECT url FROM articles ORDER BY url")]
        versions = conn.execute(
            "SELECT count(*), count(DISTINCT article_id) FROM article_versions"
        ).fetchone()
        own_views = conn.execute(
            "SELECT article_id, count(*) FROM view_observations WHERE source = 'page' GROUP BY article_id"
        ).fetchall()
    assert urls == expected  # every article, each exactly once (url is unique)
    assert versions == (len(expected), len(expected))  # one version each: nothing stored twice
    assert all(count == 1 for _, count in own_views)
    assert json.loads(again.stdout)["new"] == len(expected) - stored_at_kill
    with open_archive(db, readonly=True) as archive:
        runs = archive.conn.execute("SELECT finish_reason FROM crawl_runs ORDER BY id").fetchall()
    assert runs == [("died",), ("finished",)]  # the killed run is recorded as such
