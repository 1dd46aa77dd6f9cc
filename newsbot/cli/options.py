"""Options the `newsbot archive` group and its subcommands share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from newsbot import settings as defaults

DEFAULT_DB = Path(defaults.NEWSBOT_ARCHIVE_PATH)


def _remember_db(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(dict)["db"] = value


def archive_db_option(command: Callable) -> Callable:
    """Accept --db on a subcommand too: `archive --db X stats` and `archive stats --db X` are one.

    The value is stored where the group keeps its own --db (ctx.obj["db"]); given in both places,
    the subcommand's wins.
    """
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        expose_value=False,
        callback=_remember_db,
        help=f"The archive file (as `newsbot archive --db`; default {DEFAULT_DB}).",
    )(command)


def archive_path(ctx: click.Context) -> Path:
    """Return the archive file the group or subcommand named, else the default."""
    return (ctx.find_object(dict) or {}).get("db") or DEFAULT_DB
