"""Rules over a crawl's Scrapy stats that the run verdict and the archive's crawl_runs share (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def stat_count(stats: Mapping[str, Any], key: str) -> int:
    """Return the integer stat `key`, 0 when absent or not a count."""
    value = stats.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# The crawl ledger's stats (newsbot/accounting.py writes them when a crawl closes).
LEDGER = "newsbot/accounting/"
LEDGER_BAD = ("quarantined", "failed", "lost")


def ledger_error_rate(stats: Mapping[str, Any]) -> tuple[int, int] | None:
    """Return (bad, accounted) pages from the ledger's stats, or None when the run kept no ledger.

    Accounted: scheduled requests that were not skipped (a skipped one was never fetched), plus the
    archived pages the revisit policy found not due. Bad: quarantined pages, feeds or listings that
    failed, items lost on the way to the archive. Replay and live crawls count alike, each page once.
    """
    if LEDGER + "scheduled" not in stats:
        return None
    accounted = (
        stat_count(stats, LEDGER + "scheduled")
        - stat_count(stats, LEDGER + "skipped")
        + stat_count(stats, "newsbot/revisit/not_due")
    )
    return sum(stat_count(stats, LEDGER + name) for name in LEDGER_BAD), max(accounted, 0)


def failed_pages(stats: Mapping[str, Any]) -> int:
    """Count the pages a run failed on: the one rule for crawl_runs.failures and the error rate.

    With the ledger: its bad pages (ledger_error_rate). Without (older runs, distributed workers):
    fetches that failed after their retries (network errors, HTTP errors), pages quarantined as
    unreadable, spider callback errors and archive write errors. A retried attempt is not a failure.
    """
    ledger = ledger_error_rate(stats)
    if ledger is not None:
        return ledger[0]
    return (
        stat_count(stats, "newsbot/article_fetch_failed")
        + stat_count(stats, "httperror/response_ignored_count")
        + stat_count(stats, "newsbot/quarantined")
        + stat_count(stats, "newsbot/archive_errors")
        + sum(stat_count(stats, key) for key in stats if key.startswith("spider_exceptions/"))
    )
