"""The `newsbot` command: every subcommand explains itself, and `python -m newsbot` works."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from newsbot.cli import main
from tests.support.paths import REPO


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


ALL = _commands(main)


def test_the_expected_commands_exist() -> None:
    names = {" ".join(c) for c in ALL}
    for wanted in (
        "demo",
        "crawl",
        "fixture save",
        "split",
        "parse-time",
        "detect-lang",
        "worker",
        "archive search",
        "archive stats",
        "archive ingest",
        "archive reparse",
    ):
        assert wanted in names


@pytest.mark.parametrize("command", ALL, ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3  # more than a bare usage line


def test_python_dash_m_newsbot() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "newsbot", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0
    assert "newsbot demo" in run.stdout
