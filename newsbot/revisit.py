"""Revisit policy: decide whether an already archived page is due for another fetch (pure, no SQLite)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from newsbot import install_hint

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# Refetch an article this long after its publication: views grow fast in the first hours, edits
# happen in the first day; after the last step only its feed or sitemap entry can make it due.
DEFAULT_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
    timedelta(days=3),
    timedelta(days=7),
)

_STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True, slots=True)
class KnownPage:
    """What the archive knows of a page: when it was published and last fetched, its validators."""

    url: str
    published_utc: datetime | None
    last_fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None  # the Last-Modified header value, as the server sent it


class PageStateStore(Protocol):
    """Where the spider looks up what is already archived (SQLite on one machine, Redis on several)."""

    def get(self, url: str) -> KnownPage | None: ...


class StateStoreUnavailable(RuntimeError):
    """The configured page-state store cannot be built; the message is one line for the user."""


def is_due(
    known: KnownPage | None,
    *,
    now: datetime,
    schedule: Sequence[timedelta] = DEFAULT_SCHEDULE,
    listed_modified: datetime | None = None,
) -> bool:
    """Tell whether a page should be fetched now.

    A page never archived is always due. An archived page is due when a schedule checkpoint
    (publication + step) has passed since its last fetch, or when its feed/sitemap entry carries
    a date (`listed_modified`) later than its last fetch. Several missed checkpoints cost one fetch.
    A page whose publication time is unknown is refetched only on a newer listed date.
    """
    if known is None:
        return True
    if listed_modified is not None and listed_modified > known.last_fetched_at:
        return True
    if known.published_utc is None:
        return False
    return any(known.last_fetched_at < known.published_utc + step <= now for step in schedule)


def parse_schedule(value: str | Sequence[str | timedelta]) -> tuple[timedelta, ...]:
    """Read a schedule like "1h,6h,24h,3d,7d" (units m, h, d, w) into sorted steps.

    Raise ValueError naming the step that cannot be read.
    """
    parts = value.split(",") if isinstance(value, str) else list(value)
    steps: list[timedelta] = []
    for part in parts:
        if isinstance(part, timedelta):
            steps.append(part)
            continue
        match = _STEP.match(str(part))
        if not match or float(match[1]) <= 0:
            raise ValueError(f"revisit schedule step {part!r} is not like 1h, 30m, 3d or 1w")
        steps.append(timedelta(**{_UNITS[match[2].lower()]: float(match[1])}))
    if not steps:
        raise ValueError("the revisit schedule is empty")
    return tuple(sorted(set(steps)))


def conditional_headers(known: KnownPage | None) -> dict[str, str]:
    """Return If-None-Match / If-Modified-Since headers from the validators the page last had."""
    if known is None:
        return {}
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers


def validators(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """Return (ETag, Last-Modified) from response headers, matching names case-insensitively."""
    lower = {name.lower(): value for name, value in headers.items()}
    return lower.get("etag") or None, lower.get("last-modified") or None


def parse_instant(text: str | None) -> datetime | None:
    """Read an ISO 8601 instant ("...Z" or with an offset) as an aware UTC datetime; None if unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def revisit_now(settings: BaseSettings, started_at: datetime | None) -> datetime:
    """Return the moment revisit decisions are made at: the replay clock, else the crawl's start."""
    replay_at = parse_instant(settings.get("NEWSBOT_REPLAY_AT"))
    if replay_at is not None:
        return replay_at
    if started_at is None:
        return datetime.now(UTC)
    return started_at if started_at.tzinfo else started_at.replace(tzinfo=UTC)


def build_state_store(settings: BaseSettings) -> Any:
    """Return the page-state store the settings ask for.

    NEWSBOT_REDIS_URL set: the Redis mirror the archive writer keeps (newsbot.distributed);
    otherwise the SQLite archive at NEWSBOT_ARCHIVE_PATH, read-only.
    """
    if settings.get("NEWSBOT_REDIS_URL"):
        try:  # lazily: redis is an optional extra
            from newsbot.distributed import RedisStateStore

            return RedisStateStore.from_settings(settings)
        except ImportError as error:
            raise StateStoreUnavailable(
                f"NEWSBOT_REDIS_URL is set but Redis support is not installed ({error}): "
                f"{install_hint('redis')}"
            ) from None
    from archive.revisit import ArchiveStateStore

    return ArchiveStateStore(settings.get("NEWSBOT_ARCHIVE_PATH", "archive.db"))
