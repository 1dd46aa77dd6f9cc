"""README.md and docs/*.md tell the truth: every `newsbot ...` command they show exists with the options
it is shown with, every `python -m` module is there, and every repository path they cite exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from newsbot.cli import main
from tests.support.paths import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
# `newsbot` at the start of a shell command (after a prompt, env assignments or a pipe), not as
# another tool's argument (`mypy newsbot`).
_COMMAND = re.compile(r"(?:^|[|;&($])\s*(?:[A-Z_]+=\S+\s+)*newsbot((?:\s+[^\s`|;&)#]+)*)")
_MODULE = re.compile(r"python3? -m ((?:bench|newsbot|scripts)(?:\.\w+)*)")
_PATH = re.compile(r"(?<![\w./-])((?:newsbot|archive|docs|fixtures|bench|tests|scripts)/[\w./-]*[\w/])")
_LINK = re.compile(r"\]\(([^)#\s]+)")


def _code(text: str) -> list[str]:
    """Return the code in a markdown text: fenced block lines and inline `spans`."""
    lines: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            lines.append(line)
        else:
            lines.extend(re.findall(r"`([^`]+)`", line))
    return lines


def shown_commands(text: str) -> list[list[str]]:
    """Return the argument lists of the `newsbot` commands shown in a markdown text."""
    found = []
    for line in _code(text):
        line = line.rstrip("\\").strip()
        for match in _COMMAND.finditer(line):
            try:
                found.append(shlex.split(match[1]))
            except ValueError:  # an unbalanced quote in prose: take the words
                found.append(match[1].split())
    return found


def check_command(args: list[str], group: click.Group = main) -> list[str]:
    """Return what is wrong with `newsbot ARGS` (an unknown subcommand or option), empty when fine."""
    command: click.Command = group
    words = iter(args)
    ctx = click.Context(main)
    if args and args[0].endswith(":"):
        return []  # a message newsbot prints ("newsbot crawl: ... is held by ..."), not a command
    for word in words:
        if isinstance(command, click.Group) and not word.startswith("-"):
            sub = command.get_command(ctx, word)
            if sub is None:
                if word.startswith(("<", "[", "{", "$")) or word in ("...", "COMMAND"):
                    return []  # a placeholder: "newsbot archive <command>"
                return [f"no command {word!r} in `newsbot {' '.join(args)}`"]
            command = sub
            continue
        break
    if isinstance(command, click.Group) and command is not main:
        return []  # "newsbot archive": a group shown by itself
    names = {name for param in command.params for name in (*param.opts, *param.secondary_opts)}
    names |= {"--help", "-h"}
    wrong = []
    for word in args:
        option = word.split("=", 1)[0]
        is_option = option.startswith("-") and option not in ("-", "--") and not option[1:2].isdigit()
        if is_option and option not in names:
            wrong.append(f"no option {option!r} for `newsbot {' '.join(args)}`")
    return wrong


def cited_paths(text: str, where: Path) -> list[tuple[str, Path]]:
    """Return (citation, resolved path) for the repository paths and relative links of a text."""
    # "newsbot/revisit/not_due" is a stats key: under newsbot/ only files and folders/ are paths.
    cited = [
        (p, REPO / p)
        for p in _PATH.findall(text)
        if not p.startswith("newsbot/") or p.endswith("/") or "." in p.rsplit("/", 1)[-1]
    ]
    for link in _LINK.findall(text):
        if "://" in link or link.startswith("mailto:"):
            continue
        cited.append((link, where.parent / link))
    return cited


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_command_shown_exists(doc: Path) -> None:
    problems = [
        problem for args in shown_commands(doc.read_text(encoding="utf-8")) for problem in check_command(args)
    ]
    assert problems == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_python_module_shown_exists(doc: Path) -> None:
    for module in _MODULE.findall(doc.read_text(encoding="utf-8")):
        path = REPO / module.replace(".", "/")
        assert path.with_suffix(".py").exists() or (path / "__main__.py").exists(), module


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_cited_path_exists(doc: Path) -> None:
    missing = [
        cited for cited, path in cited_paths(doc.read_text(encoding="utf-8"), doc) if not path.exists()
    ]
    assert missing == []


def test_the_docs_show_commands_at_all() -> None:
    shown = [args for doc in DOCS for args in shown_commands(doc.read_text(encoding="utf-8"))]
    assert ["demo"] in [args[:1] for args in shown]
    assert any(args[:2] == ["archive", "stats"] for args in shown)


def test_a_wrong_command_or_option_is_caught() -> None:
    assert check_command(["crawl", "unn", "--db", "a.db"]) == []
    assert check_command(["archive", "stats"]) == []
    assert check_command(["crawll", "unn"]) == ["no command 'crawll' in `newsbot crawll unn`"]
    assert check_command(["archive", "statz"]) == ["no command 'statz' in `newsbot archive statz`"]
    assert check_command(["crawl", "unn", "--dbb", "a.db"]) == [
        "no option '--dbb' for `newsbot crawl unn --dbb a.db`"
    ]


def test_a_missing_path_is_caught(tmp_path: Path) -> None:
    text = "See `newsbot/no_such_module.py` and [the guide](no-such.md), and `docs/archive.md`."
    cited = cited_paths(text, tmp_path / "x.md")
    assert [c for c, path in cited if not path.exists()] == ["newsbot/no_such_module.py", "no-such.md"]
