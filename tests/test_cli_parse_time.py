"""Tests for `newsbot parse-time`, run through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsbot.cli import main

NOW = "2024-04-10T12:00:00+03:00"


def run(*args: str, input: str | None = None) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["parse-time", *args], input=input)
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return result.exit_code, lines


def test_prints_one_json_object() -> None:
    code, [out] = run("02.04.24, 19:59", "--now", NOW)
    assert code == 0
    assert out == {
        "raw": "02.04.24, 19:59",
        "utc": "2024-04-02T16:59:00Z",
        "local": "2024-04-02T19:59:00+03:00",
        "precision": "minute",
        "approximate": False,
    }


def test_relative_form_is_approximate_and_cyrillic_is_kept_readable() -> None:
    result = CliRunner().invoke(main, ["parse-time", "2 години тому", "--now", NOW])
    assert "2 години тому" in result.output  # ensure_ascii=False
    out = json.loads(result.output)
    assert (out["utc"], out["precision"], out["approximate"]) == (
        "2024-04-10T07:00:00Z",
        "hour",
        True,
    )


def test_failure_prints_error_and_exits_1() -> None:
    code, [out] = run("31.02.24", "--now", NOW)
    assert code == 1
    assert out["utc"] is None and "day 31" in out["error"]


def test_tz_and_lang_options() -> None:
    code, [out] = run("April 9, 02:35 PM", "--now", NOW, "--tz", "UTC", "--lang", "en")
    assert code == 0
    assert out["utc"] == "2024-04-09T14:35:00Z"
    assert out["local"] == "2024-04-09T14:35:00+00:00"


def test_naive_now_is_read_in_the_zone() -> None:
    # 22:30 Kyiv: today's 23:00 is still ahead, so "23:00" is yesterday's. Read as UTC, the
    # same --now would be 01:30 on 11 April in Kyiv and "23:00" would be 10 April.
    code, [out] = run("23:00", "--now", "2024-04-10T22:30")
    assert (code, out["utc"]) == (0, "2024-04-09T20:00:00Z")


def test_file_mode_keeps_order_and_exits_0_despite_failures(tmp_path: Path) -> None:
    path = tmp_path / "times.txt"
    path.write_text("3 декабря 2020, 18:47\ngarbage\nApril 9, 2024\n", encoding="utf-8")
    code, outs = run("--file", str(path), "--now", NOW)
    assert code == 0
    assert [o["raw"] for o in outs] == ["3 декабря 2020, 18:47", "garbage", "April 9, 2024"]
    assert outs[0]["utc"] == "2020-12-03T16:47:00Z"
    assert "error" in outs[1]
    assert (outs[2]["local"], outs[2]["precision"]) == ("2024-04-09T00:00:00+03:00", "day")


def test_file_from_stdin() -> None:
    code, outs = run("--file", "-", "--now", NOW, input="21.02.24, 10:16\n")
    assert (code, outs[0]["utc"]) == (0, "2024-02-21T08:16:00Z")


def test_bad_options_give_one_line_errors_not_tracebacks() -> None:
    for args in (["x", "--now", "yesterday"], ["x", "--tz", "Mars/Olympus"], []):
        result = CliRunner().invoke(main, ["parse-time", *args])
        assert result.exit_code == 2
        assert "Traceback" not in result.output
        assert "Error:" in result.output


def test_now_defaults_to_the_clock() -> None:
    code, [out] = run("today")
    assert code == 0 and out["precision"] == "day"
