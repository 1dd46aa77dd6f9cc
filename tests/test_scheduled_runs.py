"""Three scheduled runs over a replayed site whose pages change between runs (scenarios/unn-timeline).

The scenario, as the fixture pages tell it (times UTC; see fixtures/scenarios/unn-timeline/README.md):
  T1 2025-11-20 10:30, T2 2025-11-20 16:00, T3 2025-11-21 10:00 (three runs of `newsbot crawl`).
  heating  published 11-20 09:00: new at T1; due at T2 (6 h mark) and T3 (24 h mark); views grow.
  strike   published 11-20 08:00: same marks; at T3 a paragraph was edited (casualty count).
  cached   published 11-20 07:30, served with an ETag; only one copy exists: T2 and T3 get a 304.
  old      published 11-10 12:00, first archived at T1; listed again at T2 and T3 but past its
           last mark (7 d): never refetched, though newer copies with more views exist.
  tram     published 11-21 08:40, first listed at T3: new, fetched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archive.db import open_archive
from newsbot.enrich import enrich_article
from newsbot.items import Article, to_jsonable
from newsbot.pages import parse_page
from newsbot.replay import Fixture, load_fixtures
from tests.support.crawl import crawl
from tests.support.paths import TIMELINE

RUNS = ("2025-11-20T10:30:00Z", "2025-11-20T16:00:00Z", "2025-11-21T10:00:00Z")
BASE = "https://unn.ua/en/news/"
HEATING = BASE + "kyiv-opens-200-heating-points-as-frosts-arrive"
STRIKE = BASE + "drone-strike-on-sumy-region-injures-residents"
CACHED = BASE + "nbu-keeps-the-key-rate-at-15-5"
OLD = BASE + "ukrzaliznytsia-adds-winter-trains-to-the-carpathians"
TRAM = BASE + "lviv-launches-night-tram-route"


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("scheduled")
    db = folder / "archive.db"
    summaries = []
    for at in RUNS:
        run = crawl(
            "unn",
            "--db", str(db),
            "--log-file", str(folder / "crawl.log"),
            "--replay", str(TIMELINE),
            "--replay-at", at,
            "-a", "lang=en",
            "-a", "discover=rss",
            "--json",
        )  # fmt: skip
        assert run.returncode == 0, run.stderr + run.stdout
        summaries.append(json.loads(run.stdout))
    return db, summaries


def _rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with open_archive(db, readonly=True) as archive:
        return [tuple(row) for row in archive.conn.execute(sql, params)]


def _page_views(db: Path, url: str) -> list[tuple[str, int]]:
    return _rows(
        db,
        "SELECT v.observed_at, v.views FROM view_observations v JOIN articles a ON a.id = v.article_id"
        " WHERE a.url = ? AND v.source = 'page' ORDER BY v.observed_at",
        url,
    )


def test_views_of_a_fresh_story_are_recorded_at_each_run(three_runs) -> None:
    db, _ = three_runs
    assert _page_views(db, HEATING) == [
        ("2025-11-20T10:30:00Z", 1520),
        ("2025-11-20T16:00:00Z", 8840),
        ("2025-11-21T10:00:00Z", 21307),
    ]
    assert _page_views(db, STRIKE) == [
        ("2025-11-20T10:30:00Z", 2410),
        ("2025-11-20T16:00:00Z", 9120),
        ("2025-11-21T10:00:00Z", 17655),
    ]


def test_the_edited_story_has_one_new_version(three_runs) -> None:
    db, _ = three_runs
    versions = _rows(
        db,
        "SELECT v.version, v.seen_at, v.changed, v.after FROM article_versions v"
        " JOIN articles a ON a.id = v.article_id WHERE a.url = ? ORDER BY v.version",
        STRIKE,
    )
    assert [(v[0], v[1]) for v in versions] == [(1, "2025-11-20T10:30:00Z"), (2, "2025-11-21T10:00:00Z")]
    assert json.loads(versions[1][2]) == ["text"]
    assert "Five people were injured" in json.loads(versions[1][3])["text"]
    # The story whose views grew but whose text did not change keeps one version.
    assert _rows(db, "SELECT version FROM articles WHERE url = ?", HEATING) == [(1,)]


def test_the_old_story_is_not_refetched(three_runs) -> None:
    db, summaries = three_runs
    assert _page_views(db, OLD) == [("2025-11-20T10:30:00Z", 40210)]
    assert _rows(db, "SELECT last_seen FROM articles WHERE url = ?", OLD) == [("2025-11-20T10:30:00Z",)]
    assert [s["not_due"] for s in summaries] == [0, 1, 1]


def test_a_304_counts_as_seen_without_a_new_observation(three_runs) -> None:
    db, summaries = three_runs
    assert [s["not_modified"] for s in summaries] == [0, 1, 1]
    assert _rows(db, "SELECT last_seen, version FROM articles WHERE url = ?", CACHED) == [
        ("2025-11-21T10:00:00Z", 1)
    ]
    assert _page_views(db, CACHED) == [("2025-11-20T10:30:00Z", 3001)]


def test_each_run_fetches_only_what_is_new_or_due(three_runs) -> None:
    _, summaries = three_runs
    # (new, changed, unchanged) per run: T1 four new; T2 heating and strike unchanged;
    # T3 the tram story new, strike changed, heating unchanged.
    assert [(s["new"], s["changed"], s["unchanged"]) for s in summaries] == [(4, 0, 0), (0, 0, 2), (1, 1, 1)]
    # The feed plus every article fetched (a 304 is a page answered too).
    assert [s["pages"] for s in summaries] == [5, 4, 5]


def test_the_archive_holds_each_story_once_and_three_runs(three_runs) -> None:
    db, _ = three_runs
    urls = [row[0] for row in _rows(db, "SELECT url FROM articles ORDER BY url")]
    assert urls == sorted([HEATING, STRIKE, CACHED, OLD, TRAM])
    assert _rows(db, "SELECT id, finish_reason FROM crawl_runs ORDER BY id") == [
        (1, "finished"),
        (2, "finished"),
        (3, "finished"),
    ]


# --- the scenario pages say what their expected.json says ------------------------------------------


def _articles() -> list[Fixture]:
    return [f for f in load_fixtures(TIMELINE) if (f.expected() or {}).get("kind") == "article"]


@pytest.mark.parametrize("fixture", _articles(), ids=lambda f: f.name)
def test_timeline_fixture_matches_its_expected_fields(fixture: Fixture) -> None:
    article = parse_page(fixture.body(), fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers)
    assert isinstance(article, Article)
    got = to_jsonable(enrich_article(article))
    expected = fixture.expected()
    assert {key: got[key] for key in expected if key != "kind"} == {
        key: value for key, value in expected.items() if key != "kind"
    }


def test_timeline_has_the_same_url_at_several_fetch_times() -> None:
    times: dict[str, set[str]] = {}
    for fixture in _articles():
        times.setdefault(fixture.url, set()).add(fixture.fetched_at.isoformat())
    assert len(times[HEATING]) == len(times[STRIKE]) == len(times[OLD]) == 3
    assert len(times[CACHED]) == len(times[TRAM]) == 1
