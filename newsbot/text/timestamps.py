"""Turn a news page's timestamp text (uk/ru/en) into a UTC instant, its precision and a reason."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsbot.items import iso_utc
from newsbot.text.lru import BoundedCache

__all__ = [
    "DATE_ORDERS",
    "EARLIEST_YEAR",
    "FUTURE_TOLERANCE",
    "MAX_LENGTH",
    "PRECISIONS",
    "TimeResult",
    "configure_cache",
    "parse_timestamp",
]

EARLIEST_YEAR = 1990  # a news timestamp before this is a misreading, not an archive find
FUTURE_TOLERANCE = timedelta(minutes=15)  # clock skew allowed between the site and the fetcher
MAX_LENGTH = 200  # characters; longer input is a text, not a timestamp
DEFAULT_CACHE_SIZE = 8192
PRECISIONS = ("second", "minute", "hour", "day", "month", "year")
DATE_ORDERS = ("DMY", "MDY", "YMD")
DEFAULT_LANGUAGES = ("uk", "ru", "en")


@dataclass(frozen=True, slots=True)
class TimeResult:
    """What one timestamp text says: an instant with its precision, or a reason it says nothing.

    For absolute forms `utc` is the start of the stated period in the source zone ("April 9,
    2024" is local midnight, precision "day"); for relative forms it is `now` minus the amount.
    """

    raw: str
    utc: datetime | None = None  # aware, UTC
    local: datetime | None = None  # same instant, source zone offset
    precision: str | None = None  # "second"|"minute"|"hour"|"day"|"month"|"year"
    approximate: bool = False  # True for relative forms ("2 години тому")
    error: str | None = None  # reason, when it failed

    @property
    def ok(self) -> bool:
        """Return True when the text was read as an instant."""
        return self.error is None and self.utc is not None


# --- word tables -------------------------------------------------------------------------------

_MONTH_WORDS: tuple[tuple[int, str], ...] = (
    (1, "січень січня січ январь января янв january jan"),
    (2, "лютий лютого лют февраль февраля фев февр february feb"),
    (3, "березень березня бер март марта мар march mar"),
    (4, "квітень квітня квіт апрель апреля апр april apr"),
    (5, "травень травня трав май мая may"),
    (6, "червень червня черв июнь июня июн june jun"),
    (7, "липень липня лип июль июля июл july jul"),
    (8, "серпень серпня серп август августа авг august aug"),
    (9, "вересень вересня вер сентябрь сентября сен сент september sep sept"),
    (10, "жовтень жовтня жовт октябрь октября окт october oct"),
    (11, "листопад листопада лист ноябрь ноября ноя нояб november nov"),
    (12, "грудень грудня груд декабрь декабря дек december dec"),
)
_WEEKDAY_WORDS: tuple[tuple[int, str], ...] = (
    (0, "понеділок пн понедельник monday mon"),
    (1, "вівторок вт вторник tuesday tue tues"),
    (2, "середа середу ср среда среду wednesday wed"),
    (3, "четвер чт четверг thursday thu thur thurs"),
    (4, "п'ятниця п'ятницю пт пятница пятницу friday fri"),
    (5, "субота суботу сб суббота субботу saturday sat"),
    (6, "неділя неділю нд воскресенье вс sunday sun"),
)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Words that carry no date information: "року", "г.", "о 14:35", "в 9:10", "at 4 PM", "|".
_FILLERS = frozenset(
    ["року", "рік", "р", "года", "год", "г", "о", "об", "в", "во", "у", "at", "on", "the", "of"]
)
_DAY_WORDS = {
    "сьогодні": 0,
    "сегодня": 0,
    "today": 0,
    "вчора": 1,
    "учора": 1,
    "вчера": 1,
    "yesterday": 1,
    "позавчора": 2,
    "позавчера": 2,
}
_NOW_WORDS = frozenset(["щойно", "зараз", "сейчас", "now"])
_AGO_WORDS = frozenset(["тому", "назад", "ago"])
_UNIT_WORDS: tuple[tuple[str, str], ...] = (
    ("second", "секунда секунди секунд секунду сек секунды second seconds sec secs s"),
    (
        "minute",
        "хвилина хвилини хвилин хвилину хв минута минуты минут минуту мин minute minutes min mins m",
    ),
    ("hour", "година години годин годину год час часа часов hour hours hr hrs h"),
    ("day", "день дні днів дня дней day days d"),
    ("week", "тиждень тижні тижнів тижня неделю недели недель неделя week weeks w"),
)
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}
_UNIT_PRECISION = {
    "second": "second",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "day",
}
_ONE_WORDS = frozenset(["a", "an", "one", "одна", "одну", "один", "одну", "одной"])
_MERIDIEM = {"am": 0, "a.m.": 0, "pm": 12, "p.m.": 12}
# RFC 822 zone names (RSS pubDate); other abbreviations are ambiguous and left to dateparser.
_ZONE_WORDS = {
    "gmt": 0,
    "ut": 0,
    "utc": 0,
    "z": 0,
    "est": -5 * 60,
    "edt": -4 * 60,
    "cst": -6 * 60,
    "cdt": -5 * 60,
    "mst": -7 * 60,
    "mdt": -6 * 60,
    "pst": -8 * 60,
    "pdt": -7 * 60,
}


def _table(rows: tuple[tuple[Any, str], ...]) -> dict[str, Any]:
    return {word: value for value, words in rows for word in words.split()}


_MONTHS = _table(_MONTH_WORDS)
_WEEKDAYS = _table(_WEEKDAY_WORDS)
_UNITS = _table(_UNIT_WORDS)
# Every known word -> its token; checked in this order, so a filler never hides a month.
_WORDS: dict[str, tuple[str, Any]] = {
    **{word: ("unit", unit) for word, unit in _UNITS.items()},
    **{word: ("one", word) for word in _ONE_WORDS},
    **{word: ("nowword", word) for word in _NOW_WORDS},
    **{word: ("ago", word) for word in _AGO_WORDS},
    **{word: ("zone", minutes) for word, minutes in _ZONE_WORDS.items()},
    **{word: ("filler", word) for word in _FILLERS},
    **{word: ("dayword", back) for word, back in _DAY_WORDS.items()},
    **{word: ("weekday", day) for word, day in _WEEKDAYS.items()},
    **{word: ("month", month) for word, month in _MONTHS.items()},
    **{word: ("meridiem", hours) for word, hours in _MERIDIEM.items()},
    "-": ("filler", "-"),
}

# Latin letters that UNN types inside Cyrillic words ("переглядiв" with a Latin i).
_LATIN_LOOKALIKES = str.maketrans("aceiopxyk", "асеіорхук")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
_CYRILLIC = re.compile(r"[а-яёіїєґ]")

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[tT ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?"
)
_SEPARATORS = re.compile(r"[\s,;|•·–—]+|(?<=\D)-(?=\D)")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)?")
_NUMERIC_DATE = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})\.?")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")


# --- the fast path: text -> form (cached; independent of `now` and the zone) --------------------


class _Form(NamedTuple):
    """A timestamp as written, before `now` and the zone give it an instant."""

    kind: str  # "absolute" | "yearless" | "time" | "dayword" | "relative" | "error"
    year: int | None = None
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0
    second: int = 0
    precision: str = "day"
    weekday: int | None = None
    offset_minutes: int | None = None  # an explicit UTC offset in the text
    days_back: int = 0  # "вчора" = 1
    seconds_back: int = 0  # relative forms
    error: str | None = None


class _Unknown(Exception):
    """The fast path does not know this shape: hand it to dateparser."""


def _bad(reason: str) -> _Form:
    return _Form(kind="error", error=reason)


# Shortcuts for the commonest shapes (UNN: "02.04.24, 19:59", "30 жовтня, 22:19",
# "November 13, 09:46 PM"); anything they do not match goes through the tokenizer.
_QUICK_NUMERIC = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4}),? (\d{1,2}):(\d{2})")
_QUICK_DAY_MONTH = re.compile(r"(\d{1,2}) ([^\W\d]+)(?: (\d{4}))?,? (\d{1,2}):(\d{2})")
_QUICK_RFC822 = re.compile(
    r"(?:([a-z]{3}), )?(\d{1,2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? "
    r"([+-]\d{4}|gmt|utc?|z|[ecmp][sd]t)"
)
_QUICK_MONTH_DAY = re.compile(r"([a-z]+) (\d{1,2}),?(?: (\d{4}),?)? (\d{1,2}):(\d{2}) ([ap]m)")


def _read_form_uncached(text: str, date_order: str) -> _Form | None:
    """Return the form `text` is written in, or None when the fast path does not know it."""
    year: int | None
    quick = _QUICK_NUMERIC.fullmatch(text)
    if quick:
        year, month, day = _numeric_date((quick[1], quick[2], quick[3]), date_order)
        return _clock_form(year, month, day, quick[4], quick[5])
    quick = _QUICK_DAY_MONTH.fullmatch(text)
    if quick and quick[2] in _MONTHS:
        year = int(quick[3]) if quick[3] else None
        return _clock_form(year, _MONTHS[quick[2]], int(quick[1]), quick[4], quick[5])
    quick = _QUICK_MONTH_DAY.fullmatch(text)
    if quick and quick[1] in _MONTHS:
        year = int(quick[3]) if quick[3] else None
        hour = int(quick[4])
        if not 1 <= hour <= 12:
            return _bad(f"{hour} {quick[6].upper()} is not a 12-hour clock time")
        hour = hour % 12 + _MERIDIEM[quick[6]]
        return _clock_form(year, _MONTHS[quick[1]], int(quick[2]), hour, quick[5])
    iso = _ISO.fullmatch(text)
    if iso:
        return _iso_form(iso)
    rss = _QUICK_RFC822.fullmatch(text)
    if rss and rss[3] in _MONTHS and (rss[1] is None or rss[1] in _WEEKDAYS):
        return _rfc822_form(rss)
    try:
        return _token_form(text, date_order)
    except _Unknown:
        return None


def _rfc822_form(match: re.Match[str]) -> _Form:
    """Read an RSS pubDate: "Tue, 09 Apr 2024 14:35:00 +0300"."""
    weekday, day, month, year, hour, minute, second, zone = match.groups()
    if zone[0] in "+-":
        sign = -1 if zone[0] == "-" else 1
        offset = sign * (int(zone[1:3]) * 60 + int(zone[3:]))
    else:
        offset = _ZONE_WORDS[zone]
    return _checked(
        _Form(
            "absolute",
            int(year),
            _MONTHS[month],
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            "minute" if second is None else "second",
            _WEEKDAYS[weekday] if weekday else None,
            offset,
        )
    )


def _clock_form(year: int | None, month: int, day: int, hour: int | str, minute: str) -> _Form:
    kind = "absolute" if year is not None else "yearless"
    return _checked(_Form(kind, year, month, day, int(hour), int(minute), 0, "minute"))


_read_form: Callable[[str, str], _Form | None] = lru_cache(maxsize=DEFAULT_CACHE_SIZE)(_read_form_uncached)
_cache_lock = threading.Lock()


def configure_cache(maxsize: int) -> None:
    """Bound the caches of parsed forms and absolute instants to `maxsize` strings each (0 turns
    them off); empty them."""
    global _read_form, _absolute
    with _cache_lock:
        _read_form = lru_cache(maxsize=maxsize)(_read_form_uncached) if maxsize else _read_form_uncached
        _absolute = lru_cache(maxsize=maxsize)(_absolute_uncached) if maxsize else _absolute_uncached
        _fallback_result.cache_clear()


def _iso_form(match: re.Match[str]) -> _Form:
    year, month, day, hour, minute, second, zone = match.groups()
    offset = None
    if zone:
        if zone in "Zz":
            offset = 0
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 60 + int(digits[2:4] or 0))
    precision = "day" if hour is None else ("minute" if second is None else "second")
    return _checked(
        _Form(
            kind="absolute",
            year=int(year),
            month=int(month),
            day=int(day),
            hour=int(hour or 0),
            minute=int(minute or 0),
            second=int(second or 0),
            precision=precision,
            offset_minutes=offset,
        )
    )


def _tokens(text: str) -> list[tuple[str, Any]]:
    """Split lowered text into (kind, value) tokens; raise _Unknown on anything unexpected."""
    out: list[tuple[str, Any]] = []
    for piece in _SEPARATORS.split(text):
        if not piece:
            continue
        token = _WORDS.get(piece)
        if token is None:
            token = _piece_token(piece)
        out.append(token)
    return out


def _piece_token(piece: str) -> tuple[str, Any]:
    """Classify one piece that is not a plain known word."""
    if piece.isdigit():
        return ("num", piece)
    if ":" in piece:
        time = _TIME.fullmatch(piece)  # "14:35", "09:46pm", "14:35:00"
        if time:
            hour, minute, second, meridiem = time.groups()
            return ("time", (int(hour), int(minute), second, meridiem))
        offset = _OFFSET.fullmatch(piece)
        if offset:
            return _offset_token(offset)
        raise _Unknown
    numeric = _NUMERIC_DATE.fullmatch(piece)
    if numeric:
        return ("numdate", (numeric[1], numeric[3], numeric[4]))
    offset = _OFFSET.fullmatch(piece)
    if offset:
        return _offset_token(offset)
    ordinal = _ORDINAL.fullmatch(piece)
    if ordinal:
        return ("num", ordinal[1])
    if piece.endswith(".") and len(piece) > 1:
        return _WORDS.get(piece[:-1]) or _piece_token(piece[:-1])
    if _CYRILLIC.search(piece):
        fixed = piece.translate(_LATIN_LOOKALIKES)
        if fixed != piece:
            return _WORDS.get(fixed) or _piece_token(fixed)
    raise _Unknown


def _offset_token(match: re.Match[str]) -> tuple[str, Any]:
    sign = -1 if match[1] == "-" else 1
    return ("zone", sign * (int(match[2]) * 60 + int(match[3])))


def _token_form(text: str, date_order: str) -> _Form:
    tokens = _tokens(text)
    seen: dict[str, Any] = {}
    numbers: list[str] = []
    for kind, value in tokens:
        if kind == "num":
            numbers.append(value)
        elif kind == "filler":
            continue
        elif kind in seen:
            raise _Unknown  # two months, two times, ...: not one timestamp
        else:
            seen[kind] = value
    if "ago" in seen or "nowword" in seen:
        return _relative_form(tokens)
    if not (seen or numbers) or "unit" in seen or "one" in seen:
        raise _Unknown
    weekday = seen.get("weekday")
    offset = seen.get("zone")
    meridiem = seen.get("meridiem")
    dayword = seen.get("dayword")

    hour = minute = second = 0
    time_precision = None
    if "time" in seen:
        hour, minute, seconds_text, glued = seen["time"]
        if glued:  # "09:46pm"
            if meridiem is not None:
                raise _Unknown
            meridiem = _MERIDIEM[glued]
        second = int(seconds_text or 0)
        time_precision = "minute" if seconds_text is None else "second"
    elif meridiem is not None and numbers and len(numbers[-1]) <= 2:
        hour = int(numbers.pop())  # "November 13, 9 PM"
        time_precision = "hour"
    if meridiem is not None:
        if time_precision is None or not 1 <= hour <= 12:
            return _bad(f"{hour}{' AM' if meridiem == 0 else ' PM'} is not a 12-hour clock time")
        hour = hour % 12 + meridiem

    year: int | None = None
    if "numdate" in seen:
        if numbers or "month" in seen or dayword is not None:
            raise _Unknown
        year, month, day = _numeric_date(seen["numdate"], date_order)
    elif "month" in seen:
        if dayword is not None:
            raise _Unknown
        month = seen["month"]
        day_text = year_text = None
        for number in numbers:
            if len(number) <= 2 and day_text is None:
                day_text = number
            elif len(number) == 4 and year_text is None:
                year_text = number
            else:
                raise _Unknown
        year = int(year_text) if year_text else None
        if day_text is None:
            if year is None or time_precision:
                raise _Unknown  # "квітень" alone or "April, 14:35": leave it to dateparser
            return _checked(_Form(kind="absolute", year=year, month=month, precision="month"))
        day = int(day_text)
    else:
        if numbers:
            if len(numbers) == 1 and len(numbers[0]) == 4 and not seen:
                return _checked(_Form(kind="absolute", year=int(numbers[0]), precision="year"))
            raise _Unknown
        if weekday is not None:
            raise _Unknown
        if time_precision is None:
            if dayword is not None and len(seen) == 1:
                return _Form(kind="dayword", days_back=dayword, precision="day")
            raise _Unknown
        return _checked(
            _Form(
                kind="time" if dayword is None else "dayword",
                days_back=dayword or 0,
                hour=hour,
                minute=minute,
                second=second,
                precision=time_precision,
                offset_minutes=offset,
            )
        )
    return _checked(
        _Form(
            kind="absolute" if year is not None else "yearless",
            year=year,
            month=month,
            day=day,
            hour=hour,
            minute=minute,
            second=second,
            precision=time_precision or "day",
            weekday=weekday,
            offset_minutes=offset,
        )
    )


def _numeric_date(parts: tuple[str, str, str], date_order: str) -> tuple[int, int, int]:
    first, second, third = parts
    if len(first) == 4:  # 2024.04.09 / 2024-4-9: a leading four-digit year decides the order
        order = "YMD"
    elif len(second) > 2 or len(first) > 2:
        raise _Unknown
    elif date_order == "YMD":
        order = date_order
        if len(first) != 2 or len(third) > 2:
            raise _Unknown
    elif len(third) in (2, 4):
        order = date_order
    else:
        raise _Unknown
    if order == "DMY":
        day_text, month_text, year_text = first, second, third
    elif order == "MDY":
        month_text, day_text, year_text = first, second, third
    else:
        year_text, month_text, day_text = first, second, third
    if len(day_text) > 2 or len(month_text) > 2:
        raise _Unknown
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000  # a two-digit year on a news page is this century's (UNN: "02.04.24")
    elif len(year_text) != 4:
        raise _Unknown
    return year, int(month_text), int(day_text)


def _relative_form(tokens: list[tuple[str, Any]]) -> _Form:
    # "год" is "year" in Russian but the Ukrainian short form of "hours": "2 год тому".
    words = [
        ("unit", "hour") if token == ("filler", "год") else token
        for token in tokens
        if token[0] != "filler" or token[1] == "год"
    ]
    kinds = [kind for kind, _ in words]
    if kinds == ["nowword"]:
        return _Form(kind="relative", precision="minute")
    # "2 години тому", "година тому", "an hour ago", "5 хв. тому"
    if kinds == ["num", "unit", "ago"]:
        amount, unit = int(words[0][1]), words[1][1]
    elif kinds in (["unit", "ago"], ["one", "unit", "ago"]):
        amount, unit = 1, words[-2][1]
    else:
        raise _Unknown
    seconds = amount * _UNIT_SECONDS[unit]
    if seconds > 400 * 86400:
        return _bad(f"{amount} {unit}s ago is more than a year before the fetch")
    return _Form(kind="relative", seconds_back=seconds, precision=_UNIT_PRECISION[unit])


def _checked(form: _Form) -> _Form:
    """Return `form`, or an error form when its fields cannot make a calendar time."""
    if not 0 <= form.hour <= 23:
        return _bad(f"hour {form.hour} is not on a 24-hour clock")
    if not 0 <= form.minute <= 59:
        return _bad(f"minute {form.minute} does not exist")
    if not 0 <= form.second <= 59:
        return _bad(f"second {form.second} does not exist")
    if form.offset_minutes is not None and abs(form.offset_minutes) >= 24 * 60:
        return _bad(f"UTC offset of {form.offset_minutes} minutes does not exist")
    if form.kind in ("absolute", "yearless"):
        if not 1 <= form.month <= 12:
            return _bad(f"month {form.month} does not exist")
        if form.year is not None and form.year < EARLIEST_YEAR:
            return _bad(f"year {form.year} is before {EARLIEST_YEAR}")
        if form.year is not None and form.year > 9998:
            return _bad(f"year {form.year} is in the far future")
        if not 1 <= form.day <= 28:
            try:  # 2000 is a leap year: a year-less 29 February is checked when it is placed
                date(form.year if form.year is not None else 2000, form.month, form.day)
            except ValueError:
                return _bad(f"day {form.day} does not exist in month {form.month}")
    return form


# --- resolution: form + now + zone -> instant ----------------------------------------------------


def _wall(year: int, month: int, day: int, form: _Form, zone: ZoneInfo) -> datetime:
    """Return the wall-clock time of `form` on that day, aware, in the text's or source's zone.

    DST rule: a wall time that occurs twice (autumn) is the first occurrence (summer time,
    fold=0); a wall time that does not exist (spring gap) is read with the offset in force just
    before the gap, so Kyiv's 03:30 on the last Sunday of March is 01:30 UTC (04:30 summer time).
    """
    tzinfo = zone if form.offset_minutes is None else _fixed_zone(form.offset_minutes)
    # positional arguments: datetime.replace(tzinfo=...) costs several times more
    return datetime(year, month, day, form.hour, form.minute, form.second, 0, tzinfo)


@lru_cache(maxsize=64)
def _fixed_zone(offset_minutes: int) -> timezone:
    return timezone(timedelta(minutes=offset_minutes))


def _resolve(raw: str, form: _Form, now: datetime, zone: ZoneInfo) -> TimeResult:
    if form.kind == "error":
        return TimeResult(raw=raw, error=form.error)
    now_utc = now.astimezone(UTC)
    latest = now_utc + FUTURE_TOLERANCE
    if form.kind == "absolute":
        utc, result = _absolute(raw, form, zone)
        if utc is not None and utc > latest:
            return TimeResult(raw=raw, error=f"{iso_utc(utc)} is after the fetch time {iso_utc(now_utc)}")
        return result
    if form.kind == "relative":
        utc = now_utc - timedelta(seconds=form.seconds_back)
        return _result(raw, utc, zone, form.precision, approximate=True)
    now_local = now_utc.astimezone(zone)
    if form.kind in ("time", "dayword"):
        day = now_local.date() - timedelta(days=form.days_back)
        utc = _wall(day.year, day.month, day.day, form, zone).astimezone(UTC)
        if form.kind == "time" and utc > latest:
            day -= timedelta(days=1)
            utc = _wall(day.year, day.month, day.day, form, zone).astimezone(UTC)
        if utc > latest:
            return TimeResult(raw=raw, error=f"{iso_utc(utc)} is after the fetch time {iso_utc(now_utc)}")
        return _result(raw, utc, zone, form.precision)
    return _resolve_yearless(raw, form, now_local, latest, zone)


def _absolute_uncached(raw: str, form: _Form, zone: ZoneInfo) -> tuple[datetime | None, TimeResult]:
    """Return the instant of an absolute form and its result, before the fetch-time check.

    Independent of `now`: the stamps of a site's teaser rails, read on page after page, are
    worked out once (bounded cache, see configure_cache). The utc is None for a weekday error.
    """
    assert form.year is not None
    wall = _wall(form.year, form.month, form.day, form, zone)
    if form.weekday is not None and wall.weekday() != form.weekday:
        return None, TimeResult(raw=raw, error=_weekday_error(form.weekday, wall))
    utc = wall.astimezone(UTC)
    return utc, _result(raw, utc, zone, form.precision)


_absolute: Callable[[str, _Form, ZoneInfo], tuple[datetime | None, TimeResult]] = lru_cache(
    maxsize=DEFAULT_CACHE_SIZE
)(_absolute_uncached)


def _resolve_yearless(
    raw: str, form: _Form, now_local: datetime, latest: datetime, zone: ZoneInfo
) -> TimeResult:
    """Place a year-less date in the most recent year that puts it not after `now`.

    With a weekday ("Tuesday, April 9") the weekday must match that year, or the year before
    (a page fetched months later still shows last year's date); otherwise it is reported.
    """
    candidates: list[tuple[datetime, datetime]] = []
    for year in range(now_local.year, now_local.year - 9, -1):
        try:
            wall = _wall(year, form.month, form.day, form, zone)
        except ValueError:  # 29 February outside a leap year
            continue
        utc = wall.astimezone(UTC)
        if utc <= latest:
            candidates.append((wall, utc))
            if form.weekday is None or len(candidates) == 2:
                break
    if not candidates:
        return TimeResult(raw=raw, error="no such date in the last eight years")
    chosen, utc = candidates[0]
    if form.weekday is not None:
        matching = [c for c in candidates if c[0].weekday() == form.weekday]
        if not matching:
            return TimeResult(raw=raw, error=_weekday_error(form.weekday, chosen))
        chosen, utc = matching[0]
    return _result(raw, utc, zone, form.precision)


def _weekday_error(weekday: int, moment: datetime) -> str:
    return (
        f"weekday {_WEEKDAY_NAMES[weekday]} contradicts {moment.date().isoformat()}, "
        f"a {_WEEKDAY_NAMES[moment.weekday()]}"
    )


def _result(
    raw: str, utc: datetime, zone: ZoneInfo, precision: str, *, approximate: bool = False
) -> TimeResult:
    if utc.year < EARLIEST_YEAR:
        return TimeResult(raw=raw, error=f"{iso_utc(utc)} is before {EARLIEST_YEAR}")
    return TimeResult(
        raw=raw,
        utc=utc,
        local=utc.astimezone(zone),
        precision=precision,
        approximate=approximate,
    )


# --- the slow path: dateparser ----------------------------------------------------------------

_RELATIVE_HINTS = re.compile(
    r"\b(ago|last|next|тому|назад|минул\w*|прошл\w*|через|тижд\w*|недел\w*|week\w*)\b"
)
MAX_PARSERS = 32  # DateDataParsers kept (one per language set and date order), least recently used out
_PARSERS: BoundedCache[tuple[tuple[str, ...], str], Any] = BoundedCache(MAX_PARSERS)
_parsers_lock = threading.Lock()  # a parser is shared: one call at a time swaps its clock in


def _dateparser(languages: tuple[str, ...], date_order: str) -> Any:
    """Return the one DateDataParser kept for these languages and date order."""
    return _PARSERS.get((languages, date_order), _new_dateparser, languages, date_order)


def _new_dateparser(languages: tuple[str, ...], date_order: str) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(languages) or None,  # none given: dateparser detects the language
        settings={
            "DATE_ORDER": date_order,
            "PREFER_DATES_FROM": "past",
            "RETURN_TIME_AS_PERIOD": True,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "TO_TIMEZONE": "UTC",
        },
    )


_UNREADABLE = "not a date or time that newsbot or dateparser can read"


@lru_cache(maxsize=1024)
def _fallback_result(
    text: str, now: datetime, tz: str, languages: tuple[str, ...], date_order: str
) -> TimeResult:
    """Read `text` with dateparser: the forms the fast path does not know."""
    zone = ZoneInfo(tz)
    now_local = now.astimezone(zone)
    parser = _dateparser(languages, date_order)
    with _parsers_lock:
        # The parser is shared; only the clock differs between calls. DateDataParser takes its
        # settings once, so the relative base is swapped in for this one call.
        base_settings = parser._settings
        parser._settings = base_settings.replace(RELATIVE_BASE=now_local.replace(tzinfo=None), TIMEZONE=tz)
        try:
            data = parser.get_date_data(text)
        finally:
            parser._settings = base_settings
    if data.date_obj is None:
        return TimeResult(raw=text, error=_UNREADABLE)
    if set(data.parts) <= {"day"}:
        return TimeResult(raw=text, error="a bare day number is not a date")
    utc = data.date_obj.replace(tzinfo=UTC, microsecond=0)  # the fast path keeps no fractions
    precision = {"time": "minute", "week": "day", "quarter": "month"}.get(data.period, data.period)
    if precision == "minute" and utc.second:
        precision = "second"
    if precision not in PRECISIONS:
        precision = "day"
    if utc > now.astimezone(UTC) + FUTURE_TOLERANCE:
        return TimeResult(raw=text, error=f"{iso_utc(utc)} is after the fetch time {iso_utc(now)}")
    approximate = bool(_RELATIVE_HINTS.search(text))
    return _result(text, utc, zone, precision, approximate=approximate)


# --- the public function -----------------------------------------------------------------------


def _clean(text: str) -> str:
    """Lower-case, unify apostrophes and spaces, drop what follows a "•" (view counts)."""
    if "’" in text or "ʼ" in text or "`" in text:
        text = text.translate(_APOSTROPHES)
    if "•" in text:
        head = text.partition("•")[0]
        if head.strip():
            text = head  # "November 13, 09:46 PM • 35469 views"
    return " ".join(text.lower().split())


def parse_timestamp(
    text: str,
    *,
    now: datetime,
    tz: str = "Europe/Kyiv",
    languages: Sequence[str] | None = None,
    date_order: str = "DMY",
) -> TimeResult:
    """Read one timestamp as a news page shows it; never raise.

    `now` is the fetch time (naive means UTC): year-less, time-only and relative forms are
    placed relative to it, and an absolute time more than FUTURE_TOLERANCE after it is a
    failure. `tz` is the source's zone for times written without an offset. `languages`
    restrict the dateparser fallback (the fast path reads uk, ru and en whatever the hint).
    """
    raw = text if isinstance(text, str) else repr(text)
    try:
        return _parse(raw, now, tz, languages, date_order)
    except Exception as exc:  # the promise is a result, never an exception
        return TimeResult(raw=raw, error=f"internal error: {type(exc).__name__}: {exc}")


def _parse(raw: str, now: datetime, tz: str, languages: Sequence[str] | None, date_order: str) -> TimeResult:
    if not isinstance(now, datetime):
        return TimeResult(raw=raw, error="now must be a datetime")
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if date_order not in DATE_ORDERS:
        return TimeResult(raw=raw, error=f"date order {date_order!r} is not one of {DATE_ORDERS}")
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return TimeResult(raw=raw, error=f"unknown time zone {tz!r}")
    text = raw.strip()
    if not text:
        return TimeResult(raw=raw, error="empty text")
    if len(text) > MAX_LENGTH:
        return TimeResult(raw=raw, error=f"{len(text)} characters is too long for a timestamp")
    cleaned = _clean(text)
    form = _read_form(cleaned, date_order)
    if form is not None:
        return _resolve(raw, form, now, zone)
    langs = tuple(dict.fromkeys(languages)) if languages else DEFAULT_LANGUAGES
    result = _fallback_result(cleaned, now, tz, langs, date_order)
    if result.error == _UNREADABLE:
        # The declared language may be wrong (a Romanian page marked lang=en) or missing: a
        # date in words is read in the languages whose date words it uses, never in all of them.
        others = _languages_knowing(cleaned, langs)
        if others:
            result = _fallback_result(cleaned, now, tz, others, date_order)
    return result if result.raw == raw else _with_raw(result, raw)


# --- which other languages a worded date may be in --------------------------------------------

MAX_OTHER_LANGUAGES = 8  # dateparser locales tried for a date its declared languages cannot read
# Fields of dateparser's language data that are no words of a date ("skip" holds "de", "la", ...).
_NOT_DATE_WORDS = frozenset(
    (
        *("name", "date_order", "skip", "pertain", "simplifications", "locale_specific"),
        *("sentence_splitter_group", "no_word_spacing", "relative-type-regex"),
    )
)
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _date_words() -> tuple[dict[str, frozenset[str]], frozenset[str], dict[str, int]]:
    """Return (every date word of dateparser's language data -> the languages that use it,
    every word dateparser's data holds anywhere: skip words, patterns, zone names, accents off,
    each language -> its rank in dateparser's order).

    Built once, on the first date its declared languages cannot read (about 0.1 s and 7 MiB for
    dateparser's 205 languages), instead of letting dateparser search all of its locales (about
    1 s and a few hundred MiB of compiled patterns the first time, then tens of ms per text).
    """
    import importlib

    from dateparser.data.languages_info import language_order
    from dateparser.timezones import timezone_info_list

    index: dict[str, set[str]] = {}
    known: set[str] = set()
    for lang in language_order:
        info = importlib.import_module(f"dateparser.data.date_translation_data.{lang}").info
        for field, values in info.items():
            known.update(_words_in(values))
            if field in _NOT_DATE_WORDS or not isinstance(values, list | dict):
                continue
            for phrase in values:
                if isinstance(phrase, str):
                    for word in _WORD.findall(phrase.lower()):
                        index.setdefault(word, set()).add(lang)
    known.update(_words_in(timezone_info_list))
    known.update([_normalized(word) for word in known])
    rank = {lang: i for i, lang in enumerate(language_order)}
    return {word: frozenset(langs) for word, langs in index.items()}, frozenset(known), rank


def _words_in(value: object) -> list[str]:
    """Return the lowercased words of every string in a nest of lists, tuples and dicts."""
    if isinstance(value, str):
        return _WORD.findall(value.lower())
    if isinstance(value, dict):
        return [word for key, item in value.items() for part in (key, item) for word in _words_in(part)]
    if isinstance(value, list | tuple):
        return [word for item in value for word in _words_in(item)]
    return []


def _normalized(word: str) -> str:
    """Return `word` with its accents off, as dateparser's NORMALIZE setting reads it."""
    from dateparser.utils import normalize_unicode

    return str(normalize_unicode(word))


def _languages_knowing(text: str, tried: Sequence[str]) -> tuple[str, ...]:
    """Return the languages (not in `tried`) that know the most words of `text`, at most
    MAX_OTHER_LANGUAGES in dateparser's order; none when no other language knows any word.

    dateparser reads a text in a language only when that language knows every word of it, so
    the languages that know none of them could not read it, and no language can read a text
    with a word that dateparser's data holds nowhere ("published 18 november 2019").
    """
    words = set(_WORD.findall(text))
    if not words:
        return ()
    index, known, rank = _date_words()
    if any(word not in known and _normalized(word) not in known for word in words):
        return ()
    counts: dict[str, int] = {}
    for word in words:
        for lang in index.get(word, ()):
            counts[lang] = counts.get(lang, 0) + 1
    for lang in tried:
        counts.pop(lang, None)
    if not counts:
        return ()
    best = max(counts.values())
    chosen = sorted((lang for lang, n in counts.items() if n == best), key=rank.__getitem__)
    return tuple(chosen[:MAX_OTHER_LANGUAGES])


def _with_raw(result: TimeResult, raw: str) -> TimeResult:
    return TimeResult(
        raw=raw,
        utc=result.utc,
        local=result.local,
        precision=result.precision,
        approximate=result.approximate,
        error=result.error,
    )
