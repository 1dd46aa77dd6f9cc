"""A real redis-server for tests: 127.0.0.1, a free port, a temporary folder; skipped where absent."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server")
SKIP_REASON = (
    "redis-server is not installed (scripts/test installs the Debian package where it can;"
    " or: apt-get install redis-server)"
)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """One redis-server process; `kill()` and `start()` again on the same port and folder."""

    def __init__(self, folder: Path, *, durable: bool = False) -> None:
        self.folder = folder
        self.port = free_port()
        self.durable = durable  # append-only file fsynced on every write: survives SIGKILL
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):  # -> redis.Redis
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10)

    def start(self) -> RedisServer:
        assert REDIS_SERVER is not None
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        )
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.folder),
                "--save",
                "",
                *persistence,
                "--protected-mode",
                "yes",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                self._forget()
                raise RuntimeError(f"redis-server exited at start: {error.strip()}")
            try:
                if self.client().ping():
                    return self
            except Exception:  # not listening yet
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer PING on port {self.port} within 10 s")

    def kill(self) -> None:
        """Stop the server the hard way (SIGKILL), as a crashed machine would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self._forget()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._forget()

    def _forget(self) -> None:
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None


@contextlib.contextmanager
def running_redis(folder: Path, *, durable: bool = False) -> Iterator[RedisServer]:
    """Run a fresh, empty redis-server with its files in `folder`; skip the test where it is absent.

    `durable` servers write every command to an append-only file before answering, so they come
    back with their data after kill(). Use it in a module's own fixture:

        @pytest.fixture
        def redis_server(tmp_path):
            with running_redis(tmp_path) as server:
                yield server
    """
    if REDIS_SERVER is None:
        pytest.skip(SKIP_REASON)
    server = RedisServer(folder, durable=durable).start()
    try:
        yield server
    finally:
        server.stop()
