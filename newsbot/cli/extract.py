"""The `newsbot extract` command: one saved page (or a list of them) in, one JSON object per page out.

It runs what a crawl runs on a page: the page object chosen by address (a known site's layouts,
else the generic page object), then the split, timestamp and language stages.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from newsbot import settings as defaults
from newsbot.enrich import enrich_article
from newsbot.items import Article, QuarantinedPage, iso_utc, story_text, to_jsonable
from newsbot.pages import generic, parse_page
from newsbot.sites import Site, SiteError, get_site, site_zones
from newsbot.text.language import UNDETERMINED

MAX_FILE_BYTES = 64 * 1024 * 1024  # read no more than this from one file (decompressed)


class PageError(Exception):
    """A page that gave no article: the reason is for the user, not a traceback."""


@click.command("extract")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", help="The page's address (required with FILE; it chooses the page object).")
@click.option(
    "--site",
    help="The configured site (sites/NAME.toml, or a .toml path) whose page objects and selectors "
    "read the page (default: the site the address belongs to; an address of no configured site "
    "is read by the generic page object).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: one object per page; text: the story text only.",
)
@click.option(
    "--batch",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A list of pages, one 'PATH<TAB>URL' per line (relative paths from the list's folder): "
    "one output line per page, in order, in one process.",
)
@click.option(
    "--now",
    "now_text",
    metavar="ISO8601",
    help="When the page was fetched: the clock for year-less and relative dates (default: now).",
)
def extract(
    file: Path | None, url: str | None, site: str | None, fmt: str, batch: Path | None, now_text: str | None
) -> None:
    """Extract an article from a saved page (FILE may be gzip) and print it as JSON.

    The object holds url, site, layout, title, authors, published_utc, published_date (the day
    in the page's own offset), published_precision, modified_utc, lang, lead, paragraphs, subheads,
    cross_links, views, text (paragraphs and subheads in reading order) and problems. A page
    that holds no article (no title, no story text, not HTML) is reported with the reason and
    exit status 1.
    """
    try:
        now = _parse_now(now_text)
    except ValueError as exc:
        raise click.ClickException(f"--now: {exc}") from None
    try:
        site_record = get_site(site) if site else None
    except SiteError as exc:
        raise click.ClickException(f"--site: {exc}") from None
    if batch is not None:
        if file is not None or url:
            raise click.UsageError("--batch takes the files and URLs from the list; give no FILE or --url")
        sys.exit(_run_batch(batch, site_record, fmt, now))
    if file is None or not url:
        raise click.UsageError("give FILE and --url (or --batch LIST.tsv)")
    try:
        output = extract_file(file, url, site=site_record, now=now)
    except PageError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    click.echo(_render(output, fmt))


def _run_batch(batch: Path, site: Site | None, fmt: str, now: datetime) -> int:
    """Extract every page of the list in order; return 1 if any failed, else 0."""
    failed = 0
    try:
        lines = batch.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{batch}: cannot read the list: {exc}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        path_text, sep, url = line.partition("\t")
        path = Path(path_text.strip())
        if not path.is_absolute():
            path = batch.parent / path
        try:
            if not sep or not url.strip():
                raise PageError(f"line {number}: expected 'PATH<TAB>URL'")
            output = extract_file(path, url.strip(), site=site, now=now)
        except PageError as exc:
            failed += 1
            click.echo(f"{path}\t{exc}", err=True)
            if fmt == "json":
                click.echo(
                    json.dumps({"file": str(path), "url": url.strip(), "error": str(exc)}, ensure_ascii=False)
                )
            continue
        click.echo(_render(output, fmt, compact=True))
    return 1 if failed else 0


def _render(output: dict[str, Any], fmt: str, compact: bool = False) -> str:
    if fmt == "text":
        return output["text"] + ("\n\f" if compact else "")
    return json.dumps(output, ensure_ascii=False, indent=None if compact else 2)


def read_page_file(path: Path) -> bytes:
    """Return a saved page's bytes, gunzipped when they are gzip; PageError when unreadable."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PageError(f"cannot read the file: {exc.strerror or exc}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                data = unzipped.read(MAX_FILE_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise PageError(f"not a readable gzip file: {exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise PageError(f"too large: more than {MAX_FILE_BYTES} bytes")
    return data


def extract_file(
    path: Path, url: str, *, site: Site | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Read, extract and enrich one saved page; PageError says why it gives no article."""
    return extract_bytes(read_page_file(path), url, site=site, now=now)


def extract_bytes(
    data: bytes, url: str, *, site: Site | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Extract and enrich one page's bytes as a crawl would; PageError says why it gives no article."""
    now = now or datetime.now(UTC)
    page = parse_page(data, url, fetched_at=now, site=site)
    if isinstance(page, QuarantinedPage):
        raise PageError(f"not an article: {page.reason}")
    return article_output(enrich_article(page))


def article_output(article: Article) -> dict[str, Any]:
    """Return the JSON-ready view of an enriched article that `newsbot extract` prints."""
    zone = site_zones(defaults.NEWSBOT_TIMEZONES).get(article.site, defaults.NEWSBOT_TIMEZONE)
    local = article.published_utc.astimezone(ZoneInfo(zone)) if article.published_utc else None
    lang = (
        article.lang_declared if article.lang_declared not in (None, UNDETERMINED) else article.lang_detected
    )
    return {
        "url": article.url,
        "site": article.site,
        "layout": article.layout,
        "edition": article.edition,
        "title": article.title,
        "authors": article.authors,
        "published_utc": iso_utc(article.published_utc) if article.published_utc else None,
        "published_date": generic.published_day(article.published_machine, local),
        "published_precision": article.published_precision,
        "published_raw": article.published_raw,
        "published_machine": article.published_machine,
        "modified_utc": iso_utc(article.modified_utc) if article.modified_utc else None,
        "lang": lang,
        "lang_declared": article.lang_declared,
        "lang_detected": article.lang_detected,
        "lead": article.lead,
        "paragraphs": article.paragraphs,
        "subheads": [{"text": s.text, "position": s.position} for s in article.subheads],
        "cross_links": to_jsonable(article.cross_links),
        "views": article.views,
        "related": to_jsonable(article.related),
        "tags": article.tags,
        "alternates": article.alternates,
        "text": story_text(article),
        "problems": article.problems,
    }


def _parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
