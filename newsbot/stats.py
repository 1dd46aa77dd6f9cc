"""Rules over a crawl's Scrapy stats that the run verdict and the archive's crawl_runs share (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def stat_count(stats: Mapping[str, Any], key: str) -> int:
    """Return the integer stat `key`, 0 when absent or not a count."""
    value = stats.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def failed_pages(stats: Mapping[str, Any]) -> int:
    """Count the pages a run failed on: the one rule for crawl_runs.failures and the error rate.

    Fetches that failed after their retries (network errors, HTTP errors), pages quarantined as
    unreadable, spider callback errors and archive write errors. A retried attempt is not a failure.
    """
    return (
        stat_count(stats, "newsbot/article_fetch_failed")
        + stat_count(stats, "httperror/response_ignored_count")
        + stat_count(stats, "newsbot/quarantined")
        + stat_count(stats, "newsbot/archive_errors")
        + sum(stat_count(stats, key) for key in stats if key.startswith("spider_exceptions/"))
    )
