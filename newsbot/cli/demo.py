"""`newsbot demo`: replay the bundled fixtures through the real crawl into an archive, offline."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click

from archive.db import ArchiveError, open_archive
from archive.summary import archive_summary, highlights
from newsbot.accounting import accounting_failures, page_responses
from newsbot.cli.output import db_option, echo_table
from newsbot.pages.unn import is_article_url
from newsbot.replay import load_fixtures
from newsbot.runs.crawl import REPO_FIXTURES, replay_overrides, run_spider

# Saved pages of one site at several fetch times: replayed as scheduled runs after the fixtures.
TIMELINE = REPO_FIXTURES / "scenarios" / "unn-timeline"


@click.command()
@db_option("SQLite archive to create or update.")
@click.option(
    "--fixtures",
    "fixtures_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_FIXTURES / "unn",
    show_default="the repository's fixtures/unn",
    help="Folder of saved pages to replay.",
)
@click.option(
    "--timeline",
    "timeline_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=TIMELINE,
    show_default="the repository's unn-timeline scenario",
    help="Saved pages of one site at several moments, replayed as scheduled runs after the first crawl.",
)
@click.option("--no-timeline", is_flag=True, help="Replay only --fixtures.")
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log while crawling.")
def demo(db: Path, fixtures_dir: Path, timeline_dir: Path, no_timeline: bool, verbose: bool) -> None:
    """Replay the bundled UNN pages through the UNN spider into an SQLite archive.

    Everything runs offline: Scrapy's real engine fetches from the saved fixtures (RSS feeds,
    listing pages, articles) instead of the network, the pipelines split, date and label each
    article, and the archive stores it. Then the timeline scenario is replayed as three
    scheduled runs (`newsbot crawl --replay-at`), so stories have view counts over time, an edited
    version and links between archived articles. Running it twice adds no duplicates.

    \b
    Exit status:
      0   every replayed page was archived, quarantined or skipped with a reason
      1   the crawl failed: the archive could not be written (locked by another writer,
          disk full, not an archive), items were lost, or a page was left unaccounted
    """
    if not fixtures_dir.is_dir():
        raise click.ClickException(f"no fixtures at {fixtures_dir}: pass --fixtures DIR")
    if not no_timeline and not timeline_dir.is_dir():
        raise click.ClickException(f"no timeline at {timeline_dir}: pass --timeline DIR or --no-timeline")
    fixtures = load_fixtures(fixtures_dir)
    urls = sorted({f.url for f in fixtures if is_article_url(f.url)})
    click.echo(f"Replaying {len(fixtures)} saved pages from {fixtures_dir} into {db} (offline) ...")
    started = time.perf_counter()
    outcome = run_spider(
        "unn",
        {"urls": ",".join(urls), "max_pages": 10},
        {
            **replay_overrides([fixtures_dir]),
            "NEWSBOT_ARCHIVE_PATH": str(db),
            "LOG_LEVEL": "INFO" if verbose else "WARNING",
        },
    )
    elapsed = time.perf_counter() - started
    failures = demo_failures(outcome.stats)
    if failures:
        click.echo(f"newsbot demo: the crawl FAILED: {'; '.join(failures)}", err=True)
        sys.exit(1)
    runs = [] if no_timeline else _replay_timeline(db, timeline_dir, verbose)
    try:
        with open_archive(db, readonly=True) as archive:
            summary = archive_summary(archive.db)
            picks = highlights(archive.db)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from None

    click.echo(
        f"Crawl {outcome.finish_reason} in {elapsed:.1f} s: "
        f"{page_responses(outcome.stats)} responses, "
        f"{outcome.count('newsbot/articles_new')} new, "
        f"{outcome.count('newsbot/articles_changed')} changed, "
        f"{outcome.count('newsbot/articles_unchanged')} unchanged articles, "
        f"{outcome.count('newsbot/not_modified')} not modified (304), "
        f"{outcome.count('newsbot/revisit/not_due')} not due for a revisit, "
        f"{outcome.count('newsbot/quarantined')} pages quarantined, "
        f"{outcome.count('newsbot/replay/miss')} URLs without a fixture."
    )
    if runs:
        click.echo(f"\nThen {len(runs)} scheduled runs over {timeline_dir} (newsbot crawl --replay-at):")
        for at, line in runs:
            click.echo(f"  {at}  {line}")
    click.echo(f"\nThe archive holds {summary['articles']} articles:")
    echo_table(summary["by_edition_layout"], ["edition", "layout", "articles"])
    if summary["quarantine"]:
        click.echo(f"\n{summary['quarantined']} pages quarantined (kept with their bytes):")
        echo_table(summary["quarantine"], ["reason", "pages"])
    click.echo("\nExamples:")
    for row in summary["examples"]:
        views = f"{row['views']} views" if row["views"] is not None else "views unknown"
        click.echo(f"  [{row['edition']} · {row['layout']}] {row['title']}")
        click.echo(f"      {row['url']}")
        click.echo(f"      published {row['published_utc'] or 'unknown'} · {views}")
    click.echo(f"\nArchive: {db.resolve()}")
    for line in next_steps(db, picks):
        click.echo(line)


def _replay_timeline(db: Path, timeline_dir: Path, verbose: bool) -> list[tuple[str, str]]:
    """Replay each moment of the timeline as one `newsbot crawl` process; return (moment, summary)."""
    runs = []
    for at in timeline_moments(timeline_dir):
        command = [
            sys.executable,
            "-m",
            "newsbot",
            "crawl",
            "unn",
            "--db",
            str(db),
            "--replay",
            str(timeline_dir),
        ]
        command += ["--replay-at", at, "-a", "lang=en", "-a", "discover=rss", "--json"]
        command += ["--log-level", "INFO" if verbose else "WARNING"]
        done = subprocess.run(command, capture_output=True, text=True)
        if verbose or done.returncode:
            click.echo(done.stderr, err=True, nl=False)
        try:
            result = json.loads(done.stdout.splitlines()[-1])
        except (IndexError, ValueError):
            raise click.ClickException(f"the timeline run at {at} failed (exit {done.returncode})") from None
        counts = ", ".join(f"{result[key]} {key.replace('_', ' ')}" for key in RUN_COUNTS)
        runs.append((at, f"{result['pages']} pages: {counts}"))
    return runs


RUN_COUNTS = ("new", "changed", "unchanged", "not_modified", "not_due")


def timeline_moments(timeline_dir: Path) -> list[str]:
    """Return the distinct fetch times of a timeline's pages, oldest first (ISO, UTC)."""
    return sorted(
        {fixture.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ") for fixture in load_fixtures(timeline_dir)}
    )


def prefix_query(title: str) -> str:
    """Return a prefix search that finds `title`: its longest word cut to five letters, then *."""
    words = re.findall(r"\w{5,}", title)
    return (max(words, key=len)[:5] + "*") if words else title


def _shown(path: Path) -> str:
    """Return a path as short as it can be printed for a command line: relative when below here."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path.resolve())


def next_steps(db: Path, picks: dict) -> list[str]:
    """Return the closing lines: the commands to try next on this archive, with real URLs."""
    archive = f"newsbot archive --db {_shown(db)}"
    steps: list[tuple[str, str]] = []
    if picks.get("uk_title"):
        steps.append((f"search '{prefix_query(picks['uk_title']['title'])}'", "a Cyrillic prefix search"))
    steps += [("stats", "articles per day, languages, fill rates"), ("top --limit 5", "the most viewed")]
    if picks.get("counted"):
        url = picks["counted"]["url"]
        steps += [
            (f"views {url}", "one story's view counts over time"),
            (f"chart views {url} -o views.png", "as a chart"),
        ]
    if picks.get("edited"):
        steps.append((f"history {picks['edited']['url']}", "what an edit changed, word by word"))
    if picks.get("linked"):
        steps.append((f"links {picks['linked']['url']}", "links out and in, other editions"))
    steps += [("quarantine", "the pages that failed, and why")]
    lines = ["", "Try next:"]
    for command, what in steps:
        lines += [f"  # {what}", f"  {archive} {command}"]
    here = REPO_FIXTURES.parent / "archive"
    lines.append("  # browse it all in Datasette (pip install -e '.[datasette]'), starting at articles_list")
    lines.append(
        f"  datasette {_shown(db)} --metadata {_shown(here / 'datasette.yml')}"
        f" --plugins-dir {_shown(here / 'datasette_plugins')}"
    )
    if db.stem != "archive":
        lines.append(
            f"  # (the metadata names the database `archive`: rename `archive:` to `{db.stem}:` in it)"
        )
    return lines


def demo_failures(stats: dict[str, Any]) -> list[str]:
    """Return why the demo's crawl failed: it stopped early, or the ledger says so."""
    reason = stats.get("finish_reason")
    early = [] if reason == "finished" else [f"the crawl stopped early: {reason or 'it never started'}"]
    return early + accounting_failures(stats)
