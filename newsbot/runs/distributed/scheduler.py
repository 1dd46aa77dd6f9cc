"""Multi-machine crawl side: scrapy-redis settings, the add-on, an expiring dupefilter, the scheduler."""

from __future__ import annotations

import logging
import time
from typing import Any

from newsbot import install_hint
from newsbot.runs.distributed.keys import (
    DEFAULT_DUPEFILTER_TTL,
    DEFAULT_IDLE_CLOSE,
    DEFAULT_PREFIX,
    REDIS_UNAVAILABLE,
    WORKER_BEAT_EVERY,
    WORKER_STALE_AFTER,
    RedisKeys,
    is_dead_local_process,
    redact,
    worker_id,
)

logger = logging.getLogger(__name__)

# Register a worker (KEYS[1] workers set, ARGV: score, member, ttl); when it is the only one,
# delete the fingerprints (KEYS[2]) the previous run left. Returns 1 for the run's first worker.
_JOIN_SCRIPT = """
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
if redis.call('ZCARD', KEYS[1]) == 1 then
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
"""


def redis_settings(url: str | None, *, prefix: str = DEFAULT_PREFIX) -> dict[str, Any]:
    """Return the Scrapy settings that turn a crawl into a scrapy-redis worker ({} without a URL).

    The item pipeline swap (archive -> Redis queue) is done by RedisAddon, since it edits the
    project's ITEM_PIPELINES rather than replacing it.
    """
    if not url:
        return {}
    keys = RedisKeys(prefix)
    return {
        "REDIS_URL": url,
        "SCHEDULER": "newsbot.runs.distributed.scheduler.RedisScheduler",
        "DUPEFILTER_CLASS": "newsbot.runs.distributed.scheduler.ExpiringDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests(),
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter(),
        # Never flush the shared queue and fingerprints when one worker stops: others may still
        # be crawling. RedisScheduler clears a finished run when the last worker leaves, and the
        # dupefilter's TTL bounds what a crashed run leaves behind.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        # scrapy-redis' SCHEDULER_IDLE_BEFORE_CLOSE is a blocking pop (it would freeze the
        # reactor, and its PriorityQueue ignores it); RedisScheduler waits through spider_idle.
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
    }


class RedisAddon:
    """Scrapy add-on: when NEWSBOT_REDIS_URL is set, make this crawl a scrapy-redis worker.

    It applies redis_settings() and swaps the archive pipeline for RedisQueuePipeline, so
    `scrapy crawl unn -s NEWSBOT_REDIS_URL=redis://...` is all a worker needs.
    """

    def update_settings(self, settings: Any) -> None:
        url = settings.get("NEWSBOT_REDIS_URL")
        if not url:
            return
        if Scheduler is object:
            raise ImportError(f"NEWSBOT_REDIS_URL needs scrapy-redis: {install_hint('redis')}")
        from newsbot.pipelines.archive import ArchivePipeline
        from newsbot.runs.distributed.queue import RedisQueuePipeline

        prefix = settings.get("NEWSBOT_REDIS_PREFIX") or DEFAULT_PREFIX
        for name, value in redis_settings(url, prefix=prefix).items():
            settings.set(name, value, priority="addon")
        pipelines = settings.getdict("ITEM_PIPELINES")
        if any(_loads(path) is ArchivePipeline for path, order in pipelines.items() if order is not None):
            settings.replace_in_component_priority_dict("ITEM_PIPELINES", ArchivePipeline, RedisQueuePipeline)
        else:
            settings.set_in_component_priority_dict("ITEM_PIPELINES", RedisQueuePipeline, 900)


def _loads(path: Any) -> Any:
    from scrapy.utils.misc import load_object

    return load_object(path)


try:
    from scrapy_redis.dupefilter import RFPDupeFilter
    from scrapy_redis.scheduler import Scheduler
except ImportError:  # pragma: no cover - the `redis` extra is optional; RedisAddon says what to install
    RFPDupeFilter = Scheduler = object  # type: ignore[assignment,misc]


class ExpiringDupeFilter(RFPDupeFilter):
    """scrapy-redis' shared dupefilter, but its fingerprints expire.

    The key gets a TTL (NEWSBOT_REDIS_DUPEFILTER_TTL seconds) when the run's first fingerprint
    creates it, so a request seen in one run is never filtered out of a later one: whether an
    article is fetched again is the revisit policy's decision, not the dupefilter's.
    """

    def __init__(self, server: Any, key: str, debug: bool = False, ttl: int = DEFAULT_DUPEFILTER_TTL) -> None:
        super().__init__(server, key, debug)
        self.ttl = max(1, int(ttl))

    @classmethod
    def from_spider(cls, spider: Any) -> ExpiringDupeFilter:
        dupefilter = super().from_spider(spider)
        ttl = spider.settings.getint("NEWSBOT_REDIS_DUPEFILTER_TTL", DEFAULT_DUPEFILTER_TTL)
        dupefilter.ttl = max(1, ttl)
        return dupefilter

    def request_seen(self, request: Any) -> bool:
        fingerprint = self.request_fingerprint(request)
        pipe = self.server.pipeline()
        pipe.sadd(self.key, fingerprint)
        pipe.expire(self.key, self.ttl, nx=True)  # only the run's first fingerprint sets the TTL
        added, _ = pipe.execute()
        return added == 0


