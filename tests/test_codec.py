"""Queue codec: items survive the trip through JSON exactly; bad messages come back with a reason."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbot.enrich import enrich_article
from newsbot.items import Article, CrossLink, NotModified, QuarantinedPage, RawPage, Teaser
from newsbot.pages import parse_page
from newsbot.runs.distributed.codec import decode_message, encode_event, encode_item
from tests.support.paths import fixtures_of_kind

FETCHED = datetime(2025, 11, 14, 6, 55, 0, 123456, tzinfo=UTC)


def full_article() -> Article:
    """An article with every field filled, nested items, non-UTF-8 page bytes and a float."""
    page = RawPage(
        url="https://unn.ua/news/x",
        status=200,
        headers={"Content-Type": "text/html; charset=windows-1251", "ETag": '"abc"'},
        body="Київ".encode("cp1251") + b"\x00\xff",
        fetched_at=FETCHED,
    )
    return Article(
        url="https://unn.ua/news/x",
        site="unn",
        edition="uk",
        layout="next",
        extractor_version="7",
        fetched_at=FETCHED,
        title="Атака дронів на Харків",
        lead="Лід",
        authors=["Олена", "Іван"],
        body_html="<p>Один</p><p>Два</p>",
        published_raw="13 листопада, 21:46",
        published_machine="2025-11-13T21:46",
        modified_raw=None,
        modified_machine=None,
        views_raw="• 41263 перегляди",
        tags=["Харків"],
        rubric="Події",
        alternates={"en": "https://unn.ua/en/news/x", "x-default": "https://unn.ua/news/x"},
        lang_hints={"html": "uk"},
        related=[
            Teaser(
                title="Інша новина",
                block="news-by-theme",
                url="https://unn.ua/news/y",
                views=18436,
                labels=["Photo"],
                published_utc=datetime(2025, 11, 12, 10, 0, tzinfo=UTC),
                problems={"published": "no date"},
            )
        ],
        page=page,
        paragraphs=["Один", "Два"],
        cross_links=[CrossLink(title="Читайте також", url=None, published_raw="02.04.24, 19:59", position=0)],
        views=41263,
        published_utc=datetime(2025, 11, 13, 19, 46, tzinfo=UTC),
        published_precision="minute",
        lang_declared="uk",
        lang_detected="uk",
        lang_confidence=0.97,
        lang_method="lingua",
        lang_mismatch=True,
        segment_langs={"title": "uk", "body": "uk"},
        problems={"modified": "absent"},
    )


def roundtrip(item):
    decoded = decode_message(encode_item(item, run="w1"))
    assert decoded.ok, decoded.error
    assert decoded.message.run == "w1"
    return decoded.message.item


def test_article_with_every_field_round_trips_exactly() -> None:
    article = full_article()
    assert roundtrip(article) == article


def test_page_bytes_come_back_byte_for_byte() -> None:
    article = full_article()
    back = roundtrip(article)
    assert back.page.body == "Київ".encode("cp1251") + b"\x00\xff"
    assert type(back.page) is RawPage
    assert type(back.related[0]) is Teaser
    assert type(back.cross_links[0]) is CrossLink


def test_page_bytes_travel_as_base64() -> None:
    message = json.loads(encode_item(full_article()))
    body = message["item"]["page"]["body"]
    assert base64.b64decode(body) == full_article().page.body


def test_times_keep_their_instant_microseconds_and_offset() -> None:
    kyiv = timezone(timedelta(hours=2))
    article = full_article()
    article.published_utc = datetime(2025, 11, 13, 21, 46, 0, 5, tzinfo=kyiv)
    back = roundtrip(article)
    assert back.published_utc == datetime(2025, 11, 13, 19, 46, 0, 5, tzinfo=UTC)
    assert back.published_utc.utcoffset() == timedelta(hours=2)
    assert back.fetched_at.microsecond == 123456


def test_quarantined_page_round_trips() -> None:
    page = QuarantinedPage(
        url="https://unn.ua/news/gone",
        reason="http 404",
        page=RawPage("https://unn.ua/news/gone", 404, {}, b"", FETCHED),
    )
    assert roundtrip(page) == page


def test_not_modified_answer_round_trips() -> None:
    answer = NotModified("https://unn.ua/en/news/x", datetime(2025, 11, 14, 7, 10, tzinfo=UTC))
    message = decode_message(encode_item(answer, run="r1")).message
    assert message is not None
    assert (message.kind, message.item) == ("not_modified", answer)


@pytest.mark.parametrize("fixture", fixtures_of_kind("article"), ids=lambda f: f.name)
def test_every_fixture_article_round_trips(fixture) -> None:
    article = parse_page(fixture.body(), fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers)
    assert isinstance(article, Article)
    enrich_article(article)
    assert roundtrip(article) == article


def test_run_event_keeps_its_data() -> None:
    data = {"spider": "unn", "args": {"lang": "uk"}, "started_at": "2025-11-14T06:55:00Z"}
    decoded = decode_message(encode_event("run_start", run="w1", data=data))
    assert decoded.ok
    assert (decoded.message.kind, decoded.message.run, decoded.message.data) == ("run_start", "w1", data)


def test_other_objects_are_refused_at_encoding() -> None:
    with pytest.raises(TypeError, match="Teaser"):
        encode_item(Teaser(title="t", block="b"))  # type: ignore[arg-type]


def _message(**item_changes) -> bytes:
    message = json.loads(encode_item(full_article()))
    message["item"].update(item_changes)
    return json.dumps(message).encode()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "JSONDecodeError"),
        (b"\x80abc", "UnicodeDecodeError"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"v": 2, "kind": "article"}', "unknown message format 2"),
        (b'{"v": 1, "kind": "teaser", "item": {}}', "unknown message kind 'teaser'"),
        (b'{"v": 1, "kind": "run_finish", "data": {}}', "run_finish needs a run"),
        (_message(views="12"), "item.views: expected int, got str"),
        (_message(fetched_at="2025-11-14T06:55:00"), "item.fetched_at: time without a UTC offset"),
        (_message(fetched_at="yesterday"), "Invalid isoformat string"),
        (_message(authors="Олена"), "item.authors: expected a list"),
        (_message(colour="red"), "item: unknown field 'colour'"),
        (_message(title=None), "item.title: expected str, got NoneType"),
        (
            _message(
                page={
                    "url": "u",
                    "status": 200,
                    "headers": {},
                    "body": "%%%",
                    "fetched_at": "2025-11-14T06:55:00Z",
                }
            ),
            "item.page.body: bad base64",
        ),
    ],
)
def test_bad_messages_give_a_reason_instead_of_raising(raw: bytes, reason: str) -> None:
    decoded = decode_message(raw)
    assert not decoded.ok
    assert reason in decoded.error


def test_a_missing_required_field_gives_a_reason() -> None:
    message = json.loads(encode_item(full_article()))
    del message["item"]["title"]
    decoded = decode_message(json.dumps(message))
    assert not decoded.ok
    assert "title" in decoded.error


@given(
    body=st.binary(max_size=200),
    title=st.text(max_size=50),
    headers=st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=3),
    views=st.none() | st.integers(min_value=0, max_value=10**9),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_any_text_bytes_and_offset_round_trip(body, title, headers, views, offset_minutes) -> None:
    zone = timezone(timedelta(minutes=offset_minutes))
    fetched = datetime(2024, 3, 31, 1, 30, tzinfo=zone)
    page = RawPage("https://unn.ua/news/h", 200, headers, body, fetched)
    article = Article(
        url="https://unn.ua/news/h",
        site="unn",
        edition="uk",
        layout="next",
        extractor_version="1",
        fetched_at=fetched,
        title=title,
        views=views,
        page=page,
    )
    assert roundtrip(article) == article
