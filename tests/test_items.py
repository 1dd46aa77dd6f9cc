"""The shared records' one ISO 8601 reader (newsbot.items.parse_iso / parse_instant)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from newsbot.items import NaiveTimeError, parse_instant, parse_iso, validators

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-11-20T10:30:00Z", datetime(2025, 11, 20, 10, 30, tzinfo=UTC)),
        ("2025-11-20T10:30:00z", datetime(2025, 11, 20, 10, 30, tzinfo=UTC)),
        (" 2025-11-20T10:30Z ", datetime(2025, 11, 20, 10, 30, tzinfo=UTC)),
        ("2025-11-20T12:30:00+02:00", datetime(2025, 11, 20, 10, 30, tzinfo=UTC)),
    ],
)
def test_parse_iso_reads_z_and_offsets(text: str, expected: datetime) -> None:
    assert parse_iso(text) == expected


def test_parse_iso_keeps_the_offset_the_text_gave() -> None:
    assert parse_iso("2025-11-20T12:30:00+02:00").utcoffset() == timedelta(hours=2)


def test_a_time_without_offset_gets_the_zone_asked_for() -> None:
    assert parse_iso("2025-11-20T10:30:00") == datetime(2025, 11, 20, 10, 30, tzinfo=UTC)
    assert parse_iso("2025-11-20T10:30:00", naive=KYIV) == datetime(2025, 11, 20, 8, 30, tzinfo=UTC)
    with pytest.raises(NaiveTimeError, match="without an offset"):
        parse_iso("2025-11-20T10:30:00", naive=None)


@pytest.mark.parametrize("text", ["yesterday", "", "2025-13-01T00:00Z"])
def test_unreadable_text_is_a_value_error_or_none(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso(text)
    assert parse_instant(text) is None


def test_parse_instant_is_utc() -> None:
    moment = parse_instant("2025-11-20T12:30:00+02:00")
    assert moment == datetime(2025, 11, 20, 10, 30, tzinfo=UTC) and moment.tzinfo is UTC
    assert parse_instant(None) is None
    assert parse_instant("2025-11-20T10:30:00") == datetime(2025, 11, 20, 10, 30, tzinfo=UTC)


def test_validators_match_header_names_case_insensitively() -> None:
    assert validators({"ETag": '"a1"', "last-modified": "Thu, 20 Nov 2025 10:00:00 GMT"}) == (
        '"a1"',
        "Thu, 20 Nov 2025 10:00:00 GMT",
    )
    assert validators({"Content-Type": "text/html", "ETag": ""}) == (None, None)


def test_story_text_keeps_subheads_in_reading_order_outside_the_paragraphs() -> None:
    from newsbot.items import Article, Subhead, story_blocks, story_text

    paragraphs = ["Lead sentence of the story.", "Second paragraph.", "Third paragraph."]
    subheads = [Subhead("Background", -1), Subhead("What comes next", 1)]
    assert story_blocks(paragraphs, subheads) == [
        "Background",
        "Lead sentence of the story.",
        "Second paragraph.",
        "What comes next",
        "Third paragraph.",
    ]
    article = Article(
        url="https://example.com/a",
        site="generic",
        edition="en",
        layout="generic",
        extractor_version="test",
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        title="T",
        paragraphs=paragraphs,
        subheads=subheads,
    )
    assert story_text(article).split("\n\n")[3] == "What comes next"
    assert article.paragraphs == paragraphs  # paragraph statistics still see paragraphs only
    assert story_blocks([], [Subhead("Only a heading", 0)]) == ["Only a heading"]
