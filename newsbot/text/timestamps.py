"""Turn a news page's timestamp text (uk/ru/en) into a UTC instant, its precision and a reason."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "EARLIEST_YEAR",
    "FUTURE_TOLERANCE",
    "MAX_LENGTH",
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
_FILLERS = frozenset("року рік р года год г о об в во у at on the of".split())
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
_NOW_WORDS = frozenset("щойно зараз сейчас now".split())
_AGO_WORDS = frozenset("тому назад ago".split())
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
_ONE_WORDS = frozenset("a an one одна одну один одну одной".split())
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

# Latin letters that UNN types inside Cyrillic words ("переглядiв" with a Latin i).
_LATIN_LOOKALIKES = str.maketrans("aceiopxyk", "асеіорхук")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "\u00a0": " ", "\u202f": " "})
_CYRILLIC = re.compile(r"[а-яёіїєґ]")

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[tT ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?"
)
_TOKEN = re.compile(
    r"(?P<time>(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)"
    r"|(?P<numdate>(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})\.?)"
    r"|(?P<offset>[+-]\d{2}:?\d{2})(?!\d)"
    r"|(?P<num>\d+)(?:st|nd|rd|th)?(?![\d])"
    r"|(?P<word>[a-zа-яёіїєґ'][a-zа-яёіїєґ'.]*)"
    r"|(?P<punct>[\s,.;|•·–—-]+)"
)


# --- the fast path: text -> form (cached; independent of `now` and the zone) --------------------


@dataclass(frozen=True, slots=True)
class _Form:
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


def _read_form_uncached(text: str, date_order: str) -> _Form | None:
    """Return the form `text` is written in, or None when the fast path does not know it."""
    iso = _ISO.fullmatch(text)
    if iso:
        return _iso_form(iso)
    try:
        return _token_form(text, date_order)
    except _Unknown:
        return None


_read_form = lru_cache(maxsize=DEFAULT_CACHE_SIZE)(_read_form_uncached)
_cache_lock = threading.Lock()


def configure_cache(maxsize: int) -> None:
    """Bound the cache of parsed forms to `maxsize` strings (0 turns it off); empty it."""
    global _read_form
    with _cache_lock:
        _read_form = (
            lru_cache(maxsize=maxsize)(_read_form_uncached) if maxsize else _read_form_uncached
        )
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
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            raise _Unknown
        pos = m.end()
        kind = m.lastgroup  # the outer named group: it closes last
        if kind == "punct":
            continue
        if kind == "time":
            out.append(("time", (int(m["h"]), int(m["mi"]), m["s"])))
        elif kind == "numdate":
            out.append(("numdate", (m["a"], m["b"], m["c"])))
        elif kind == "offset":
            digits = m["offset"][1:].replace(":", "")
            sign = -1 if m["offset"][0] == "-" else 1
            out.append(("zone", sign * (int(digits[:2]) * 60 + int(digits[2:]))))
        elif kind == "num":
            out.append(("num", m["num"]))
        else:
            out.append(_word_token(m["word"]))
    if pos != len(text):
        raise _Unknown
    return out


def _word_token(word: str) -> tuple[str, Any]:
    if _CYRILLIC.search(word):
        word = word.translate(_LATIN_LOOKALIKES)
    if word in _MERIDIEM:
        return ("meridiem", _MERIDIEM[word])
    word = word.rstrip(".")
    for table, kind in ((_MONTHS, "month"), (_WEEKDAYS, "weekday"), (_DAY_WORDS, "dayword")):
        if word in table:
            return (kind, table[word])
    if word in _FILLERS:
        return ("filler", word)
    if word in _ZONE_WORDS:
        return ("zone", _ZONE_WORDS[word])
    if word in _AGO_WORDS:
        return ("ago", word)
    if word in _UNITS:
        return ("unit", _UNITS[word])
    if word in _NOW_WORDS:
        return ("nowword", word)
    if word in _ONE_WORDS:
        return ("one", word)
    if word in _MERIDIEM:  # "p.m" without its final dot
        return ("meridiem", _MERIDIEM[word])
    raise _Unknown


def _token_form(text: str, date_order: str) -> _Form:
    tokens = _tokens(text)
    kinds = [kind for kind, _ in tokens]
    if "ago" in kinds or "nowword" in kinds:
        return _relative_form(tokens)
    by_kind: dict[str, list[Any]] = {}
    for kind, value in tokens:
        if kind != "filler":
            by_kind.setdefault(kind, []).append(value)
    if not by_kind or any(len(v) > 1 for k, v in by_kind.items() if k != "num"):
        raise _Unknown
    if "unit" in by_kind or "one" in by_kind:
        raise _Unknown
    numbers: list[str] = by_kind.get("num", [])
    weekday = by_kind["weekday"][0] if "weekday" in by_kind else None
    offset = by_kind["zone"][0] if "zone" in by_kind else None
    meridiem = by_kind["meridiem"][0] if "meridiem" in by_kind else None

    hour = minute = second = 0
    time_precision = None
    if "time" in by_kind:
        hour, minute, seconds_text = by_kind["time"][0]
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
    if "numdate" in by_kind:
        if numbers or "month" in by_kind or "dayword" in by_kind:
            raise _Unknown
        year, month, day = _numeric_date(by_kind["numdate"][0], date_order)
    elif "month" in by_kind:
        if "dayword" in by_kind:
            raise _Unknown
        month = by_kind["month"][0]
        days = [n for n in numbers if len(n) <= 2]
        years = [n for n in numbers if len(n) == 4]
        if len(days) > 1 or len(years) > 1 or len(days) + len(years) != len(numbers):
            raise _Unknown
        year = int(years[0]) if years else None
        if not days:
            if year is None or time_precision:
                raise _Unknown  # "квітень" alone or "April, 14:35": leave it to dateparser
            return _checked(_Form(kind="absolute", year=year, month=month, precision="month"))
        day = int(days[0])
    else:
        if numbers:
            if len(numbers) == 1 and len(numbers[0]) == 4 and len(by_kind) == 1:
                return _checked(_Form(kind="absolute", year=int(numbers[0]), precision="year"))
            raise _Unknown
        if time_precision is None:
            if "dayword" in by_kind and len(by_kind) == 1:
                return _Form(kind="dayword", days_back=by_kind["dayword"][0], precision="day")
            raise _Unknown
        kind = "dayword" if "dayword" in by_kind else "time"
        if weekday is not None:
            raise _Unknown
        return _checked(
            _Form(
                kind=kind,
                days_back=by_kind["dayword"][0] if kind == "dayword" else 0,
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
    elif len(first) in (1, 2) and len(third) in (2, 4) and len(second) <= 2:
        order = date_order if date_order != "YMD" else "DMY"
    else:
        raise _Unknown
    values = dict(zip(order, (first, second, third), strict=True))
    if len(values["D"]) > 2 or len(values["M"]) > 2:
        raise _Unknown
    year_text = values["Y"]
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000  # a two-digit year on a news page is this century's (UNN: "02.04.24")
    elif len(year_text) != 4:
        raise _Unknown
    return year, int(values["M"]), int(values["D"])


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
        try:
            date(form.year if form.year is not None else 2000, form.month, form.day)
        except ValueError:
            return _bad(f"day {form.day} does not exist in month {form.month}")
    return form


# --- resolution: form + now + zone -> instant ----------------------------------------------------


def _to_instant(local_naive: datetime, zone: ZoneInfo, offset_minutes: int | None) -> datetime:
    """Return the UTC instant of a wall-clock time.

    DST rule: a wall time that occurs twice (autumn) is the first occurrence (summer time,
    fold=0); a wall time that does not exist (spring gap) is read with the offset in force just
    before the gap, so Kyiv's 03:30 on the last Sunday of March is 01:30 UTC (04:30 summer time).
    """
    if offset_minutes is not None:
        tzinfo: Any = timezone(timedelta(minutes=offset_minutes))
    else:
        tzinfo = zone
    return local_naive.replace(tzinfo=tzinfo).astimezone(UTC)


def _resolve(raw: str, form: _Form, now: datetime, zone: ZoneInfo) -> TimeResult:
    if form.kind == "error":
        return TimeResult(raw=raw, error=form.error)
    now_utc = now.astimezone(UTC)
    latest = now_utc + FUTURE_TOLERANCE
    if form.kind == "relative":
        utc = now_utc - timedelta(seconds=form.seconds_back)
        return _result(raw, utc, zone, form.precision, approximate=True)
    now_local = now_utc.astimezone(zone)
    if form.kind in ("time", "dayword"):
        day = now_local.date() - timedelta(days=form.days_back)
        utc = _to_instant(_at(day, form), zone, form.offset_minutes)
        if form.kind == "time" and utc > latest:
            utc = _to_instant(_at(day - timedelta(days=1), form), zone, form.offset_minutes)
        if utc > latest:
            return TimeResult(raw=raw, error=f"{_iso(utc)} is after the fetch time {_iso(now_utc)}")
        return _result(raw, utc, zone, form.precision)
    if form.kind == "yearless":
        return _resolve_yearless(raw, form, now_local, latest, zone)
    assert form.year is not None
    moment = datetime(form.year, form.month, form.day, form.hour, form.minute, form.second)
    utc = _to_instant(moment, zone, form.offset_minutes)
    if form.weekday is not None and moment.weekday() != form.weekday:
        return TimeResult(raw=raw, error=_weekday_error(form.weekday, moment))
    if utc > latest:
        return TimeResult(raw=raw, error=f"{_iso(utc)} is after the fetch time {_iso(now_utc)}")
    return _result(raw, utc, zone, form.precision)


def _resolve_yearless(
    raw: str, form: _Form, now_local: datetime, latest: datetime, zone: ZoneInfo
) -> TimeResult:
    """Place a year-less date in the most recent year that puts it not after `now`.

    With a weekday ("Tuesday, April 9") the weekday must match that year, or the year before
    (a page fetched months later still shows last year's date); otherwise it is reported.
    """
    candidates: list[datetime] = []
    for year in range(now_local.year, now_local.year - 9, -1):
        try:
            moment = datetime(year, form.month, form.day, form.hour, form.minute, form.second)
        except ValueError:  # 29 February outside a leap year
            continue
        if _to_instant(moment, zone, form.offset_minutes) <= latest:
            candidates.append(moment)
            if len(candidates) == 2:
                break
    if not candidates:
        return TimeResult(raw=raw, error="no such date in the last eight years")
    chosen = candidates[0]
    if form.weekday is not None:
        matching = [c for c in candidates if c.weekday() == form.weekday]
        if not matching:
            return TimeResult(raw=raw, error=_weekday_error(form.weekday, chosen))
        chosen = matching[0]
    if chosen.year < EARLIEST_YEAR:
        return TimeResult(raw=raw, error=f"year {chosen.year} is before {EARLIEST_YEAR}")
    utc = _to_instant(chosen, zone, form.offset_minutes)
    return _result(raw, utc, zone, form.precision)


def _at(day: date, form: _Form) -> datetime:
    return datetime(day.year, day.month, day.day, form.hour, form.minute, form.second)


def _weekday_error(weekday: int, moment: datetime) -> str:
    return (
        f"weekday {_WEEKDAY_NAMES[weekday]} contradicts {moment.date().isoformat()}, "
        f"a {_WEEKDAY_NAMES[moment.weekday()]}"
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _result(
    raw: str, utc: datetime, zone: ZoneInfo, precision: str, *, approximate: bool = False
) -> TimeResult:
    if utc.year < EARLIEST_YEAR:
        return TimeResult(raw=raw, error=f"{_iso(utc)} is before {EARLIEST_YEAR}")
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
_PARSERS: dict[tuple[tuple[str, ...], str], Any] = {}
_parsers_lock = threading.Lock()


def _dateparser(languages: tuple[str, ...], date_order: str) -> Any:
    """Return the one DateDataParser kept for these languages and date order."""
    key = (languages, date_order)
    with _parsers_lock:
        parser = _PARSERS.get(key)
        if parser is None:
            from dateparser.date import DateDataParser  # noqa: PLC0415  (slow import, rarely needed)

            parser = DateDataParser(
                languages=list(languages),
                settings={
                    "DATE_ORDER": date_order,
                    "PREFER_DATES_FROM": "past",
                    "RETURN_TIME_AS_PERIOD": True,
                    "RETURN_AS_TIMEZONE_AWARE": False,
                    "TO_TIMEZONE": "UTC",
                },
            )
            _PARSERS[key] = parser
    return parser


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
        parser._settings = base_settings.replace(
            RELATIVE_BASE=now_local.replace(tzinfo=None), TIMEZONE=tz
        )
        try:
            data = parser.get_date_data(text)
        finally:
            parser._settings = base_settings
    if data.date_obj is None:
        return TimeResult(raw=text, error="not a date or time that newsbot or dateparser can read")
    if set(data.parts) <= {"day"}:
        return TimeResult(raw=text, error="a bare day number is not a date")
    utc = data.date_obj.replace(tzinfo=UTC)
    precision = {"time": "minute", "week": "day", "quarter": "month"}.get(data.period, data.period)
    if precision == "minute" and utc.second:
        precision = "second"
    if precision not in PRECISIONS:
        precision = "day"
    if utc > now.astimezone(UTC) + FUTURE_TOLERANCE:
        return TimeResult(raw=text, error=f"{_iso(utc)} is after the fetch time {_iso(now)}")
    approximate = bool(_RELATIVE_HINTS.search(text))
    return _result(text, utc, zone, precision, approximate=approximate)


# --- the public function -----------------------------------------------------------------------


def _clean(text: str) -> str:
    """Lower-case, unify apostrophes and spaces, drop what follows a "•" (view counts)."""
    text = text.translate(_APOSTROPHES)
    head, bullet, _ = text.partition("•")
    if bullet and head.strip():
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


def _parse(
    raw: str, now: datetime, tz: str, languages: Sequence[str] | None, date_order: str
) -> TimeResult:
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
    return result if result.raw == raw else _with_raw(result, raw)


def _with_raw(result: TimeResult, raw: str) -> TimeResult:
    return TimeResult(
        raw=raw,
        utc=result.utc,
        local=result.local,
        precision=result.precision,
        approximate=result.approximate,
        error=result.error,
    )
