"""`newsbot archive import-warc` and the WARC side of `archive export`: thin shells over newsbot.warc."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from archive import queries
from newsbot import __version__
from newsbot.cli.opening import CommandError, opened
from newsbot.cli.output import DATE

IMPORT_SPIDER = "import-warc"  # crawl_runs.spider of an import


@click.command("import-warc")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--site", help="Only pages of this site (e.g. unn; generic: pages of no configured site).")
@click.option("--since", type=DATE, metavar="DATE", help="Only records fetched on or after (WARC-Date, UTC).")
@click.option(
    "--until", type=DATE, metavar="DATE", help="Only records fetched on or before (a date: that whole day)."
)
@click.option(
    "--domain",
    "domains",
    multiple=True,
    metavar="D",
    help="Only pages on this host or under it (repeatable).",
)
@click.option(
    "--batch-size", type=click.IntRange(1), default=500, show_default=True, help="Records per commit."
)
@click.option(
    "--progress",
    "progress_every",
    type=click.FloatRange(0),
    default=10.0,
    show_default=True,
    help="Seconds between progress lines on stderr (0: after every record).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log each skipped record and its reason on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def import_warc_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    site: str | None,
    since: datetime | None,
    until: datetime | None,
    domains: tuple[str, ...],
    batch_size: int,
    progress_every: float,
    verbose: bool,
    as_json: bool,
) -> None:
    """Import the HTML response records of WARC files (.warc or .warc.gz) into the archive.

    Each page goes through the same page objects (picked by its URL) and stages as a crawl and is
    stored as a crawl stores it: articles, raw pages, quarantine. Its fetch time is the record's
    WARC-Date; its source (file, offset, record ID) is kept in the warc_records table. Revisits,
    requests, metadata, non-HTML, non-2xx and truncated records and broken gzip members are
    counted and skipped with a reason. Importing a file again adds nothing. The import is recorded
    as a run in crawl_runs. Exit status 1 when a file holds no WARC record or a page could not be
    stored.
    """
    from archive.revisit import FILL_RATES_STAT
    from newsbot import warc
    from newsbot.runs.alarms import FillCounter
    from newsbot.runs.crawl import project_settings
    from newsbot.runs.warc import import_warc

    filters = warc.Filters(
        since=_instant(queries.day_start(since)),
        until=_instant(queries.day_end(until)),
        domains=tuple(domains),
        site=_site_matcher(site) if site else None,
    )
    settings = project_settings()
    progress = warc.Progress(lambda line: click.echo(line, err=True), every=progress_every)
    args = {
        "files": [str(path) for path in files],
        "site": site,
        "domains": list(domains),
        "since": filters.since,
        "until": filters.until,
    }
    total = warc.Tally()
    fill = FillCounter()
    per_file: dict[str, dict[str, Any]] = {}
    failed: list[str] = []
    finish_reason = "finished"
    with opened(ctx, readonly=False) as archive, _logging(verbose):
        run_id = archive.start_run(IMPORT_SPIDER, args, datetime.now(UTC))
        try:
            for path in files:
                tally = warc.Tally()
                try:
                    import_warc(
                        archive,
                        path,
                        run_id=run_id,
                        settings=settings,
                        filters=filters,
                        not_article=_not_article,
                        batch_size=batch_size,
                        progress=progress,
                        fill=fill,
                        tally=tally,
                    )
                finally:  # an interrupted file still counts the batches it committed
                    total.add(tally)
                    per_file[str(path)] = tally.as_dict()
                if tally.framed == 0:
                    failed.append(f"{path}: no WARC record found (not a WARC file?)")
                if not as_json:
                    click.echo(f"{path}: {tally.line()}")
        except KeyboardInterrupt:
            finish_reason = "shutdown"  # the open batch was rolled back: importing again redoes it
        archive.finish_run(
            run_id,
            finished_at=datetime.now(UTC),
            stats={**total.stats(), FILL_RATES_STAT: fill.rates(), "finish_reason": finish_reason},
            finish_reason=finish_reason,
        )
    if as_json:
        summary = {
            "run_id": run_id,
            "finish_reason": finish_reason,
            "total": total.as_dict(),
            "files": per_file,
        }
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    elif len(files) > 1:
        click.echo(f"total: {total.line()}")
    if finish_reason == "shutdown":
        raise CommandError(
            "import interrupted: the last open batch was not stored; import again to finish", 130
        )
    for message in failed:
        click.echo(message, err=True)
    if total.errors:
        failed.append(f"{total.errors} pages could not be stored (see the log above)")
    if failed:
        raise CommandError(failed[-1])


def _instant(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else None


def _not_article(url: str) -> bool:
    """Tell the URLs that a configured site's article pattern says are not articles (listings, tags)."""
    from newsbot.sites import site_for_url

    site = site_for_url(url)
    return site is not None and site.article_pattern is not None and not site.is_article_url(url)


def _site_matcher(name: str) -> Callable[[str], bool]:
    """Return a test for URLs of the named site ("generic": URLs that no configured site claims)."""
    from newsbot.sites import load_sites, site_for_url

    if name == "generic":
        return lambda url: site_for_url(url) is None
    sites = load_sites()
    if name not in sites:
        known = ", ".join([*sorted(sites), "generic"])
        raise click.BadParameter(f"unknown site {name!r}; known: {known}", param_hint="--site")
    return sites[name].owns


@contextlib.contextmanager
def _logging(verbose: bool) -> Iterator[None]:
    """Send newsbot.warc's log to stderr while the command runs: skip reasons with -v, else warnings."""
    logger = logging.getLogger("newsbot.warc")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def export_warc(ctx: click.Context, output: Any, **filters: Any) -> None:
    """Write the raw pages of the matching articles (every version) as a WARC file.

    `output` is the export command's -o: a file name ending in .gz is gzipped record by record,
    standard output always is.
    """
    from archive.warc import pages_to_export
    from newsbot.warc import write_warc

    name = getattr(output, "name", "-")
    path = None if name in ("-", "<stdout>") else Path(name)
    if path is None and sys.stdout.isatty():
        raise CommandError("WARC is binary: give -o FILE.warc.gz, or send standard output to a file or pipe")
    with opened(ctx) as archive:
        pages = pages_to_export(archive, **filters)
        software = f"newsbot/{__version__}"
        description = f"raw pages exported from the newsbot archive {archive.path.name}"
        if path is None:
            stream = sys.stdout.buffer
            count = write_warc(
                pages, stream, filename="stdout.warc.gz", software=software, description=description
            )
            stream.flush()
        else:
            with path.open("wb") as stream:
                count = write_warc(
                    pages,
                    stream,
                    filename=path.name,
                    software=software,
                    gzip=path.suffix == ".gz",
                    description=description,
                )
    click.echo(f"wrote {count} pages to {path or 'stdout'}", err=True)
