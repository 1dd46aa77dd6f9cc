"""News spider: discover a site's articles from the feeds, sitemaps and listings its Site names."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsbot.accounting import FAILED, FOLLOWED, SKIPPED
from newsbot.items import NotModified, QuarantinedPage, RawPage
from newsbot.middlewares import ignored_reason, settle_request
from newsbot.pages import page_module, parse_page
from newsbot.pages.base import Link
from newsbot.pages.feeds import FeedError, parse_feed, parse_selector_listing, parse_sitemap
from newsbot.replay import FETCHED_AT
from newsbot.runs.revisit import (
    DEFAULT_SCHEDULE,
    PageStateStore,
    build_state_store,
    conditional_headers,
    is_due,
    parse_schedule,
    revisit_now,
)
from newsbot.sites import Edition, Listing, Site, SiteError, get_site
from newsbot.spiders import response_headers
from newsbot.urls import refuse_url

DISCOVERY = ("rss", "sitemap", "listing")  # start-point kinds, in the order a crawl asks for them
MAX_SITEMAP_DEPTH = 3  # sitemap index -> sitemap index -> urlset: deeper is a loop or a mistake


class SpiderArgumentError(ValueError):
    """A spider argument that cannot be used, with a message meant for the user."""


class NewsSpider(scrapy.Spider):
    """Crawl one news site described by a Site record (newsbot/sites/NAME.toml).

    Arguments (`scrapy crawl news -a name=value` or `newsbot crawl news --site NAME --arg name=value`):
      site          a shipped site's name, or the path of a site's .toml file
      feed, sitemap an RSS/Atom feed or a sitemap (index) URL: for a site with no file, or as well
      zone          time zone of the visible times of a site with no file (default UTC)
      lang          edition codes (comma-separated) or all (default all)
      since, until  dates (YYYY-MM-DD, the site's zone): skip links outside, stop paginating past `since`
      max_articles  stop scheduling articles after this many (default: no limit)
      discover      rss, sitemap, listing (comma-separated), both (rss,listing), all or none
                    (default: every kind the site has; none: only `urls`)
      max_pages     listing pages to follow per listing (default 3)
      urls          comma-separated article URLs to fetch as well (no discovery needed)

    Every article URL, listed or given, goes through the revisit policy (newsbot.runs.revisit): an
    archived article is fetched again only when due, with conditional-request headers. A crawl is
    named after its site (crawl_runs, layout alarms and Redis queues are kept per site).
    """

    name = "news"
    site_name: ClassVar[str | None] = None  # set by a subclass bound to one site (UnnSpider: "unn")
    default_discover: ClassVar[str | None] = None  # None: every kind the site has start points for

    def __init__(
        self,
        site: str | None = None,
        feed: str | None = None,
        sitemap: str | None = None,
        zone: str | None = None,
        lang: str = "all",
        since: str | None = None,
        until: str | None = None,
        max_articles: str | int | None = None,
        discover: str | None = None,
        max_pages: str | int = 3,
        urls: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if self.site_name and site and site != self.site_name:
            raise SpiderArgumentError(f"{self.name} crawls {self.site_name} only; for another site use news")
        self.site = _resolve_site(self.site_name or site, feed, sitemap, zone)
        if self.site_name is None:
            self.name = self.site.name  # runs, alarms and Redis keys are per site
        self.allowed_domains = list(self.site.domains)
        self.zone = ZoneInfo(self.site.zone)
        self.extra_feeds = _urls(feed, "feed")
        self.extra_sitemaps = _urls(sitemap, "sitemap")
        available = self._kinds()
        discover = discover or self.default_discover or ",".join(available)
        self.crawl_args = {
            k: v
            for k, v in dict(
                site=None if self.site_name else site,
                feed=feed,
                sitemap=sitemap,
                zone=zone,
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
        self.editions = _parse_editions(lang, tuple(self.site.editions))
        self.since = _parse_day(since, "since", self.zone)
        until_day = _parse_day(until, "until", self.zone)
        self.until = until_day + timedelta(days=1) if until_day else None  # inclusive day
        self.max_articles = _parse_positive(max_articles, "max_articles")
        self.max_pages = _parse_positive(max_pages, "max_pages") or 1
        self.discover = _parse_discover(discover, available)
        self.urls = [u.strip() for u in (urls or "").split(",") if u.strip()]
        # Links are checked against the editions asked for only where editions have URL prefixes.
        self._by_edition = any(e.prefixes for e in self.site.editions.values())
        # Listings travel in requests as an index into this list (requests may go through a shared
        # queue to another worker), so it holds every edition's, in file order, whatever `lang` is.
        self._listings: list[Listing] = [x for e in self.site.editions.values() for x in e.listings]
        self._scheduled: set[str] = set()
        self.page_state: PageStateStore | None = None  # None: fetch every URL (revisit policy off)
        self.revisit_schedule = DEFAULT_SCHEDULE
        self.revisit_now: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
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

    def _kinds(self) -> tuple[str, ...]:
        """Return the discovery kinds this crawl has start points for."""
        editions = list(self.site.editions.values())
        has = {
            "rss": bool(self.extra_feeds) or any(e.feeds for e in editions),
            "sitemap": bool(self.extra_sitemaps) or any(e.sitemaps for e in editions),
            "listing": any(e.listings for e in editions),
        }
        return tuple(kind for kind in DISCOVERY if has[kind])

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for code in self.editions:
            for request in self._edition_requests(self.site.editions[code]):
                yield request
        for url in self.extra_feeds if "rss" in self.discover else ():
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.discovery_failed)
        for url in self.extra_sitemaps if "sitemap" in self.discover else ():
            yield scrapy.Request(
                url, callback=self.parse_sitemap, cb_kwargs={"depth": 0}, errback=self.discovery_failed
            )
        for url in self.urls:
            for request in self._article_requests(url, check_edition=False):
                yield request

    def _edition_requests(self, edition: Edition) -> Iterator[scrapy.Request]:
        if "rss" in self.discover:
            for url in edition.feeds:
                yield scrapy.Request(url, callback=self.parse_feed, errback=self.discovery_failed)
        if "sitemap" in self.discover:
            for url in edition.sitemaps:
                yield scrapy.Request(
                    url, callback=self.parse_sitemap, cb_kwargs={"depth": 0}, errback=self.discovery_failed
                )
        if "listing" in self.discover:
            for listing in edition.listings:
                cb_kwargs = {"page": 1, "listing": self._listings.index(listing)}
                yield scrapy.Request(
                    listing.url,
                    callback=self.parse_listing,
                    cb_kwargs=cb_kwargs,
                    errback=self.discovery_failed,
                )

    # --- discovery -------------------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            feed = parse_feed(response.body, response.url)
        except FeedError as error:
            self._unreadable("feed", response, error)
            return
        links = feed.links()
        if feed.problem:
            self.logger.warning("feed %s: %s", response.url, feed.problem)
        yield from self._listed(links, response)
        self._discovered(response, len(links), "no items: an empty feed")

    def parse_sitemap(self, response: Response, depth: int = 0) -> Iterator[scrapy.Request]:
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except FeedError as error:
            self._unreadable("sitemap", response, error)
            return
        for child in sitemap.sitemaps:
            if depth + 1 > MAX_SITEMAP_DEPTH:
                self.logger.warning(
                    "sitemap %s not followed: deeper than %d indexes", child, MAX_SITEMAP_DEPTH
                )
                self._count("newsbot/discovery/sitemap_too_deep")
                continue
            yield scrapy.Request(
                child,
                callback=self.parse_sitemap,
                cb_kwargs={"depth": depth + 1},
                errback=self.discovery_failed,
            )
        yield from self._listed(sitemap.links(), response)
        self._discovered(
            response, len(sitemap.links()) + len(sitemap.sitemaps), "no entries: an empty sitemap"
        )

    def parse_listing(
        self, response: Response, page: int, listing: int | None = None
    ) -> Iterator[scrapy.Request]:
        # A request queued by a worker with another version of the site file may name no listing here.
        known = listing is not None and 0 <= listing < len(self._listings)
        found = self._read_listing(response, self._listings[listing] if known else None)  # type: ignore[index]
        past_since = False
        links = found.links()
        for link in links:
            when = self._when(link, response)
            past_since = past_since or (self.since is not None and when is not None and when < self.since)
            if self._inside(when) and self.site.is_article_url(link.url):
                yield from self._article_requests(link.url, listed=when)
        next_page = found.next_page()
        if next_page and page < self.max_pages and not past_since and not self._full():
            cb_kwargs = {"page": page + 1, "listing": listing}
            if self._followable(next_page):
                yield scrapy.Request(
                    next_page, callback=self.parse_listing, cb_kwargs=cb_kwargs, errback=self.discovery_failed
                )
        self._discovered(response, len(links))

    def _read_listing(self, response: Response, spec: Listing | None) -> Any:
        """Read a listing with the site's selectors, else with its page module's own listing reader."""
        module = page_module(self.site)
        headers = response_headers(response)
        has_selectors = spec is not None and (spec.links is not None or spec.next_page is not None)
        if not has_selectors and hasattr(module, "parse_listing"):
            return module.parse_listing(response.body, response.url, headers)  # type: ignore[union-attr]
        return parse_selector_listing(
            response.body,
            response.url,
            headers,
            links=spec.links if spec else None,
            next_page=spec.next_page if spec else None,
        )

    def _listed(self, links: list[Link], response: Response) -> Iterator[scrapy.Request]:
        for link in links:
            when = self._when(link, response)
            if self._inside(when) and self.site.is_article_url(link.url):
                # The revisit policy wants the newest date the entry shows: a change counts too.
                changed = self._when(link, response, link.modified_raw)
                listed = max((d for d in (when, changed) if d is not None), default=None)
                yield from self._article_requests(link.url, listed=listed)

    def _unreadable(self, what: str, response: Response, error: Exception) -> None:
        """Log and count a feed or sitemap that could not be read; its links are lost to this run."""
        self.logger.warning("%s %s not read: %s", what, response.url, error)
        self._count(f"newsbot/discovery/{what}_unreadable")
        self._settle(response.request, FAILED, f"{what} not read: {error}")

    def _discovered(self, response: Response, links: int, empty: str | None = None) -> None:
        """Settle a feed, sitemap or listing: followed when it listed links, failed (with why) when not."""
        if links:
            self._settle(response.request, FOLLOWED, f"{links} links")
            return
        reason = empty or f"no links: http {response.status}, {len(response.body)} bytes"
        self.logger.warning("%s yielded nothing: %s", response.url, reason)
        self._count("newsbot/discovery_failed")
        self._settle(response.request, FAILED, reason)

    def discovery_failed(self, failure: Failure) -> None:
        """A feed, sitemap or listing fetch that failed or was refused: settle it with the reason."""
        request = failure.request  # type: ignore[attr-defined]
        skipped = ignored_reason(failure)
        if skipped:
            self._settle(request, SKIPPED, skipped)
            return
        _, reason = failed_fetch(failure)
        self.logger.warning("%s not read: %s", request.url, reason)
        self._count("newsbot/discovery_failed")
        self._settle(request, FAILED, reason)

    def _followable(self, url: str) -> bool:
        refusal = refuse_url(url, self.allowed_domains or self.site.domains)
        if refusal:
            self.logger.info("not following %s: %s", url, refusal)
            self._count("newsbot/links_refused")
        return refusal is None

    def _settle(self, request: scrapy.Request | None, outcome: str, reason: str | None) -> None:
        # A response always carries its request in a callback; Scrapy types it as optional.
        if request is not None:
            settle_request(getattr(self, "crawler", None), request, outcome, reason)

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
            site=self.site,
        )

    def article_failed(self, failure: Failure) -> Iterator[QuarantinedPage]:
        """Keep a failed article fetch (HTTP error after retries) with its reason and bytes."""
        request = failure.request  # type: ignore[attr-defined]
        skipped = ignored_reason(failure)
        if skipped:  # robots.txt, a redirect loop: nothing was fetched, nothing to keep
            self.logger.info("article %s skipped: %s", request.url, skipped)
            self._settle(request, SKIPPED, skipped)
            return
        response, reason = failed_fetch(failure)
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
        if check_edition and self._by_edition and self.site.edition_of(url) not in self.editions:
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

    def _count(self, key: str) -> None:
        crawler = getattr(self, "crawler", None)  # absent when a test builds the spider alone
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key)

    def _full(self) -> bool:
        return self.max_articles is not None and len(self._scheduled) >= self.max_articles

    def _when(self, link: Link, response: Response, raw: str | None = None) -> datetime | None:
        """Read the date a link's entry shows (`raw`, else its publication date) in the site's zone."""
        raw = raw if raw is not None else link.published_raw
        if not raw:
            return None
        from newsbot.text.timestamps import parse_timestamp

        language = self.site.language_of(self.site.edition_of(link.url))
        first = next(iter(self.site.editions.values())).language
        result = parse_timestamp(
            raw, now=response.meta[FETCHED_AT], tz=self.zone.key, languages=[language or first]
        )
        return result.utc if result.ok else None

    def _inside(self, when: datetime | None) -> bool:
        """Tell whether a link dated `when` is inside since/until; an unreadable date is let in."""
        if when is None:
            return True
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)


def failed_fetch(failure: Failure) -> tuple[Response | None, str]:
    """Return the error response of a failed fetch (None when nothing answered) and why it failed."""
    response = failure.value.response if failure.check(HttpError) else None
    if response is not None:
        return response, f"http {response.status}"
    return None, f"fetch failed: {failure.getErrorMessage()}"


def _now() -> datetime:
    # Only for a fetch that failed before any response: the moment of the failure.
    return datetime.now(UTC)


_SLUG = re.compile(r"[^a-z0-9]+")


def _resolve_site(site: str | None, feed: str | None, sitemap: str | None, zone: str | None) -> Site:
    """Return the site a crawl is about: a shipped name, a .toml path, or one made from a feed's host."""
    if site:
        try:
            return get_site(site)
        except SiteError as error:
            raise SpiderArgumentError(str(error)) from None
    starts = _urls(feed, "feed") or _urls(sitemap, "sitemap")
    if not starts:
        raise SpiderArgumentError(
            "news needs -a site=NAME (or a site's .toml path), -a feed=URL or -a sitemap=URL"
        )
    start = starts[0]
    host = (urlsplit(start).hostname or "").lower().removeprefix("www.")
    try:
        ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise SpiderArgumentError(f"zone must be an IANA time zone like Europe/Kyiv (got {zone!r})") from None
    return Site(
        name=_SLUG.sub("-", host).strip("-"),
        domains=(host,),
        zone=zone or "UTC",
        editions={"und": Edition(code="und", language="und", prefixes=())},
        source=f"-a {'feed' if feed else 'sitemap'}={start}",
    )


def _urls(value: str | None, name: str) -> list[str]:
    found = [u.strip() for u in (value or "").split(",") if u.strip()]
    for url in found:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise SpiderArgumentError(f"{name} must be an http(s) URL (got {url!r})")
    return found


def _parse_editions(lang: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    if lang.strip().lower() == "all":
        return codes
    chosen = tuple(dict.fromkeys(p.strip().lower() for p in lang.split(",") if p.strip()))
    unknown = [p for p in chosen if p not in codes]
    if unknown or not chosen:
        raise SpiderArgumentError(f"lang must be {', '.join(codes)} or all (got {lang!r})")
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


def _parse_discover(value: str, available: tuple[str, ...]) -> tuple[str, ...]:
    """Read `discover` against the kinds of start points the site has."""
    text = value.strip().lower()
    if text == "none":
        return ()
    if text == "all":
        return available
    chosen = tuple(
        dict.fromkeys(p.strip() for p in text.replace("both", "rss,listing").split(",") if p.strip())
    )
    if not chosen or any(p not in available for p in chosen):
        both = ", both" if {"rss", "listing"} <= set(available) else ""
        raise SpiderArgumentError(
            f"discover must be {', '.join(available)}{both} or none (got {value!r})"
            if available
            else f"discover must be none: the site has no feeds, sitemaps or listings (got {value!r})"
        )
    return chosen
