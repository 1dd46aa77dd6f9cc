"""The `newsbot archive` commands: analysts' queries over the SQLite archive."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from archive import queries
from newsbot.cli.opening import CommandError, opened
from newsbot.cli.output import DATE, db_option
from newsbot.items import parse_iso

CELL_WIDTH = 60  # widest cell in table output; longer values end in "…"


def output_options(command: Callable) -> Callable:
    """Add --json and --csv; without either the output is a readable table."""
    command = click.option("--csv", "fmt", flag_value="csv", help="Write CSV for scripts.")(command)
    return click.option("--json", "fmt", flag_value="json", help="Write JSON for scripts.")(command)


def filter_options(command: Callable) -> Callable:
    """Add --lang, --edition, --since and --until."""
    for option in reversed(
        [
            click.option(
                "--lang", help="Only articles in this language (detected, else declared): uk, en, ru."
            ),
            click.option("--edition", help="Only this edition of the site (uk, en, ru)."),
            click.option(
                "--since", type=DATE, metavar="DATE", help="Published on or after (YYYY-MM-DD, UTC)."
            ),
            click.option(
                "--until", type=DATE, metavar="DATE", help="Published on or before (a date: that whole day)."
            ),
        ]
    ):
        command = option(command)
    return command


def _filters(lang: str | None, edition: str | None, since: datetime | None, until: datetime | None):
    return {
        "lang": lang,
        "edition": edition,
        "since": queries.day_start(since),
        "until": queries.day_end(until),
    }


def _cell(value: Any, width: int = CELL_WIDTH) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def emit(rows: Sequence[Mapping[str, Any]], fmt: str | None, title: str | None = None) -> None:
    """Print rows as a table (default), JSON or CSV."""
    if fmt == "json":
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        _write_csv(rows, sys.stdout)
        return
    if title:
        click.secho(title, bold=True)
    if not rows:
        click.echo("(none)")
        return
    names = list(rows[0])
    # URLs are printed whole: they are what the next command (views, links, history) takes.
    widths_allowed = [10_000 if name.endswith("url") or name == "seen_on" else CELL_WIDTH for name in names]
    cells = [
        [_cell(row[name], width) for name, width in zip(names, widths_allowed, strict=True)] for row in rows
    ]
    widths = [max(len(name), *(len(row[i]) for row in cells)) for i, name in enumerate(names)]
    click.echo("  ".join(name.ljust(width) for name, width in zip(names, widths, strict=True)))
    click.echo("  ".join("-" * width for width in widths))
    for row in cells:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def _write_csv(rows: Iterable[Mapping[str, Any]], stream: Any) -> None:
    writer = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(stream, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow(row)


def emit_sections(sections: Mapping[str, Any], fmt: str | None) -> None:
    """Print several named tables; JSON as one object, CSV as (section, column, value) rows."""
    if fmt == "json":
        click.echo(json.dumps(sections, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        _write_csv(
            (
                {"section": name, "row": index, "column": column, "value": value}
                for name, rows in sections.items()
                for index, row in enumerate(rows if isinstance(rows, list) else [{name: rows}])
                for column, value in row.items()
            ),
            sys.stdout,
        )
        return
    for name, rows in sections.items():
        if isinstance(rows, list):
            emit(rows, None, title=name.replace("_", " "))
        else:
            click.secho(f"{name.replace('_', ' ')}: {rows}", bold=True)
        click.echo()


@click.group("archive")
@db_option("The archive file. Opened read-only unless the command writes.")
@click.pass_context
def archive_group(ctx: click.Context, db: Path) -> None:
    """Query the SQLite archive: search, stats, views, links, history, export.

    Every command reads a consistent snapshot, so it is safe to run while a crawl writes.
    Tables by default; --json or --csv for scripts.
    """
    ctx.obj = {"db": db}


@archive_group.command()
@click.argument("query")
@filter_options
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@output_options
@click.pass_context
def search(ctx: click.Context, query: str, limit: int, fmt: str | None, **filters: Any) -> None:
    """Full-text search over title, lead and text, best match first.

    Every word must match; "quoted words" match as a phrase; a trailing * matches a prefix
    (Укр* finds Україна). Case and diacritics are ignored.
    """
    with opened(ctx) as archive:
        rows = queries.search(archive.db, query, limit=limit, **_filters(**filters))
    emit(rows, fmt)


@archive_group.command()
@output_options
@click.pass_context
def stats(ctx: click.Context, fmt: str | None) -> None:
    """Articles per edition and day, languages, fill rates per field, quarantine by reason."""
    with opened(ctx) as archive:
        sections = queries.stats(archive.db)
    emit_sections(sections, fmt)


@archive_group.command()
@click.option("--by", type=click.Choice(["views"]), default="views", show_default=True, help="Rank by.")
@filter_options
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@output_options
@click.pass_context
def top(ctx: click.Context, by: str, limit: int, fmt: str | None, **filters: Any) -> None:
    """The most viewed articles, by the latest count read on their own page."""
    with opened(ctx) as archive:
        rows = queries.top_by_views(archive.db, limit=limit, **_filters(**filters))
    emit(rows, fmt)


@archive_group.command()
@click.argument("url")
@output_options
@click.pass_context
def views(ctx: click.Context, url: str, fmt: str | None) -> None:
    """The view counts of one article over time (its own page and teasers elsewhere)."""
    with opened(ctx) as archive:
        rows = queries.views_series(archive.db, url)
    emit(rows, fmt)


@archive_group.command()
@click.argument("url")
@output_options
@click.pass_context
def links(ctx: click.Context, url: str, fmt: str | None) -> None:
    """Cross-links out of and into one article, and its other language editions."""
    with opened(ctx) as archive:
        sections = queries.links(archive.db, url)
    emit_sections(sections, fmt)


@archive_group.command()
@click.argument("url")
@output_options
@click.pass_context
def history(ctx: click.Context, url: str, fmt: str | None) -> None:
    """The versions of one article and what changed in each."""
    with opened(ctx) as archive:
        versions = queries.history(archive.db, url)
    if fmt:
        emit(versions, fmt if fmt == "json" else "csv")
        return
    for version in versions:
        click.secho(
            f"version {version['version']}  seen {version['seen_at']}  ({version['cause']})"
            f"  extractor {version['extractor_version']}",
            bold=True,
        )
        if not version["changed"]:
            click.echo("  first seen")
        for field in version["changed"] or []:
            click.echo(f"  {field}: {_cell(version['before'][field])!s}")
            click.echo(f"  {' ' * len(field)}→ {_cell(version['after'][field])!s}")


@archive_group.command()
@filter_options
@click.option("--query", help="Only articles matching this full-text search.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "warc"]),
    default="jsonl",
    show_default=True,
    help="One JSON object per line, CSV, or the articles' raw pages as WARC (-o FILE.warc.gz).",
)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Default: stdout.")
@click.pass_context
def export(ctx: click.Context, query: str | None, fmt: str, output: Any, **filters: Any) -> None:
    """Stream archived articles as JSON lines or CSV, or their raw pages as WARC (any archive size)."""
    if fmt == "warc":
        from newsbot.cli.warc import export_warc

        return export_warc(ctx, output, query=query, **_filters(**filters))
    with opened(ctx) as archive:
        rows = queries.export_articles(archive.db, query=query, **_filters(**filters))
        if fmt == "csv":
            _write_csv(rows, output)
            return
        for row in rows:
            for column in queries.JSON_COLUMNS:
                row[column] = json.loads(row[column]) if row[column] else None
            output.write(json.dumps(row, ensure_ascii=False) + "\n")


@archive_group.command()
@click.option("--url", help="Only the article at this URL.")
@click.option("--edition", help="Only this edition (uk, en, ru).")
@click.option("--limit", type=click.IntRange(1), help="At most this many articles.")
@click.option(
    "--batch-size", type=click.IntRange(1), default=500, show_default=True, help="Articles per commit."
)
@output_options
@click.pass_context
def reparse(
    ctx: click.Context,
    url: str | None,
    edition: str | None,
    limit: int | None,
    batch_size: int,
    fmt: str | None,
) -> None:
    """Re-extract the stored raw pages with the current extractor; record what changed.

    Each article's current raw page goes through the page objects and the split, timestamp and
    language stages again (with the project's settings). A new content hash adds a version
    (cause "reparse") saying which fields changed; derived fields such as the language and UTC
    instants are refreshed either way. Writes to the archive.
    """
    from newsbot.runs.crawl import project_settings
    from newsbot.runs.reparse import reparse_archive

    with opened(ctx, readonly=False) as archive:
        try:
            results = reparse_archive(
                archive, project_settings(), url=url, edition=edition, limit=limit, batch_size=batch_size
            )
        except LookupError as error:
            raise CommandError(str(error)) from None
    outcomes = Counter(row["outcome"] for row in results)
    if fmt:
        emit(results, fmt)
        return
    emit([row for row in results if row["outcome"] != "unchanged"], None, title="changes")
    click.echo(
        ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) or "nothing to reparse"
    )


@archive_group.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Create the archive, or bring an older one up to the current schema; check it is sound.

    Exits 1 with one line when SQLite's quick_check finds the file damaged.
    """
    with opened(ctx, readonly=False) as archive:
        path = archive.path
        damage = archive.damage()
    if damage:
        # quick_check may report several lines: keep the error on one
        damage = "; ".join(line.strip() for line in damage.splitlines() if line.strip())
        raise CommandError(f"{path} is damaged (SQLite quick_check: {damage}): restore it from a backup")
    click.echo(f"{path}: schema up to date")


@archive_group.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the full-text index from the articles table.

    Only needed when rows were added to the articles table by hand (SQL or sqlite-utils): the
    archive's own writes keep the index in sync. Readers keep working while it runs.
    """
    with opened(ctx, readonly=False) as archive:
        started = time.perf_counter()
        count = archive.rebuild_search_index()
        elapsed = time.perf_counter() - started
    click.echo(f"{archive.path}: {count} articles indexed for search in {elapsed:.1f} s")


@archive_group.group()
def chart() -> None:
    """Draw a chart to a PNG file (needs matplotlib: pip install 'newsbot[chart]')."""


@chart.command("views")
@click.argument("url")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="PNG file to write.",
)
@click.pass_context
def chart_views(ctx: click.Context, url: str, output: Path) -> None:
    """Plot the view counts of one article over time, one line per place they were seen."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import dates, pyplot
    except ImportError:
        raise CommandError("charts need matplotlib: pip install 'newsbot[chart]'") from None
    with opened(ctx) as archive:
        rows = queries.views_series(archive.db, url)
        title = queries.article_title(archive.db, url)
    if not rows:
        raise CommandError(f"no view counts recorded for {url}")
    figure, axes = pyplot.subplots(figsize=(9, 4.5))
    for source in sorted({row["source"] for row in rows}):
        points = [row for row in rows if row["source"] == source]
        # matplotlib converts datetimes through its date units, but its stubs only list numbers.
        moments_seen = [parse_iso(row["observed_at"]) for row in points]
        axes.plot(
            moments_seen,  # type: ignore[arg-type]
            [row["views"] for row in points],
            marker="o",
            label="own page" if source == queries.OWN_PAGE else f"teaser: {source}",
        )
    axes.set_title(_cell(title))
    axes.set_xlabel("observed at (UTC)")
    axes.set_ylabel("views")
    axes.legend()
    axes.grid(alpha=0.3)
    moments = {row["observed_at"] for row in rows}
    if len(moments) == 1:  # one observation: show the day around it, not matplotlib's four years
        moment = parse_iso(moments.pop())
        axes.set_xlim(dates.date2num(moment - timedelta(days=1)), dates.date2num(moment + timedelta(days=1)))
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(output, format="png")
    pyplot.close(figure)
    click.echo(f"wrote {output}")


# The writer of multi-machine mode lives with the rest of the Redis code (newsbot/cli/ingest.py).
from newsbot.cli.ingest import ingest  # noqa: E402
from newsbot.cli.warc import import_warc_command  # noqa: E402  (WARC files in)

archive_group.add_command(ingest)
archive_group.add_command(import_warc_command)
