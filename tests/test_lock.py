"""The run lock: one holder at a time, a dead holder's lock taken over, the file says who holds it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsbot.runs.lock import LockHeld, LockHolder, RunLock, lock_path


def test_lock_file_sits_beside_the_archive() -> None:
    assert lock_path("/data/archive.db") == Path("/data/archive.db.lock")


def test_the_lock_file_names_its_holder_and_goes_away_on_release(tmp_path: Path) -> None:
    path = tmp_path / "a.db.lock"
    lock = RunLock(path)
    assert lock.acquire() is None
    holder = json.loads(path.read_text())
    assert (holder["pid"], holder["host"]) == (os.getpid(), socket.gethostname())
    assert holder["started_at"].endswith("Z")
    lock.release()
    assert not path.exists()
    lock.release()  # twice is harmless


def test_a_second_lock_on_the_same_file_is_refused_with_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "a.db.lock"
    with RunLock(path), pytest.raises(LockHeld) as refused:
        RunLock(path).acquire()
    assert refused.value.holder is not None
    assert refused.value.holder.pid == os.getpid()
    assert f"pid {os.getpid()}" in str(refused.value)
    # Released: the next run gets it.
    with RunLock(path):
        pass


@contextlib.contextmanager
def _holder(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Run another process that takes the lock and sleeps; yield it once it holds the lock."""
    code = (
        "import time; from newsbot.runs.lock import RunLock; "
        f"RunLock({str(path)!r}).acquire(); print('held', flush=True); time.sleep(60)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    with process:
        try:
            assert process.stdout is not None and process.stdout.readline().strip() == "held"
            yield process
        finally:
            process.kill()


def test_a_lock_held_by_another_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.db.lock"
    with _holder(path) as holder, pytest.raises(LockHeld) as refused:
        RunLock(path).acquire()
    assert refused.value.holder is not None and refused.value.holder.pid == holder.pid


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "a.db.lock"
    with _holder(path) as victim:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    assert path.exists()  # SIGKILL left the file behind ...
    lock = RunLock(path)
    stale = lock.acquire()  # ... but not the lock
    try:
        assert stale is not None
        assert (stale.pid, stale.host) == (victim.pid, socket.gethostname())
        assert stale.is_alive_here() is False
        assert json.loads(path.read_text())["pid"] == os.getpid()
    finally:
        lock.release()


def test_an_unreadable_lock_file_is_taken_over_without_a_holder(tmp_path: Path) -> None:
    path = tmp_path / "a.db.lock"
    path.write_text("not json")
    with RunLock(path) as lock:
        assert lock.path == path
    assert not path.exists()


def test_holder_liveness_on_this_host_and_elsewhere() -> None:
    assert LockHolder(os.getpid(), socket.gethostname(), "2025-01-01T00:00:00Z").is_alive_here() is True
    assert LockHolder(os.getpid(), "some-other-host", "2025-01-01T00:00:00Z").is_alive_here() is None