class RedisScheduler(Scheduler):
    """scrapy-redis' scheduler, shared by all workers, with newsbot's rules for stopping.

    - A worker stops once the shared queue has stayed empty for NEWSBOT_REDIS_IDLE_CLOSE seconds
      (checked on Scrapy's idle heartbeat, every 5 s), so a job ends on its own.
    - Workers register in a sorted set (score: last sign of life). A worker that finds no live
      worker registered starts a new run: it clears the previous run's fingerprints (requests
      an interrupted run left in the queue are resumed). The last worker to leave a finished
      run (empty queue) clears them too. So no URL is remembered from one run to the next.
    - A Redis that goes away stops the worker with one clear error and the finish reason
      "redis_unavailable" instead of an endless stream of tracebacks.
    """

    crawler: Any = None
    # Set by scrapy-redis' Scheduler (untyped) or by open(); declared here for the type checker.
    df: Any
    # Set in from_crawler.
    url: str
    keys: RedisKeys
    idle_close: float
    worker_ttl: int
    worker: str
    lost: bool
    idle_since: float | None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisScheduler:
        from scrapy import signals

        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.url = settings.get("REDIS_URL", "")
        scheduler.keys = RedisKeys(settings.get("NEWSBOT_REDIS_PREFIX") or DEFAULT_PREFIX)
        scheduler.idle_close = settings.getfloat("NEWSBOT_REDIS_IDLE_CLOSE", DEFAULT_IDLE_CLOSE)
        scheduler.worker_ttl = settings.getint("NEWSBOT_REDIS_DUPEFILTER_TTL", DEFAULT_DUPEFILTER_TTL)
        scheduler.worker = worker_id()
        scheduler.lost = False
        scheduler.idle_since = None
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Any) -> None:
        # scrapy-redis' own open() logs through Spider.log(), which Scrapy 2.19 deprecates.
        from scrapy.utils.misc import load_object

        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server,
            spider=spider,
            key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer,
        )
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        self.workers_key = self.keys.workers(spider.name)
        where = redact(self.url)
        with self._redis("register this worker"):
            self._prune_workers()
            # Atomically: register, and if no one else is here, forget the last run's fingerprints
            # before anyone seeds this run.
            first = self.server.eval(
                _JOIN_SCRIPT, 2, self.workers_key, self.df.key, time.time(), self.worker, self.worker_ttl
            )
            self.last_beat = time.monotonic()
            if first and len(self.queue):
                logger.info("resuming %d requests an interrupted run left in %s", len(self.queue), where)
        logger.info("worker %s joined the shared queue %s at %s", self.worker, self.queue.key, where)

    def close(self, reason: str) -> None:
        if self.lost:
            return
        with self._redis("unregister this worker"):
            self.server.zrem(self.workers_key, self.worker)
            others = self._prune_workers()
            if others == 0 and len(self.queue) == 0:
                self.df.clear()  # the run is over: forget its fingerprints
                logger.info("last worker out: cleared %s", self.df.key)

    def _prune_workers(self) -> int:
        """Drop registrations with no sign of life, and those of dead processes on this host."""
        self.server.zremrangebyscore(self.workers_key, "-inf", time.time() - WORKER_STALE_AFTER)
        dead = [
            member
            for member in (m.decode() for m in self.server.zrange(self.workers_key, 0, -1))
            if is_dead_local_process(member)
        ]
        if dead:
            self.server.zrem(self.workers_key, *dead)
        return int(self.server.zcard(self.workers_key))

    def _beat(self) -> None:
        if time.monotonic() - self.last_beat >= WORKER_BEAT_EVERY:
            self.server.zadd(self.workers_key, {self.worker: time.time()})
            self.last_beat = time.monotonic()

    # enqueue_request and next_request redo scrapy-redis' own too, whose stats calls pass the
    # `spider` argument that Scrapy 2.19 deprecates.
    def enqueue_request(self, request: Any) -> bool:
        with self._redis("schedule a request"):
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
            self.idle_since = None
            if self.stats is not None:
                self.stats.inc_value("scheduler/enqueued/redis")
            return True
        return False

    def next_request(self) -> Any:
        with self._redis("take a request"):
            self._beat()
            request = self.queue.pop(0)
            if request is not None:
                self.idle_since = None
                if self.stats is not None:
                    self.stats.inc_value("scheduler/dequeued/redis")
            return request
        return None

    def has_pending_requests(self) -> bool:
        with self._redis("look at the shared queue"):
            return super().has_pending_requests()
        return False

    def spider_idle(self) -> None:
        """Keep an idle worker waiting for other workers' requests, up to the idle limit."""
        from scrapy.exceptions import CloseSpider, DontCloseSpider

        if self.lost:
            raise CloseSpider(REDIS_UNAVAILABLE)
        with self._redis("say this worker is alive"):
            self._beat()
        if self.lost:
            raise CloseSpider(REDIS_UNAVAILABLE)
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_close:
            raise DontCloseSpider

    def _redis(self, doing: str) -> _RedisGuard:
        return _RedisGuard(self, doing)


class _RedisGuard:
    """Turn a Redis connection error into one logged line and a stopping worker."""

    def __init__(self, scheduler: RedisScheduler, doing: str) -> None:
        self.scheduler = scheduler
        self.doing = doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, error: BaseException | None, tb: Any) -> bool:
        import redis

        if error is None or not isinstance(error, redis.RedisError):
            return False
        scheduler = self.scheduler
        if not scheduler.lost:
            scheduler.lost = True
            logger.error(
                "Redis at %s went away (could not %s: %s): this worker stops",
                redact(scheduler.url),
                self.doing,
                error,
            )
            if scheduler.stats is not None:
                scheduler.stats.set_value("newsbot/redis_error", f"{type(error).__name__}: {error}")
        return True
