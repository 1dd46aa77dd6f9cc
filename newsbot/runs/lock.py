"""The run lock beside an archive: one crawl per archive at a time; a dead run's lock is taken over."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsbot.items import iso_utc


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds (or held) a lock: written into the lock file as one JSON line."""

    pid: int
    host: str
    started_at: str  # ISO 8601 UTC

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started_at}"

    def is_alive_here(self) -> bool | None:
        """Tell whether the holder process still runs; None when it ran on another host."""
        if self.host != socket.gethostname():
            return None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # it exists, under another user
            return True
        return True


class LockHeld(Exception):
    """Another live run holds the lock; the message is one line for the user."""

    def __init__(self, path: Path, holder: LockHolder | None) -> None:
        who = holder.describe() if holder else "a process that has not written its name yet"
        super().__init__(f"{path} is held by {who}: another crawl is using this archive")
        self.holder = holder


def lock_path(archive: str | Path) -> Path:
    """Return the lock file of an archive: `archive.db` -> `archive.db.lock`, in the same folder."""
    archive = Path(archive)
    return archive.with_name(archive.name + ".lock")


def _read_holder(fd: int) -> LockHolder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
        return LockHolder(int(data["pid"]), str(data["host"]), str(data["started_at"]))
    except (ValueError, KeyError, TypeError):
        return None


class RunLock:
    """An exclusive lock on `path`, held for the life of one run.

    The kernel lock (flock) is the truth, so a run killed with SIGKILL never leaves a lock that
    blocks the next one: its file stays behind, but unlocked, and the next run takes it over and
    says whose it was. The file's content (pid, host, start time) is what the messages show.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self, now: datetime | None = None) -> LockHolder | None:
        """Take the lock, or raise LockHeld; return the holder of a stale lock taken over, if any."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise LockHeld(self.path, holder) from None
            if self._same_file(fd):
                break
            os.close(fd)  # a releasing run removed the file between our open and flock: retry
        stale = _read_holder(fd)
        me = LockHolder(os.getpid(), socket.gethostname(), iso_utc(now or datetime.now(UTC)))
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, (json.dumps(_as_dict(me)) + "\n").encode())
        os.fsync(fd)
        self._fd = fd
        return stale

    def release(self) -> None:
        """Remove the lock file and drop the lock; safe to call twice."""
        if self._fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        os.close(self._fd)
        self._fd = None

    def _same_file(self, fd: int) -> bool:
        try:
            return os.stat(self.path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _as_dict(holder: LockHolder) -> dict[str, object]:
    return {"pid": holder.pid, "host": holder.host, "started_at": holder.started_at}
