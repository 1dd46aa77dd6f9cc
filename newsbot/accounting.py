"""The crawl's ledger: every scheduled request ends in exactly one outcome (pure, no Scrapy import).

A request is opened when Scrapy schedules it, follows its redirects under the same entry, and is
settled once: archived, quarantined (with a reason), unchanged (a 304, or archived and not due),
followed (a feed or listing that yielded links), skipped (with a reason: offsite, robots,
duplicate, redirect loop, redirect off-site, a scheme that is never followed), failed (a feed or
listing that yielded nothing or errored, with a reason) or lost (an item that never reached the
archive: a failed commit, a pipeline error). Archive outcomes are settled only after the batch that
holds them has committed. Anything still open when the crawl ends is the remainder, and a run
with a remainder, a lost item or a failed commit has failed (see accounting_failures).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsbot.stats import LEDGER, LEDGER_BAD, ledger_error_rate

ARCHIVED = "archived"
QUARANTINED = "quarantined"
UNCHANGED = "unchanged"
FOLLOWED = "followed"
SKIPPED = "skipped"
FAILED = "failed"
LOST = "lost"
OUTCOMES = (ARCHIVED, QUARANTINED, UNCHANGED, FOLLOWED, SKIPPED, FAILED, LOST)
# Outcomes that count against the run's error rate (newsbot.stats.LEDGER_BAD names them too).
BAD = (QUARANTINED, FAILED, LOST)
assert BAD == LEDGER_BAD

PAGE = "page"  # an article request
DISCOVERY = "discovery"  # a feed, listing or sitemap request

# Crawler stats keys the ledger writes when the crawl closes.
STAT = LEDGER  # "newsbot/accounting/"
REMAINDER_STAT = STAT + "unaccounted_urls"
LOST_STAT = STAT + "lost_urls"
COMMIT_FAILED_STAT = "newsbot/commit_failed"  # the cause of the first failed batch commit
URLS_SHOWN = 20  # URLs named in a failure line and kept in the stats

# What an archive outcome ("articles_new", "quarantined", "not_modified", ...) settles a page as.
_ARCHIVE_OUTCOMES = {
    "articles_new": ARCHIVED,
    "articles_changed": ARCHIVED,
    "articles_unchanged": ARCHIVED,
    "quarantined": QUARANTINED,
    "not_modified": UNCHANGED,
    "not_modified_unknown": UNCHANGED,
}


def archive_outcome(stored: str) -> str:
    """Return the ledger outcome of what Archive.store_item returned."""
    return _ARCHIVE_OUTCOMES.get(stored, ARCHIVED)


@dataclass(slots=True)
class Entry:
    """One scheduled request (and its redirects)."""

    url: str
    kind: str
    outcome: str | None = None
    reason: str | None = None


class Ledger:
    """Open, move and settle requests; report what is left open."""

    def __init__(self) -> None:
        self._entries: dict[int, Entry] = {}
        self._by_url: dict[str, list[int]] = {}  # URL -> entries that asked for it, in order
        self.conflicts: list[str] = []  # a second, different outcome for a settled request
        self.reasons: Counter[str] = Counter()  # "skipped: robots.txt" -> n

    def __len__(self) -> int:
        return len(self._entries)

    def open(self, url: str, kind: str) -> int:
        key = len(self._entries) + 1
        self._entries[key] = Entry(url, kind)
        self._by_url.setdefault(url, []).append(key)
        return key

    def entry(self, key: int) -> Entry | None:
        return self._entries.get(key)

    def move(self, key: int, url: str) -> None:
        """Record that request `key` now asks for `url` (a redirect)."""
        entry = self._entries.get(key)
        if entry is not None and entry.outcome is None and key not in self._by_url.get(url, ()):
            self._by_url.setdefault(url, []).append(key)

    def key_for(self, url: str) -> int | None:
        """Return the entry that fetched `url` (its own URL or a redirect target): the first one
        still open, else the first one."""
        keys = self._by_url.get(url)
        if not keys:
            return None
        return next((k for k in keys if self._entries[k].outcome is None), keys[0])

    def settle(self, key: int | None, outcome: str, reason: str | None = None) -> bool:
        """Give request `key` its outcome; the first one stands. Return False when it cannot."""
        entry = self._entries.get(key) if key is not None else None
        if entry is None:
            return False
        if entry.outcome is not None:
            if (entry.outcome, entry.reason) != (outcome, reason):
                self.conflicts.append(f"{entry.url}: {entry.outcome} then {outcome}")
            return False
        entry.outcome, entry.reason = outcome, reason
        if reason and outcome in (SKIPPED, FAILED, LOST):
            self.reasons[f"{outcome}: {reason_kind(reason)}"] += 1
        return True

    def settle_url(self, url: str, outcome: str, reason: str | None = None) -> bool:
        return self.settle(self.key_for(url), outcome, reason)

    def remainder(self) -> list[str]:
        """Return the URLs of the requests that have no outcome."""
        return [e.url for e in self._entries.values() if e.outcome is None]

    def urls(self, outcome: str) -> list[str]:
        return [e.url for e in self._entries.values() if e.outcome == outcome]

    def counts(self) -> dict[str, int]:
        """Return {outcome: requests}, every outcome present, plus "scheduled" and "unaccounted"."""
        counts = dict.fromkeys(OUTCOMES, 0)
        for entry in self._entries.values():
            if entry.outcome is not None:
                counts[entry.outcome] += 1
        counts["scheduled"] = len(self._entries)
        counts["unaccounted"] = len(self.remainder())
        return counts

    def stats(self) -> dict[str, Any]:
        """Return the crawler stats the ledger leaves behind (STAT prefix)."""
        out: dict[str, Any] = {STAT + name: n for name, n in self.counts().items()}
        out[REMAINDER_STAT] = self.remainder()[:URLS_SHOWN]
        out[LOST_STAT] = self.urls(LOST)[:URLS_SHOWN]
        out[STAT + "reasons"] = dict(sorted(self.reasons.items()))
        out[STAT + "conflicts"] = self.conflicts[:URLS_SHOWN]
        return out


def reason_kind(reason: str) -> str:
    """Return the first words of a reason, for counting reasons without their URLs."""
    return reason.split(":", 1)[0].strip()[:80]


def _int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key)
    return value if isinstance(value, int) else 0


def accounted_error_rate(stats: Mapping[str, Any]) -> tuple[int, int] | None:
    """Return (bad, accounted) pages from the ledger's stats, or None when the run kept no ledger
    (newsbot.stats.ledger_error_rate: the rule crawl_runs.failures shares)."""
    return ledger_error_rate(stats)


def pages_attempted(stats: Mapping[str, Any]) -> int:
    """Return how many pages a run fetched or tried to: scheduled and not skipped (the ledger's
    count), else Scrapy's responses for runs without a ledger."""
    if STAT + "scheduled" not in stats:
        return _int(stats, "response_received_count")
    return max(_int(stats, STAT + "scheduled") - _int(stats, STAT + SKIPPED), 0)


def page_responses(stats: Mapping[str, Any]) -> int:
    """Return the responses a crawl received for its own requests (robots.txt fetches left out)."""
    return max(_int(stats, "response_received_count") - _int(stats, "robotstxt/response_count"), 0)


def accounting_failures(stats: Mapping[str, Any]) -> list[str]:
    """Return why the ledger says a run failed (one line each): commit failures, lost, remainder."""
    reasons = []
    cause = stats.get(COMMIT_FAILED_STAT)
    if cause:
        reasons.append(f"archive commit failed: {cause}")
    lost = _int(stats, STAT + LOST)
    if lost:
        reasons.append(f"{lost} items not stored: {_named(stats.get(LOST_STAT), lost)}")
    left = _int(stats, STAT + "unaccounted")
    if left:
        reasons.append(f"{left} requests unaccounted: {_named(stats.get(REMAINDER_STAT), left)}")
    return reasons


def _named(urls: Any, total: int) -> str:
    shown = [str(u) for u in urls] if isinstance(urls, list) else []
    more = total - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
