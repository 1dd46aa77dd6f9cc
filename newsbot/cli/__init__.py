"""The `newsbot` command: a thin click group; each subcommand lives in its own module."""

from __future__ import annotations

import importlib

import click

from newsbot import __version__
from newsbot.cli.errors import SafeGroup

# (module, attribute) of every subcommand; each module owns one command or group.
_COMMANDS: list[tuple[str, str]] = [
    ("newsbot.cli.archive", "archive_group"),  # newsbot archive: the analysts' queries
    ("newsbot.cli.crawl", "crawl"),
    ("newsbot.cli.demo", "demo"),
    ("newsbot.cli.fixture", "fixture"),
    ("newsbot.cli.language", "detect_lang"),
    ("newsbot.cli.split", "split_command"),
    ("newsbot.cli.timestamps", "parse_time"),
    ("newsbot.cli.worker", "worker"),
]


@click.group(cls=SafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsbot")
def main() -> None:
    """Crawl news sites into an SQLite archive and query it.

    Start with `newsbot demo`: an offline replay of the bundled fixtures into ./archive.db.
    """


for _module, _attr in _COMMANDS:
    main.add_command(getattr(importlib.import_module(_module), _attr))
