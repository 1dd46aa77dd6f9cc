"""The `newsbot` command: a thin click group; each subcommand lives in its own module.

Subcommands are imported only when one is run (a lazy group), so `newsbot --help` or
`newsbot parse-time` never pays for Scrapy, Twisted or the archive's imports. `--help` lists each
command with the one-line help kept in _COMMANDS; tests/test_cli.py checks that line against the
command's own help, so the two cannot drift apart.
"""

from __future__ import annotations

import importlib

import click
from click.utils import make_default_short_help

from newsbot import __version__
from newsbot.cli.errors import SafeGroup

# name -> (module, attribute, summary) of every subcommand; each module owns one command or group.
# The summary is the first paragraph of the command's help (tests/test_cli.py keeps them equal).
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "archive": (
        "newsbot.cli.archive",
        "archive_group",
        "Query the SQLite archive: search, stats, views, links, history, export.",
    ),
    "crawl": (
        "newsbot.cli.crawl",
        "crawl",
        "Run one crawl of SPIDER into the archive, for cron, systemd timers and Scrapyd-less hosts.",
    ),
    "demo": (
        "newsbot.cli.demo",
        "demo",
        "Replay the bundled UNN pages through the UNN spider into an SQLite archive.",
    ),
    "detect-lang": (
        "newsbot.cli.language",
        "detect_lang",
        'Print the language of TEXT as JSON: {"lang", "confidence", "method"}.',
    ),
    "extract": (
        "newsbot.cli.extract",
        "extract",
        "Extract an article from a saved page (FILE may be gzip) and print it as JSON.",
    ),
    "fixture": (
        "newsbot.cli.fixture",
        "fixture",
        "Record saved pages that tests and `newsbot demo` replay offline.",
    ),
    "parse-time": (
        "newsbot.cli.timestamps",
        "parse_time",
        'Print TEXT as JSON: {"raw", "utc", "local", "precision", "approximate"}.',
    ),
    "split": (
        "newsbot.cli.split",
        "split_command",
        "Split an article into story paragraphs, cross-links, its view count and teasers.",
    ),
    "worker": (
        "newsbot.cli.worker",
        "worker",
        "Crawl SPIDER as one of several workers sharing a scrapy-redis queue.",
    ),
}


def load_command(name: str) -> click.Command:
    """Import and return the subcommand `name` (a KeyError for an unknown name)."""
    module, attribute, _ = _COMMANDS[name]
    return getattr(importlib.import_module(module), attribute)


class LazyGroup(SafeGroup):
    """A click group that imports a subcommand's module only when that subcommand is used
    (and, as a SafeGroup, ends its expected failures in one line)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _COMMANDS and cmd_name not in self.commands:
            self.add_command(load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List every command with its one-line help, without importing any of them."""
        names = self.list_commands(ctx)
        if not names:
            return
        # The width click's own format_commands gives each line of help.
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in _COMMANDS and name not in self.commands:
                rows.append((name, make_default_short_help(_COMMANDS[name][2], limit)))
            elif not self.commands[name].hidden:
                rows.append((name, self.commands[name].get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsbot")
def main() -> None:
    """Crawl news sites into an SQLite archive and query it.

    Start with `newsbot demo`: an offline replay of the bundled fixtures into ./archive.db.
    """
