"""`newsbot worker`: one crawling worker of multi-machine mode (scrapy-redis), stopping when idle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from newsbot.accounting import page_responses
from newsbot.runs.checks import unknown_setting
from newsbot.runs.crawl import MisspelledArgument, SpiderError, check_spider, replay_overrides, run_spider
from newsbot.runs.distributed.keys import (
    DEFAULT_IDLE_CLOSE,
    REDIS_UNAVAILABLE,
    RedisUnavailable,
    connect,
    redact,
)


def _pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint=what)
        pairs[name.strip()] = text
    return pairs


def _setting(text: str) -> Any:
    """Read a -s value as JSON when it is JSON (numbers, lists, dicts), else as plain text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@click.command()
@click.argument("spider")
@click.option(
    "--redis",
    "redis_url",
    envvar="NEWSBOT_REDIS_URL",
    required=True,
    help="Redis shared by the workers and the writer, e.g. redis://queue-host:6379/0.",
)
@click.option(
    "--arg", "-a", "args", multiple=True, metavar="NAME=VALUE", help="Spider argument (repeatable)."
)
@click.option(
    "--set", "-s", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting (repeatable)."
)
@click.option(
    "--idle",
    type=click.FloatRange(min=0),
    default=DEFAULT_IDLE_CLOSE,
    show_default=True,
    help="Stop once the shared queue has been empty this long (checked every 5 s).",
)
@click.option(
    "--replay",
    "replay_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Answer from these fixture folders instead of the network (offline, for tests and demos).",
)
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), help="Write Scrapy's log here.")
@click.option("--log-level", default="INFO", show_default=True, help="Scrapy log level.")
def worker(
    spider: str,
    redis_url: str,
    args: tuple[str, ...],
    settings: tuple[str, ...],
    idle: float,
    replay_dirs: tuple[Path, ...],
    log_file: Path | None,
    log_level: str,
) -> None:
    """Crawl SPIDER as one of several workers sharing a scrapy-redis queue.

    Start the same command with the same arguments on each machine: the first worker's start
    requests seed the shared queue, the others' are dropped as duplicates, and every worker
    takes requests from it. Items go to Redis, not to SQLite: run `newsbot archive ingest
    --redis URL` next to the archive to store them. A worker stops on its own once the queue has
    been empty for --idle seconds.

    Exit status: 0 when the crawl finished, 1 when it stopped for another reason (Redis gone,
    bad argument value, ...), 2 for a usage error (a misspelled argument or NEWSBOT_* setting,
    named with the nearest valid one). A one-line error says why.
    """
    spider_args = _pairs(args, "--arg")
    try:
        check_spider(spider, spider_args)
    except MisspelledArgument as error:
        raise click.UsageError(str(error)) from None
    except SpiderError as error:
        raise click.ClickException(str(error)) from None
    if misspelled := unknown_setting(_pairs(settings, "--set")):
        raise click.UsageError(misspelled)
    try:
        connect(redis_url).close()
    except RedisUnavailable as error:
        raise click.ClickException(str(error)) from None
    overrides: dict[str, Any] = {
        **(replay_overrides(list(replay_dirs)) if replay_dirs else {}),
        "NEWSBOT_REDIS_URL": redis_url,
        "NEWSBOT_REDIS_IDLE_CLOSE": idle,
        "LOG_LEVEL": log_level,
        **({"LOG_FILE": str(log_file)} if log_file else {}),
        **{name: _setting(text) for name, text in _pairs(settings, "--set").items()},
    }
    outcome = run_spider(spider, spider_args, overrides)
    click.echo(
        f"Worker {outcome.finish_reason}: {page_responses(outcome.stats)} responses,"
        f" {outcome.count('newsbot/queued')} items queued for the writer"
    )
    if outcome.finish_reason == REDIS_UNAVAILABLE:
        cause = outcome.stats.get("newsbot/redis_error", "connection lost")
        where = redact(redis_url)
        raise click.ClickException(f"Redis at {where} went away mid-crawl ({cause}): worker stopped")
    if outcome.finish_reason != "finished":
        raise click.ClickException(f"the crawl stopped: {outcome.finish_reason}")
