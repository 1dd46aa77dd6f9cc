"""`newsbot fixture save` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsbot.replay import load_fixtures
from tests.support.paths import FIXTURES, REPO

PAGE = (FIXTURES / "en-y2024-china-lavrov" / "body.html").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}  # noqa: RUF012

    def do_GET(self) -> None:
        count = self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        if self.path.startswith("/flaky") and count == 1:
            self.send_response(503)
            self.send_header("Retry-After", "1")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("ETag", '"abc"')
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _save(url: str, root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsbot", "fixture", "save", url, "--dir", str(root), *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_save_writes_a_fixture_folder(server: str, tmp_path: Path) -> None:
    run = _save(f"{server}/en/news/story", tmp_path, "--name", "story")
    assert run.returncode == 0, run.stderr
    (fixture,) = load_fixtures(tmp_path)
    assert fixture.name == "story"
    assert fixture.body() == PAGE
    assert fixture.status == 200
    assert fixture.headers["Etag"] == '"abc"'
    draft = json.loads((tmp_path / "story" / "expected.json").read_text())
    assert draft["reviewed"] is False


def test_save_retries_a_503(server: str, tmp_path: Path) -> None:
    run = _save(f"{server}/flaky/story", tmp_path)
    assert run.returncode == 0, run.stderr
    (fixture,) = load_fixtures(tmp_path)
    assert fixture.status == 200
    assert _Handler.hits["/flaky/story"] == 2


def test_save_refuses_an_existing_folder(server: str, tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    run = _save(f"{server}/en/news/story", tmp_path, "--name", "taken")
    assert run.returncode == 1
    assert "exists already" in run.stderr
    assert "Traceback" not in run.stderr
