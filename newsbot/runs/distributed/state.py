"""Page state of multi-machine mode: the KnownPage hash in Redis that workers read and the writer keeps."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from newsbot.items import Article, KnownPage, iso_utc, parse_iso
from newsbot.runs.distributed.keys import DEFAULT_PREFIX, RedisKeys

logger = logging.getLogger(__name__)


def known_page_of(article: Article) -> KnownPage:
    """Return what the revisit policy needs to know about a just-stored article."""
    headers = {k.lower(): v for k, v in (article.page.headers if article.page else {}).items()}
    return KnownPage(
        url=article.url,
        published_utc=article.published_utc,
        last_fetched_at=article.fetched_at,
        etag=headers.get("etag") or None,
        last_modified=headers.get("last-modified") or None,
    )


def newer_known_page(old: KnownPage | None, new: KnownPage) -> KnownPage:
    """Merge two sightings of a page: the later fetch wins; a publication time is never forgotten."""
    if old is None:
        return new
    later, earlier = (new, old) if new.last_fetched_at >= old.last_fetched_at else (old, new)
    if later.published_utc is None and earlier.published_utc is not None:
        return KnownPage(
            later.url, earlier.published_utc, later.last_fetched_at, later.etag, later.last_modified
        )
    return later


def encode_known(page: KnownPage) -> str:
    """Serialise a KnownPage for the Redis hash (the URL is the hash field, not in the value)."""
    return json.dumps(
        {
            "published_utc": iso_utc(page.published_utc) if page.published_utc else None,
            "last_fetched_at": iso_utc(page.last_fetched_at),
            "etag": page.etag,
            "last_modified": page.last_modified,
        },
        ensure_ascii=False,
    )


def decode_known(url: str, raw: bytes | str | None) -> KnownPage | None:
    """Read a KnownPage from its hash value; None when absent or unreadable (the page is then due)."""
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        published = data.get("published_utc")
        return KnownPage(
            url=url,
            published_utc=parse_iso(published, naive=None) if published else None,
            last_fetched_at=parse_iso(data["last_fetched_at"], naive=None),
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
        )
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        logger.warning("unreadable page state for %s in Redis (%s): treated as unknown", url, error)
        return None


class RedisStateStore:
    """PageStateStore for workers: reads the KnownPage hash the writer (`archive ingest`) keeps."""

    def __init__(self, server: Any, keys: RedisKeys | None = None) -> None:
        self.server = server
        self.keys = keys or RedisKeys()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | Any) -> RedisStateStore:
        import redis

        url = settings.get("NEWSBOT_REDIS_URL")
        if not url:  # callers check it first (revisit.build_state_store)
            raise ValueError("NEWSBOT_REDIS_URL is not set")
        prefix = settings.get("NEWSBOT_REDIS_PREFIX") or DEFAULT_PREFIX
        return cls(redis.Redis.from_url(url), RedisKeys(prefix))

    def get(self, url: str) -> KnownPage | None:
        return decode_known(url, self.server.hget(self.keys.known, url))
