"""UNN spider: discover articles from the editions' RSS feeds and listing pages, and fetch them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsbot.accounting import FAILED, FOLLOWED, SKIPPED
from newsbot.items import NotModified, QuarantinedPage, RawPage
from newsbot.middlewares import ignored_reason, settle_request
from newsbot.pages import parse_page
from newsbot.pages.unn import EDITIONS, Link, edition_from_url, parse_feed, parse_listing
from newsbot.replay import FETCHED_AT
from newsbot.revisit import (
    DEFAULT_SCHEDULE,
    PageStateStore,
    build_state_store,
    conditional_headers,
    is_due,
    parse_schedule,
    revisit_now,
)
from newsbot.spiders import response_headers
from newsbot.urls import refuse_url

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

    Every article URL, listed or given, goes through the revisit policy (newsbot.revisit): an
    archived article is fetched again only when due, with conditional-request headers.
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
        self.page_state: PageStateStore | None = None  # None: fetch every URL (revisit policy off)
        self.revisit_schedule = DEFAULT_SCHEDULE
        self.revisit_now: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> UnnSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if settings.getbool("NEWSBOT_REVISIT_ENABLED", True):
            spider.revisit_schedule = parse_schedule(
                settings.get("NEWSBOT_REVISIT_SCHEDULE", DEFAULT_SCHEDULE)
            )
            spider.page_state = build_state_store(settings)
            crawler.signals.connect(spider._close_page_state, signal=signals.spider_closed)
        return spider

    def _close_page_state(self) -> None:
        close = getattr(self.page_state, "close", None)
        if close is not None:
            close()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for edition in self.editions:
            if "rss" in self.discover:
                yield scrapy.Request(FEEDS[edition], callback=self.parse_feed, errback=self.discovery_failed)
            if "listing" in self.discover:
                yield scrapy.Request(
                    LISTINGS[edition],
                    callback=self.parse_listing,
                    cb_kwargs={"page": 1},
                    errback=self.discovery_failed,
                )
        for url in self.urls:
            for request in self._article_requests(url, check_edition=False):
                yield request

    # --- discovery -------------------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        feed = parse_feed(response.body, response.url)
        links = feed.links()
        for link in links:
            when = self._when(link, response)
            if self._inside(when):
                yield from self._article_requests(link.url, listed=when)
        if links and feed.problem:
            self.logger.warning("%s: %s", response.url, feed.problem)
        self._discovered(response, len(links), feed.problem)

    def parse_listing(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        listing = parse_listing(response.body, response.url, response_headers(response))
        past_since = False
        links = listing.links()
        for link in links:
            when = self._when(link, response)
            past_since = past_since or (self.since is not None and when is not None and when < self.since)
            if self._inside(when):
                yield from self._article_requests(link.url, listed=when)
        next_page = listing.next_page()
        if next_page and page < self.max_pages and not past_since and not self._full():
            if self._followable(next_page):
                yield scrapy.Request(
                    next_page,
                    callback=self.parse_listing,
                    cb_kwargs={"page": page + 1},
                    errback=self.discovery_failed,
                )
        self._discovered(response, len(links))

    def _discovered(self, response: Response, links: int, problem: str | None = None) -> None:
        """Settle a feed or listing: followed when it listed links, failed (with why) when not."""
        if links:
            self._settle(response.request, FOLLOWED, f"{links} links")
            return
        reason = problem or f"no links: http {response.status}, {len(response.body)} bytes"
        self.logger.warning("%s yielded nothing: %s", response.url, reason)
        self._count("newsbot/discovery_failed")
        self._settle(response.request, FAILED, reason)

    def discovery_failed(self, failure: Failure) -> None:
        """A feed or listing fetch that failed or was refused: settle it with the reason."""
        request = failure.request  # type: ignore[attr-defined]
        skipped = ignored_reason(failure)
        if skipped:
            self._settle(request, SKIPPED, skipped)
            return
        response = failure.value.response if failure.check(HttpError) else None
        reason = f"http {response.status}" if response is not None else f"fetch failed: {failure.getErrorMessage()}"
        self.logger.warning("%s not read: %s", request.url, reason)
        self._count("newsbot/discovery_failed")
        self._settle(request, FAILED, reason)

    def _followable(self, url: str) -> bool:
        refusal = refuse_url(url, self.allowed_domains)
        if refusal:
            self.logger.info("not following %s: %s", url, refusal)
            self._count("newsbot/links_refused")
        return refusal is None

    # --- articles --------------------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            self._count("newsbot/revisit/not_modified")
            yield NotModified(response.url, response.meta[FETCHED_AT])
            return
        yield parse_page(
            response.body,
            response.url,
            fetched_at=response.meta[FETCHED_AT],
            headers=response_headers(response),
            status=response.status,
        )

    def article_failed(self, failure: Failure) -> Iterator[QuarantinedPage]:
        """Keep a failed article fetch (HTTP error after retries) with its reason and bytes."""
        request = failure.request  # type: ignore[attr-defined]
        skipped = ignored_reason(failure)
        if skipped:  # robots.txt, a redirect loop: nothing was fetched, nothing to keep
            self.logger.info("article %s skipped: %s", request.url, skipped)
            self._settle(request, SKIPPED, skipped)
            return
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
                headers=response_headers(response) if response is not None else {},
                body=response.body if response is not None else b"",
                fetched_at=request.meta.get(FETCHED_AT) or _now(),
            ),
        )

    def _article_requests(
        self, url: str, *, check_edition: bool = True, listed: datetime | None = None
    ) -> Iterator[scrapy.Request]:
        """Yield the request for an article URL unless it is a repeat, off-edition, over the limit
        or, already archived, not due yet (`listed`: the date its feed or listing entry shows)."""
        if url in self._scheduled or self._full() or not self._followable(url):
            return
        if check_edition and edition_from_url(url) not in self.editions:
            return
        known = self.page_state.get(url) if self.page_state is not None else None
        if known is not None and not is_due(
            known, now=self._revisit_now(), schedule=self.revisit_schedule, listed_modified=listed
        ):
            self._count("newsbot/revisit/not_due")
            return
        self._count("newsbot/revisit/" + ("new" if known is None else "due"))
        self._scheduled.add(url)
        headers = conditional_headers(known)
        yield scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            headers=headers,
            # A 304 answers a conditional request: let it reach parse_article instead of HttpError.
            meta={"handle_httpstatus_list": [304]} if headers else {},
        )

    def _revisit_now(self) -> datetime:
        if self.revisit_now is None:
            self.revisit_now = revisit_now(self.settings, self.crawler.stats.get_value("start_time"))
        return self.revisit_now

    def _settle(self, request: scrapy.Request, outcome: str, reason: str | None) -> None:
        settle_request(getattr(self, "crawler", None), request, outcome, reason)

    def _count(self, key: str) -> None:
        crawler = getattr(self, "crawler", None)  # absent when a test builds the spider alone
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key)

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
