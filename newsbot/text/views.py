"""Parse a view-counter text ("• 23713 переглядiв", "35469 views", "12,5 тис.") into an integer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsbot.text.words import REMOVE_INVISIBLE as _INVISIBLE
from newsbot.text.words import VIEW_WORD as _WORD

# Counts above this are not view counters but misread numbers (ids, phone numbers, dates).
MAX_VIEWS = 10**10
# A view-counter text longer than this is not one ("• 1 234 567 переглядів" is 24): refused before
# any regex runs, so a hostile page's megabyte of digits costs nothing.
MAX_VIEWS_TEXT = 200

# Invisible characters that pages and copy-paste leave inside counters are removed outright (_INVISIBLE).
# Every kind of space a page may put between digit groups (NBSP, thin, narrow NBSP, figure ...).
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# React splits "35469 views" into "35469<!-- --> <!-- -->views" (Next.js layout).
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# The words that name a count, in the three editions: newsbot.text.words.VIEW_WORD (_WORD).
_MULTIPLIERS = {
    "k": 1_000,
    "к": 1_000,
    "тис": 1_000,
    "тыс": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "млн": 1_000_000,
    "million": 1_000_000,
}
_SUFFIX = r"(?:k|к|тис|тыс|thousand|m|млн|million)\.?"

_VIEWS = re.compile(
    rf"""^
    (?:[•·●|]\s*)?                              # bullet before the counter
    (?:(?P<pre>{_WORD})\s*:?\s*)?               # "просмотров: 3375", "Views: 12"
    (?P<sign>[-−–])?\s*
    (?P<num>\d[\d ,.']*?)                       # the number, digit groups and all
    \s*(?P<suffix>{_SUFFIX})?
    \s*(?P<post>{_WORD})?                       # "23713 переглядiв"
    \s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_GROUPED = re.compile(r"^\d{1,3}(?:(?P<sep>[ ,.'])\d{3})(?:(?P=sep)\d{3})*$")
_DECIMAL = re.compile(r"^(?P<int>\d+)(?:[.,](?P<frac>\d{1,2}))?$")


@dataclass(frozen=True, slots=True)
class ViewsResult:
    """A view count, or the reason there is none; `approximate` for abbreviated forms."""

    value: int | None
    error: str | None = None
    approximate: bool = False

    @property
    def ok(self) -> bool:
        """Return True when a count was read."""
        return self.value is not None


# The count words alone, for the linear "does this text name a view count?" test.
_COUNT_WORD = re.compile(r"view|перегляд|просмотр", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def mentions_views(text: str) -> bool:
    r"""Tell whether a line of `text` has a digit followed, later on that line, by a count word.

    Same answer as re.search(r"\d.*(view|перегляд|просмотр)", text, re.I), in linear time: that
    pattern retries `.*` from every digit, which is quadratic in a run of digits (32,000 digits
    took 44 s).
    """
    for line in text.split("\n"):
        digit = _DIGIT.search(line)
        if digit is not None and _COUNT_WORD.search(line, digit.end()):
            return True
    return False


def normalize_views_text(text: str) -> str:
    """Drop React comment markers and invisible characters, fold every space kind to one space."""
    text = _COMMENT.sub(" ", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def parse_views(text: str | None) -> ViewsResult:
    """Read the count in a view-counter text; never guess: odd input gives a reasoned failure."""
    if text is None:
        return ViewsResult(None, "no view text")
    clean = normalize_views_text(text)
    if not clean:
        return ViewsResult(None, "empty view text")
    if len(clean) > MAX_VIEWS_TEXT:
        return ViewsResult(None, f"not a view counter: {len(clean)} characters (limit {MAX_VIEWS_TEXT})")
    if not any(ch.isdigit() for ch in clean):
        return ViewsResult(None, f"no digits in view text {clean!r}")
    match = _VIEWS.match(clean)
    if match is None:
        return ViewsResult(None, f"not a view counter: {clean!r}")
    if match["pre"] and match["post"]:
        return ViewsResult(None, f"count word on both sides: {clean!r}")
    if match["sign"]:
        return ViewsResult(None, f"negative view count: {clean!r}")
    number = match["num"].strip()
    result = _abbreviated(number, match["suffix"]) if match["suffix"] else _exact(number)
    if result.value is not None and result.value > MAX_VIEWS:
        return ViewsResult(None, f"implausibly large view count {result.value} from {clean!r}")
    return result


def _exact(number: str) -> ViewsResult:
    """Read a full count: plain digits or digit groups of three with one kind of separator."""
    if number.isdigit():
        return ViewsResult(int(number))
    if _GROUPED.match(number):
        return ViewsResult(int(re.sub(r"\D", "", number)))
    return ViewsResult(None, f"ambiguous number {number!r}: neither plain digits nor groups of three")


def _abbreviated(number: str, suffix: str) -> ViewsResult:
    """Read "12,5 тис." / "1.2K": a decimal times a multiplier, flagged approximate."""
    decimal = _DECIMAL.match(number.replace(" ", ""))
    if decimal is None:
        return ViewsResult(None, f"unreadable abbreviated count {number!r}{suffix!r}")
    scale = _MULTIPLIERS[suffix.rstrip(".").lower()]
    frac = decimal["frac"] or ""
    # Integer arithmetic: "12,5" * 1000 = (125 * 1000) // 10, no float rounding.
    value = int(decimal["int"] + frac) * scale // 10 ** len(frac)
    return ViewsResult(value, approximate=True)
