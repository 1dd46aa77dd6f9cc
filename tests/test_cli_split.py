"""Tests for the `newsbot split` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsbot.cli import main

ROOT = Path(__file__).resolve().parents[1]
Y2024 = ROOT / "fixtures" / "unn" / "en-y2024-china-lavrov"
NEXT = ROOT / "fixtures" / "unn" / "en-next-kharkiv-drone-attack"


TEXT = """\
Headline of the story
• 1 204 views
First paragraph of the story.
Інша новина про щось важливе02.04.24, 19:59
Second paragraph.
News by theme
A teaser titlePhoto
• 3,562 переглядів
"""


def _run(args: list[str], stdin: bytes | None = None) -> Any:
    return CliRunner().invoke(main, ["split", *args], input=stdin)


def _json(args: list[str], stdin: bytes | None = None) -> dict[str, Any]:
    result = _run(args, stdin)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_text_from_stdin_has_exactly_the_split_keys() -> None:
    out = _json(["-", "--now", "2024-04-10T06:30:00Z"], TEXT.encode())
    assert list(out) == ["title", "paragraphs", "cross_links", "views", "related"]
    assert out["title"] == "Headline of the story"
    assert out["paragraphs"] == ["First paragraph of the story.", "Second paragraph."]
    assert out["views"] == 1204
    [link] = out["cross_links"]
    assert {k: link[k] for k in ("title", "url", "published_raw", "position")} == {
        "title": "Інша новина про щось важливе",
        "url": None,
        "published_raw": "02.04.24, 19:59",
        "position": 0,
    }
    [teaser] = out["related"]
    assert {k: teaser[k] for k in ("title", "views", "labels", "block", "url")} == {
        "title": "A teaser title",
        "views": 3562,
        "labels": ["Photo"],
        "block": "news-by-theme",
        "url": None,
    }


def test_link_time_and_language_are_filled() -> None:
    out = _json(["-", "--now", "2024-04-10T06:30:00Z"], TEXT.encode())
    [link] = out["cross_links"]
    assert link["published_utc"] == "2024-04-02T16:59:00Z"  # 19:59 Kyiv summer time (UTC+3)
    assert link["lang"] == "uk"
    [teaser] = out["related"]
    assert teaser["published_utc"] is None  # the teaser shows no date


def test_year_less_teaser_date_is_read_against_now() -> None:
    text = "Title\n• 3 views\nStory.\nLatest news\nSome news item\n30 жовтня, 22:19 • 12 views\n"
    out = _json(["-", "--now", "2025-11-14T07:10:00Z"], text.encode())
    [teaser] = out["related"]
    assert teaser["published_raw"] == "30 жовтня, 22:19"
    assert teaser["published_utc"] == "2025-10-30T20:19:00Z"  # Kyiv winter time (UTC+2)
    assert teaser["views"] == 12


def test_html_fixture_takes_url_and_time_from_meta_json() -> None:
    out = _json([str(Y2024 / "body.html")])
    expected = json.loads((Y2024 / "expected.json").read_text(encoding="utf-8"))
    assert out["title"] == expected["title"]
    assert out["lead"] == expected["lead"]
    assert out["paragraphs"] == expected["paragraphs"]
    assert out["views"] == expected["views"]
    assert [(c["title"], c["url"]) for c in out["cross_links"]] == [
        (c["title"], c["url"]) for c in expected["cross_links"]
    ]
    assert [t["views"] for t in out["related"]] == [22037, 20207, 18436]


def test_html_from_stdin_needs_url() -> None:
    body = (NEXT / "body.html").read_bytes()
    result = _run(["-"], body)
    assert result.exit_code != 0
    assert "needs --url" in result.output
    assert "Traceback" not in result.output

    meta = json.loads((NEXT / "meta.json").read_text(encoding="utf-8"))
    out = _json(["-", "--url", meta["url"], "--now", meta["fetched_at"]], body)
    assert out["views"] == 35469
    assert [t["labels"] for t in out["related"]] == [
        ["Photo"],
        ["Exclusive"],
        ["Photo", "Video"],
        [],
    ]


def test_format_text_forces_text_reading_of_html() -> None:
    out = _json(["-", "--format", "text"], b"<p>Title</p>\nSome text.\n")
    assert out["title"] == "<p>Title</p>"
    assert out["paragraphs"] == ["Some text."]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["-", "--now", "yesterday"], b"Title\n", "--now"),
        (["-", "--url", "https://example.com/a"], b"<html></html>", "not an article page"),
        (["-", "--format", "text"], b"\xff\xfe\xfa", "not UTF-8"),
        (["/nonexistent/page.html"], None, "No such file"),
    ],
)
def test_expected_failures_give_one_error_line(args: list[str], stdin: bytes | None, message: str) -> None:
    result = _run(args, stdin)
    assert result.exit_code != 0
    [error] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert message in error
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_empty_text_input_reports_problems() -> None:
    out = _json(["-"], b"")
    assert out["title"] is None and out["paragraphs"] == [] and out["views"] is None
    assert set(out["problems"]) == {"paragraphs", "views"}


ARTICLE_FIXTURES = sorted(
    p.parent
    for p in (ROOT / "fixtures" / "unn").glob("*/expected.json")
    if json.loads(p.read_text(encoding="utf-8")).get("kind") == "article"
)


@pytest.mark.parametrize("folder", ARTICLE_FIXTURES, ids=[f.name for f in ARTICLE_FIXTURES])
def test_fixture_split_fields_end_to_end(folder: Path) -> None:
    out = _json([str(folder / "body.html")])
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    for key in ("title", "paragraphs", "views"):
        assert out[key] == expected[key], key
    link_keys = ("title", "url", "published_raw", "published_utc", "lang", "position")
    assert [{k: c[k] for k in link_keys} for c in out["cross_links"]] == [
        {k: c[k] for k in link_keys} for c in expected["cross_links"]
    ]
    teaser_keys = ("title", "url", "published_raw", "published_utc", "views", "labels", "block")
    assert [{k: t[k] for k in teaser_keys} for t in out["related"]] == [
        {k: t.get(k) for k in teaser_keys} for t in expected["related"]
    ]
