"""The `newsbot split` command: split one saved article page (HTML or text) and print JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import click

from newsbot.enrich import enrich_article, label_article, normalise_article_times
from newsbot.items import Article, CrossLink, Teaser, parse_iso, to_jsonable
from newsbot.pages import parse_page
from newsbot.pages.unn import edition_from_url
from newsbot.settings import NEWSBOT_TIMEZONE as DEFAULT_TIMEZONE
from newsbot.text.language import DEFAULT_CANDIDATES
from newsbot.text.split import looks_like_html, split_text
from newsbot.text.split_html import html_to_text


@click.command("split")
@click.argument("source", type=click.File("rb"), metavar="FILE|-")
@click.option("--url", help="The page's address (HTML input; default: url in a meta.json beside FILE).")
@click.option(
    "--now",
    "now_text",
    metavar="ISO8601",
    help="When the page was fetched: the clock for year-less and relative dates such as "
    "'04:13 AM' (default: fetched_at in a meta.json beside FILE, else the current time). "
    "A time without a zone is read in the site's zone (Europe/Kyiv), as parse-time --now does.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "html", "text"]),
    default="auto",
    show_default=True,
    help="Input kind; auto reads input that starts with '<' as HTML. Markup given with "
    "--format text is said so (on stderr and under problems.input) and read as its visible text.",
)
def split_command(source: BinaryIO, url: str | None, now_text: str | None, fmt: str) -> None:
    """Split an article into story paragraphs, cross-links, its view count and teasers.

    FILE is a saved page (HTML, through the site's page object) or a plain-text copy of a whole
    page as a reader sees it (the seed text is one: chrome and page-top feeds may come first; the
    title is the line before the dateline "Kyiv • UNN" or before the article's own counter);
    '-' reads standard input. Prints one JSON object: title, lead (when the page has one),
    dateline, authors and subheads (when found), paragraphs, cross_links (title, url,
    published_raw, published_utc, lang, position = index of the paragraph it follows, and views
    when the link prints a counter), views and related (title, url, published_raw, published_utc,
    views, labels, block). Anything that could not be read is null, with the reason under
    "problems".
    """
    data = source.read()
    meta = _meta_beside(source)
    try:
        now = _parse_now(now_text or meta.get("fetched_at"))
    except ValueError as exc:
        raise click.ClickException(f"--now: {exc}") from None
    if fmt == "auto":
        fmt = "html" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "text"
    if fmt == "html":
        output = _split_html(data, url or meta.get("url"), now)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"text input is not UTF-8: {exc}") from None
        if looks_like_html(text):
            click.echo(
                "warning: the input is HTML, not page text; reading its visible text "
                "(use --format html --url URL to go through the page object)",
                err=True,
            )
            output = _split_text(html_to_text(text), url, now)
            output.setdefault("problems", {})["input"] = "HTML given as text: read as its visible text"
        else:
            output = _split_text(text, url, now)
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))


def _split_html(data: bytes, url: str | None, now: datetime) -> dict[str, Any]:
    """Extract the page with its page object, then run the article stages as a crawl does."""
    if not url:
        raise click.ClickException("HTML input needs --url: the page object is chosen by address")
    page = parse_page(data, url, fetched_at=now)
    if not isinstance(page, Article):
        raise click.ClickException(f"not an article page: {page.reason}")
    return _output(enrich_article(page))


def _split_text(text: str, url: str | None, now: datetime) -> dict[str, Any]:
    """Split a plain-text copy, then normalise its times and detect its languages."""
    result = split_text(text)
    article = Article(
        url=url or "",
        site="unn",
        edition=(edition_from_url(url) if url else None) or "",
        layout="text",
        extractor_version="text",
        fetched_at=now,
        title=result.title or "",
        paragraphs=result.paragraphs,
        cross_links=result.cross_links,
        subheads=result.subheads,
        dateline=result.dateline,
        authors=result.authors,
        views=result.views,
        related=result.related,
        problems=result.problems,
    )
    normalise_article_times(article, tz=DEFAULT_TIMEZONE)
    label_article(article, DEFAULT_CANDIDATES)
    return _output(article)


def _meta_beside(source: BinaryIO) -> dict[str, Any]:
    """Read the fixture meta.json next to FILE, if there is one (gives url and fetched_at)."""
    name = getattr(source, "name", None)
    if not isinstance(name, str) or name in ("-", "<stdin>"):
        return {}
    meta = Path(name).with_name("meta.json")
    try:
        loaded = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _parse_now(text: str | None) -> datetime:
    """Read --now; the wall clock when absent (this command is a user's entry point)."""
    if text is None:
        return datetime.now(UTC)
    # As `parse-time --now`: a time without an offset is the site's wall clock.
    return parse_iso(text, naive=ZoneInfo(DEFAULT_TIMEZONE))


# The keys `newsbot split` prints for each cross-link and each teaser.
_LINK_KEYS = ("title", "url", "published_raw", "published_utc", "lang", "position")
_TEASER_KEYS = ("title", "url", "published_raw", "published_utc", "views", "labels", "block")
# Problems of the split stage and of the stages it feeds (times, languages of the units).
_ARTICLE_PROBLEMS = ("paragraphs", "views", "input", "published_zone")


def _output(article: Article) -> dict[str, Any]:
    """Build the JSON object: the split fields, each unit with its own problems when it has any."""
    out: dict[str, Any] = {"title": article.title or None}
    if article.lead:
        out["lead"] = article.lead
    # Present only when the page shows them, like lead (so older outputs read the same).
    if article.dateline:
        out["dateline"] = article.dateline
    if article.authors and article.layout == "text":
        out["authors"] = article.authors
    if article.subheads:
        out["subheads"] = [{"text": s.text, "position": s.position} for s in article.subheads]
    out["paragraphs"] = article.paragraphs
    out["cross_links"] = [_unit(link, _LINK_KEYS) for link in article.cross_links]
    out["views"] = article.views
    out["related"] = [_unit(teaser, _TEASER_KEYS) for teaser in article.related]
    problems = {k: v for k, v in article.problems.items() if k in _ARTICLE_PROBLEMS}
    if problems:
        out["problems"] = problems
    return out


def _unit(unit: CrossLink | Teaser, keys: tuple[str, ...]) -> dict[str, Any]:
    """Return one cross-link or teaser as JSON with the given keys, plus its problems."""
    out = {key: to_jsonable(getattr(unit, key)) for key in keys}
    if isinstance(unit, CrossLink) and unit.views_raw is not None:
        out["views"] = unit.views
    if unit.problems:
        out["problems"] = dict(unit.problems)
    return out
