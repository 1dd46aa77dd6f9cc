"""Hand-built items for the archive tests: an article page as the pipelines would deliver it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from archive.db import open_archive
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


# --- a small scenario archive shared by the CLI and Datasette tests ----------------------

UK = "https://unn.ua/news/lavrov"
EN = "https://unn.ua/en/news/lavrov"
RU = "https://unn.ua/ru/news/lavrov"
BIDEN = "https://unn.ua/news/biden-xi"
ALTERNATES = {"uk": UK, "en": EN, "ru": RU}
SCENE_T1 = datetime(2024, 4, 9, 14, 0, tzinfo=UTC)
SCENE_T2 = datetime(2024, 4, 9, 18, 0, tzinfo=UTC)
SCENE_T3 = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)


def build_archive(path) -> None:
    """Three editions of one story, one older story they link to, and three failed pages."""
    archive = open_archive(path)
    lavrov_uk = dict(
        title="Лавров зустрівся з Ван Ї у Пекіні",
        edition="uk",
        paragraphs=["Україна засудила цю зустріч.", "Сторони говорили про співпрацю."],
        published_utc=datetime(2024, 4, 9, 12, 10, tzinfo=UTC),
        alternates=ALTERNATES,
    )
    archive.store_article(make_article(UK, views=100, fetched_at=SCENE_T1, **lavrov_uk))
    archive.store_article(
        make_article(
            EN,
            title="Lavrov met Wang Yi in Beijing",
            paragraphs=["Ukraine condemned the meeting.", "The sides discussed cooperation."],
            published_utc=datetime(2024, 4, 9, 12, 30, tzinfo=UTC),
            alternates=ALTERNATES,
            views=40,
            fetched_at=SCENE_T2,
            cross_links=[cross_link("Байден говорив із Сі", BIDEN, position=1)],
            related=[teaser("Лавров зустрівся з Ван Ї у Пекіні", UK, views=180)],
        )
    )
    lavrov_uk["title"] = "Лавров і Ван Ї у Пекіні"
    archive.store_article(make_article(UK, views=250, fetched_at=SCENE_T3, **lavrov_uk))
    archive.store_article(
        make_article(
            BIDEN,
            title="Байден говорив із Сі",
            edition="uk",
            paragraphs=["Розмова тривала дві години."],
            published_utc=datetime(2024, 4, 2, 16, 59, tzinfo=UTC),
            views=900,
            fetched_at=SCENE_T3,
        )
    )
    archive.store_article(
        make_article(
            RU,
            title="Лавров встретился с Ван И",
            edition="ru",
            paragraphs=["Встреча прошла в Пекине."],
            alternates=ALTERNATES,
            lang_detected="uk",
            lang_mismatch=True,
            problems={"published": "no date on the page"},
            fetched_at=SCENE_T3,
        )
    )
    archive.store_quarantine(quarantined("https://unn.ua/news/a", "no title"))
    archive.store_quarantine(quarantined("https://unn.ua/news/b", "no title"))
    archive.store_quarantine(quarantined("https://unn.ua/news/c", "empty body"))
    archive.close()
