"""Open the archive named by --db for a command; its expected failures become one-line errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from archive import queries
from archive.db import Archive, ArchiveError, open_archive


class CommandError(click.ClickException):
    """An expected failure: one line on stderr, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@contextlib.contextmanager
def opened(ctx: click.Context, *, readonly: bool = True) -> Iterator[Archive]:
    """Open the archive named by --db, turning the expected failures into one-line errors."""
    try:
        archive = open_archive(ctx.obj["db"], readonly=readonly)
    except ArchiveError as error:
        raise CommandError(str(error)) from None
    try:
        yield archive
    except queries.QueryError as error:
        raise CommandError(str(error), exit_code=2) from None
    except queries.NotArchived as error:
        raise CommandError(str(error)) from None
    finally:
        archive.close()
