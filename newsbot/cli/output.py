"""Plain-text tables for the CLI (no dependency: the data is small and the format simple)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click


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
