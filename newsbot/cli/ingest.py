"""`newsbot archive ingest`: the one writer that drains the workers' Redis item queue into the archive."""

from __future__ import annotations

import json

import click

from archive.db import ArchiveError
from newsbot.cli.options import archive_db_option, archive_path
from newsbot.runs.distributed.ingest import IngestError, IngestReport, Writer
from newsbot.runs.distributed.keys import DEFAULT_PREFIX, RedisKeys, RedisUnavailable, connect


def _summary(report: IngestReport) -> str:
    counts = report.outcomes
    return (
        f"{counts['articles_new']} new, {counts['articles_changed']} changed,"
        f" {counts['articles_unchanged']} unchanged articles, {counts['quarantined']} pages quarantined,"
        f" {counts['runs_started']} worker runs started and {counts['runs_finished']} finished,"
        f" {counts['dead']} messages set aside"
    )


@click.command()
@click.option(
    "--redis",
    "redis_url",
    envvar="NEWSBOT_REDIS_URL",
    required=True,
    help="Redis the workers push to, e.g. redis://queue-host:6379/0 (or NEWSBOT_REDIS_URL).",
)
@archive_db_option  # `archive --db X ingest` and `archive ingest --db X` name the same file
@click.option(
    "--idle",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Stop once the queue has been empty this many seconds.",
)
@click.option("--follow", is_flag=True, help="Never stop on an empty queue: keep waiting (stop with Ctrl-C).")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Messages stored per SQLite transaction.",
)
@click.option(
    "--prefix",
    default=DEFAULT_PREFIX,
    show_default=True,
    help="Redis key prefix (the workers' NEWSBOT_REDIS_PREFIX).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.pass_context
def ingest(
    ctx: click.Context,
    redis_url: str,
    idle: float,
    follow: bool,
    batch_size: int,
    prefix: str,
    as_json: bool,
) -> None:
    """Store the items crawling workers queued in Redis into the SQLite archive.

    In multi-machine mode (NEWSBOT_REDIS_URL set on the workers) workers push articles,
    quarantined pages and their run records to Redis; this command, run once per queue next to
    the archive file, stores them in committed batches and mirrors each stored article's fetch
    state back to Redis for the workers' revisit decisions. A message leaves Redis only after its
    batch is committed, so a writer stopped at any moment loses nothing: run it again.

    Exit status: 0 when the queue was drained, 1 on an error (Redis unreachable or gone, a file
    that is not an archive, another writer already draining the queue).
    """
    db = archive_path(ctx)
    try:
        server = connect(redis_url)
        writer = Writer(server, db, keys=RedisKeys(prefix), batch_size=batch_size, url=redis_url)

        def progress(r: IngestReport) -> None:
            if not as_json:
                click.echo(f"  batch {r.batches}: {_summary(r)}", err=True)

        report = writer.run(idle=idle, follow=follow, on_batch=progress)
    except (RedisUnavailable, IngestError, ArchiveError) as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: committed batches are kept; run ingest again") from None
    if as_json:
        data = {"db": str(db), **report.outcomes, "batches": report.batches, "recovered": report.recovered}
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    recovered = f" ({report.recovered} recovered from an interrupted ingest)" if report.recovered else ""
    click.echo(f"Ingested {report.messages} messages in {report.batches} batches{recovered}:")
    click.echo(f"  {_summary(report)}.")
    click.echo(f"Stopped: {report.stopped}. Archive: {db.resolve()}")
