"""UNN spider: discover articles from the editions' RSS feeds and listing pages, and fetch them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsbot.items import QuarantinedPage, RawPage
from newsbot.pages import parse_page
from newsbot.pages.unn import EDITIONS, Link, edition_from_url, parse_feed, parse_listing
from newsbot.replay import FETCHED_AT

BASE = "https://unn.ua"
FEEDS = {edition: f"{BASE}/rss/news_{edition}.xml" for edition in EDITIONS}
LISTINGS = {"uk": f"{BASE}/news", "en": f"{BASE}/en/news", "ru": f"{BASE}/ru/news"}
DISCOVERY = ("rss", "listing")


class SpiderArgumentError(ValueError):
    """A spider argument that cannot be used, with a message meant for the user."""


class UnnSpider(scrapy.Spider):
    """Crawl UNN in Ukrainian, English and Russian.

    Arguments (`scrapy crawl unn -a name=value` or `newsbot crawl unn --arg name=value`):
      lang          uk, en, ru or all (default all); a comma-separated list also works
      since, until  dates (YYYY-MM-DD, Kyiv time): skip links outside, stop paginating past `since`
      max_articles  stop scheduling articles after this many (default: no limit)
      discover      rss, listing, both or none (default "rss,listing"; none: only `urls`)
      max_pages     listing pages to follow per edition (default 3)
      urls          comma-separated article URLs to fetch as well (no discovery needed)
    """

    name = "unn"
    allowed_domains = ["unn.ua", "unn.com.ua"]  # noqa: RUF012 (Scrapy reads this class attribute)
    zone = ZoneInfo("Europe/Kyiv")

    def __init__(
        self,
        lang: str = "all",
        since: str | None = None,
        until: str | None = None,
        max_articles: str | int | None = None,
        discover: str = "rss,listing",
        max_pages: str | int = 3,
        urls: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.crawl_args = {
            k: v
            for k, v in dict(
                lang=lang,
                since=since,
                until=until,
                max_articles=max_articles,
                discover=discover,
                max_pages=max_pages,
                urls=urls,
            ).items()
            if v is not None
        }
        self.editions = _parse_editions(lang)
        self.since = _parse_day(since, "since", self.zone)
        until_day = _parse_day(until, "until", self.zone)
        self.until = until_day + timedelta(days=1) if until_day else None  # inclusive day
        self.max_articles = _parse_positive(max_articles, "max_articles")
        self.max_pages = _parse_positive(max_pages, "max_pages") or 1
        self.discover = _parse_discover(discover)
        self.urls = [u.strip() for u in (urls or "").split(",") if u.strip()]
        self._scheduled: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for edition in self.editions:
            if "rss" in self.discover:
                yield scrapy.Request(FEEDS[edition], callback=self.parse_feed)
            if "listing" in self.discover:
                yield scrapy.Request(LISTINGS[edition], callback=self.parse_listing, cb_kwargs={"page": 1})
        for url in self.urls:
            for request in self._article_requests(url, check_edition=False):
                yield request

    # --- discovery -------------------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        for link in parse_feed(response.body, response.url).links():
            if self._inside(self._when(link, response)):
                yield from self._article_requests(link.url)

    def parse_listing(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        listing = parse_listing(response.body, response.url, _headers(response))
        past_since = False
        for link in listing.links():
            when = self._when(link, response)
            past_since = past_since or (self.since is not None and when is not None and when < self.since)
            if self._inside(when):
                yield from self._article_requests(link.url)
        next_page = listing.next_page()
        if next_page and page < self.max_pages and not past_since and not self._full():
            yield scrapy.Request(next_page, callback=self.parse_listing, cb_kwargs={"page": page + 1})

    # --- articles --------------------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Any]:
        yield parse_page(
            response.body,
            response.url,
            fetched_at=response.meta[FETCHED_AT],
            headers=_headers(response),
            status=response.status,
        )

    def article_failed(self, failure: Failure) -> Iterator[QuarantinedPage]:
        """Keep a failed article fetch (HTTP error after retries) with its reason and bytes."""
        request = failure.request  # type: ignore[attr-defined]
        response = failure.value.response if failure.check(HttpError) else None
        reason = (
            f"http {response.status}"
            if response is not None
            else f"fetch failed: {failure.getErrorMessage()}"
        )
        self.logger.warning("article %s not stored: %s", request.url, reason)
        self.crawler.stats.inc_value("newsbot/article_fetch_failed")
        yield QuarantinedPage(
            url=request.url,
            reason=reason,
            page=RawPage(
                url=request.url,
                status=response.status if response is not None else 0,
                headers=_headers(response) if response is not None else {},
                body=response.body if response is not None else b"",
                fetched_at=request.meta.get(FETCHED_AT) or _now(),
            ),
        )

    def _article_requests(self, url: str, *, check_edition: bool = True) -> Iterator[scrapy.Request]:
        """Yield the request for an article URL unless it is a repeat, off-edition or over the limit."""
        if url in self._scheduled or self._full():
            return
        if check_edition and edition_from_url(url) not in self.editions:
            return
        self._scheduled.add(url)
        yield scrapy.Request(url, callback=self.parse_article, errback=self.article_failed)

    def _full(self) -> bool:
        return self.max_articles is not None and len(self._scheduled) >= self.max_articles

    def _when(self, link: Link, response: Response) -> datetime | None:
        if not link.published_raw:
            return None
        from newsbot.text.timestamps import parse_timestamp

        result = parse_timestamp(
            link.published_raw,
            now=response.meta[FETCHED_AT],
            tz=self.zone.key,
            languages=[edition_from_url(link.url) or "uk"],
        )
        return result.utc if result.ok else None

    def _inside(self, when: datetime | None) -> bool:
        """Tell whether a link dated `when` is inside since/until; an unreadable date is let in."""
        if when is None:
            return True
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


def _now() -> datetime:
    # Only for a fetch that failed before any response: the moment of the failure.
    return datetime.now(UTC)


def _parse_editions(lang: str) -> tuple[str, ...]:
    if lang.strip().lower() == "all":
        return EDITIONS
    chosen = tuple(dict.fromkeys(p.strip().lower() for p in lang.split(",") if p.strip()))
    unknown = [p for p in chosen if p not in EDITIONS]
    if unknown or not chosen:
        raise SpiderArgumentError(f"lang must be uk, en, ru or all (got {lang!r})")
    return chosen


def _parse_day(value: str | None, name: str, zone: ZoneInfo) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise SpiderArgumentError(f"{name} must be a date like 2025-11-13 (got {value!r})") from None
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def _parse_positive(value: str | int | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise SpiderArgumentError(f"{name} must be a positive whole number (got {value!r})")
    return number


def _parse_discover(value: str) -> tuple[str, ...]:
    if value.strip().lower() == "none":
        return ()
    chosen = tuple(p.strip().lower() for p in value.replace("both", "rss,listing").split(",") if p.strip())
    if not chosen or any(p not in DISCOVERY for p in chosen):
        raise SpiderArgumentError(f"discover must be rss, listing, both or none (got {value!r})")
    return chosen
