"""CLI input and output helpers: TEXT or the lines of --file, the --db option, plain-text tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import click

from newsbot import settings as defaults

# The date forms every --since/--until of the archive commands takes.
DATE = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])


def db_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return the --db option (the archive file; default NEWSBOT_ARCHIVE_PATH) with this help text."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path(defaults.NEWSBOT_ARCHIVE_PATH),
        show_default=True,
        help=help,
    )


def input_lines(text: str | None, file: IO[str] | None) -> Iterable[str]:
    """Return [TEXT], or the lines of --file without their line ends; exactly one must be given."""
    if text is not None and file is None:
        return [text]
    if file is not None and text is None:
        return (line.rstrip("\r\n") for line in file)
    raise click.UsageError("give either TEXT or --file FILE")


def format_table(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> list[str]:
    """Return the lines of a left-aligned table with a header row."""
    cells = [[("" if row.get(c) is None else str(row.get(c))) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return lines


def echo_table(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], indent: str = "  ") -> None:
    """Print a table, indented."""
    for line in format_table(rows, columns):
        click.echo(indent + line)
