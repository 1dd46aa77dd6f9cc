"""`newsbot crawl SPIDER`: one scheduled crawl into an archive, under a lock, with an exit status for cron."""

from __future__ import annotations

import json
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from archive.db import ArchiveError
from newsbot.cli.output import db_option
from newsbot.items import iso_utc, parse_instant
from newsbot.runs.checks import unknown_setting
from newsbot.runs.crawl import SpiderError, check_spider, project_settings, replay_overrides
from newsbot.runs.lock import LockHeld
from newsbot.runs.scheduled import scheduled_run

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL (sysexits.h): try again later


class StoppedBySignal(Exception):
    """SIGTERM arrived before the crawl had started."""


def _stop_before_crawl(signum: int, frame: object) -> None:
    raise StoppedBySignal


def _pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"{what} must look like NAME=VALUE (got {value!r})")
        pairs[name.strip()] = text
    return pairs


def _note(log_file: Path | None, message: str) -> None:
    """Say something about the run before Scrapy's log exists: on stderr and in the log file."""
    click.echo(message, err=True)
    if log_file is not None:
        with log_file.open("a", encoding="utf-8") as log:
            log.write(f"{iso_utc(datetime.now(UTC))} [newsbot.crawl] WARNING: {message}\n")


def summary_line(s: dict[str, Any]) -> str:
    """Render the closing summary as one line."""
    line = (
        f"crawl {s['spider']} run {s['run_id']} {s['finish_reason']}: {s['pages']} pages,"
        f" {s['new']} new, {s['changed']} changed, {s['unchanged']} unchanged,"
        f" {s['not_modified']} not modified, {s['not_due']} not due, {s['quarantined']} quarantined,"
        f" {s['alarms']} alarms"
    )
    if s.get("generic"):
        line += f", {s['generic']} articles read by the generic page object"
    return line + (" -> ok" if s["ok"] else " -> FAILED: " + "; ".join(s["failures"]))


@click.command(context_settings={"max_content_width": 100})
@click.argument("spider")
@db_option("SQLite archive to update; the lock is the file beside it named DB.lock.")
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append Scrapy's log here (default: standard error).",
)
@click.option("--log-level", default="INFO", show_default=True, help="Scrapy log level.")
@click.option("--arg", "-a", "args", multiple=True, metavar="NAME=VALUE", help="Spider argument (repeat).")
@click.option("--site", metavar="NAME|FILE.toml", help="Site of the `news` spider (same as --arg site=NAME).")
@click.option("--set", "-s", "sets", multiple=True, metavar="NAME=VALUE", help="Scrapy setting (repeat).")
@click.option(
    "--progress",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="Log crawl progress (pages, items per minute) this often.",
)
@click.option(
    "--replay",
    "replay_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Answer requests from these fixture folders instead of the network (repeat).",
)
@click.option("--replay-at", metavar="ISO", help="Replay clock: serve each URL as it was at this instant.")
@click.option("--json", "as_json", is_flag=True, help="Print the closing summary as JSON.")
def crawl(
    spider: str,
    db: Path,
    log_file: Path | None,
    log_level: str,
    args: tuple[str, ...],
    site: str | None,
    sets: tuple[str, ...],
    progress: int,
    replay_dirs: tuple[Path, ...],
    replay_at: str | None,
    as_json: bool,
) -> None:
    """Run one crawl of SPIDER into the archive, for cron, systemd timers and Scrapyd-less hosts.

    Articles already archived are fetched again only when the revisit policy says they are due
    (NEWSBOT_REVISIT_SCHEDULE). The run is recorded in the archive's crawl_runs table with its
    fill rates per field and layout; a field whose fill rate drops well below its recent history
    raises a layout alarm. A one-line summary goes to standard output, the log to --log-file.

    \b
    Exit status:
      0   the run finished and nothing is wrong
      1   the run failed: no page answered, error rate above NEWSBOT_MAX_ERROR_RATE,
          a layout alarm, a crawl stopped early, or an unusable archive
      2   usage error (unknown spider, misspelled or bad argument, NEWSBOT_* setting or option)
      75  another run holds the archive's lock (EX_TEMPFAIL: try again later)
    A failed run also covers: an archive commit that failed (disk full, locked), items not
    stored, requests left unaccounted, and SIGTERM (the crawl stops gracefully and says so).

    \b
    Example:
      newsbot crawl unn --db archive.db --log-file crawl.log --arg lang=en --arg since=2025-11-13
      newsbot crawl news --site unn --db archive.db
    """
    # Until Scrapy installs its own shutdown handlers, SIGTERM stops the command cleanly (the
    # lock released, one line, exit 1) instead of killing it mid-start.
    signal.signal(signal.SIGTERM, _stop_before_crawl)
    spider_args = _pairs(args, "--arg") | ({"site": site} if site else {})
    overrides: dict[str, Any] = dict(_pairs(sets, "--set"))
    if misspelled := unknown_setting(overrides):
        raise click.UsageError(misspelled)
    if replay_at and not replay_dirs:
        raise click.UsageError("--replay-at needs --replay DIR")
    if replay_at and parse_instant(replay_at) is None:
        raise click.UsageError(
            f"--replay-at must be an ISO 8601 instant like 2025-11-20T10:30:00Z (got {replay_at!r})"
        )
    if replay_dirs:
        overrides = {**replay_overrides(list(replay_dirs), at=replay_at), **overrides}
    overrides.update(NEWSBOT_ARCHIVE_PATH=str(db), LOG_LEVEL=log_level, LOGSTATS_INTERVAL=float(progress))
    if log_file is not None:
        overrides.update(LOG_FILE=str(log_file), LOG_FILE_APPEND=True)
    try:
        run_name = check_spider(spider, spider_args, project_settings(overrides))
    except SpiderError as error:
        known = f" (known: {', '.join(error.known)})" if error.known else ""
        raise click.UsageError(f"{error}{known}") from None
    try:
        run = scheduled_run(
            spider, spider_args, overrides, db=db, note=lambda text: _note(log_file, text), run_name=run_name
        )
    except LockHeld as held:
        click.echo(f"newsbot crawl: {held}", err=True)
        sys.exit(EXIT_LOCKED)
    except ArchiveError as error:
        click.echo(f"newsbot crawl: {error}", err=True)
        sys.exit(EXIT_FAILED)
    except StoppedBySignal:
        click.echo("newsbot crawl: stopped by SIGTERM before the crawl started", err=True)
        sys.exit(EXIT_FAILED)
    result = run.summary()
    click.echo(json.dumps(result, ensure_ascii=False) if as_json else summary_line(result))
    sys.exit(EXIT_OK if run.ok else EXIT_FAILED)
