"""Scrapy settings for newsbot: only what differs from Scrapy's defaults, plus NEWSBOT_* settings."""

import os

from newsbot.contact import user_agent

BOT_NAME = "newsbot"
SPIDER_MODULES = ["newsbot.spiders"]
NEWSPIDER_MODULE = "newsbot.spiders"

# Who runs the crawl, for site operators: an e-mail address or a URL of yours. It goes into the
# User-Agent (ContactAddon); a live crawl without it logs a warning. Also read from the environment.
NEWSBOT_CONTACT = os.environ.get("NEWSBOT_CONTACT") or None
USER_AGENT = user_agent(NEWSBOT_CONTACT)
ROBOTSTXT_OBEY = True

# Be polite: AutoThrottle adapts the delay to the server's latency; at most 4 requests at a time per site.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS_PER_DOMAIN = 4

# Retry 5xx and 429 with exponential backoff (BackoffRetryMiddleware replaces Scrapy's RetryMiddleware).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
NEWSBOT_RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry; doubles each time
NEWSBOT_RETRY_BACKOFF_MAX = 120.0  # never wait longer than this (a Retry-After header is capped too)

# perf-notes: the default 100 item workers per response cost ~2.5 ms of CPU per page for nothing here.
CONCURRENT_ITEMS = 1
# Scrapy checks every generator callback for `return value` on each response and caches the answer
# under the bound method, which lives one call: it re-reads and re-parses the callback's source
# about every second response (0.3-0.5 ms per page). tests/test_spider_unn.py makes that check once.
WARN_ON_GENERATOR_RETURN_VALUE = False

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024  # 20 MB: far above any article page; page objects quarantine > 5 MB
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

DOWNLOADER_MIDDLEWARES = {
    # Answers from fixtures when NEWSBOT_REPLAY_DIRS is set; after Scrapy's offsite (50) and robots.txt
    # (100) checks, so a replay obeys a robots.txt fixture as a live crawl obeys the site's.
    "newsbot.replay.ReplayMiddleware": 110,
    "newsbot.middlewares.FetchTimeMiddleware": 60,  # stamps the fetch time on live responses
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsbot.middlewares.BackoffRetryMiddleware": 550,  # Scrapy's retry slot, plus backoff
    # Scrapy's meta-refresh redirects, reading only the page's first 4,096 characters as Scrapy does
    # without decoding the whole body first (about 0.1 ms per page).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newsbot.middlewares.PrefixMetaRefreshMiddleware": 580,
    "newsbot.warc_capture.WarcWriterMiddleware": 950,  # responses as received -> WARC (NEWSBOT_WARC_ENABLED)
}

ITEM_PIPELINES = {
    "newsbot.pipelines.split.SplitBodyPipeline": 100,  # body -> paragraphs, cross-links, views, teasers
    "newsbot.pipelines.timestamps.NormaliseTimestampsPipeline": 200,  # every date -> UTC instant
    "newsbot.pipelines.language.DetectLanguagePipeline": 300,  # declared vs detected, per segment
    "newsbot.pipelines.fill_rate.FillRatePipeline": 800,  # fill rate per field and layout; layout alarms
    "newsbot.pipelines.archive.ArchivePipeline": 900,  # idempotent upsert into SQLite
}

TELNETCONSOLE_ENABLED = False
# Scrapy 2.x's RemoteControl runs Python code posted to a local HTTP port: never in a crawler.
REMOTE_CONTROL_ENABLED = False

# The ledger (newsbot/accounting.py): every scheduled request ends archived, quarantined, unchanged,
# followed, skipped with a reason, failed or lost; a remainder fails the run.
EXTENSIONS = {"newsbot.middlewares.AccountingExtension": 0}
NEWSBOT_ACCOUNTING_ENABLED = True
LOG_LEVEL = "INFO"
# Above DEBUG, skip building the two DEBUG records per page ("Crawled", "Scraped from") that the
# handler would drop anyway.
LOG_FORMATTER = "newsbot.logformatter.QuietLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"

