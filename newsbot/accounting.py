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
from typing import Any, TypeGuard

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


_CODES = {outcome: code for code, outcome in enumerate(OUTCOMES, start=1)}  # 0: still open


@dataclass(slots=True)
class Entry:
    """One open request (and its redirects)."""

    url: str
    kind: str
    moved: list[str] | None = None  # the URLs its redirects asked for


class Ledger:
    """Open, move and settle requests; report what is left open.

    Only open requests keep an entry (URL, kind, redirect URLs). A settled one is folded into
    one byte for its outcome (what counts() counts; a second outcome is caught as a conflict), its
    URLs' hashes (so the archive can still settle by URL and a late clash is caught) and, for a lost
    item, its URL among the few a report names: a long crawl's ledger stays small.
    """

    def __init__(self) -> None:
        self._open: dict[int, Entry] = {}
        self._by_url: dict[str, int | list[int]] = {}  # URL -> open entries that asked for it, in order
        self._outcomes = bytearray()  # key - 1 -> 0 while open, else the outcome's code
        self._settled_by_url: dict[int, int] = {}  # hash(URL) -> first settled entry that asked for it
        self._lost: list[str] = []  # the first URLS_SHOWN lost URLs
        self.conflicts: list[str] = []  # a second, different outcome for a settled request
        self.reasons: Counter[str] = Counter()  # "skipped: robots.txt" -> n

    def __len__(self) -> int:
        return len(self._outcomes)

    def open(self, url: str, kind: str) -> int:
        self._outcomes.append(0)
        key = len(self._outcomes)
        self._open[key] = Entry(url, kind)
        self._index(url, key)
        return key

    def known(self, key: Any) -> TypeGuard[int]:
        """Tell whether `key` names a request of this ledger, open or settled."""
        return isinstance(key, int) and 0 < key <= len(self._outcomes)

    def entry(self, key: int) -> Entry | None:
        """Return the entry of an open request (None once it is settled or unknown)."""
        return self._open.get(key)

    def outcome(self, key: int) -> str | None:
        """Return the outcome of request `key` (None while open or unknown)."""
        code = self._outcomes[key - 1] if self.known(key) else 0
        return OUTCOMES[code - 1] if code else None

    def move(self, key: int, url: str) -> None:
        """Record that request `key` now asks for `url` (a redirect)."""
        entry = self._open.get(key)
        if entry is None or url == entry.url or (entry.moved and url in entry.moved):
            return
        entry.moved = [*(entry.moved or ()), url]
        self._index(url, key)

    def key_for(self, url: str) -> int | None:
        """Return the entry that fetched `url` (its own URL or a redirect target): the first one
        still open, else the first settled one."""
        keys = self._by_url.get(url)
        if keys is not None:
            return keys if isinstance(keys, int) else keys[0]
        return self._settled_by_url.get(hash(url))

    def settle(
        self, key: int | None, outcome: str, reason: str | None = None, url: str | None = None
    ) -> bool:
        """Give request `key` its outcome; the first one stands. Return False when it cannot.

        `url` names the request in a conflict (a second, different outcome)."""
        if not self.known(key):
            return False
        assert key is not None
        code = self._outcomes[key - 1]
        if code:
            if OUTCOMES[code - 1] != outcome:
                self.conflicts.append(f"{url or f'request {key}'}: {OUTCOMES[code - 1]} then {outcome}")
            return False
        entry = self._open.pop(key)
        self._outcomes[key - 1] = _CODES[outcome]
        for asked in (entry.url, *(entry.moved or ())):
            self._unindex(asked, key)
            digest = hash(asked)
            self._settled_by_url[digest] = min(key, self._settled_by_url.get(digest, key))
        if outcome == LOST and len(self._lost) < URLS_SHOWN:
            self._lost.append(entry.url)
        if reason and outcome in (SKIPPED, FAILED, LOST):
            self.reasons[f"{outcome}: {reason_kind(reason)}"] += 1
        return True

    def settle_url(self, url: str, outcome: str, reason: str | None = None) -> bool:
        return self.settle(self.key_for(url), outcome, reason, url)

    def remainder(self) -> list[str]:
        """Return the URLs of the requests that have no outcome."""
        return [e.url for e in self._open.values()]

    def lost_urls(self) -> list[str]:
        """Return the first URLS_SHOWN URLs of lost items."""
        return list(self._lost)

    def counts(self) -> dict[str, int]:
        """Return {outcome: requests}, every outcome present, plus "scheduled" and "unaccounted"."""
        counts = {outcome: self._outcomes.count(code) for outcome, code in _CODES.items()}
        return {**counts, "scheduled": len(self._outcomes), "unaccounted": len(self._open)}

    def stats(self) -> dict[str, Any]:
        """Return the crawler stats the ledger leaves behind (STAT prefix)."""
        out: dict[str, Any] = {STAT + name: n for name, n in self.counts().items()}
        out[REMAINDER_STAT] = self.remainder()[:URLS_SHOWN]
        out[LOST_STAT] = self.lost_urls()
        out[STAT + "reasons"] = dict(sorted(self.reasons.items()))
        out[STAT + "conflicts"] = self.conflicts[:URLS_SHOWN]
        return out

    def _index(self, url: str, key: int) -> None:
        keys = self._by_url.get(url)
        if keys is None:
            self._by_url[url] = key  # one request per URL, the usual case: no list
        elif isinstance(keys, int):
            self._by_url[url] = [keys, key]
        else:
            keys.append(key)

    def _unindex(self, url: str, key: int) -> None:
        keys = self._by_url.get(url)
        if keys == key:
            del self._by_url[url]
        elif isinstance(keys, list):
            keys.remove(key)
            if len(keys) == 1:
                self._by_url[url] = keys[0]


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
