"""Field fill rates per site and layout, the layout-change alarm rule, and a crawl run's verdict (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from newsbot import settings as defaults
from newsbot.accounting import accounted_error_rate, accounting_failures
from newsbot.items import FILL_FIELDS, Article, filled_fields
from newsbot.stats import failed_pages, stat_count

# Fill rates recorded before the field list was shared with `archive stats` used these names.
_FORMER_NAMES = {"body": "text", "published": "published_utc", "modified": "modified_utc"}


@dataclass(slots=True)
class FillCounter:
    """Count articles and filled fields per "site/layout" over one run."""

    articles: dict[str, int] = field(default_factory=dict)
    filled: dict[str, dict[str, int]] = field(default_factory=dict)
    # Pages whose visible clock was checked against their machine time, and those that disagreed.
    zone_checked: int = 0
    zone_disagreed: int = 0

    def add(self, article: Article) -> None:
        if article.visible_offset_minutes is not None:
            self.zone_checked += 1
            self.zone_disagreed += "published_zone" in article.problems
        key = f"{article.site}/{article.layout}"
        self.articles[key] = self.articles.get(key, 0) + 1
        counts = self.filled.setdefault(key, dict.fromkeys(FILL_FIELDS, 0))
        for name, present in filled_fields(article).items():
            counts[name] += int(present)

    def rates(self) -> dict[str, dict[str, Any]]:
        """Return {"site/layout": {"articles": n, "rates": {field: share filled, 0..1}}}."""
        return {
            key: {
                "articles": n,
                "rates": {name: round(count / n, 4) for name, count in self.filled[key].items()},
            }
            for key, n in sorted(self.articles.items())
        }


@dataclass(frozen=True, slots=True)
class AlarmRule:
    """When a fill rate counts as a layout change.

    A field alarms when its rate this run is below (1 - drop) x the median of its rates in the
    last `history_runs` runs that had at least `min_articles` articles of that site and layout;
    the run itself needs `min_articles` of them too, and at least `min_runs` such past runs must
    exist. Small samples never alarm.
    """

    drop: float = defaults.NEWSBOT_ALARM_DROP
    history_runs: int = defaults.NEWSBOT_ALARM_HISTORY_RUNS
    min_articles: int = defaults.NEWSBOT_ALARM_MIN_ARTICLES
    min_runs: int = defaults.NEWSBOT_ALARM_MIN_RUNS


@dataclass(frozen=True, slots=True)
class Alarm:
    """A field whose fill rate fell well below its recent history."""

    site_layout: str
    field: str
    rate: float
    median: float
    articles: int
    runs: int

    def message(self) -> str:
        return (
            f"layout alarm: {self.site_layout} field {self.field!r} filled in {self.rate:.0%} of"
            f" {self.articles} articles, against a median of {self.median:.0%} over the last"
            f" {self.runs} runs"
        )


def layout_alarms(
    current: Mapping[str, Mapping[str, Any]],
    history: Sequence[Mapping[str, Mapping[str, Any]]],
    rule: AlarmRule = AlarmRule(),
) -> list[Alarm]:
    """Compare this run's fill rates (FillCounter.rates shape) with past runs', newest first."""
    alarms = []
    for key, now in current.items():
        if now.get("articles", 0) < rule.min_articles:
            continue
        past_runs = [
            {_FORMER_NAMES.get(name, name): rate for name, rate in run[key]["rates"].items()}
            for run in history
            if isinstance(run.get(key), Mapping) and run[key].get("articles", 0) >= rule.min_articles
        ][: rule.history_runs]
        for name, rate in now.get("rates", {}).items():
            past = [rates[name] for rates in past_runs if isinstance(rates.get(name), int | float)]
            if len(past) < rule.min_runs:
                continue
            typical = median(past)
            if rate < (1 - rule.drop) * typical:
                alarms.append(Alarm(key, name, rate, typical, now["articles"], len(past)))
    return alarms + fallback_alarms(current, history, rule)


GENERIC_LAYOUT = "generic"


def generic_articles(fill_rates: Mapping[str, Any]) -> int:
    """Return how many articles of a run (FillCounter.rates shape) the generic page object read."""
    return sum(
        entry.get("articles", 0)
        for key, entry in fill_rates.items()
        if key.endswith("/" + GENERIC_LAYOUT) and isinstance(entry, Mapping)
    )


def fallback_alarms(
    current: Mapping[str, Mapping[str, Any]],
    history: Sequence[Mapping[str, Mapping[str, Any]]],
    rule: AlarmRule = AlarmRule(),
) -> list[Alarm]:
    """Alarm when a site's pages fall back to the generic page object (its markup changed).

    Per site, the share of its articles read by its own layouts is the pseudo-field "layout":
    it alarms like a fill rate when it drops below (1 - drop) x its median over past runs. A
    layout that vanished has no key this run, so the field rates alone would never see it.
    """

    def shares(run: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[int, float]]:
        totals: dict[str, list[int]] = {}
        for key, entry in run.items():
            site, _, layout = key.partition("/")
            count = entry.get("articles", 0) if isinstance(entry, Mapping) else 0
            if not isinstance(count, int):
                continue
            pair = totals.setdefault(site, [0, 0])
            pair[0] += count
            pair[1] += count if layout != GENERIC_LAYOUT else 0
        return {site: (total, own / total) for site, (total, own) in totals.items() if total}

    past_runs = [shares(run) for run in history]
    alarms = []
    for site, (total, share) in shares(current).items():
        if total < rule.min_articles:
            continue
        past = [run[site][1] for run in past_runs if site in run and run[site][0] >= rule.min_articles]
        past = past[: rule.history_runs]
        if len(past) < rule.min_runs:
            continue
        typical = median(past)
        if share < (1 - rule.drop) * typical:
            alarms.append(Alarm(f"{site}/{GENERIC_LAYOUT}", "layout", share, typical, total, len(past)))
    return alarms


def error_rate(stats: Mapping[str, Any]) -> tuple[int, int]:
    """Return (failed, attempted) pages of a run from Scrapy's stats (runs without a ledger).

    A run with a ledger is judged by accounting.accounted_error_rate instead: this count sees a
    failed fetch up to three times and misses pages replay answers before Scrapy counts them.

    Failed: newsbot.stats.failed_pages (the rule crawl_runs.failures uses too). Attempted: requests
    sent, not counting retries.
    """
    attempted = stat_count(stats, "downloader/request_count") - stat_count(stats, "retry/count")
    return failed_pages(stats), max(attempted, 0)


def run_failures(stats: Mapping[str, Any], *, max_error_rate: float) -> list[str]:
    """Return why a finished crawl counts as failed (one line each); empty when it succeeded."""
    reasons = []
    finish_reason = stats.get("finish_reason")
    if finish_reason != "finished":
        reasons.append(f"the crawl stopped early: {finish_reason or 'no finish reason'}")
    answered = sum(
        v
        for k, v in stats.items()
        if k.startswith("downloader/response_status_count/")
        and isinstance(v, int)
        and (k.endswith("/304") or k.rsplit("/", 1)[-1].startswith("2"))
    )
    if answered == 0:
        reasons.append("no pages: not one request was answered with 2xx or 304")
    failed, attempted = accounted_error_rate(stats) or error_rate(stats)
    if attempted and failed / attempted > max_error_rate:
        share = f"{failed / attempted:.0%} ({failed} of {attempted} pages)"
        reasons.append(f"error rate {share} is above {max_error_rate:.0%}")
    reasons.extend(Alarm(**alarm).message() for alarm in stats.get("newsbot/alarms") or [])
    reasons.extend(accounting_failures(stats))
    if stats.get(ZONE_ALARM_STAT):
        reasons.append(stats[ZONE_ALARM_STAT])
    return reasons


ZONE_ALARM_STAT = "newsbot/zone_alarm"  # crawler stats key: newsbot.text.zone_check.zone_alarm's message
