"""Hostile feeds: no entity expansion, any XML encoding, caps, and a feed that yields nothing fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsbot.pages.feeds import MAX_FEED_ITEMS, MAX_XML_BYTES, FeedError, parse_feed
from newsbot.replay import save_fixture
from tests.support.crawl import newsbot

FEED_URL = "https://unn.ua/rss/news_en.xml"
ITEM = "<item><title>{title}</title><link>https://unn.ua/en/news/{slug}</link></item>"


def rss(*items: str, head: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return f'{head}<rss version="2.0"><channel><title>UNN</title>{"".join(items)}</channel></rss>'


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    + "]>"
)


def test_a_billion_laughs_feed_expands_nothing_and_keeps_its_valid_item() -> None:
    body = rss(ITEM.format(title="&i;", slug="laughs"), ITEM.format(title="Valid", slug="valid"), head=LAUGHS)
    feed = parse_feed(body.encode(), FEED_URL)
    links = feed.links()
    assert [link.url for link in links] == ["https://unn.ua/en/news/laughs", "https://unn.ua/en/news/valid"]
    assert all(len(link.title) < 100 for link in links)  # 10^9 "a"s were never built


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_feed_is_decoded(encoding: str) -> None:
    text = rss(
        ITEM.format(title="Київ", slug="kyiv"), head=f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
    )
    body = ("\ufeff" + text).encode(encoding) if encoding != "utf-16" else text.encode("utf-16")
    (link,) = parse_feed(body, FEED_URL).links()
    assert (link.url, link.title) == ("https://unn.ua/en/news/kyiv", "Київ")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "empty document"),
        (
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            "not an RSS or Atom feed (root element <html>)",
        ),
        (b"Service temporarily unavailable", "not XML"),
        (b" " * (MAX_XML_BYTES + 1), "too large"),
    ],
    ids=["empty", "html-error-page", "text", "too-large"],
)
def test_a_document_that_is_not_a_feed_says_why(body: bytes, problem: str) -> None:
    with pytest.raises(FeedError) as raised:
        parse_feed(body, FEED_URL)
    assert str(raised.value).startswith(problem)


def test_an_empty_feed_has_no_links() -> None:
    assert parse_feed(rss().encode(), FEED_URL).links() == []


def test_a_huge_feed_is_cut_to_the_item_cap() -> None:
    body = rss(*(ITEM.format(title=f"t{i}", slug=f"n{i}") for i in range(MAX_FEED_ITEMS + 500)))
    feed = parse_feed(body.encode(), FEED_URL)
    assert len(feed.links()) == MAX_FEED_ITEMS
    assert feed.problem == f"feed cut to its first {MAX_FEED_ITEMS} of {MAX_FEED_ITEMS + 500} items"


def test_a_crawl_whose_feed_is_an_error_page_fails_with_the_reason(tmp_path: Path) -> None:
    site = tmp_path / "site"
    save_fixture(
        site,
        url=FEED_URL,
        status=200,
        headers={"Content-Type": "text/html"},
        body=b"<html><body><h1>Maintenance</h1></body></html>",
        fetched_at=datetime(2025, 11, 14, tzinfo=UTC),
    )
    log = tmp_path / "crawl.log"
    run = newsbot(
        "crawl", "unn", "--db", str(tmp_path / "a.db"), "--replay", str(site), "--json",
        "-a", "lang=en", "-a", "discover=rss", "--log-file", str(log),
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["failures"] == ["error rate 100% (1 of 1 pages) is above 20%"]
    assert f"feed {FEED_URL} not read: not an RSS or Atom feed (root element <html>)" in log.read_text()
