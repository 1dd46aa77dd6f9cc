"""Revisit policy: decide whether an already archived page is due for another fetch (pure, no SQLite)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from newsbot import install_hint
from newsbot import settings as defaults
from newsbot.items import KnownPage, parse_instant

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

_STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class PageStateStore(Protocol):
    """Where the spider looks up what is already archived (SQLite on one machine, Redis on several)."""

    def get(self, url: str) -> KnownPage | None: ...


class StateStoreUnavailable(RuntimeError):
    """The configured page-state store cannot be built; the message is one line for the user."""


def is_due(
    known: KnownPage | None,
    *,
    now: datetime,
    schedule: Sequence[timedelta] | None = None,
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
    steps = DEFAULT_SCHEDULE if schedule is None else schedule
    return any(known.last_fetched_at < known.published_utc + step <= now for step in steps)


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


# Refetch an article this long after its publication (NEWSBOT_REVISIT_SCHEDULE): views grow fast in
# the first hours, edits happen in the first day; after the last step only its feed or sitemap entry
# can make it due.
DEFAULT_SCHEDULE: tuple[timedelta, ...] = parse_schedule(defaults.NEWSBOT_REVISIT_SCHEDULE)


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

    NEWSBOT_REDIS_URL set: the Redis mirror the archive writer keeps (newsbot.runs.distributed.state);
    otherwise the SQLite archive at NEWSBOT_ARCHIVE_PATH, read-only.
    """
    if settings.get("NEWSBOT_REDIS_URL"):
        try:  # lazily: redis is an optional extra
            from newsbot.runs.distributed.state import RedisStateStore

            return RedisStateStore.from_settings(settings)
        except ImportError as error:
            raise StateStoreUnavailable(
                f"NEWSBOT_REDIS_URL is set but Redis support is not installed ({error}): "
                f"{install_hint('redis')}"
            ) from None
    from archive.revisit import ArchiveStateStore

    return ArchiveStateStore(settings.get("NEWSBOT_ARCHIVE_PATH", defaults.NEWSBOT_ARCHIVE_PATH))
