"""Expected failures anywhere in the `newsbot` command become one line and a documented status.

0    success
1    the command failed: an unusable or damaged archive, a file that cannot be written (a
     missing folder, a full disk, /dev/full), a crawl that failed (see each command's help)
2    usage error: a bad option, a value out of range (a date past 9999, a limit over 2^63),
     an argument that is not valid UTF-8
75   `newsbot crawl`: another run holds the archive's lock
141  the reader of standard output went away (a closed pipe), as for any Unix tool
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PIPE = 141  # 128 + SIGPIPE


class OneLineError(click.ClickException):
    """An expected failure: one line on stderr, no traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _storage_error() -> type[Exception]:
    # Imported when a command failed, not at start-up (the CLI imports archive/ only when used).
    from archive.db import StorageError

    return StorageError


def expected(error: BaseException) -> bool:
    """Tell whether `error` is a failure the user should see as one line (not a bug)."""
    return isinstance(error, (OverflowError, UnicodeError, OSError, _storage_error()))


def describe(error: BaseException) -> tuple[str, int]:
    """Return (one line, exit status) for an expected failure."""
    if isinstance(error, OverflowError):
        return f"a value is out of range: {error}", EXIT_USAGE
    if isinstance(error, UnicodeError):
        return f"not valid UTF-8 text ({type(error).__name__}): pass names and text in UTF-8", EXIT_USAGE
    if isinstance(error, _storage_error()):
        return f"the archive cannot be used: {error}", EXIT_FAILED
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        reason = error.strerror or str(error)
        return f"cannot read or write{where}: {reason}", EXIT_FAILED
    return f"{type(error).__name__}: {error}", EXIT_FAILED


def _flush_stdout() -> None:
    """Flush standard output now, so a full disk or /dev/full is reported here, not at exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        raise SystemExit(EXIT_PIPE) from None
    except OSError as error:
        _quiet_stdout()
        line, status = describe(error)
        click.echo(f"Error: {line}", err=True)
        raise SystemExit(status) from None


def _quiet_stdout() -> None:
    # Let the interpreter's own flush at exit find nothing to write.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class SafeGroup(click.Group):
    """A click group whose subcommands' expected failures end as one line (see the table above)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            _quiet_stdout()
            raise SystemExit(EXIT_PIPE) from None
        except Exception as error:
            if not expected(error):
                raise
            if isinstance(error, OSError) and error.errno == errno.EPIPE:
                _quiet_stdout()
                raise SystemExit(EXIT_PIPE) from None
            line, status = describe(error)
            raise OneLineError(line, status) from None
        except SystemExit:
            _flush_stdout()
            raise
        _flush_stdout()
        return result
