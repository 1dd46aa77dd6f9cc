"""`newsbot demo`: replay the bundled fixtures through the real crawl into an archive, offline."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from archive.db import ArchiveError, open_archive
from archive.summary import archive_summary
from newsbot.accounting import accounting_failures, page_responses
from newsbot.cli.output import db_option, echo_table
from newsbot.pages.unn import is_article_url
from newsbot.replay import load_fixtures
from newsbot.runs.crawl import REPO_FIXTURES, replay_overrides, run_spider


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
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's log while crawling.")
def demo(db: Path, fixtures_dir: Path, verbose: bool) -> None:
    """Replay the bundled UNN pages through the UNN spider into an SQLite archive.

    Everything runs offline: Scrapy's real engine fetches from the saved fixtures (RSS feeds,
    listing pages, articles) instead of the network, the pipelines split, date and label each
    article, and the archive stores it. Running it twice adds no duplicates.

    \b
    Exit status:
      0   every replayed page was archived, quarantined or skipped with a reason
      1   the crawl failed: the archive could not be written (locked by another writer,
          disk full, not an archive), items were lost, or a page was left unaccounted
    """
    if not fixtures_dir.is_dir():
        raise click.ClickException(f"no fixtures at {fixtures_dir}: pass --fixtures DIR")
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
    try:
        with open_archive(db, readonly=True) as archive:
            summary = archive_summary(archive.db)
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
    click.echo(f"Next: newsbot archive --db {db} stats   or   datasette {db}")


def demo_failures(stats: dict[str, Any]) -> list[str]:
    """Return why the demo's crawl failed: it stopped early, or the ledger says so."""
    reason = stats.get("finish_reason")
    early = [] if reason == "finished" else [f"the crawl stopped early: {reason or 'it never started'}"]
    return early + accounting_failures(stats)
