"""Two replay-mode workers and the writer against a real redis-server: the archive a single crawl makes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.db import open_archive
from newsbot.pages.unn import amp_canonical, is_article_url
from newsbot.replay import load_fixtures
from newsbot.runs.distributed.ingest import Writer
from newsbot.runs.distributed.keys import RedisKeys
from newsbot.settings import DOWNLOADER_MIDDLEWARES
from tests.support.paths import FIXTURES, REPO, fixtures_of_kind
from tests.support.redis_server import RedisServer, running_redis

pytestmark = pytest.mark.redis

KEYS = RedisKeys()
# The arguments `newsbot demo` crawls with (newsbot/cli/demo.py): every fixture article, 10 pages.
ARTICLE_URLS = sorted({f.url for f in load_fixtures(FIXTURES) if is_article_url(f.url)})
STORED_ARTICLES = {f.expected()["url"] for f in fixtures_of_kind("article")}
QUARANTINED = {f.url for f in fixtures_of_kind("quarantine")}
RESPONSES = re.compile(r"Worker finished: (\d+) responses")


def worker(redis_url: str, log: Path, *, latency: float = 0.2, concurrency: int = 2) -> subprocess.Popen[str]:
    """Start `newsbot worker` on the fixtures, fetching at most `concurrency` pages at a time."""
    middlewares = {**DOWNLOADER_MIDDLEWARES, "tests.support.latency.LatencyMiddleware": 40}
    return subprocess.Popen(
        [
            sys.executable, "-m", "newsbot", "worker", "unn", "--redis", redis_url,
            "-a", f"urls={','.join(ARTICLE_URLS)}", "-a", "max_pages=10",
            "--replay", str(FIXTURES), "--idle", "1", "--log-file", str(log),
            "-s", f"CONCURRENT_REQUESTS={concurrency}", "-s", f"TEST_LATENCY={latency}",
            "-s", f"DOWNLOADER_MIDDLEWARES={json.dumps(middlewares)}",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=180)
    return process.returncode, out, err


def read(db: Path, sql: str) -> list[tuple]:
    with open_archive(db, readonly=True) as archive:
        return archive.conn.execute(sql).fetchall()


def drain_while_running(server, db: Path, processes: list[subprocess.Popen[str]]) -> None:
    """Run the writer alongside the workers (one short ingest after another), then once more."""
    while any(p.poll() is None for p in processes):
        Writer(server, db).run(idle=0.5)
    Writer(server, db).run(idle=0)


@pytest.fixture(scope="module")
def two_worker_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("redis-crawl")
    with running_redis(tmp) as redis:
        single = subprocess.Popen(
            [sys.executable, "-m", "newsbot", "demo", "--db", str(tmp / "single.db"), "--no-timeline"],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        workers = [worker(redis.url, tmp / f"worker{i}.log") for i in (1, 2)]
        drain_while_running(redis.client(), tmp / "archive.db", workers)
        yield {
            "redis": redis,
            "db": tmp / "archive.db",
            "single_db": tmp / "single.db",
            "single": finish(single),
            "workers": [finish(w) for w in workers],
            "logs": [(tmp / f"worker{i}.log").read_text() for i in (1, 2)],
        }


def test_both_workers_finish_on_their_own(two_worker_crawl) -> None:
    for code, _out, err in two_worker_crawl["workers"]:
        assert code == 0, err
        assert "Traceback" not in err
    for log in two_worker_crawl["logs"]:
        assert "Closing spider (finished)" in log
        assert "ERROR" not in log


def test_the_work_was_shared_without_fetching_anything_twice(two_worker_crawl) -> None:
    code, out, err = two_worker_crawl["single"]
    assert code == 0, err
    single_responses = int(re.search(r"(\d+) responses", out).group(1))
    fetched = [int(RESPONSES.search(out).group(1)) for _, out, _ in two_worker_crawl["workers"]]
    assert all(n > 0 for n in fetched), fetched  # both workers fetched pages
    assert sum(fetched) == single_responses  # the shared dupefilter let no page be fetched twice


def test_archive_holds_every_fixture_article_exactly_once(two_worker_crawl) -> None:
    db = two_worker_crawl["db"]
    urls = [row[0] for row in read(db, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls))
    assert set(urls) == STORED_ARTICLES
    assert read(db, "SELECT count(*) FROM article_versions") == [(len(urls),)]


def test_archive_matches_a_single_process_crawl(two_worker_crawl) -> None:
    db, single = two_worker_crawl["db"], two_worker_crawl["single_db"]
    for sql in (
        "SELECT url, edition, layout, title, views, published_utc, content_hash FROM articles ORDER BY url",
        "SELECT url, reason FROM quarantine ORDER BY url",
        "SELECT url, observed_at, views, source FROM view_observations ORDER BY url, observed_at, source",
        "SELECT e.url, e.lang FROM editions e ORDER BY e.url",
    ):
        assert read(db, sql) == read(single, sql), sql


def test_each_worker_run_is_recorded(two_worker_crawl) -> None:
    runs = read(two_worker_crawl["db"], "SELECT spider, finish_reason, pages FROM crawl_runs ORDER BY id")
    assert [(spider, reason) for spider, reason, _ in runs] == [("unn", "finished"), ("unn", "finished")]
    fetched = sorted(int(RESPONSES.search(out).group(1)) for _, out, _ in two_worker_crawl["workers"])
    assert sorted(pages for _, _, pages in runs) == fetched


def test_redis_is_left_clean_for_the_next_run(two_worker_crawl) -> None:
    server = two_worker_crawl["redis"].client()
    assert server.llen(KEYS.items) == server.llen(KEYS.processing) == server.llen(KEYS.dead) == 0
    assert not server.exists("newsbot:unn:dupefilter")  # no URL is remembered into the next run
    assert server.zcard("newsbot:unn:requests") == 0
    assert server.zcard(KEYS.workers("unn")) == 0
    # An AMP page's state is kept under its canonical URL, the one it is stored under.
    fetched_at = {amp_canonical(f.url): f.fetched_at for f in load_fixtures(FIXTURES)}
    known = {k.decode(): json.loads(v) for k, v in server.hgetall(KEYS.known).items()}
    assert set(known) == STORED_ARTICLES  # page state of every stored article, not of quarantined pages
    for url, state in known.items():
        assert state["last_fetched_at"] == fetched_at[url].isoformat().replace("+00:00", "Z"), url


# --- Redis goes away mid-crawl ------------------------------------------------------------------
@pytest.fixture
def durable_redis(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path, durable=True) as server:
        yield server


def test_redis_going_away_mid_crawl_then_the_next_run_completes(durable_redis, tmp_path) -> None:
    server, db = durable_redis.client(), tmp_path / "archive.db"
    slow = worker(durable_redis.url, tmp_path / "slow.log", latency=0.5, concurrency=1)
    deadline = time.monotonic() + 60
    while server.llen(KEYS.items) < 3 and time.monotonic() < deadline:  # run start + 2 articles
        time.sleep(0.1)
    durable_redis.kill()
    code, _out, err = finish(slow)
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, err
    assert errors[0].startswith(f"Error: Redis at {durable_redis.url} went away mid-crawl")
    assert "Traceback" not in err

    durable_redis.start()
    Writer(server, db).run(idle=0)
    assert read(db, "PRAGMA integrity_check") == [("ok",)]
    before = {row[0] for row in read(db, "SELECT url FROM articles")}
    assert before and before < STORED_ARTICLES  # what was queued before Redis died is archived

    again = worker(durable_redis.url, tmp_path / "again.log")
    drain_while_running(server, db, [again])
    assert finish(again)[0] == 0
    urls = [row[0] for row in read(db, "SELECT url FROM articles")]
    assert sorted(urls) == sorted(STORED_ARTICLES)  # nothing lost, nothing twice
    assert sorted(row[0] for row in read(db, "SELECT url FROM quarantine")) == sorted(QUARANTINED)
    assert read(db, "PRAGMA integrity_check") == [("ok",)]
