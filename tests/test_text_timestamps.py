"""Tests for newsbot.text.timestamps: every form in uk/ru/en, DST edges, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsbot.text import timestamps
from newsbot.text.timestamps import TimeResult, configure_cache, parse_timestamp

# 1 March 2026, 12:00 in Kyiv (winter time, UTC+2); a Sunday.
NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def parse(text: str, now: datetime = NOW, **kwargs) -> TimeResult:
    return parse_timestamp(text, now=now, **kwargs)


# (text, expected UTC instant, precision): Kyiv is UTC+2 in winter, UTC+3 in summer.
ABSOLUTE = [
    # the seed's cross-links and the old page
    ("02.04.24, 19:59", utc(2024, 4, 2, 16, 59), "minute"),
    ("21.02.24, 10:16", utc(2024, 2, 21, 8, 16), "minute"),
    ("3 декабря 2020, 18:47", utc(2020, 12, 3, 16, 47), "minute"),
    # DD.MM.YY(YY) with and without time
    ("02.04.2024 19:59", utc(2024, 4, 2, 16, 59), "minute"),
    ("02.04.2024, 19:59:30", utc(2024, 4, 2, 16, 59, 30), "second"),
    ("9.4.2024", utc(2024, 4, 8, 21, 0), "day"),
    ("02.04.24", utc(2024, 4, 1, 21, 0), "day"),
    ("02/04/2024 19:59", utc(2024, 4, 2, 16, 59), "minute"),
    # Ukrainian: genitive, nominative, "року", "р.", "о", weekday before and after
    ("9 квітня 2024, 14:35", utc(2024, 4, 9, 11, 35), "minute"),
    ("9 квітня 2024 року о 14:35", utc(2024, 4, 9, 11, 35), "minute"),
    ("9 квітня 2024 р., 14:35", utc(2024, 4, 9, 11, 35), "minute"),
    ("22 лютий 2026", utc(2026, 2, 21, 22, 0), "day"),
    ("вівторок, 9 квітня 2024", utc(2024, 4, 8, 21, 0), "day"),
    ("9 квітня 2024, вівторок", utc(2024, 4, 8, 21, 0), "day"),
    ("п’ятниця, 27 лютого 2026 о 08:05", utc(2026, 2, 27, 6, 5), "minute"),
    ("9 квiтня 2024", utc(2024, 4, 8, 21, 0), "day"),  # Latin i, as UNN types it
    ("квітень 2024", utc(2024, 3, 31, 21, 0), "month"),
    # Russian: genitive, nominative, "г.", "в", "года", weekday
    ("8 января 2015 г. в 9:10", utc(2015, 1, 8, 7, 10), "minute"),
    ("8 января 2015 года, 09:10", utc(2015, 1, 8, 7, 10), "minute"),
    ("1 март 2025", utc(2025, 2, 28, 22, 0), "day"),
    ("среда, 25 февраля 2026", utc(2026, 2, 24, 22, 0), "day"),
    ("25 февраля 2026, среда, 14:00", utc(2026, 2, 25, 12, 0), "minute"),
    # English: month first, AM/PM, weekday, day first
    ("April 9, 2024", utc(2024, 4, 8, 21, 0), "day"),
    ("April 9, 2024, 02:35 PM", utc(2024, 4, 9, 11, 35), "minute"),
    ("Tuesday, April 9, 2024", utc(2024, 4, 8, 21, 0), "day"),
    ("9 April 2024 14:35", utc(2024, 4, 9, 11, 35), "minute"),
    ("Apr 9th, 2024 at 12:05 AM", utc(2024, 4, 8, 21, 5), "minute"),
    ("April 2024", utc(2024, 3, 31, 21, 0), "month"),
    # ISO 8601 (without an offset: Kyiv time)
    ("2020-12-03T18:47", utc(2020, 12, 3, 16, 47), "minute"),
    ("2024-04-09T14:35:00+03:00", utc(2024, 4, 9, 11, 35), "second"),
    ("2024-04-09T11:35:00Z", utc(2024, 4, 9, 11, 35), "second"),
    ("2024-04-09 14:35:07.123", utc(2024, 4, 9, 11, 35, 7), "second"),
    ("2024-04-09", utc(2024, 4, 8, 21, 0), "day"),
    # RFC 822 (RSS pubDate)
    ("Tue, 09 Apr 2024 14:35:00 +0300", utc(2024, 4, 9, 11, 35), "second"),
    ("Tue, 09 Apr 2024 11:35:00 GMT", utc(2024, 4, 9, 11, 35), "second"),
    ("Tue, 09 Apr 2024 07:35:00 EDT", utc(2024, 4, 9, 11, 35), "second"),
    ("09 Apr 2024 14:35 +0300", utc(2024, 4, 9, 11, 35), "minute"),
]


@pytest.mark.parametrize(("text", "expected", "precision"), ABSOLUTE)
def test_absolute_forms(text: str, expected: datetime, precision: str) -> None:
    result = parse(text)
    assert result.error is None
    assert result.utc == expected
    assert result.precision == precision
    assert result.approximate is False
    assert result.raw == text


# Year-less and time-only forms, fetched on Sunday 1 March 2026 at 12:00 Kyiv.
INFERRED = [
    ("30 жовтня, 22:19", utc(2025, 10, 30, 20, 19), "minute"),  # last year's October
    ("1 березня, 09:00", utc(2026, 3, 1, 7, 0), "minute"),  # this morning
    ("1 березня, 12:30", utc(2025, 3, 1, 10, 30), "minute"),  # half an hour ahead: last year
    ("25 февраля, 14:00", utc(2026, 2, 25, 12, 0), "minute"),
    ("3 декабря, 18:47", utc(2025, 12, 3, 16, 47), "minute"),
    ("November 13, 09:46 PM", utc(2025, 11, 13, 19, 46), "minute"),
    ("December 9, 04:18 PM", utc(2025, 12, 9, 14, 18), "minute"),
    ("13 листопада", utc(2025, 11, 12, 22, 0), "day"),
    # a weekday picks last year's 9 April (2025-04-09 was a Wednesday, 2024-04-09 a Tuesday)
    ("Tuesday, April 9", utc(2024, 4, 8, 21, 0), "day"),
    ("Wednesday, April 9", utc(2025, 4, 8, 21, 0), "day"),
    # time only: today, or yesterday when today's would be after the fetch
    ("04:13 AM", utc(2026, 3, 1, 2, 13), "minute"),
    ("09:46 PM", utc(2026, 2, 28, 19, 46), "minute"),
    ("11:58", utc(2026, 3, 1, 9, 58), "minute"),
    ("22:19", utc(2026, 2, 28, 20, 19), "minute"),
    # today / yesterday words with a time, and alone
    ("сьогодні, 09:10", utc(2026, 3, 1, 7, 10), "minute"),
    ("вчора о 22:19", utc(2026, 2, 28, 20, 19), "minute"),
    ("сегодня в 09:10", utc(2026, 3, 1, 7, 10), "minute"),
    ("вчера, 22:19", utc(2026, 2, 28, 20, 19), "minute"),
    ("today at 09:10 AM", utc(2026, 3, 1, 7, 10), "minute"),
    ("yesterday, 10:46 PM", utc(2026, 2, 28, 20, 46), "minute"),
    ("Yesterday", utc(2026, 2, 27, 22, 0), "day"),
    ("сьогодні", utc(2026, 2, 28, 22, 0), "day"),
]


@pytest.mark.parametrize(("text", "expected", "precision"), INFERRED)
def test_year_and_day_inferred_from_now(text: str, expected: datetime, precision: str) -> None:
    result = parse(text)
    assert result.error is None
    assert (result.utc, result.precision, result.approximate) == (expected, precision, False)


def test_year_less_late_december_fetched_on_new_years_day_is_last_year() -> None:
    new_year = datetime(2025, 12, 31, 22, 10, tzinfo=UTC)  # 1 January 2026, 00:10 in Kyiv
    result = parse("December 31, 11:50 PM", now=new_year)
    assert result.utc == utc(2025, 12, 31, 21, 50)


def test_time_only_just_after_midnight_is_yesterday() -> None:
    just_after_midnight = datetime(2026, 2, 28, 22, 5, tzinfo=UTC)  # 1 March, 00:05 Kyiv
    assert parse("23:55", now=just_after_midnight).utc == utc(2026, 2, 28, 21, 55)


RELATIVE = [
    ("2 години тому", timedelta(hours=2), "hour"),
    ("година тому", timedelta(hours=1), "hour"),
    ("5 хвилин тому", timedelta(minutes=5), "minute"),
    ("3 дні тому", timedelta(days=3), "day"),
    ("2 год тому", timedelta(hours=2), "hour"),
    ("2 часа назад", timedelta(hours=2), "hour"),
    ("15 минут назад", timedelta(minutes=15), "minute"),
    ("3 дня назад", timedelta(days=3), "day"),
    ("минуту назад", timedelta(minutes=1), "minute"),
    ("2 hours ago", timedelta(hours=2), "hour"),
    ("an hour ago", timedelta(hours=1), "hour"),
    ("5 minutes ago", timedelta(minutes=5), "minute"),
    ("3 days ago", timedelta(days=3), "day"),
]


@pytest.mark.parametrize(("text", "ago", "precision"), RELATIVE)
def test_relative_forms_are_approximate(text: str, ago: timedelta, precision: str) -> None:
    result = parse(text)
    assert result.error is None
    assert (result.utc, result.precision, result.approximate) == (NOW - ago, precision, True)


def test_relative_form_dateparser_knows_is_approximate_too() -> None:
    result = parse("тиждень тому", languages=["uk"])
    assert result.utc == NOW - timedelta(days=7)
    assert result.approximate is True


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "uk genitive",
            "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
        ),
        (
            "uk nominative",
            "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад грудень",
        ),
        (
            "ru genitive",
            "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        ),
        (
            "ru nominative",
            "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
        ),
        (
            "en",
            "January February March April May June July August September October November December",
        ),
    ],
)
def test_every_month_name(lang: str, words: str) -> None:
    for number, word in enumerate(words.split(), start=1):
        result = parse(f"15 {word} 2025, 12:00")
        assert result.local is not None, (lang, word, result.error)
        assert (result.local.month, result.local.day, result.local.hour) == (number, 15, 12)


def test_local_keeps_the_source_offset() -> None:
    summer = parse("9 квітня 2024, 14:35")
    winter = parse("3 декабря 2020, 18:47")
    assert summer.local is not None and winter.local is not None
    assert summer.local.utcoffset() == timedelta(hours=3)
    assert winter.local.utcoffset() == timedelta(hours=2)
    assert (summer.local.hour, summer.local.minute) == (14, 35)


def test_other_zone_and_date_order() -> None:
    result = parse("04.02.24, 19:59", tz="America/New_York", date_order="MDY")
    assert result.utc == utc(2024, 4, 2, 23, 59)  # 2 April, 19:59 EDT (UTC-4)
    ymd = parse("15-12-18 06:00", tz="UTC", date_order="YMD")
    assert ymd.utc == utc(2015, 12, 18, 6, 0)


# --- DST: EU rules, last Sunday of March 03:00 -> 04:00, last Sunday of October 04:00 -> 03:00


DST = [
    # 2024: switches on 31 March and 27 October
    ("30.03.2024, 12:00", utc(2024, 3, 30, 10, 0)),
    ("31.03.2024, 02:59", utc(2024, 3, 31, 0, 59)),
    ("31.03.2024, 04:00", utc(2024, 3, 31, 1, 0)),
    ("31.03.2024, 12:00", utc(2024, 3, 31, 9, 0)),
    ("26.10.2024, 12:00", utc(2024, 10, 26, 9, 0)),
    ("27.10.2024, 02:30", utc(2024, 10, 26, 23, 30)),
    ("27.10.2024, 04:30", utc(2024, 10, 27, 2, 30)),
    ("27.10.2024, 12:00", utc(2024, 10, 27, 10, 0)),
    # 2025: switches on 30 March and 26 October
    ("29.03.2025, 12:00", utc(2025, 3, 29, 10, 0)),
    ("30.03.2025, 12:00", utc(2025, 3, 30, 9, 0)),
    ("25.10.2025, 12:00", utc(2025, 10, 25, 9, 0)),
    ("26.10.2025, 12:00", utc(2025, 10, 26, 10, 0)),
    # documented rule: a wall time that does not exist is read with the offset before the gap
    ("31.03.2024, 03:30", utc(2024, 3, 31, 1, 30)),
    ("30.03.2025, 03:30", utc(2025, 3, 30, 1, 30)),
    # documented rule: a wall time that occurs twice is its first (summer-time) occurrence
    ("27.10.2024, 03:30", utc(2024, 10, 27, 0, 30)),
    ("26.10.2025, 03:30", utc(2025, 10, 26, 0, 30)),
]


@pytest.mark.parametrize(("text", "expected"), DST)
def test_dst_transitions_in_kyiv(text: str, expected: datetime) -> None:
    assert parse(text).utc == expected


def test_nonexistent_time_is_shown_as_the_summer_time_it_became() -> None:
    result = parse("31.03.2024, 03:30")
    assert result.local is not None
    assert (result.local.hour, result.local.minute) == (4, 30)
    assert result.local.utcoffset() == timedelta(hours=3)


# --- failures: a reason, never an exception


BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("garbage", "not a date"),
    ("x" * 100_000, "too long"),
    ("31.02.24", "day 31"),
    ("25:61", "hour 25"),
    ("12:61", "minute 61"),
    ("32 січня 2024", "day 32"),
    ("13.13.2024", "month 13"),
    ("1 січня 1985", "before 1990"),
    ("01.01.2099, 10:00", "after the fetch"),
    ("02.03.2026, 10:00", "after the fetch"),  # tomorrow
    ("сьогодні о 23:59", "after the fetch"),
    ("13:00 PM", "12-hour"),
    ("Thursday, April 9", "contradicts"),
    ("Wednesday, April 9, 2024", "contradicts"),
    ("середа, 9 квітня 2024", "contradicts"),
]


@pytest.mark.parametrize(("text", "reason"), BAD)
def test_bad_input_fails_with_a_reason(text: str, reason: str) -> None:
    result = parse(text)
    assert not result.ok
    assert result.utc is None
    assert result.error is not None and reason in result.error


def test_small_clock_skew_is_tolerated() -> None:
    # the site's clock runs 5 minutes ahead of the fetcher's
    assert parse("01.03.2026, 12:05").utc == utc(2026, 3, 1, 10, 5)


def test_bad_context_fails_with_a_reason() -> None:
    assert "time zone" in (parse("02.04.24", tz="Mars/Olympus").error or "")
    assert "date order" in (parse("02.04.24", date_order="XYZ").error or "")


def test_naive_now_is_utc() -> None:
    assert parse("22:19", now=NOW.replace(tzinfo=None)).utc == utc(2026, 2, 28, 20, 19)


def test_weekday_prefix_in_each_language_is_checked_not_ignored() -> None:
    for text in ("вівторок, 9 квітня 2024", "вторник, 9 апреля 2024", "Tue, 9 Apr 2024"):
        assert parse(text).utc == utc(2024, 4, 8, 21, 0), text
    for text in ("понеділок, 9 квітня 2024", "понедельник, 9 апреля 2024", "Mon, 9 Apr 2024"):
        assert "contradicts" in (parse(text).error or ""), text


def test_cache_off_and_on_give_the_same_result() -> None:
    try:
        configure_cache(0)
        cold = [parse(text) for text, _, _ in ABSOLUTE]
    finally:
        configure_cache(8192)
    warm = [parse(text) for text, _, _ in ABSOLUTE] + [parse(text) for text, _, _ in ABSOLUTE]
    assert warm == cold + cold


def test_cached_form_is_placed_against_each_call_s_now() -> None:
    first = parse("22:19", now=utc(2026, 3, 1, 10, 0))
    second = parse("22:19", now=utc(2026, 3, 5, 21, 0))
    assert first.utc == utc(2026, 2, 28, 20, 19)
    assert second.utc == utc(2026, 3, 5, 20, 19)


date_like = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"\d{1,3}[./:-]\d{1,3}[./:-]?\d{0,5}(, \d{1,2}:\d{1,3})?", fullmatch=True),
    st.builds(
        lambda d, w, y, t: f"{d} {w} {y}{t}",
        st.integers(-5, 40),
        st.sampled_from(["квітня", "лютий", "декабря", "April", "тому", "ago", "вчора"]),
        st.integers(0, 3000),
        st.sampled_from(["", ", 14:35", " о 25:61", " 09:46 PM", " +0300"]),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=date_like,
    now=st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2090, 1, 1)),
    tz=st.sampled_from(["Europe/Kyiv", "UTC", "America/New_York", "Asia/Kolkata"]),
)
def test_never_raises(text: str, now: datetime, tz: str) -> None:
    aware_now = now.replace(tzinfo=UTC)
    result = parse_timestamp(text, now=aware_now, tz=tz, languages=["uk", "en"])
    assert isinstance(result, TimeResult)
    if result.ok:
        assert result.utc is not None and result.utc.utcoffset() == timedelta(0)
        assert result.utc <= aware_now + timedelta(minutes=15)
        assert result.utc.year >= 1990
        assert result.local == result.utc
        assert result.precision in ("second", "minute", "hour", "day", "month", "year")
    else:
        assert result.error


@pytest.mark.parametrize(
    ("text", "languages", "local"),
    [
        # a Romanian date on a page marked lang=en
        ("duminică, 20 septembrie 2020", ["en"], "2020-09-20T00:00:00+03:00"),
        # a Dutch date on a page that declares no language (the default languages)
        ("9 oktober 2020 11:12", None, "2020-10-09T11:12:00+03:00"),
    ],
)
def test_a_date_in_words_outside_the_declared_languages_is_still_read(text, languages, local) -> None:
    result = parse_timestamp(text, now=NOW, tz="Europe/Kyiv", languages=languages)
    assert result.ok, result.error
    assert result.local.isoformat() == local


def test_a_relative_date_in_another_language_than_declared_is_read_in_it() -> None:
    # "vor 2 Stunden" (German) on a page that says lang=en: only German knows "vor" and "stunden".
    result = parse_timestamp("vor 2 Stunden", now=NOW, tz="UTC", languages=["en"])
    assert result.ok, result.error
    assert result.utc == NOW - timedelta(hours=2)


def test_dateparser_is_never_asked_to_search_every_language() -> None:
    # A byline no language reads in full, a Romanian date on an "en" page, a Dutch date with no
    # declared language: dateparser gets the declared (or default) languages, then at most
    # MAX_OTHER_LANGUAGES that know words of the text, never its search of all 205 languages.
    texts = [
        ("by carrie arnold november 15, 2019", ["en"]),
        ("duminică, 20 septembrie 2020", ["en"]),
        ("9 oktober 2020 11:12", None),
    ]
    for text, languages in texts:
        parse_timestamp(text, now=NOW, tz="Europe/Kyiv", languages=languages)
    tried = [languages for languages, _ in timestamps._PARSERS]
    assert tried and all(0 < len(languages) <= timestamps.MAX_OTHER_LANGUAGES for languages in tried)
    assert ("ro",) in tried  # only Romanian knows "duminică" and "septembrie"
    assert any({"nl", "de"} <= set(languages) for languages in tried)  # "oktober": Dutch, German, ...


def test_words_no_language_knows_are_not_handed_to_dateparser_again() -> None:
    # dateparser reads a text in a language only when it knows every word: "published" is in
    # none of its languages, so no other language is tried for the English month beside it.
    before = set(timestamps._PARSERS)
    for text in ("zzyzx qwerty 2019", "published 18 november 2019", "by carrie arnold november 15, 2019"):
        result = parse_timestamp(text, now=NOW, tz="Europe/Kyiv", languages=["en"])
        assert not result.ok and "can read" in result.error
    assert set(timestamps._PARSERS) <= before | {(("en",), "DMY")}


def test_skip_words_zone_names_and_accents_do_not_stop_the_second_try() -> None:
    # "la" is a skip word of Romanian's date data, EEST a zone name; dateparser reads "duminica"
    # (no accent) as "duminică".
    for text in ("20 septembrie 2020 la 16:20 EEST", "duminica, 20 septembrie 2020"):
        result = parse_timestamp(text, now=NOW, tz="Europe/Kyiv", languages=["en"])
        assert result.ok, (text, result.error)
        assert result.local.date().isoformat() == "2020-09-20"


def test_words_that_are_no_date_in_any_language_stay_unreadable() -> None:
    result = parse_timestamp("hello world", now=NOW, tz="Europe/Kyiv", languages=["en"])
    assert not result.ok and "can read" in result.error
