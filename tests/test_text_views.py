"""Tests for newsbot.text.views: the view-counter parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbot.text.views import MAX_VIEWS, parse_views

# (text as a page shows it, count a reader would read, abbreviated?)
READABLE = [
    ("• 23713 переглядiв", 23713, False),  # 2024 layout, Latin "i" (seed)
    ("• 23713 переглядів", 23713, False),  # same with the Cyrillic "і"
    ("12588 перегляди", 12588, False),
    ("1 перегляд", 1, False),
    ("22 перегляди", 22, False),
    ("35469 views", 35469, False),
    ("1 view", 1, False),
    ("7168 Views", 7168, False),
    ("просмотров: 3375", 3375, False),
    ("Просмотров: 3375", 3375, False),
    ("3375 просмотров", 3375, False),
    ("21 просмотр", 21, False),
    ("2 просмотра", 2, False),
    (" 3375", 3375, False),  # old layout span.view, leading space
    ("3375", 3375, False),
    ("0", 0, False),
    ("3 375", 3375, False),
    ("3,375", 3375, False),
    ("3.375", 3375, False),  # dot as the thousands separator (uk/ru habit)
    ("3\u00a0375", 3375, False),  # no-break space
    ("3\u2009375", 3375, False),  # thin space
    ("3\u202f375 переглядів", 3375, False),  # narrow no-break space
    ("1 234 567 views", 1234567, False),
    ("1,234,567 views", 1234567, False),
    ("Views: 1,234", 1234, False),
    ("35469<!-- --> <!-- -->views", 35469, False),  # Next.js layout
    ("<!-- -->35469<!-- --> <!-- -->переглядів", 35469, False),
    ("• 2\u200b375 переглядів", 2375, False),  # zero-width space inside the number
    ("23\u00ad713 views", 23713, False),  # soft hyphen
    ("· 42 views", 42, False),
    ("12,5 тис.", 12500, True),
    ("12,5 тис. переглядів", 12500, True),
    ("1.2K", 1200, True),
    ("1.2k views", 1200, True),
    ("12 тыс.", 12000, True),
    ("12 тыс. просмотров", 12000, True),
    ("3 тис", 3000, True),
    ("2 млн переглядів", 2_000_000, True),
    ("1.5M views", 1_500_000, True),
]

UNREADABLE = [
    (None, "no view text"),
    ("", "empty"),
    ("   \u200b ", "empty"),
    ("переглядів", "no digits"),
    ("views", "no digits"),
    ("-5 views", "negative"),
    ("−12 переглядів", "negative"),
    ("99999999999 views", "implausibly large"),
    ("12,5", "ambiguous"),  # a fraction with no multiplier is not a count
    ("1 2 3", "ambiguous"),
    ("1,234.567", "ambiguous"),
    ("04:13 AM • 7168 views", "not a view counter"),  # a date is not part of the count
    ("3375 просмотров просмотров", "not a view counter"),
    ("просмотров: 5 просмотров", "both sides"),
    ("about 300 views", "not a view counter"),
]


@pytest.mark.parametrize(("text", "expected", "approximate"), READABLE)
def test_readable_forms(text: str, expected: int, approximate: bool) -> None:
    result = parse_views(text)
    assert result.ok, result.error
    assert result.value == expected
    assert result.approximate is approximate
    assert result.error is None


@pytest.mark.parametrize(("text", "reason"), UNREADABLE)
def test_unreadable_forms_fail_with_a_reason(text: str | None, reason: str) -> None:
    result = parse_views(text)
    assert not result.ok
    assert result.value is None
    assert result.error is not None and reason in result.error


def test_table_covers_at_least_thirty_forms() -> None:
    assert len(READABLE) >= 30


@given(st.text())
def test_never_raises_and_never_returns_nonsense(text: str) -> None:
    result = parse_views(text)
    if result.ok:
        assert result.value is not None and 0 <= result.value <= MAX_VIEWS
        assert result.error is None
    else:
        assert result.error


@given(st.integers(min_value=0, max_value=MAX_VIEWS))
def test_round_trips_every_plain_and_grouped_count(count: int) -> None:
    assert parse_views(f"{count} views").value == count
    assert parse_views(f"{count:,}").value == count
    assert parse_views(f"{count:,}".replace(",", "\u00a0") + " переглядів").value == count
