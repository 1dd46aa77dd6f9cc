"""The zone of visible times, checked against the machine-readable time on every page.

../shared/unn-real-pages.md: the zone of UNN's visible times is unsettled (one feed fits UTC
better than Kyiv time), so it is a per-site setting that every page with a machine time checks.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newsbot.enrich import normalise_article_times
from newsbot.items import Article
from newsbot.runs.alarms import ZONE_ALARM_STAT, FillCounter, run_failures
from newsbot.text.zone_check import check_visible_zone, zone_alarm

NOW = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)


def test_kyiv_clock_and_machine_time_agree_in_summer() -> None:
    # "09.04.24, 17:12" on the page, JSON-LD 2024-04-09T17:12:00+03:00 (Kyiv summer time).
    check = check_visible_zone("09.04.24, 17:12", "2024-04-09T17:12:00+03:00", now=NOW, zone="Europe/Kyiv")
    assert check is not None
    assert (check.expected_minutes, check.offset_minutes, check.agrees) == (180, 180, True)
    assert check.problem() is None


def test_a_visible_clock_in_utc_disagrees_with_the_kyiv_setting() -> None:
    # The page prints 14:12 for a story the machine time puts at 14:12 UTC: the clock is UTC.
    check = check_visible_zone("09.04.24, 14:12", "2024-04-09T14:12:00Z", now=NOW, zone="Europe/Kyiv")
    assert check is not None and not check.agrees
    assert check.offset_minutes == 0
    assert "UTC+03:00" in check.problem() and "UTC+00:00" in check.problem()


def test_not_comparable_without_an_explicit_offset_or_a_clock() -> None:
    assert (
        check_visible_zone("15 березня 2021, 09:05", "2021-03-15T09:05", now=NOW, zone="Europe/Kyiv") is None
    )
    assert check_visible_zone("9 квітня 2024", "2024-04-09T14:12:00Z", now=NOW, zone="Europe/Kyiv") is None
    assert check_visible_zone(None, "2024-04-09T14:12:00Z", now=NOW, zone="Europe/Kyiv") is None


def _article(visible: str, machine: str) -> Article:
    return Article(
        url="https://unn.ua/en/news/1",
        site="unn",
        edition="en",
        layout="y2024",
        extractor_version="t",
        fetched_at=NOW,
        title="T",
        published_raw=visible,
        published_machine=machine,
    )


def test_the_timestamp_stage_records_the_offset_and_flags_disagreement() -> None:
    agree = _article("09.04.24, 17:12", "2024-04-09T17:12:00+03:00")
    normalise_article_times(agree, tz="Europe/Kyiv")
    assert agree.visible_offset_minutes == 180 and "published_zone" not in agree.problems
    disagree = _article("09.04.24, 14:12", "2024-04-09T14:12:00Z")
    normalise_article_times(disagree, tz="Europe/Kyiv")
    assert disagree.visible_offset_minutes == 0
    assert "Europe/Kyiv" in disagree.problems["published_zone"]
    # Never silently trusted, and the machine value is the one kept.
    assert disagree.published_utc == datetime(2024, 4, 9, 14, 12, tzinfo=UTC)


def test_the_alarm_fires_past_a_share_of_a_run() -> None:
    assert zone_alarm(100, 20) is None
    assert "21 of 100" in zone_alarm(100, 21)
    assert zone_alarm(5, 5) is None  # too few pages to say anything


def test_a_run_where_the_visible_clock_disagrees_fails_with_the_zone_alarm() -> None:
    counter = FillCounter()
    for n in range(25):  # 25 pages checked, 10 of them printing a UTC clock
        visible = "09.04.24, 14:12" if n < 10 else "09.04.24, 17:12"
        article = _article(visible, "2024-04-09T14:12:00Z")
        normalise_article_times(article, tz="Europe/Kyiv")
        counter.add(article)
    assert (counter.zone_checked, counter.zone_disagreed) == (25, 10)
    message = zone_alarm(counter.zone_checked, counter.zone_disagreed)
    stats = {
        "finish_reason": "finished",
        "downloader/response_status_count/200": 25,
        ZONE_ALARM_STAT: message,
    }
    assert run_failures(stats, max_error_rate=0.2) == [message]
    assert "10 of 25" in message
