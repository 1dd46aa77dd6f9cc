"""Hand-built items for the archive tests: an article page as the pipelines would deliver it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newsbot.items import Article, CrossLink, QuarantinedPage, RawPage, Teaser

FETCHED = datetime(2024, 4, 10, 8, 0, tzinfo=UTC)


def raw_page(url: str, fetched_at: datetime = FETCHED, body: bytes | None = None) -> RawPage:
    """Return the fetched bytes of a page at `url`."""
    return RawPage(
        url=url,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=body if body is not None else f"<html><body>{url}</body></html>".encode(),
        fetched_at=fetched_at,
    )


def make_article(
    url: str = "https://unn.ua/en/news/china-lavrov",
    *,
    title: str = "Chinese foreign minister meets with Lavrov",
    paragraphs: list[str] | None = None,
    edition: str = "en",
    fetched_at: datetime = FETCHED,
    **fields: Any,
) -> Article:
    """Return an Article with its page, filled like the split/timestamps/language stages do."""
    article = Article(
        url=url,
        site="unn",
        edition=edition,
        layout="y2024",
        extractor_version="test-1",
        fetched_at=fetched_at,
        title=title,
        paragraphs=paragraphs
        if paragraphs is not None
        else ["The foreign ministers met in Beijing.", "They discussed cooperation."],
        lang_declared=edition,
        lang_detected=edition,
        page=raw_page(url, fetched_at),
    )
    for name, value in fields.items():
        setattr(article, name, value)
    return article


def cross_link(title: str, url: str | None = None, position: int = 0, **fields: Any) -> CrossLink:
    """Return an inline read-also link."""
    return CrossLink(title=title, url=url, position=position, **fields)


def teaser(title: str, url: str | None = None, *, views: int | None = None, **fields: Any) -> Teaser:
    """Return a teaser of the "news-by-theme" block unless `block` says otherwise."""
    fields.setdefault("block", "news-by-theme")
    return Teaser(title=title, url=url, views=views, **fields)


def quarantined(url: str, reason: str, fetched_at: datetime = FETCHED) -> QuarantinedPage:
    """Return a page that could not be turned into an article."""
    return QuarantinedPage(url=url, reason=reason, page=raw_page(url, fetched_at, b"<html>?</html>"))
