"""newsbot.urls: what a crawl may follow, and which canonical URL a page may claim."""

from __future__ import annotations

import pytest

from newsbot.urls import accept_canonical, followable, refuse_url

UNN = ("unn.ua", "unn.com.ua")


@pytest.mark.parametrize(
    "url",
    [
        "https://unn.ua/news/x",
        "http://www.unn.com.ua/ru/news/1906059-x",
        "https://UNN.UA./en/news/x",
    ],
)
def test_http_links_on_the_allowed_hosts_are_followed(url: str) -> None:
    assert followable(url, UNN)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file://unn.ua/etc/passwd", "scheme 'file' is never followed"),
        ("FILE:///etc/passwd", "scheme 'file' is never followed"),
        ("ftp://unn.ua/news/x", "scheme 'ftp' is never followed"),
        ("s3://unn.ua/bucket", "scheme 's3' is never followed"),
        ("javascript:alert(1)", "scheme 'javascript' is never followed"),
        ("data:text/html,x", "scheme 'data' is never followed"),
        ("/news/x", "scheme 'none' is never followed"),
        ("https://evil.example/news/x", "offsite: host evil.example"),
        ("https://unn.ua.evil.example/", "offsite: host unn.ua.evil.example"),
        ("https://notunn.ua/", "offsite: host notunn.ua"),
        ("https://[::1/", "unparsable URL"),
        ("https://unn.ua/news/\x00x", "control character in URL"),
        ("https://unn.ua/" + "a" * 3000, "URL longer than 2048 characters"),
        ("https:///news/x", "no host in URL"),
    ],
)
def test_everything_else_is_refused_with_a_reason(url: str, why: str) -> None:
    assert (refuse_url(url, UNN) or "").startswith(why)


def test_a_canonical_url_is_accepted_only_for_the_same_page_on_the_same_site() -> None:
    page = "https://unn.ua/news/x?utm_source=rss"
    assert accept_canonical("https://unn.ua/news/x", page, sites=UNN) == ("https://unn.ua/news/x", None)
    assert accept_canonical("https://www.unn.com.ua/news/x/", page, sites=UNN)[1] is None
    assert accept_canonical(None, page, sites=UNN) == (page, None)
    for canonical, why in [
        ("https://unn.ua/news/another-article", "another page's URL"),
        ("https://evil.example/news/x", "not on the site of"),
        ("file://unn.ua/news/x", "scheme 'file' is never followed"),
    ]:
        key, reason = accept_canonical(canonical, page, sites=UNN)
        assert key == page and why in (reason or ""), canonical
