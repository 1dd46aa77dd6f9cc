"""UNN spider: the news spider bound to newsbot/sites/unn.toml (`scrapy crawl unn`, cron lines and run
history keep their name)."""

from __future__ import annotations

from newsbot.sites import get_site
from newsbot.spiders.news import NewsSpider, SpiderArgumentError

UNN = get_site("unn")
FEEDS = {code: edition.feeds[0] for code, edition in UNN.editions.items()}
LISTINGS = {code: edition.listings[0].url for code, edition in UNN.editions.items()}

__all__ = ["FEEDS", "LISTINGS", "SpiderArgumentError", "UnnSpider"]


class UnnSpider(NewsSpider):
    """Crawl UNN in Ukrainian, English and Russian.

    Arguments (`scrapy crawl unn -a name=value` or `newsbot crawl unn --arg name=value`):
      lang          uk, en, ru or all (default all); a comma-separated list also works
      since, until  dates (YYYY-MM-DD, Kyiv time): skip links outside, stop paginating past `since`
      max_articles  stop scheduling articles after this many (default: no limit)
      discover      rss, listing, both or none (default "rss,listing"; none: only `urls`)
      max_pages     listing pages to follow per edition (default 3)
      urls          comma-separated article URLs to fetch as well (no discovery needed)

    Every article URL, listed or given, goes through the revisit policy (newsbot.runs.revisit): an
    archived article is fetched again only when due, with conditional-request headers.
    """

    name = "unn"
    site_name = "unn"
    allowed_domains = list(UNN.domains)  # noqa: RUF012 (Scrapy reads this class attribute)
    default_discover = "rss,listing"
