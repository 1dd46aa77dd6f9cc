"""Timestamp stage: fill every UTC time and precision of an article, its cross-links and teasers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsbot.items import Article, CrossLink, Teaser, iso_utc
from newsbot.text.timestamps import PRECISIONS, TimeResult, parse_timestamp

DEFAULT_TIMEZONE = "Europe/Kyiv"
DEFAULT_TIMEZONES = {"unn": DEFAULT_TIMEZONE}
# A machine value and the visible text may differ by rounding (seconds dropped); more is a conflict.
AGREEMENT = timedelta(minutes=1)


class NormaliseTimestampsPipeline:
    """Read `published_*`, `modified_*` and every cross-link's and teaser's `published_raw`.

    Settings: NEWSBOT_TIMESTAMPS_ENABLED (default True), NEWSBOT_TIMEZONES (site slug -> zone),
    NEWSBOT_TIMEZONE (zone for sites not listed, default Europe/Kyiv). The clock is the item's
    `fetched_at`; the language hint is its edition. Items other than Article pass through.
    """

    def __init__(self, zones: Mapping[str, str], default_zone: str) -> None:
        self.zones = dict(zones)
        self.default_zone = default_zone

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build the stage from settings, or raise NotConfigured when it is switched off."""
        settings = crawler.settings
        if not settings.getbool("NEWSBOT_TIMESTAMPS_ENABLED", True):
            raise NotConfigured("NEWSBOT_TIMESTAMPS_ENABLED is off")
        zones = settings.getdict("NEWSBOT_TIMEZONES", DEFAULT_TIMEZONES)
        return cls(zones, settings.get("NEWSBOT_TIMEZONE", DEFAULT_TIMEZONE))

    def process_item(self, item: Any) -> Any:
        """Fill the timestamp fields of an Article; record per-field reasons for failures."""
        if isinstance(item, Article):
            normalise_article_times(item, tz=self.zones.get(item.site, self.default_zone))
        return item


def normalise_article_times(article: Article, *, tz: str) -> None:
    """Fill `article`'s UTC times and precisions in place, with reasons in `problems`."""
    now = article.fetched_at
    languages = [article.edition] if article.edition and article.edition != "und" else None

    def read(raw: str) -> TimeResult:
        return parse_timestamp(raw, now=now, tz=tz, languages=languages)

    for field in ("published", "modified"):
        machine = getattr(article, f"{field}_machine")
        raw = getattr(article, f"{field}_raw")
        result, problem = _choose(read(machine) if machine else None, read(raw) if raw else None)
        if result is not None:
            setattr(article, f"{field}_utc", result.utc)
            setattr(article, f"{field}_precision", result.precision)
        if problem:
            article.problems[field] = problem

    holders: tuple[CrossLink | Teaser, ...] = (*article.cross_links, *article.related)
    for holder in holders:
        if holder.published_raw is None:
            continue
        result = read(holder.published_raw)
        if result.ok:
            holder.published_utc = result.utc
            holder.published_precision = result.precision
        else:
            holder.problems["published"] = f"{result.error}: {holder.published_raw!r}"


def _choose(machine: TimeResult | None, visible: TimeResult | None) -> tuple[TimeResult | None, str | None]:
    """Pick the machine value over the visible text; say why when one fails or they disagree."""
    if machine is not None and machine.ok:
        if visible is None:
            return machine, None
        if not visible.ok:
            return machine, f"visible text unreadable ({visible.error}): {visible.raw!r}"
        if _disagree(machine, visible):
            return machine, (
                f"machine value {machine.raw!r} ({_iso(machine.utc)}) and visible text "
                f"{visible.raw!r} ({_iso(visible.utc)}) disagree; kept the machine value"
            )
        return machine, None
    if visible is not None and visible.ok:
        if machine is not None:
            return visible, f"machine value unreadable ({machine.error}): {machine.raw!r}"
        return visible, None
    reasons = [f"{r.error}: {r.raw!r}" for r in (machine, visible) if r is not None]
    return None, "; ".join(reasons) or None


def _disagree(first: TimeResult, second: TimeResult) -> bool:
    """Tell whether two readings name different moments, compared at the coarser precision.

    "9 квітня 2024" and "2024-04-09T14:35" agree (same local day); "14:35" and "14:37" do not.
    A relative reading ("2 години тому") says only roughly when, so it never disagrees.
    """
    if first.approximate or second.approximate:
        return False
    assert first.utc and second.utc and first.local and second.local
    assert first.precision and second.precision
    coarser = max(first.precision, second.precision, key=PRECISIONS.index)
    if coarser in ("second", "minute"):
        return abs(first.utc - second.utc) > AGREEMENT
    return _truncate(first.local, coarser) != _truncate(second.local, coarser)


def _truncate(moment: datetime, precision: str) -> tuple[int, ...]:
    size = {"year": 1, "month": 2, "day": 3, "hour": 4}[precision]
    return (moment.year, moment.month, moment.day, moment.hour)[:size]


def _iso(moment: datetime | None) -> str:
    return iso_utc(moment) if moment else "?"
