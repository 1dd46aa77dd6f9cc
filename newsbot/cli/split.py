"""The `newsbot split` command: split one saved article page (HTML or text) and print JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import click

from newsbot.items import Article, CrossLink, Teaser, iso_utc
from newsbot.pages import parse_page
from newsbot.text.split import SplitResult, split_text
from newsbot.text.split_html import split_body

# Languages a UNN page can be written in; cross-links often differ from the story's edition.
_CANDIDATES = ("uk", "ru", "en")


@click.command("split")
@click.argument("source", type=click.File("rb"), metavar="FILE|-")
@click.option("--url", help="The page's address (HTML input; default: url in a meta.json beside FILE).")
@click.option(
    "--now",
    "now_text",
    metavar="ISO8601",
    help="When the page was fetched: the clock for year-less and relative dates such as "
    "'04:13 AM' (default: fetched_at in a meta.json beside FILE, else the current time). "
    "A time without a zone is read as UTC.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "html", "text"]),
    default="auto",
    show_default=True,
    help="Input kind; auto reads input that starts with '<' as HTML.",
)
def split_command(source: BinaryIO, url: str | None, now_text: str | None, fmt: str) -> None:
    """Split an article into story paragraphs, cross-links, its view count and teasers.

    FILE is a saved page (HTML, through the site's page object) or a plain-text copy of one
    (first line the title, like the seed text); '-' reads standard input. Prints one JSON object:
    title, lead (when the page has one), paragraphs, cross_links (title, url, published_raw,
    published_utc, lang, position = index of the paragraph it follows), views and related
    (title, url, published_raw, published_utc, views, labels, block). Anything that could not
    be read is null, with the reason under "problems".
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
        result = split_text(text)
        output = _output(result.title, None, result, now)
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))


def _split_html(data: bytes, url: str | None, now: datetime) -> dict[str, Any]:
    """Extract the page with its page object, then split the body."""
    if not url:
        raise click.ClickException("HTML input needs --url: the page object is chosen by address")
    page = parse_page(data, url, fetched_at=now)
    if not isinstance(page, Article):
        raise click.ClickException(f"not an article page: {page.reason}")
    result = split_body(page.body_html, views_raw=page.views_raw, related=page.related, base_url=page.url)
    return _output(page.title, page.lead, result, now)


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
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _output(title: str | None, lead: str | None, result: SplitResult, now: datetime) -> dict[str, Any]:
    """Build the JSON object: the split fields, with times and languages filled when possible."""
    read_time = _time_reader(now)
    read_lang = _lang_reader()
    out: dict[str, Any] = {"title": title}
    if lead:
        out["lead"] = lead
    out["paragraphs"] = result.paragraphs
    out["cross_links"] = [_cross_link(link, read_time, read_lang) for link in result.cross_links]
    out["views"] = result.views
    out["related"] = [_teaser(teaser, read_time) for teaser in result.related]
    if result.problems:
        out["problems"] = result.problems
    return out


def _cross_link(link: CrossLink, read_time: _Reader, read_lang: _Reader) -> dict[str, Any]:
    """Return one cross-link as JSON, with its time and language."""
    problems = dict(link.problems)
    out = {
        "title": link.title,
        "url": link.url,
        "published_raw": link.published_raw,
        "published_utc": _fill(read_time, link.published_raw, "published_utc", problems),
        "lang": _fill(read_lang, link.title, "lang", problems),
        "position": link.position,
    }
    if problems:
        out["problems"] = problems
    return out


def _teaser(teaser: Teaser, read_time: _Reader) -> dict[str, Any]:
    """Return one teaser as JSON, with its time."""
    problems = dict(teaser.problems)
    out = {
        "title": teaser.title,
        "url": teaser.url,
        "published_raw": teaser.published_raw,
        "published_utc": _fill(read_time, teaser.published_raw, "published_utc", problems),
        "views": teaser.views,
        "labels": teaser.labels,
        "block": teaser.block,
    }
    if problems:
        out["problems"] = problems
    return out


# A reader turns raw text into (value, reason it failed).
_Reader = Callable[[str], tuple[Any, str | None]]


def _fill(read: _Reader, raw: str | None, name: str, problems: dict[str, str]) -> Any:
    """Apply a reader to `raw`; note the reason in `problems` when it gives nothing."""
    if not raw:
        return None
    value, reason = read(raw)
    if value is None and reason:
        problems[name] = reason
    return value


def _time_reader(now: datetime) -> _Reader:
    """Return a reader of timestamps, or one that says the normaliser is not installed."""
    try:
        from newsbot.text.timestamps import parse_timestamp
    except ImportError:  # the timestamps stage has not landed on this branch yet
        return lambda raw: (None, "timestamp normaliser not installed")

    def read(raw: str) -> tuple[Any, str | None]:
        result = parse_timestamp(raw, now=now)
        return (iso_utc(result.utc) if result.ok else None), result.error

    return read


def _lang_reader() -> _Reader:
    """Return a language reader, or one that says the detector is not installed."""
    try:
        from newsbot.text.language import detect_language
    except ImportError:  # the language stage has not landed on this branch yet
        return lambda text: (None, "language detector not installed")

    def read(text: str) -> tuple[Any, str | None]:
        result = detect_language(text, candidates=_CANDIDATES)
        return result.lang, result.reason

    return read
