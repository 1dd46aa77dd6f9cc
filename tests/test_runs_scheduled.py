"""newsbot.runs: the spider check and a scheduled run's refusals, in process (no crawl starts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.db import ArchiveError
from newsbot.runs.crawl import SpiderError, check_spider
from newsbot.runs.lock import LockHeld, RunLock, lock_path
from newsbot.runs.scheduled import scheduled_run


def test_check_spider_returns_the_name_runs_are_recorded_under() -> None:
    assert check_spider("unn", {"lang": "en"}) == "unn"


def test_an_unknown_spider_names_the_known_ones() -> None:
    with pytest.raises(SpiderError, match="no spider named 'nosuch'") as error:
        check_spider("nosuch", {})
    assert "unn" in error.value.known


def test_a_bad_spider_argument_is_a_spider_error() -> None:
    with pytest.raises(SpiderError, match="lang"):
        check_spider("unn", {"lang": "xx"})


def test_a_held_lock_refuses_the_run_before_anything_is_opened(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    notes: list[str] = []
    with RunLock(lock_path(db)), pytest.raises(LockHeld):
        scheduled_run("unn", {}, {}, db=db, note=notes.append)
    assert not db.exists() and notes == []


def test_a_file_that_is_not_an_archive_refuses_the_run_and_frees_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("not SQLite at all, and it must stay as it is\n")
    with pytest.raises(ArchiveError):
        scheduled_run("unn", {}, {}, db=db, note=print)
    assert db.read_text() == "not SQLite at all, and it must stay as it is\n"
    assert not lock_path(db).exists()  # released: the next run is not locked out
