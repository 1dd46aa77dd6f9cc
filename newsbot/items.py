"""Typed items that flow from spiders through the pipelines into the archive.

Page objects fill the raw fields; each pipeline fills its own derived fields and records in
`problems` (field name -> reason) anything it could not fill. Items hold plain data only: no
Response, no selector. The one deliberate exception is `RawPage.body`, the fetched bytes kept for
the archive's raw-page table so pages can be re-parsed later without recrawling.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any


@dataclass(slots=True)
class RawPage:
    """The bytes of one fetched page as the downloader returned them."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime  # aware, UTC


@dataclass(slots=True)
class CrossLink:
    """An inline "read also" link inside an article body: a title plus its own timestamp."""

    title: str
    url: str | None = None
    published_raw: str | None = None
    position: int = -1  # index of the paragraph it follows; -1 when it precedes them all
    published_utc: datetime | None = None
    published_precision: str | None = None
    lang: str | None = None
    problems: dict[str, str] = field(default_factory=dict)
    # 2024-2026 cross-links print the linked story's counter too ("...26.09.24, 19:28 • 18166 views")
    views_raw: str | None = None
    views: int | None = None


@dataclass(slots=True)
class Subhead:
    """A one-line subhead inside a body ("Details", "Нагадаємо"): not a story paragraph."""

    text: str
    position: int = -1  # index of the paragraph it follows; -1 when it precedes them all


@dataclass(slots=True)
class Teaser:
    """One item of a teaser block ("News by theme", "Popular news", latest news, ...)."""

    title: str
    block: str  # slug of the block it came from: "news-by-theme", "popular", "latest", ...
    url: str | None = None
    published_raw: str | None = None
    views_raw: str | None = None
    views: int | None = None
    labels: list[str] = field(default_factory=list)  # "Photo", "Video", "Exclusive", ...
    published_utc: datetime | None = None
    published_precision: str | None = None
    lang: str | None = None
    problems: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Article:
    """One article page: raw fields from the page object, derived fields from the pipelines."""

    # --- raw fields, filled by the page object ---------------------------------------------
    url: str  # canonical URL
    site: str  # site slug, "unn"
    edition: str  # edition language from the URL: "uk", "en" or "ru"
    layout: str  # page-object layout that extracted it: "next", "y2024", "legacy"
    extractor_version: str
    fetched_at: datetime  # aware, UTC: the clock for every year-less or relative date
    title: str
    lead: str | None = None
    authors: list[str] = field(default_factory=list)
    body_html: str = ""  # inner HTML of the article body container, cross-links still inside
    published_raw: str | None = None  # visible text, e.g. "3 декабря 2020, 18:47"
    published_machine: str | None = None  # machine-readable value, e.g. "2020-12-03T18:47"
    modified_raw: str | None = None
    modified_machine: str | None = None
    views_raw: str | None = None  # e.g. "• 23713 переглядiв"
    tags: list[str] = field(default_factory=list)
    rubric: str | None = None
    alternates: dict[str, str] = field(default_factory=dict)  # hreflang code -> URL
    lang_hints: dict[str, str] = field(default_factory=dict)  # "html", "og:locale", "json-ld"
    related: list[Teaser] = field(default_factory=list)  # raw teasers; cleaned by the split stage
    page: RawPage | None = None

    # --- derived fields, filled by the pipelines ------------------------------------------
    paragraphs: list[str] = field(default_factory=list)
    cross_links: list[CrossLink] = field(default_factory=list)
    subheads: list[Subhead] = field(default_factory=list)
    dateline: str | None = None  # the place of the dateline "Kyiv • UNN" (text of the page)
    views: int | None = None
    published_utc: datetime | None = None
    published_precision: str | None = None
    # UTC offset (minutes) that makes the visible publication clock equal the machine time
    visible_offset_minutes: int | None = None
    modified_utc: datetime | None = None
    modified_precision: str | None = None
    lang_declared: str | None = None
    lang_detected: str | None = None
    lang_confidence: float | None = None
    lang_method: str | None = None
    lang_mismatch: bool = False
    segment_langs: dict[str, str] = field(default_factory=dict)  # "title", "lead", "body"
    problems: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class QuarantinedPage:
    """A page that could not be turned into an article, kept with the reason and its bytes."""

    url: str
    reason: str
    page: RawPage


