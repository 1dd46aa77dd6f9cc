"""Expected failures of the `newsbot` command: one line, a documented exit status, no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO


def newsbot(*args: str | bytes, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "newsbot", *args],
        cwd=REPO,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "a.db"
    done = newsbot("demo", "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


def _one_line(done: subprocess.CompletedProcess[bytes]) -> str:
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize(
    ("args", "status", "line"),
    [
        (
            ["search", "kyiv", "--until", "9999-12-31"],
            2,
            "Error: a value is out of range: date value out of range",
        ),
        (
            ["search", "kyiv", "--limit", str(2**64)],
            2,
            "Error: a value is out of range: Python int too large",
        ),
        (["search", b"\xff\xfe"], 2, "Error: not valid UTF-8 text"),
    ],
    ids=["until-9999", "limit-2^64", "non-utf8-argv"],
)
def test_out_of_range_and_undecodable_arguments_are_usage_errors(archive, args, status, line) -> None:
    done = newsbot("archive", "--db", str(archive), *args)
    assert done.returncode == status
    assert _one_line(done).startswith(line)


def test_a_fifo_as_the_archive_is_refused_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    done = newsbot("archive", "--db", str(fifo), "stats")
    assert done.returncode == 1
    assert _one_line(done) == f"Error: {fifo} is not a regular file, so it cannot be an archive"


def test_output_to_a_full_device_is_one_line(archive) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        done = newsbot("archive", "--db", str(archive), "stats", stdout=full.fileno())
    assert done.returncode == 1
    assert _one_line(done) == "Error: cannot read or write: No space left on device"


def test_a_closed_pipe_ends_quietly(archive) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    done = subprocess.run(
        [sys.executable, "-m", "newsbot", "archive", "--db", str(archive), "export"],
        cwd=REPO, env=env, stdout=reader.stdin, stderr=subprocess.PIPE, timeout=120,
    )  # fmt: skip
    reader.stdin.close()
    reader.wait()
    assert done.returncode in (0, 141)
    assert b"Traceback" not in done.stderr


def test_a_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    text = tmp_path / "bad.txt"
    text.write_bytes(b"\xff\xfe\x00not utf-8 \xc3\x28")
    done = newsbot("parse-time", "--file", str(text))
    assert done.returncode == 2
    assert _one_line(done).startswith("Error: not valid UTF-8 text")


def test_a_chart_into_a_missing_folder_is_one_line(archive, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import sqlite3

    with sqlite3.connect(archive) as conn:
        (url,) = conn.execute("SELECT url FROM articles WHERE views IS NOT NULL LIMIT 1").fetchone()
    target = tmp_path / "no-such-folder" / "views.png"
    done = newsbot("archive", "--db", str(archive), "chart", "views", url, "-o", str(target))
    assert done.returncode == 1
    assert _one_line(done) == f"Error: cannot read or write: {target}: No such file or directory"


def test_migrate_finds_a_damaged_archive(archive, tmp_path: Path) -> None:
    import sqlite3

    damaged = tmp_path / "damaged.db"
    shutil.copy(archive, damaged)
    with sqlite3.connect(damaged) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, size = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    with damaged.open("r+b") as file:  # overwrite one page in the middle, as a bad disk would
        file.seek(size * (pages // 2))
        file.write(b"\x00\xff" * (size // 2))
    done = newsbot("archive", "--db", str(damaged), "migrate")
    assert done.returncode == 1
    assert _one_line(done).startswith(f"Error: {damaged} is damaged (SQLite quick_check: ")


def test_a_read_only_archive_is_called_read_only_not_foreign(archive, tmp_path: Path) -> None:
    disk = tmp_path / "ro"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        shutil.copy(archive, disk / "a.db")
        remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.decode(errors='replace').strip()}")
        done = newsbot("archive", "--db", str(disk / "a.db"), "migrate")
        assert done.returncode == 1
        line = _one_line(done)
        assert line.startswith(f"Error: {disk / 'a.db'} cannot be opened")
        assert "read-only" in line and "not a newsbot archive" not in line
    finally:
        subprocess.run(["umount", str(disk)], check=False)
