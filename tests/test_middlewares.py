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


# --- meta refresh: Scrapy's redirects, reading only the first characters of the page -------------

FILLER = "<p>" + "Новини дня, " * 700 + "</p>"  # Cyrillic: two bytes a character in UTF-8
REFRESH = '<meta http-equiv="Refresh" content="0; url=/ua/news/next">'
PAGES = {
    "a refresh in the head": f"<html><head>{REFRESH}</head><body>{FILLER}</body></html>",
    "no refresh": f"<html><head><title>x</title></head><body>{FILLER}</body></html>",
    "a refresh inside a script is ignored": f"<html><head><script>'{REFRESH}'</script></head></html>",
    "a refresh past the first 4,096 characters": f"<html><body>{FILLER}{REFRESH}</body></html>",
    "a refresh with a <base>": f'<html><head><base href="https://other.ua/x/">{REFRESH}</head></html>',
    "a refresh spelled with an entity": REFRESH.replace("Refresh", "&#82;efresh"),
    "a short page": REFRESH,
}


def _response(body: bytes, content_type: str = "text/html; charset=utf-8"):
    from scrapy.http import HtmlResponse

    return HtmlResponse(url="https://unn.ua/news/a", body=body, headers={"Content-Type": content_type})


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("utf-8", "text/html; charset=utf-8"),
        ("cp1251", "text/html; charset=windows-1251"),
        ("utf-16", "text/html"),  # a BOM, no charset: Scrapy's inference
        ("utf-8", "text/html"),  # no charset anywhere: Scrapy's inference
    ],
)
def test_meta_refresh_reads_what_scrapy_reads(name: str, encoding: str, content_type: str) -> None:
    from scrapy.utils.response import get_meta_refresh

    from newsbot.middlewares import meta_refresh

    body = PAGES[name].encode(encoding)
    assert meta_refresh(_response(body, content_type)) == get_meta_refresh(_response(body, content_type))


def test_meta_refresh_finds_the_refresh_and_nothing_else() -> None:
    from newsbot.middlewares import meta_refresh

    assert meta_refresh(_response(PAGES["a refresh in the head"].encode())) == (
        0.0,
        "https://unn.ua/ua/news/next",
    )
    assert meta_refresh(_response(PAGES["a refresh past the first 4,096 characters"].encode())) == (
        None,
        None,
    )


def test_a_meta_refresh_page_is_redirected_and_the_body_left_undecoded() -> None:
    from scrapy import Request
    from scrapy.utils.misc import build_from_crawler
    from scrapy.utils.test import get_crawler

    from newsbot.middlewares import PrefixMetaRefreshMiddleware

    middleware = build_from_crawler(PrefixMetaRefreshMiddleware, get_crawler())
    request = Request("https://unn.ua/news/a")
    redirected = middleware.process_response(request, _response(PAGES["a refresh in the head"].encode()))
    assert isinstance(redirected, Request)
    assert redirected.url == "https://unn.ua/ua/news/next"
    page = _response(PAGES["no refresh"].encode())
    assert middleware.process_response(request, page) is page
    assert page._cached_ubody is None  # the whole page was not decoded to find that out
