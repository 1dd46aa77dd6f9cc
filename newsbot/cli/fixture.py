"""`newsbot fixture save`: record live pages as fixture folders (body, URL, headers, fetch time)."""

from __future__ import annotations

from pathlib import Path

import click

from newsbot.items import Article, to_jsonable
from newsbot.pages import parse_page
from newsbot.replay import fixture_name, save_fixture
from newsbot.runs.crawl import REPO_FIXTURES, run_spider


@click.group()
def fixture() -> None:
    """Record saved pages that tests and `newsbot demo` replay offline."""


@fixture.command()
@click.argument("url")
@click.option("--name", help="Folder name (default: derived from the URL path).")
@click.option(
    "--dir",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPO_FIXTURES / "unn",
    show_default="the repository's fixtures/unn",
    help="Where to create the fixture folder.",
)
def save(url: str, name: str | None, root: Path) -> None:
    """Fetch URL once (through Scrapy: same User-Agent, robots.txt and retries as a crawl) and
    save it as a fixture folder: body.html, meta.json (URL, status, headers, fetch time) and a
    draft expected.json from the current extractor, marked "reviewed": false. Check every value
    of the draft against the page itself, then set "reviewed": true.
    """
    folder_name = name or fixture_name(url)
    if (root / folder_name).exists():
        raise click.ClickException(f"{root / folder_name} exists already: pass another --name")
    outcome = run_spider("fixture-record", {"urls": url}, {"LOG_LEVEL": "WARNING"})
    recorded = outcome.spider.recorded if outcome.spider is not None else []
    if not recorded:
        raise click.ClickException(f"could not fetch {url} ({outcome.finish_reason}); nothing saved")
    page = recorded[0]
    extracted = parse_page(page.body, page.url, fetched_at=page.fetched_at, headers=page.headers)
    draft: dict = {"reviewed": False}
    if isinstance(extracted, Article):
        draft |= {"kind": "article", **to_jsonable(extracted)}
        draft.pop("body_html", None)
    else:
        draft |= {"kind": "quarantine", "reason_prefix": extracted.reason}
    folder = save_fixture(
        root,
        url=page.url,
        status=page.status,
        headers=page.headers,
        body=page.body,
        fetched_at=page.fetched_at,
        name=folder_name,
        expected=draft,
    )
    click.echo(f"saved {page.url} (HTTP {page.status}, {len(page.body)} bytes) to {folder}")
    click.echo('review expected.json against the page, then set "reviewed": true')
