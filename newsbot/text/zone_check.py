"""Check the zone of a page's visible clock against its machine-readable time, on every page.

UNN prints times without a zone ("09.04.24, 17:12", "04:13 AM"); newsbot reads them in a per-site
zone (NEWSBOT_TIMEZONES, Europe/Kyiv for UNN). That setting is not settled
(../shared/unn-real-pages.md: one page's feed fits UTC better than Kyiv time), so it is never
silently trusted: where a page also carries a machine time with an explicit offset (JSON-LD,
`article:published_time`, `<time datetime>`), the offset that reconciles the visible clock with
it is recorded, and a disagreement with the setting is a problem on the page. A run whose share
of disagreeing pages passes a threshold is an alarm (`zone_alarm`, for the run's alarm stage).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from newsbot.text.timestamps import parse_timestamp

# A machine value that names its own offset: "...T14:12:00+03:00", "...T11:12:00Z".
_EXPLICIT_OFFSET = re.compile(r"(?:[Zz]|[+-]\d{2}:?\d{2})$")
_TOLERANCE_MINUTES = 1  # the visible clock drops seconds
# Defaults for the alarm: at least this many checked pages, and this share of them disagreeing.
ALARM_MIN_PAGES = 20
ALARM_MAX_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class ZoneCheck:
    """What one page's two times say about the zone of its visible clock."""

    zone: str  # the site's setting
    expected_minutes: int  # that zone's UTC offset at the machine time
    offset_minutes: int  # the UTC offset that makes the visible clock equal the machine time

    @property
    def agrees(self) -> bool:
        return abs(self.offset_minutes - self.expected_minutes) <= _TOLERANCE_MINUTES

    def problem(self) -> str | None:
        """Say how the visible clock disagrees with the setting, or None when it agrees."""
        if self.agrees:
            return None
        return (
            f"visible times are read as {self.zone} (UTC{_offset(self.expected_minutes)}) but the machine "
            f"time reconciles with UTC{_offset(self.offset_minutes)}"
        )


def check_visible_zone(
    visible_raw: str | None,
    machine_raw: str | None,
    *,
    now: datetime,
    zone: str,
    languages: Sequence[str] | None = None,
) -> ZoneCheck | None:
    """Compare a visible time with a machine time that has an explicit offset; None if not comparable.

    Comparable means: both read, the machine value names its offset, and the visible text is an
    absolute time to the minute (a date alone or "2 hours ago" says nothing about the zone).
    """
    if not visible_raw or not machine_raw or not _EXPLICIT_OFFSET.search(machine_raw.strip()):
        return None
    machine = parse_timestamp(machine_raw, now=now, tz=zone, languages=languages)
    # Read the visible clock as if it were UTC: its `utc` is then the wall-clock reading itself.
    wall = parse_timestamp(visible_raw, now=now, tz="UTC", languages=languages)
    if not (machine.ok and wall.ok) or wall.approximate or wall.precision not in ("minute", "second"):
        return None
    assert machine.utc is not None and wall.utc is not None
    offset = round((wall.utc - machine.utc.replace(second=0, microsecond=0)).total_seconds() / 60)
    expected = ZoneInfo(zone).utcoffset(machine.utc.replace(tzinfo=None))
    expected_minutes = round(expected.total_seconds() / 60) if expected is not None else 0
    return ZoneCheck(zone=zone, expected_minutes=expected_minutes, offset_minutes=offset)


def zone_alarm(
    checked: int, disagreed: int, *, min_pages: int = ALARM_MIN_PAGES, max_share: float = ALARM_MAX_SHARE
) -> str | None:
    """Return the alarm message when too many of a run's checked pages disagree, else None."""
    if checked < min_pages or disagreed <= max_share * checked:
        return None
    return (
        f"visible-time zone: {disagreed} of {checked} pages ({disagreed / checked:.0%}) disagree with "
        f"their machine time (threshold {max_share:.0%}); check NEWSBOT_TIMEZONES"
    )


def _offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"