@dataclass(slots=True)
class NotModified:
    """A conditional refetch the server answered with 304: the page is still there, unchanged."""

    url: str
    fetched_at: datetime  # aware, UTC


@dataclass(frozen=True, slots=True)
class KnownPage:
    """What the archive knows of a page: when it was published and last fetched, its validators."""

    url: str
    published_utc: datetime | None
    last_fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None  # the Last-Modified header value, as the server sent it


def validators(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """Return (ETag, Last-Modified) from response headers, matching names case-insensitively."""
    lower = {name.lower(): value for name, value in headers.items()}
    return lower.get("etag") or None, lower.get("last-modified") or None


# The article fields whose fill rate is counted: by `newsbot archive stats` (these are archive columns,
# in the bit order of articles.filled: a change here needs a new migration) and by the layout alarm,
# which counts them on each crawled article (filled_fields).
FILL_FIELDS = (
    "title",
    "lead",
    "text",
    "authors",
    "tags",
    "rubric",
    "published_utc",
    "modified_utc",
    "views",
    "lang_detected",
)


def story_blocks(paragraphs: Sequence[str], subheads: Sequence[Subhead]) -> list[str]:
    """Return the story as a reader reads it: paragraphs with each subhead in its place.

    A subhead is part of what a reader reads, so the story text holds it; it is marked (the
    `subheads` field) only so paragraph statistics (count, lead, lengths) can leave it out.
    """
    if not subheads:
        return list(paragraphs)
    after: dict[int, list[str]] = {}
    for subhead in subheads:
        after.setdefault(min(subhead.position, len(paragraphs) - 1), []).append(subhead.text)
    blocks = list(after.get(-1, ()))
    for n, paragraph in enumerate(paragraphs):
        blocks.append(paragraph)
        blocks.extend(after.get(n, ()))
    return blocks


def story_text(article: Article) -> str:
    """Return the article's story text: paragraphs and subheads in reading order, blank-line separated."""
    return "\n\n".join(story_blocks(article.paragraphs, article.subheads))


def filled_fields(article: Article) -> dict[str, bool]:
    """Tell, per FILL_FIELDS name, whether the article came out of the pipelines with a value."""
    return {
        "title": bool(article.title),
        "lead": bool(article.lead),
        "text": bool(article.paragraphs),
        "authors": bool(article.authors),
        "tags": bool(article.tags),
        "rubric": bool(article.rubric),
        "published_utc": article.published_utc is not None,
        "modified_utc": article.modified_utc is not None,
        "views": article.views is not None,
        "lang_detected": article.lang_detected is not None,
    }


def to_jsonable(value: Any) -> Any:
    """Return `value` (an item, or anything inside one) as JSON-ready data.

    Datetimes become ISO 8601 strings ending in Z, bytes are left out (they belong to the
    raw-page table, not to JSON output).
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not isinstance(getattr(value, f.name), bytes | RawPage)
        }
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def iso_utc(moment: datetime) -> str:
    """Format an aware datetime as ISO 8601 in UTC with a trailing Z."""
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


class NaiveTimeError(ValueError):
    """An ISO 8601 time without an offset where one is required."""


def parse_iso(text: str, *, naive: tzinfo | None = UTC) -> datetime:
    """Read an ISO 8601 time ("...Z", "...z" or with an offset) as an aware datetime, keeping its offset.

    A time without an offset gets the zone `naive` (UTC unless told), or is an error when `naive`
    is None. Raise ValueError, naming the text, when it cannot be read. The one ISO reader of the
    project: callers choose the behaviour by argument (or use `parse_instant` for "None if unreadable").
    """
    cleaned = text.strip()
    if cleaned[-1:] in ("Z", "z"):
        cleaned = cleaned[:-1] + "+00:00"
    moment = datetime.fromisoformat(cleaned)
    if moment.tzinfo is None:
        if naive is None:
            raise NaiveTimeError(f"time without an offset: {text!r}")
        moment = moment.replace(tzinfo=naive)
    return moment


def parse_instant(text: str | None) -> datetime | None:
    """Read an ISO 8601 instant as an aware UTC datetime (no offset: UTC); None if absent or unreadable."""
    if not text:
        return None
    try:
        return parse_iso(text).astimezone(UTC)
    except ValueError:
        return None
