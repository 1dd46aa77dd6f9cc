"""`newsbot crawl`: usage errors, the lock, the exit statuses, the log and the run record."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import open_archive
from newsbot.cli import main
from newsbot.runs.lock import RunLock, lock_path
from tests.support.crawl import crawl
from tests.support.paths import TIMELINE

T1 = "2025-11-20T10:30:00Z"


def _replay(db: Path, replay: Path = TIMELINE, at: str = T1, *extra: str) -> list[str]:
    return [
        "unn",
        "--db",
        str(db),
        "--replay",
        str(replay),
        "--replay-at",
        at,
        "-a",
        "lang=en",
        "-a",
        "discover=rss",
        *extra,
    ]


# --- in process: everything that ends before a crawl starts ----------------------------------------


def test_help_documents_the_exit_statuses() -> None:
    result = CliRunner().invoke(main, ["crawl", "--help"])
    assert result.exit_code == 0
    for line in ("0   the run finished", "1   the run failed", "2   usage error", "75  another run holds"):
        assert line in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuchspider"], "no spider named 'nosuchspider'"),
        (["unn", "-a", "lang=xx"], "lang must be uk, en, ru or all"),
        (["unn", "-a", "lang"], "--arg must look like NAME=VALUE"),
        (["unn", "--replay-at", T1], "--replay-at needs --replay DIR"),
        (["unn", "--replay", str(TIMELINE), "--replay-at", "yesterday"], "--replay-at must be an ISO 8601"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["crawl", *args, "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "a.db").exists()


def test_a_live_lock_exits_75_and_touches_nothing(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with RunLock(lock_path(db)):
        result = CliRunner().invoke(main, ["crawl", *_replay(db)])
    assert result.exit_code == 75
    assert result.output.count("\n") == 1
    assert f"is held by pid {os.getpid()}" in result.output
    assert "another crawl is using this archive" in result.output
    assert not db.exists()


def test_a_file_that_is_not_an_archive_exits_1_and_releases_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("my notes, not a database")
    result = CliRunner().invoke(main, ["crawl", *_replay(db)])
    assert result.exit_code == 1
    assert "is not a newsbot archive" in result.output
    assert db.read_text() == "my notes, not a database"
    assert not lock_path(db).exists()


# --- as a process: real crawls ---------------------------------------------------------------------


def test_a_good_run_exits_0_logs_progress_and_records_the_run(tmp_path: Path) -> None:
    db, log = tmp_path / "a.db", tmp_path / "crawl.log"
    run = crawl(*_replay(db), "--log-file", str(log), "--progress", "1")
    assert run.returncode == 0, run.stderr
    # One summary line on stdout; the log goes to the file, not the terminal.
    assert run.stdout.count("\n") == 1
    assert run.stdout.startswith("crawl unn run 1 finished: 5 pages, 4 new, 0 changed")
    assert run.stdout.rstrip().endswith("-> ok")
    assert run.stderr == ""
    text = log.read_text()
    assert "[scrapy.extensions.logstats] INFO: Crawled" in text
    assert "'newsbot/articles_new': 4" in text
    assert not lock_path(db).exists()
    with open_archive(db, readonly=True) as archive:
        finish_reason, stats = archive.conn.execute("SELECT finish_reason, stats FROM crawl_runs").fetchone()
    assert finish_reason == "finished"
    assert json.loads(stats)["newsbot/fill_rates"]["unn/next"]["articles"] == 4


def test_json_summary(tmp_path: Path) -> None:
    run = crawl(*_replay(tmp_path / "a.db"), "--log-file", str(tmp_path / "log"), "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert (summary["new"], summary["ok"], summary["failures"], summary["run_id"]) == (4, True, [], 1)


def test_a_stale_lock_is_taken_over_with_a_log_line(tmp_path: Path) -> None:
    db, log = tmp_path / "a.db", tmp_path / "crawl.log"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    lock_path(db).write_text(
        json.dumps({"pid": dead_pid, "host": os.uname().nodename, "started_at": "2025-11-20T09:00:00Z"})
    )
    run = crawl(*_replay(db), "--log-file", str(log))
    assert run.returncode == 0, run.stderr
    line = f"taking over the stale lock {lock_path(db)} of pid {dead_pid}"
    assert line in run.stderr
    assert line in log.read_text()
    assert not lock_path(db).exists()


def test_a_run_where_no_page_answers_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "no-fixtures"
    empty.mkdir()
    run = crawl(*_replay(tmp_path / "a.db", empty), "--log-file", str(tmp_path / "log"))
    assert run.returncode == 1
    assert "-> FAILED: no pages: not one request was answered with 2xx or 304" in run.stdout


def _break_views(source: Path, target: Path) -> None:
    """Copy the T1 pages with the view counter's markup renamed, as a site redesign would do."""
    for folder in source.glob("t1-*"):
        shutil.copytree(folder, target / folder.name)
        body = target / folder.name / "body.html"
        html = re.sub(
            r'<p class="single-news-card_tagDateInfoItem__\w+">(\d+<!-- --> <!-- -->views)',
            r'<p class="single-news-card_counter__Q1">\1',
            body.read_text(encoding="utf-8"),
        )
        assert "rss" in folder.name or "single-news-card_counter__Q1" in html
        body.write_text(html, encoding="utf-8")


def test_a_field_that_empties_raises_a_layout_alarm_and_exits_1(tmp_path: Path) -> None:
    db, log = tmp_path / "a.db", tmp_path / "crawl.log"
    rule = ["-s", "NEWSBOT_ALARM_MIN_ARTICLES=4", "-s", "NEWSBOT_ALARM_MIN_RUNS=1"]
    first = crawl(*_replay(db), "--log-file", str(log), *rule)
    assert first.returncode == 0, first.stderr
    broken = tmp_path / "redesigned"
    _break_views(TIMELINE, broken)
    # Refetch everything (revisit policy off) from the redesigned pages: no article has views now.
    second = crawl(*_replay(db, broken), "--log-file", str(log), *rule, "-s", "NEWSBOT_REVISIT_ENABLED=False")
    assert second.returncode == 1, second.stderr
    assert "layout alarm: unn/next field 'views' filled in 0% of 4 articles" in second.stdout
    assert "[newsbot.pipelines.fill_rate] ERROR: layout alarm: unn/next field 'views'" in log.read_text()
    with open_archive(db, readonly=True) as archive:
        stats = archive.conn.execute("SELECT stats FROM crawl_runs WHERE id = 2").fetchone()[0]
    (alarm,) = json.loads(stats)["newsbot/alarms"]
    assert (alarm["field"], alarm["rate"], alarm["median"]) == ("views", 0.0, 1.0)


def test_the_summary_line_counts_articles_read_by_the_generic_page_object() -> None:
    from newsbot.cli.crawl import summary_line

    summary = {
        "spider": "unn", "run_id": 3, "finish_reason": "finished", "pages": 12, "new": 10, "changed": 0,
        "unchanged": 0, "not_modified": 0, "not_due": 0, "quarantined": 1, "alarms": 0, "ok": True,
        "failures": [],
    }  # fmt: skip
    assert "generic" not in summary_line({**summary, "generic": 0})
    assert summary_line({**summary, "generic": 4}).endswith(
        "0 alarms, 4 articles read by the generic page object -> ok"
    )
