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
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the top level is lazy: no `group.commands` until used
        command = group.get_command(ctx, name)
        assert command is not None, name
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


def test_help_lists_each_command_with_its_own_summary() -> None:
    """The lazy group's summaries (newsbot/cli/__init__.py) are the commands' own first paragraphs."""
    from click.utils import make_default_short_help

    from newsbot.cli import _COMMANDS, load_command

    for name, (_, _, summary) in _COMMANDS.items():
        command = load_command(name)
        assert command.name == name
        for limit in (45, 60, 1000):
            assert make_default_short_help(summary, limit) == command.get_short_help_str(limit), name
    listing = subprocess.run(
        [sys.executable, "-m", "newsbot", "--help"], cwd=REPO, capture_output=True, text=True
    ).stdout
    for name in _COMMANDS:
        assert f"  {name} " in listing


@pytest.mark.parametrize(
    "argv", [["--help"], ["parse-time", "2024-04-09T15:10:00+03:00"], ["detect-lang", "hello"]]
)
def test_commands_that_do_not_crawl_load_neither_scrapy_nor_language_models(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from newsbot.cli import main\n"
        f"try:\n    main({argv!r})\n"
        "except SystemExit as done:\n    assert not done.code, done.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted', 'pymorphy3'))\n"
        "language = sys.modules.get('newsbot.text.language')\n"
        "if language is not None:\n"
        "    heavy += language.get_detector(('en', 'ru', 'uk')).loaded_models()\n"
        "print('HEAVY', heavy)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "HEAVY []" in run.stdout, run.stdout[-500:]
