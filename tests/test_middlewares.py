"""Retries wait longer each time, and a server's Retry-After is honoured within the cap."""

from __future__ import annotations

import pytest

from newsbot.middlewares import backoff_delay


@pytest.mark.parametrize(
    ("attempt", "retry_after", "expected"),
    [
        (1, None, 2.0),
        (2, None, 4.0),
        (3, None, 8.0),
        (10, None, 120.0),  # capped
        (1, "30", 30.0),  # the server asks for longer
        (3, "1", 8.0),  # our own backoff is longer
        (1, "600", 120.0),  # Retry-After is capped too
        (1, "Wed, 21 Oct 2015 07:28:00 GMT", 2.0),  # a date form is ignored, not misread
    ],
)
def test_backoff_delay(attempt: int, retry_after: str | None, expected: float) -> None:
    assert backoff_delay(attempt, base=2.0, cap=120.0, retry_after=retry_after) == expected
