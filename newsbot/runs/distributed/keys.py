"""Multi-machine mode's Redis keys, worker names and connection: what workers and the writer share."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from typing import Any

from newsbot import settings as defaults

DEFAULT_PREFIX: str = defaults.NEWSBOT_REDIS_PREFIX
DEFAULT_IDLE_CLOSE: float = defaults.NEWSBOT_REDIS_IDLE_CLOSE  # seconds on an empty shared queue, then stop
DEFAULT_DUPEFILTER_TTL: int = defaults.NEWSBOT_REDIS_DUPEFILTER_TTL  # seconds a run's fingerprints live
REDIS_UNAVAILABLE = "redis_unavailable"  # finish reason of a worker that lost its Redis
WORKER_BEAT_EVERY = 10.0  # seconds between a worker's signs of life in the workers set
WORKER_STALE_AFTER = 300.0  # a registration without a sign of life this long is a dead worker


@dataclass(frozen=True, slots=True)
class RedisKeys:
    """The Redis keys one newsbot deployment uses; `prefix` keeps two deployments apart."""

    prefix: str = DEFAULT_PREFIX

    @property
    def items(self) -> str:
        """List the workers push encoded items to (LPUSH) and the writer drains (from the right)."""
        return f"{self.prefix}:items"

    @property
    def processing(self) -> str:
        """List of the messages the writer holds; each leaves it only after its archive commit."""
        return f"{self.prefix}:items:processing"

    @property
    def dead(self) -> str:
        """List of messages the writer could not read or store, kept for a human to look at."""
        return f"{self.prefix}:items:dead"

    @property
    def known(self) -> str:
        """Hash url -> KnownPage JSON, mirrored from the archive by the writer."""
        return f"{self.prefix}:known"

    @property
    def runs(self) -> str:
        """Hash worker run key -> archive crawl_runs id, kept by the writer."""
        return f"{self.prefix}:runs"

    def requests(self) -> str:
        """scrapy-redis request queue key pattern (`%(spider)s` is filled in by scrapy-redis)."""
        return f"{self.prefix}:%(spider)s:requests"

    def dupefilter(self) -> str:
        """scrapy-redis dupefilter key pattern."""
        return f"{self.prefix}:%(spider)s:dupefilter"

    def workers(self, spider: str) -> str:
        """Sorted set of the workers crawling `spider` now (score: when each registered)."""
        return f"{self.prefix}:{spider}:workers"


class RedisUnavailable(Exception):
    """Redis cannot be reached; the message is one line for the user (password hidden)."""


def connect(url: str) -> Any:
    """Return a Redis client for `url`, checked with PING; RedisUnavailable when unreachable."""
    import redis

    try:
        server = redis.Redis.from_url(url, socket_timeout=15, socket_connect_timeout=5)
        server.ping()
    except (redis.RedisError, ValueError) as error:
        raise RedisUnavailable(f"cannot reach Redis at {redact(url)}: {error}") from None
    return server


def is_dead_local_process(name: str) -> bool:
    """Tell whether a process named by worker_id() ran on this host and has exited."""
    host, _, rest = name.partition(":")
    pid = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def worker_id() -> str:
    """Name this worker process: host, pid and a random tail (pids repeat across machines)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def redact(url: str) -> str:
    """Hide the password in a Redis URL before it goes into a log line or an error message."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0] if ":" in credentials else ""
    return f"{scheme}://{user}:***@{host}"
