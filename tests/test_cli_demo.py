"""`newsbot demo`: the offline replay crawl, run as a user runs it (a real process, a real file)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import open_archive
from archive.summary import archive_summary
from newsbot.cli import main
from tests.support.paths import REPO, fixtures_of_kind


def _demo(db: Path, *prefix: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "newsbot", "demo", "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _summary(db: Path) -> dict:
    with open_archive(db, readonly=True) as archive:
        return archive_summary(archive.db)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    db = tmp_path_factory.mktemp("demo") / "archive.db"
    return db, _demo(db)


def _timeline_urls() -> set[str]:
    from newsbot.cli.demo import TIMELINE
    from newsbot.replay import load_fixtures

    return {f.url for f in load_fixtures(TIMELINE) if (f.expected() or {}).get("kind") == "article"}


def test_demo_stores_every_fixture_article_and_the_timeline_stories(demo_db) -> None:
    db, run = demo_db
    assert run.returncode == 0, run.stderr
    expected_urls = {f.expected()["url"] for f in fixtures_of_kind("article")} | _timeline_urls()
    with open_archive(db, readonly=True) as archive:
        stored = {row[0] for row in archive.conn.execute("SELECT url FROM articles")}
    assert stored == expected_urls


def test_demo_stores_each_article_in_its_edition_and_layout(demo_db) -> None:
    db, _ = demo_db
    with open_archive(db, readonly=True) as archive:
        stored = {
            url: (ed, lay)
            for url, ed, lay in archive.conn.execute("SELECT url, edition, layout FROM articles")
        }
    for fixture in fixtures_of_kind("article"):
        expected = fixture.expected()
        assert stored[expected["url"]] == (expected["edition"], expected["layout"]), fixture.name


def test_demo_quarantines_every_bad_page(demo_db) -> None:
    db, _ = demo_db
    with open_archive(db, readonly=True) as archive:
        reasons = {url: reason for url, reason in archive.conn.execute("SELECT url, reason FROM quarantine")}
    for fixture in fixtures_of_kind("quarantine"):
        assert reasons[fixture.url].startswith(fixture.expected()["reason_prefix"]), fixture.name


def test_demo_prints_a_summary(demo_db) -> None:
    db, run = demo_db
    articles = len(fixtures_of_kind("article")) + len(_timeline_urls())
    assert f"The archive holds {articles} articles" in run.stdout
    assert "edition  layout" in run.stdout
    assert f"Archive: {db.resolve()}" in run.stdout
    assert "Traceback" not in run.stderr


def test_demo_twice_adds_no_duplicates(demo_db, tmp_path: Path) -> None:
    db, _ = demo_db
    again = tmp_path / "again.db"
    shutil.copy(db, again)
    before = _summary(again)
    run = _demo(again)
    assert run.returncode == 0, run.stderr
    after = _summary(again)
    assert after["articles"] == before["articles"]
    assert after["by_edition_layout"] == before["by_edition_layout"]
    assert " 0 new," in run.stdout
    # Every article is accounted for: refetched unchanged, answered 304, or not due yet.
    (first_crawl,) = [line for line in run.stdout.splitlines() if line.startswith("Crawl ")]
    numbers = dict(
        (label, int(count))
        for count, label in re.findall(r"(\d+) (unchanged articles|not modified|not due)", first_crawl)
    )
    assert sum(numbers.values()) == before["articles"] - len(_timeline_urls())


def test_demo_needs_no_network(tmp_path: Path) -> None:
    if subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot make a network namespace here (unshare --net needs root)")
    db = tmp_path / "offline.db"
    run = _demo(db, "unshare", "--net")
    assert run.returncode == 0, run.stderr
    assert _summary(db)["articles"] == len(fixtures_of_kind("article")) + len(_timeline_urls())


def test_a_crawl_survives_ten_megabytes_of_junk(tmp_path: Path) -> None:
    from newsbot.replay import load_fixture, save_fixture
    from tests.support.paths import FIXTURES

    replay = tmp_path / "replay"
    good = load_fixture(FIXTURES / "en-next-kharkiv-drone-attack")
    save_fixture(
        replay,
        url=good.url,
        status=200,
        headers=good.headers,
        body=good.body(),
        fetched_at=good.fetched_at,
        name="good",
    )
    junk = bytes(range(256)) * (10 * 1024 * 1024 // 256)
    save_fixture(
        replay,
        url="https://unn.ua/en/news/junk",
        status=200,
        headers={"Content-Type": "text/html"},
        body=junk,
        fetched_at=good.fetched_at,
        name="junk",
    )
    db = tmp_path / "junk.db"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbot",
            "demo",
            "--db",
            str(db),
            "--fixtures",
            str(replay),
            "--no-timeline",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    summary = _summary(db)
    assert summary["articles"] == 1
    assert [row["reason"].split(":")[0] for row in summary["quarantine"]] == ["too large"]
    with open_archive(db, readonly=True) as archive:
        (size,) = archive.conn.execute(
            "SELECT r.size FROM quarantine q JOIN raw_pages r ON r.id = q.raw_page_id"
        ).fetchone()
    assert size == len(junk)  # the raw bytes are kept, not just the reason


def _suggested(run: subprocess.CompletedProcess[str]) -> list[list[str]]:
    lines = run.stdout.split("\nTry next:\n")[1].splitlines()
    return [shlex.split(line) for line in lines if line.strip() and not line.strip().startswith("#")]


def test_demo_replays_the_timeline_as_three_scheduled_runs(demo_db) -> None:
    db, run = demo_db
    assert "Then 3 scheduled runs over" in run.stdout
    with open_archive(db, readonly=True) as archive:
        runs = archive.conn.execute(
            "SELECT count(*) FROM crawl_runs WHERE finish_reason = 'finished'"
        ).fetchone()
        edited = archive.conn.execute("SELECT count(*) FROM articles WHERE version > 1").fetchone()
        linked = archive.conn.execute(
            "SELECT count(*) FROM links WHERE target_article_id IS NOT NULL"
        ).fetchone()
    assert runs == (4,)  # the fixtures, then the timeline's three moments
    assert edited[0] >= 1 and linked[0] >= 1


def test_every_command_the_demo_suggests_works_on_its_archive(demo_db, tmp_path: Path) -> None:
    db, run = demo_db
    commands = _suggested(run)
    archive_commands = [c for c in commands if c[:2] == ["newsbot", "archive"]]
    names = {c[4] for c in archive_commands}
    assert {"search", "stats", "top", "views", "chart", "history", "links", "quarantine"} <= names
    for command in archive_commands:
        assert command[2:4] == ["--db", str(db)]
        args = [str(tmp_path / "views.png") if arg == "views.png" else arg for arg in command[1:]]
        follow = CliRunner().invoke(main, args)
        assert follow.exit_code == 0, (command, follow.output)
        assert follow.output.strip(), command
        assert "(none)" not in follow.output.split("\n\n")[0], command  # the first table has rows
    assert (tmp_path / "views.png").read_bytes().startswith(b"\x89PNG")
    (datasette,) = [c for c in commands if c[0] == "datasette"]
    assert datasette[1] == str(db)
    assert (REPO / datasette[datasette.index("--metadata") + 1]).is_file()
    assert (REPO / datasette[datasette.index("--plugins-dir") + 1]).is_dir()


def test_every_canned_datasette_query_shows_rows_on_the_demo_archive(demo_db) -> None:
    import asyncio

    datasette_app = pytest.importorskip("datasette.app", reason="Datasette is an optional extra")
    yaml = pytest.importorskip("yaml", reason="Datasette reads YAML metadata with PyYAML")
    db, _ = demo_db
    metadata = yaml.safe_load((REPO / "archive" / "datasette.yml").read_text(encoding="utf-8"))
    ds = datasette_app.Datasette([str(db)], metadata=metadata)

    async def rows(name: str) -> list:
        await ds.invoke_startup()
        response = await ds.client.get(f"/archive/{name}.json?_shape=array&url=&kind=&lang=")
        assert response.status_code == 200, response.text
        return response.json()

    for name in metadata["databases"]["archive"]["queries"]:
        assert asyncio.run(rows(name)), f"canned query {name} shows nothing on the demo archive"
