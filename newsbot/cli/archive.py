"""The `newsbot archive` commands: analysts' queries over the SQLite archive."""

from __future__ import annotations

import csv
import json
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from archive import queries
from newsbot import install_hint
from newsbot.cli.opening import CommandError, opened
from newsbot.cli.options import archive_db_option
from newsbot.cli.output import DATE, db_option, fitted_table, truncate
from newsbot.items import parse_iso
from newsbot.text.diff import field_text, fold_context, render_plain, word_diff

CELL_WIDTH = 60  # widest title in a chart heading; longer ones end in "…"


def _remember_wide(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(dict)["wide"] = True


def output_options(command: Callable) -> Callable:
    """Add --json, --csv and --wide; without the first two the output is a table fitted to the terminal."""
    command = click.option(
        "--wide",
        is_flag=True,
        expose_value=False,
        callback=_remember_wide,
        help="Print every table cell whole instead of fitting the terminal's width.",
    )(command)
    command = click.option("--csv", "fmt", flag_value="csv", help="Write CSV for scripts.")(command)
    command = click.option("--json", "fmt", flag_value="json", help="Write JSON for scripts.")(command)
    return archive_db_option(command)


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


def _table_width() -> int | None:
    """Return the width tables are fitted to: the terminal's ($COLUMNS), or None with --wide."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and (ctx.find_object(dict) or {}).get("wide"):
        return None
    return shutil.get_terminal_size().columns


# Cells printed whole whatever the width: URLs are what the next command (views, links, history) takes.
_WHOLE = ("url", "seen_on", "target_url", "from_url", "latest_url")


def emit(rows: Sequence[Mapping[str, Any]], fmt: str | None, title: str | None = None) -> None:
    """Print rows as a table (default, fitted to the terminal), JSON or CSV."""
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
    for line in fitted_table(rows, list(rows[0]), width=_table_width(), keep_whole=_WHOLE):
        click.echo(line)


def emit_count(count: int, limit: int | None, noun: str = "result") -> None:
    """Say how many rows a table had, and when --limit may have cut the list."""
    text = f"{count} {noun}{'' if count == 1 else 's'}"
    if limit is not None and count >= limit:
        text += f" (the first {limit}: raise --limit for more)"
    click.echo(text)


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
@db_option(
    "The archive file (also accepted after the subcommand); opened read-only unless the command writes."
)
@click.pass_context
def archive_group(ctx: click.Context, db: Path) -> None:
    """Query the SQLite archive: search, stats, views, links, history, export.

    Every command reads a consistent snapshot, so it is safe to run while a crawl writes.
    Tables by default, fitted to the terminal (--wide for whole cells); --json or --csv for scripts.
    URLs may be given as shared: http or https, with or without a trailing slash, tracking
    parameters (utm_*, fbclid, gclid) or an /amp/ segment.
    """
    ctx.ensure_object(dict)["db"] = db


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
    if not fmt:
        emit_count(len(rows), limit)


@archive_group.command()
@click.option(
    "--by",
    type=click.Choice(["auto", *queries.PERIODS]),
    default="auto",
    show_default=True,
    help="Count articles per day, week or month (auto: by day up to a month, by week up to half a year).",
)
@output_options
@click.pass_context
def stats(ctx: click.Context, by: str, fmt: str | None) -> None:
    """Articles per edition and period, languages, fill rates per field, quarantine by reason.

    The per-period table has one column per edition and a total column, and ends with a totals
    row. JSON and CSV also keep the raw per_edition_day counts.
    """
    with opened(ctx) as archive:
        sections = queries.stats(archive.db)
    days = sections["per_edition_day"]
    period = queries.choose_period([row["day"] for row in days]) if by == "auto" else by
    shown: dict[str, Any] = {}
    for key, value in sections.items():
        if key == "per_edition_day":
            shown[f"articles_per_{period}"] = queries.per_period(days, period)
            if not fmt:  # the table shows the grouped counts instead of one line per edition and day
                continue
        shown[key] = value
    emit_sections(shown, fmt)


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
    if not fmt:
        emit_count(len(rows), limit, noun="article")


@archive_group.command()
@click.argument("url")
@output_options
@click.pass_context
def views(ctx: click.Context, url: str, fmt: str | None) -> None:
    """The view counts of one article over time (its own page and teasers elsewhere).

    A URL never archived itself but listed in teasers on archived pages shows the teasers' counts.
    """
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
    """The versions of one article and what changed in each, word by word.

    Removed words print as [-old words-], added ones as {+new words+} (red and green on a
    terminal); long unchanged stretches fold to "…(N words)…"; ¶ marks a paragraph break.
    --json and --csv give every version's full before and after values.
    """
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
            before = field_text(version["before"][field])
            after = field_text(version["after"][field])
            click.echo(f"  {field}: " + _styled_diff(before, after))


def _styled_diff(before: str, after: str) -> str:
    """Render a word diff with plain markers, coloured where the output is a terminal."""
    if not before:
        return "{+" + truncate(after, 400) + "+} (was empty)"
    if not after:
        return "[-" + truncate(before, 400) + "-] (now empty)"
    parts = []
    for item in fold_context(word_diff(before, after)):
        text = render_plain([item])
        if not isinstance(item, int) and item.op != "=":
            text = click.style(text, fg="red" if item.op == "-" else "green")
        parts.append(text)
    return " ".join(parts)


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
@archive_db_option
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
@click.option(
    "--quarantined",
    is_flag=True,
    help="Retry the quarantined pages instead: those that now parse become articles, leaving the quarantine.",
)
@output_options
@click.pass_context
def reparse(
    ctx: click.Context,
    url: str | None,
    edition: str | None,
    limit: int | None,
    batch_size: int,
    quarantined: bool,
    fmt: str | None,
) -> None:
    """Re-extract the stored raw pages with the current extractor; record what changed.

    Each article's current raw page goes through the page objects and the split, timestamp and
    language stages again (with the project's settings). A new content hash adds a version
    (cause "reparse") saying which fields changed; derived fields such as the language and UTC
    instants are refreshed either way. Writes to the archive.

    With --quarantined the pages kept in quarantine are tried instead (after an extractor fix):
    each one that now parses is archived as an article (outcome "new", or "changed" when its URL
    was archived meanwhile) and leaves the quarantine; one that still fails stays, with the reason.
    """
    from newsbot.runs.crawl import project_settings
    from newsbot.runs.reparse import reparse_archive

    with opened(ctx, readonly=False) as archive:
        if quarantined and edition:
            raise click.UsageError("--edition does not apply to --quarantined (pages without an article)")
        try:
            results = reparse_archive(
                archive,
                project_settings(),
                url=url,
                edition=edition,
                limit=limit,
                batch_size=batch_size,
                quarantined=quarantined,
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


@archive_group.command("quarantine")
@click.option("--reason", help="List only the pages quarantined for this reason.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="Pages listed.")
@output_options
@click.pass_context
def quarantine_command(ctx: click.Context, reason: str | None, limit: int, fmt: str | None) -> None:
    """The pages that could not become articles: counts by reason, then the latest pages.

    Each is kept with its bytes: `archive raw URL -o FILE` writes one out, and
    `archive reparse --quarantined` retries them all after an extractor fix.
    """
    with opened(ctx) as archive:
        sections = queries.quarantine(archive.db, reason=reason, limit=limit)
    emit_sections(sections, fmt)
    if not fmt:
        emit_count(len(sections["pages"]), limit, noun="page")


@archive_group.command()
@click.argument("url")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    required=True,
    help="File to write the page's bytes to (- for standard output).",
)
@archive_db_option
@click.pass_context
def raw(ctx: click.Context, url: str, output: Path) -> None:
    """Write the stored bytes of a page to a file, as they were fetched.

    An archived article gives the page its current version was extracted from; a URL that was
    only quarantined gives its latest quarantined fetch. The status, fetch time and headers go
    to standard error.
    """
    with opened(ctx) as archive:
        source, page = queries.raw_page(archive.db, url)
    if str(output) == "-":
        click.get_binary_stream("stdout").write(page.body)
    else:
        try:
            output.write_bytes(page.body)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
    click.echo(
        f"{len(page.body)} bytes of {page.url} ({source}, HTTP {page.status},"
        f" fetched {page.fetched_at.isoformat()}) -> {output}",
        err=True,
    )


@archive_group.command()
@archive_db_option
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
@archive_db_option
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
    """Draw a chart to a PNG file (needs matplotlib: pip install -e '.[chart]' in the checkout)."""


@chart.command("views")
@click.argument("url")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="PNG file to write.",
)
@archive_db_option
@click.pass_context
def chart_views(ctx: click.Context, url: str, output: Path) -> None:
    """Plot the view counts of one article over time, one line per place they were seen."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import dates, pyplot
    except ImportError:
        raise CommandError(f"charts need matplotlib: {install_hint('chart')}") from None
    with opened(ctx) as archive:
        rows = queries.views_series(archive.db, url)
        title = queries.series_title(archive.db, url)
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
    axes.set_title(truncate(title, CELL_WIDTH))
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