# --- newsbot -------------------------------------------------------------------------------------
NEWSBOT_REPLAY_DIRS: list[str] = []  # fixture folders to replay instead of the network
NEWSBOT_REPLAY_AT = None  # ISO 8601 replay clock: serve each URL as it was then
NEWSBOT_TIMEZONES: dict[str, str] = {}  # site -> zone, over the `zone` in the site's TOML file
NEWSBOT_TIMEZONE = "Europe/Kyiv"  # zone for dates without an offset on sites NEWSBOT_TIMEZONES leaves out
NEWSBOT_LANGUAGE_CANDIDATES = ["uk", "ru", "en"]  # ISO 639-1 codes the language detector chooses among
NEWSBOT_SPLIT_ENABLED = True  # the split stage (pipelines/split.py)
NEWSBOT_TIMESTAMPS_ENABLED = True  # the timestamp stage (pipelines/timestamps.py)
NEWSBOT_LANGUAGE_ENABLED = True  # the language stage (pipelines/language.py)
NEWSBOT_ARCHIVE_ENABLED = True  # the SQLite archive pipeline (pipelines/archive.py)
NEWSBOT_ARCHIVE_PATH = "archive.db"
NEWSBOT_ARCHIVE_BATCH_SIZE = 500  # items per committed transaction; a crash loses at most one batch
NEWSBOT_WARC_ENABLED = False  # also write every fetched response to rotating WARC files (docs/archive.md)
NEWSBOT_WARC_DIR = "warc"  # ... in this folder
NEWSBOT_WARC_PREFIX = "newsbot"  # ... named PREFIX-YYYYMMDDHHMMSS-NNNNN.warc.gz
NEWSBOT_WARC_MAX_BYTES = 1_000_000_000  # ... a new file past this size
NEWSBOT_REPLAY_DELAY = 0.0  # seconds each replayed response is held back (to interrupt a replay in tests)

# Revisit policy (newsbot/runs/revisit.py): refetch an archived article this long after its publication,
# then only when its feed or listing entry shows a newer date. Units: m, h, d, w.
NEWSBOT_REVISIT_ENABLED = True  # off: fetch every listed URL again on every run
NEWSBOT_REVISIT_SCHEDULE = "1h,6h,24h,3d,7d"

# `newsbot crawl` verdict (newsbot/runs/alarms.py): exit status 1 when a run fails.
NEWSBOT_MAX_ERROR_RATE = 0.2  # failed or quarantined pages per page requested, above which a run failed
NEWSBOT_FILL_RATE_ENABLED = True  # record fill rates per field and layout in each crawl run
NEWSBOT_ALARM_DROP = 0.5  # alarm when a field's fill rate < (1 - this) x its median over past runs
NEWSBOT_ALARM_HISTORY_RUNS = 10  # the median is over this many past runs ...
NEWSBOT_ALARM_MIN_ARTICLES = 10  # ... that had at least this many articles of the layout (as must this run)
NEWSBOT_ALARM_MIN_RUNS = 3  # fewer qualifying past runs than this: no alarm (no history to compare)

# --- multi-machine mode (docs/distributed.md) -----------------------------------------------------
# RedisAddon turns the crawl into a scrapy-redis worker when NEWSBOT_REDIS_URL is set (and does nothing
# otherwise): shared scheduler and dupefilter, items pushed to Redis for `newsbot archive ingest`.
ADDONS = {
    "newsbot.runs.distributed.scheduler.RedisAddon": 0,
    "newsbot.contact.ContactAddon": 10,  # NEWSBOT_CONTACT into the User-Agent; warns on live crawls without
    "newsbot.runs.checks.SettingsCheckAddon": 20,  # logs undeclared NEWSBOT_* settings (scrapy crawl, ...)
}
NEWSBOT_REDIS_URL = None  # e.g. redis://queue-host:6379/0; unset = single machine, straight to SQLite
NEWSBOT_REDIS_PREFIX = "newsbot"  # prefix of every Redis key, so two deployments can share one server
NEWSBOT_REDIS_IDLE_CLOSE = 30.0  # a worker stops after the shared queue stayed empty this many seconds
NEWSBOT_REDIS_DUPEFILTER_TTL = 1800  # seconds a run's request fingerprints live: > a run, < the interval
