"""CLI input and output helpers: TEXT or the lines of --file, the --db option, plain-text tables."""

from __future__ import annotations

import textwrap
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


ELLIPSIS = "…"


def cell_text(value: Any) -> str:
    """Return a value as one table cell: None as empty, line breaks as spaces."""
    return "" if value is None else " ".join(str(value).split("\n"))


def fit_widths(
    natural: Sequence[int],
    minimum: Sequence[int],
    total: int,
    *,
    gap: int = 2,
) -> list[int]:
    """Return column widths that fit `total` characters, shrinking the widest columns first.

    `natural` is each column's widest cell (or header), `minimum` the narrowest a column may get
    (a whole URL, say, is never cut: give it its natural width). When even the minimums do not fit,
    the minimums are returned and the line runs long.
    """
    widths = list(natural)
    budget = total - gap * (len(widths) - 1)
    while (excess := sum(widths) - budget) > 0:
        shrinkable = [i for i, width in enumerate(widths) if width > minimum[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=widths.__getitem__)
        # Bring the widest column down to the next widest (not past its minimum), then share.
        floor = max(minimum[widest], max((widths[i] for i in shrinkable if i != widest), default=0))
        widths[widest] -= min(excess, widths[widest] - floor if widths[widest] > floor else 1)
    return widths


def truncate(text: str, width: int) -> str:
    """Cut text to `width` characters, ending in an ellipsis when cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS


def wrap_cell(text: str, width: int, max_lines: int = 3) -> list[str]:
    """Wrap a cell's text over at most `max_lines` lines of `width`; the last ends in … when cut."""
    if len(text) <= width:
        return [text]
    lines = textwrap.wrap(text, width, max_lines=max_lines, placeholder=" " + ELLIPSIS)
    return [truncate(line, width) for line in lines] or [truncate(text, width)]


SHORT = 20  # a column whose widest cell is this short (dates, counts, codes) is never narrowed


def _minimum_widths(names: Sequence[str], natural: Sequence[int], keep_whole: Sequence[str], min_width: int):
    return [
        natural[i] if name in keep_whole or natural[i] <= SHORT else max(len(name), min_width)
        for i, name in enumerate(names)
    ]


def fitted_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    width: int | None,
    keep_whole: Sequence[str] = (),
    min_width: int = 16,
    max_lines: int = 3,
) -> list[str]:
    """Return the lines of a table (header, rule, rows) fitted to `width` characters.

    Short columns and those named in `keep_whole` (URLs) keep their width; the long ones are
    narrowed, widest first, to no less than `min_width`, and their cells wrap over up to
    `max_lines` lines (cut with … beyond). When the whole columns leave no room for that, they
    move out of the grid: each row is followed by its whole values, indented, one per line.
    `width=None` prints every cell whole on one line.
    """
    cells = [[cell_text(row.get(name)) for name in columns] for row in rows]
    natural = [max([len(name), *(len(r[i]) for r in cells)]) for i, name in enumerate(columns)]
    below: list[int] = []  # indexes of the whole columns printed under each row
    if width is None:
        widths = natural
    else:
        minimum = _minimum_widths(columns, natural, keep_whole, min_width)
        if sum(minimum) + 2 * (len(columns) - 1) > width and any(name in keep_whole for name in columns):
            below = [i for i, name in enumerate(columns) if name in keep_whole]
        grid = [i for i in range(len(columns)) if i not in below]
        widths = [0] * len(columns)
        fitted = fit_widths([natural[i] for i in grid], [minimum[i] for i in grid], width)
        for i, w in zip(grid, fitted, strict=True):
            widths[i] = w
    grid = [i for i in range(len(columns)) if i not in below]
    lines = [f"({' and '.join(columns[i] for i in below)} under each row)"] if below else []
    lines.append("  ".join(columns[i].ljust(widths[i]) for i in grid).rstrip())
    lines.append("  ".join("-" * widths[i] for i in grid))
    for row in cells:
        wrapped = [[row[i]] if width is None else wrap_cell(row[i], widths[i], max_lines) for i in grid]
        for index in range(max(len(cell_lines) for cell_lines in wrapped)):
            parts = [(cell_lines[index] if index < len(cell_lines) else "") for cell_lines in wrapped]
            lines.append(
                "  ".join(part.ljust(widths[i]) for part, i in zip(parts, grid, strict=True)).rstrip()
            )
        lines += [f"  {row[i]}" for i in below if row[i]]
    return lines
