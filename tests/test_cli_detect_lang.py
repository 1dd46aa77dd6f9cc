"""Tests for `newsbot detect-lang`, run through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsbot.cli import main


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["detect-lang", *args], input=stdin)
    return result.exit_code, result.output


def test_text_prints_one_json_object() -> None:
    code, out = run("Кілька найбільших банків КНР перестали приймати платежі з рф")
    assert code == 0
    payload = json.loads(out)
    assert payload["lang"] == "uk"
    assert payload["method"] == "letters"
    assert 0.0 < payload["confidence"] <= 1.0
    assert "Кілька" not in out  # the answer, not an echo of the input


def test_cyrillic_stays_readable_and_und_has_a_reason() -> None:
    code, out = run("12345")
    assert code == 0
    assert json.loads(out) == {
        "lang": "und",
        "confidence": 0.0,
        "method": "none",
        "reason": "no letters",
    }


def test_file_prints_one_object_per_line_in_order(tmp_path: Path) -> None:
    source = tmp_path / "texts.txt"
    source.write_text(
        "Сьогодні в Києві буде сонячно\nSunny weather in Kyiv today\n\nМы были в Москве\n",
        encoding="utf-8",
    )
    code, out = run("--file", str(source))
    assert code == 0
    langs = [json.loads(line)["lang"] for line in out.splitlines()]
    assert langs == ["uk", "en", "und", "ru"]


def test_file_from_stdin() -> None:
    code, out = run("--file", "-", stdin="Мы были в Москве\nКиїв і область\n")
    assert code == 0
    assert [json.loads(line)["lang"] for line in out.splitlines()] == ["ru", "uk"]


def test_candidates_option() -> None:
    code, out = run("--candidates", "ru,en", "Сьогодні в Києві")
    assert code == 0
    assert json.loads(out)["lang"] == "ru"


def test_unknown_candidate_is_a_one_line_error() -> None:
    code, out = run("--candidates", "uk,zz", "text")
    assert code == 2
    assert "zz" in out
    assert "Traceback" not in out


def test_text_and_file_together_or_neither_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "t.txt"
    source.write_text("hello\n", encoding="utf-8")
    assert run()[0] == 2
    assert run("hello", "--file", str(source))[0] == 2


def test_missing_file_is_an_error() -> None:
    code, out = run("--file", "/nonexistent/texts.txt")
    assert code == 2
    assert "Traceback" not in out
