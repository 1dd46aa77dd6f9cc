"""The archive writer: drain the Redis queue into SQLite, commit before removing, survive Redis dying."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import open_archive
from newsbot.cli.ingest import ingest
from newsbot.runs.distributed.codec import encode_event, encode_item
from newsbot.runs.distributed.ingest import IngestError, Writer
from newsbot.runs.distributed.keys import RedisKeys
from newsbot.runs.distributed.state import RedisStateStore
from tests.support.factories import make_article, quarantined, teaser
from tests.support.redis_server import RedisServer, running_redis

pytestmark = pytest.mark.redis

KEYS = RedisKeys()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


@pytest.fixture
def durable_redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path, durable=True) as server:
        yield server


FETCHED = datetime(2024, 4, 10, 8, 0, tzinfo=UTC)


def articles(count: int) -> list:
    return [
        make_article(
            f"https://unn.ua/en/news/story-{i}",
            title=f"Story {i}",
            views=100 + i,
            related=[teaser("Neighbour", "https://unn.ua/en/news/neighbour", views=7)],
            published_utc=FETCHED - timedelta(hours=i),
        )
        for i in range(count)
    ]


def queue(server, items, run: str = "w1") -> None:
    """Push a worker run the way RedisQueuePipeline does: start, items, finish."""
    started = {"spider": "unn", "args": {"lang": "en"}, "started_at": "2024-04-10T07:59:00Z"}
    server.lpush(KEYS.items, encode_event("run_start", run=run, data=started))
    for item in items:
        server.lpush(KEYS.items, encode_item(item, run=run))
    stats = {"response_received_count": len(items), "item_scraped_count": len(items)}
    finished = {"finished_at": "2024-04-10T08:01:00Z", "finish_reason": "finished", "stats": stats}
    server.lpush(KEYS.items, encode_event("run_finish", run=run, data=finished))


def read(db: Path, sql: str) -> list[tuple]:
    with open_archive(db, readonly=True) as archive:
        return archive.conn.execute(sql).fetchall()


def assert_intact(db: Path) -> None:
    assert read(db, "PRAGMA integrity_check") == [("ok",)]


def test_writer_stores_items_runs_and_mirrors_page_state(redis_server, tmp_path) -> None:
    server, db = redis_server.client(), tmp_path / "archive.db"
    items = [*articles(3), quarantined("https://unn.ua/en/news/broken", "no title")]
    queue(server, items)
    report = Writer(server, db, batch_size=2).run(idle=0)
    assert report.outcomes == {"articles_new": 3, "quarantined": 1, "runs_started": 1, "runs_finished": 1}
    assert report.batches == 3  # 6 messages, 2 per committed batch
    assert sorted(read(db, "SELECT url, views FROM articles")) == [
        ("https://unn.ua/en/news/story-0", 100),
        ("https://unn.ua/en/news/story-1", 101),
        ("https://unn.ua/en/news/story-2", 102),
    ]
    assert read(db, "SELECT url, reason FROM quarantine") == [("https://unn.ua/en/news/broken", "no title")]
    run = read(db, "SELECT id, spider, args, finish_reason, pages, items, stats FROM crawl_runs")
    assert [row[:6] for row in run] == [(1, "unn", '{"lang": "en"}', "finished", 4, 4)]
    assert json.loads(run[0][6])["newsbot/articles_new"] == 3  # the writer's outcomes join the stats
    assert {row[0] for row in read(db, "SELECT run_id FROM article_versions")} == {1}
    assert server.llen(KEYS.items) == server.llen(KEYS.processing) == 0
    known = RedisStateStore(server).get("https://unn.ua/en/news/story-2")
    assert known.last_fetched_at == FETCHED
    assert known.published_utc == FETCHED - timedelta(hours=2)


def test_a_message_stored_twice_adds_nothing(redis_server, tmp_path) -> None:
    server, db = redis_server.client(), tmp_path / "archive.db"
    article = articles(1)[0]
    server.lpush(KEYS.items, encode_item(article), encode_item(article))
    report = Writer(server, db).run(idle=0)
    assert report.outcomes == {"articles_new": 1, "articles_unchanged": 1}
    assert read(db, "SELECT count(*) FROM articles") == [(1,)]
    assert read(db, "SELECT count(*) FROM article_versions") == [(1,)]
    assert read(db, "SELECT count(*) FROM view_observations") == [(2,)]  # own page + one teaser


def test_unreadable_messages_are_set_aside_with_their_reason(redis_server, tmp_path) -> None:
    server, db = redis_server.client(), tmp_path / "archive.db"
    server.lpush(KEYS.items, b"{broken", encode_item(articles(1)[0]))
    report = Writer(server, db).run(idle=0)
    assert report.outcomes == {"articles_new": 1, "dead": 1}
    (dead,) = server.lrange(KEYS.dead, 0, -1)
    record = json.loads(dead)
    assert record["message"] == "{broken"
    assert record["reason"].startswith("JSONDecodeError")
    assert server.llen(KEYS.processing) == 0


def test_only_one_writer_drains_a_queue(redis_server, tmp_path) -> None:
    server = redis_server.client()
    first = Writer(server, tmp_path / "a.db")
    first._lock()
    with pytest.raises(IngestError, match="another writer"):
        Writer(server, tmp_path / "b.db").run(idle=0)


def test_a_dead_local_writers_lock_is_taken_over(redis_server, tmp_path) -> None:
    server = redis_server.client()
    gone = subprocess.Popen(["true"])
    gone.wait()  # a writer process that has exited
    server.set(f"{KEYS.items}:writer", f"{socket.gethostname()}:{gone.pid}:abc123", ex=60)
    queue(server, articles(1))
    report = Writer(server, tmp_path / "archive.db").run(idle=0)
    assert report.outcomes["articles_new"] == 1


def test_writer_crash_inside_a_batch_keeps_its_messages(redis_server, tmp_path, monkeypatch) -> None:
    server, db = redis_server.client(), tmp_path / "archive.db"
    queue(server, articles(4))
    real_store = Writer._apply
    calls = {"n": 0}

    def dying_apply(self, archive, message, batch, known):
        calls["n"] += 1
        if calls["n"] == 4:  # third article of the first batch: the process dies here
            raise KeyboardInterrupt
        return real_store(self, archive, message, batch, known)

    monkeypatch.setattr(Writer, "_apply", dying_apply)
    with pytest.raises(KeyboardInterrupt):
        Writer(server, db, batch_size=10).run(idle=0)
    assert_intact(db)
    assert read(db, "SELECT count(*) FROM articles") == [(0,)]  # the open transaction rolled back
    assert server.llen(KEYS.processing) == 6  # ... and every message it held is still in Redis
    monkeypatch.setattr(Writer, "_apply", real_store)
    server.delete(f"{KEYS.items}:writer")  # the dead writer's lock (it would lapse in 15 s)
    report = Writer(server, db).run(idle=0)
    assert report.recovered == 6
    assert read(db, "SELECT count(*) FROM articles") == [(4,)]
    assert server.llen(KEYS.processing) == 0


def test_redis_killed_after_a_commit_loses_and_doubles_nothing(durable_redis_server, tmp_path) -> None:
    server, db = durable_redis_server.client(), tmp_path / "archive.db"
    queue(server, articles(5))  # 7 messages
    reference = tmp_path / "reference.db"
    reference_server = durable_redis_server.client()

    class DyingWriter(Writer):
        def _release(self, batch):
            durable_redis_server.kill()  # after the first commit, before its messages leave Redis
            super()._release(batch)

    with pytest.raises(IngestError) as failed:
        DyingWriter(server, db, batch_size=3, url=durable_redis_server.url).run(idle=0)
    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith(f"Redis at {durable_redis_server.url} went away")
    assert_intact(db)
    assert read(db, "SELECT count(*) FROM articles") == [(2,)]  # run_start + 2 articles committed

    durable_redis_server.start()  # the append-only file brings every message back
    server.delete(f"{KEYS.items}:writer")  # the dead writer's lock (another process's is taken over)
    assert server.llen(KEYS.processing) == 3  # the committed batch, not yet released
    assert server.llen(KEYS.items) == 4
    report = Writer(server, db).run(idle=0)
    assert report.recovered == 3
    assert read(db, "SELECT count(*) FROM articles") == [(5,)]
    assert server.llen(KEYS.processing) == server.llen(KEYS.items) == 0

    queue(reference_server, articles(5))
    Writer(reference_server, reference).run(idle=0)
    for table in ("articles", "article_versions", "view_observations", "links", "raw_pages"):
        assert read(db, f"SELECT count(*) FROM {table}") == read(
            reference, f"SELECT count(*) FROM {table}"
        ), table


def test_redis_killed_while_waiting_leaves_a_consistent_archive(redis_server, tmp_path) -> None:
    server, db = redis_server.client(), tmp_path / "archive.db"
    queue(server, articles(2))

    def kill_after_first_batch(report) -> None:
        redis_server.kill()

    with pytest.raises(IngestError, match="went away"):
        Writer(server, db, url=redis_server.url).run(idle=30, on_batch=kill_after_first_batch)
    assert_intact(db)
    assert read(db, "SELECT count(*) FROM articles") == [(2,)]


# --- the command ---------------------------------------------------------------------------------
def test_cli_ingests_and_reports(redis_server, tmp_path) -> None:
    queue(redis_server.client(), [*articles(2), quarantined("https://unn.ua/en/news/broken", "no title")])
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(ingest, ["--redis", redis_server.url, "--db", str(db), "--idle", "0"])
    assert result.exit_code == 0, result.output
    assert "Ingested 5 messages in 1 batches" in result.output
    assert "2 new, 0 changed, 0 unchanged articles, 1 pages quarantined" in result.output
    assert read(db, "SELECT count(*) FROM articles") == [(2,)]


@pytest.mark.parametrize("where", ["group", "subcommand"])
def test_archive_db_names_the_file_ingest_writes_wherever_it_is_given(
    redis_server, tmp_path, monkeypatch, where
) -> None:
    from newsbot.cli import main

    monkeypatch.chdir(tmp_path)  # where the default archive.db would appear
    queue(redis_server.client(), articles(2))
    db = tmp_path / "chosen.db"
    ingest_args = ["ingest", "--redis", redis_server.url, "--idle", "0"]
    args = ["--db", str(db), *ingest_args] if where == "group" else [*ingest_args, "--db", str(db)]
    result = CliRunner().invoke(main, ["archive", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert read(db, "SELECT count(*) FROM articles") == [(2,)]
    assert f"Archive: {db.resolve()}" in result.output
    assert not (tmp_path / "archive.db").exists()


def test_cli_json(redis_server, tmp_path) -> None:
    queue(redis_server.client(), articles(1))
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(
        ingest, ["--redis", redis_server.url, "--db", str(db), "--idle", "0", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["articles_new"], data["runs_started"], data["batches"]) == (1, 1, 1)


def test_cli_unreachable_redis_is_one_line(redis_server, tmp_path) -> None:
    redis_server.kill()
    result = CliRunner().invoke(ingest, ["--redis", redis_server.url, "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot reach Redis at {redis_server.url}")
    assert result.output.count("\n") == 1
    assert not (tmp_path / "a.db").exists()


def test_cli_redis_gone_mid_ingest_is_one_line(redis_server, tmp_path, monkeypatch) -> None:
    queue(redis_server.client(), articles(3))
    real_release = Writer._release

    def kill_then_release(self, batch):
        redis_server.kill()
        real_release(self, batch)

    monkeypatch.setattr(Writer, "_release", kill_then_release)
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(ingest, ["--redis", redis_server.url, "--db", str(db), "--batch-size", "2"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1
    assert "went away" in lines[0]
    assert f"stay in {KEYS.processing}" in lines[0]
    assert_intact(db)


def test_cli_refuses_a_file_that_is_not_an_archive(redis_server, tmp_path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a database, just notes\n" * 10)
    result = CliRunner().invoke(ingest, ["--redis", redis_server.url, "--db", str(other), "--idle", "0"])
    assert result.exit_code == 1
    assert "is not a newsbot archive" in result.output
    assert other.read_text() == "not a database, just notes\n" * 10


@pytest.mark.parametrize(
    ("poison", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "RecursionError: nested too deep to decode"),
        (
            b'{"v": 1, "kind": "article", "item": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001,
            "RecursionError",
        ),
        (b'{"v": 1, "kind": "\xc3\x28"}', "UnicodeDecodeError"),
        (b'{"v": 1, "kind": "article", "item": {"url": 1e999999}}', "item"),
        (b'{"v": 1, "kind": "article", "item": "' + b"9" * 5000 + b'"}', "item"),
    ],
    ids=["deep-list", "deep-item", "not-utf8", "huge-float", "long-string"],
)
def test_a_poison_message_is_set_aside_and_never_wedges_the_queue(
    redis_server, tmp_path, poison, reason
) -> None:
    server, db = redis_server.client(), tmp_path / "archive.db"
    server.lpush(KEYS.items, poison, encode_item(articles(1)[0]))
    report = Writer(server, db).run(idle=0)
    assert report.outcomes == {"articles_new": 1, "dead": 1}
    (dead,) = server.lrange(KEYS.dead, 0, -1)
    assert json.loads(dead)["reason"].startswith(reason)
    assert server.llen(KEYS.processing) == 0 and server.llen(KEYS.items) == 0
    # The next ingest finds nothing left to choke on.
    assert Writer(server, db).run(idle=0).outcomes == {}
