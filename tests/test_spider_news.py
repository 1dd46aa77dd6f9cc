"""News spider: arguments, discovery from a Site record, and whole replay crawls of the test-only site.

Example News (tests/sites/examplenews.toml + tests/sites/examplenews/) is one TOML file, a fixture
folder and a page-object module for its byline only: crawled here through Scrapy's real engine
into a real archive, scheduled (twice, revisit policy) and through Redis like UNN.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import Request, Response, XmlResponse

from archive.db import open_archive
from newsbot.replay import FETCHED_AT
from newsbot.spiders.news import MAX_SITEMAP_DEPTH, NewsSpider, SpiderArgumentError
from tests.support.paths import REPO

SITE_FILE = REPO / "tests" / "sites" / "examplenews.toml"
SITE_FIXTURES = REPO / "tests" / "sites" / "examplenews"
BASE = "https://www.examplenews.example"
AT = "2025-11-14T09:00:00Z"  # an hour after the fixtures were fetched


def _spider(**kwargs: str) -> NewsSpider:
    return NewsSpider(site=str(SITE_FILE), **kwargs)


def _start(spider: NewsSpider) -> list[str]:
    async def urls() -> list[str]:
        return [request.url async for request in spider.start()]

    return asyncio.run(urls())


# --- arguments ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "news needs -a site=NAME"),
        ({"site": "nosuchsite"}, "no site named 'nosuchsite' \\(known: .*unn"),
        ({"site": "missing/site.toml"}, "missing/site.toml: cannot be read"),
        ({"feed": "ftp://example.org/feed"}, "feed must be an http\\(s\\) URL"),
        ({"feed": "https://example.org/feed", "zone": "Mars/Olympus"}, "zone must be an IANA time zone"),
        ({"site": str(SITE_FILE), "lang": "ru"}, "lang must be en, uk or all"),
        ({"site": str(SITE_FILE), "max_pages": "0"}, "max_pages must be a positive whole number"),
        (
            {"site": str(SITE_FILE), "discover": "podcast"},
            "discover must be rss, sitemap, listing, both or none",
        ),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs: dict, message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=message):
        NewsSpider(**kwargs)


def test_the_unn_spider_crawls_only_unn() -> None:
    from newsbot.spiders.unn import UnnSpider

    assert UnnSpider(site="unn").site.name == "unn"
    with pytest.raises(SpiderArgumentError, match="unn crawls unn only"):
        UnnSpider(site=str(SITE_FILE))


def test_a_site_file_gives_name_domains_and_every_kind_of_start_point() -> None:
    spider = _spider()
    assert spider.name == "examplenews"  # runs, alarms and Redis keys are kept per site
    assert spider.allowed_domains == ["examplenews.example"]
    assert spider.zone.key == "Europe/London"
    assert spider.discover == ("rss", "sitemap", "listing")
    assert _start(spider) == [f"{BASE}/en/feed.atom", f"{BASE}/en/latest", f"{BASE}/sitemap-index.xml"]
    assert _start(_spider(lang="uk")) == [f"{BASE}/sitemap-index.xml"]
    assert _start(_spider(discover="listing", urls=f"{BASE}/uk/2025/01/x")) == [
        f"{BASE}/en/latest",
        f"{BASE}/uk/2025/01/x",
    ]


def test_a_feed_alone_makes_a_site_from_its_host() -> None:
    spider = NewsSpider(feed="https://www.other-news.example/rss.xml", zone="Europe/Warsaw")
    assert (spider.name, spider.site.domains, spider.site.zone) == (
        "other-news-example",
        ("other-news.example",),
        "Europe/Warsaw",
    )
    assert spider.discover == ("rss",)
    assert _start(spider) == ["https://www.other-news.example/rss.xml"]
    assert spider.crawl_args["feed"] == "https://www.other-news.example/rss.xml"


def _xml(url: str, body: bytes) -> Response:
    request = Request(url, meta={FETCHED_AT: datetime(2025, 11, 14, 9, 0, tzinfo=UTC)})
    return XmlResponse(url, body=body, request=request)


INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.examplenews.example/sitemaps/deeper.xml</loc></sitemap></sitemapindex>"""


def test_sitemap_indexes_are_followed_only_to_the_depth_cap() -> None:
    spider = _spider()
    url = f"{BASE}/sitemap-index.xml"
    followed = list(spider.parse_sitemap(_xml(url, INDEX), depth=0))
    assert [(r.url, r.cb_kwargs["depth"]) for r in followed] == [(f"{BASE}/sitemaps/deeper.xml", 1)]
    assert list(spider.parse_sitemap(_xml(url, INDEX), depth=MAX_SITEMAP_DEPTH)) == []


def test_sitemap_links_outside_the_article_pattern_or_the_editions_are_skipped() -> None:
    body = gzip.compress(
        b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://www.examplenews.example/uk/2025/11/a-story</loc></url>
<url><loc>https://www.examplenews.example/en/2025/11/other-edition</loc></url>
<url><loc>https://www.examplenews.example/uk/tags/city</loc></url>
<url><loc>https://elsewhere.example/uk/2025/11/a-story</loc></url></urlset>"""
    )
    got = [r.url for r in _spider(lang="uk").parse_sitemap(_xml(f"{BASE}/s.xml.gz", body))]
    assert got == [f"{BASE}/uk/2025/11/a-story"]


def test_since_and_until_read_the_publication_date_not_lastmod() -> None:
    body = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://www.examplenews.example/uk/2025/10/edited-later</loc><lastmod>2025-11-13</lastmod></url>
<url><loc>https://www.examplenews.example/uk/2025/11/too-new</loc>
<news:news><news:publication_date>2025-11-13T10:00:00Z</news:publication_date></news:news></url></urlset>"""
    spider = _spider(lang="uk", until="2025-11-01")
    got = [r.url for r in spider.parse_sitemap(_xml(f"{BASE}/s.xml", body))]
    assert got == [f"{BASE}/uk/2025/10/edited-later"]  # a later edit is no later publication


def test_an_unreadable_feed_is_logged_and_schedules_nothing(caplog: pytest.LogCaptureFixture) -> None:
    spider = _spider()
    assert list(spider.parse_feed(_xml(f"{BASE}/en/feed.atom", b"<html><body>gone</body></html>"))) == []
    assert "not read: not an RSS or Atom feed (root element <html>)" in caplog.text


# --- whole crawls through the real engine --------------------------------------------------------------

ARTICLES = {
    f"{BASE}/en/2025/11/city-opens-new-bridge": ("en", "2025-11-13T14:30:00Z"),  # Atom feed
    f"{BASE}/en/2025/07/heatwave-warning-issued": ("en", "2025-07-02T08:15:00Z"),  # listing page 1
    f"{BASE}/en/2025/06/library-reopens-after-repairs": ("en", "2025-06-20T09:00:00Z"),  # listing page 2
    f"{BASE}/uk/2025/11/misto-vidkryvaie-novyi-mist": ("uk", "2025-11-13T16:30:00Z"),  # news sitemap
    f"{BASE}/uk/2025/10/u-parku-vysadyly-sto-derev": ("uk", "2025-10-28T11:00:00Z"),  # gzip sitemap
}
UK = [f"{BASE}/uk/2025/11/misto-vidkryvaie-novyi-mist"]
QUARANTINED = {
    f"{BASE}/en/2025/11/live-blog-placeholder": "no body (examplenews layout)",
    f"{BASE}/en/2025/11/story-taken-down": "http 404",  # in the feed, gone from the site
}


def newsbot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsbot", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def read(db: Path, sql: str) -> list[tuple]:
    with open_archive(db, readonly=True) as archive:
        return archive.conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[subprocess.CompletedProcess[str]]]:
    """Crawl Example News twice at the same replay clock, as cron would, into one archive."""
    db = tmp_path_factory.mktemp("examplenews") / "archive.db"
    args = ["crawl", "news", "--site", str(SITE_FILE), "--db", str(db), "--replay", str(SITE_FIXTURES)]
    runs = [newsbot(*args, "--replay-at", AT, "--log-file", str(db.with_suffix(f".{i}.log"))) for i in (1, 2)]
    return db, runs


def test_the_crawl_exits_ok_with_its_counts(crawled) -> None:
    _, (first, _) = crawled
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("crawl news run 1 finished: 13 pages, 5 new, 0 changed"), first.stdout
    assert first.stdout.rstrip().endswith("2 quarantined, 0 alarms -> ok")


def test_every_discovered_article_is_archived_in_the_sites_zone(crawled) -> None:
    db, _ = crawled
    rows = read(db, "SELECT url, site, edition, layout, published_utc FROM articles")
    assert {url: (edition, utc) for url, _, edition, _, utc in rows} == ARTICLES
    assert {(site, layout) for _, site, _, layout, _ in rows} == {("examplenews", "examplenews")}


def test_the_rest_is_quarantined_with_its_reason_and_nothing_is_dropped(crawled) -> None:
    db, _ = crawled
    assert dict(read(db, "SELECT url, reason FROM quarantine WHERE run_id = 1")) == QUARANTINED


def test_the_byline_module_and_the_toml_selectors_both_apply(crawled) -> None:
    db, _ = crawled
    ((authors, title, views),) = read(
        db,
        f"SELECT authors, title, views FROM articles WHERE url = '{next(iter(UK))}'",
    )
    assert json.loads(authors) == ["Олена Коваль", "Іван Бойко"]  # tests/sites/examplenews_pages.py
    assert (title, views) == ("Місто відкриває новий міст", 87)  # [selectors] title, views


def test_runs_are_recorded_under_the_site_with_their_arguments(crawled) -> None:
    db, _ = crawled
    rows = read(db, "SELECT spider, args, finish_reason FROM crawl_runs ORDER BY id")
    assert [(spider, reason) for spider, _, reason in rows] == [("examplenews", "finished")] * 2
    assert json.loads(rows[0][1])["site"] == str(SITE_FILE)


def test_the_second_run_fetches_no_archived_article_that_is_not_due(crawled) -> None:
    _, (_, second) = crawled
    assert second.returncode == 0, second.stderr
    assert " 0 new, 0 changed, 0 unchanged, 0 not modified, 5 not due," in second.stdout, second.stdout


def test_scrapy_crawl_news_takes_the_site_as_an_argument(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    run = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"site={SITE_FILE}", "-a", "lang=uk",
            "-s", f"NEWSBOT_ARCHIVE_PATH={db}", "-s", f"NEWSBOT_REPLAY_DIRS={SITE_FIXTURES}",
            "-s", "LOG_LEVEL=WARNING", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        ],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    uk = {url for url, (edition, _) in ARTICLES.items() if edition == "uk"}
    assert {url for (url,) in read(db, "SELECT url FROM articles")} == uk


@pytest.mark.redis
def test_a_redis_worker_and_the_writer_archive_the_same_articles(tmp_path: Path) -> None:
    from newsbot.runs.distributed.ingest import Writer
    from tests.support.redis_server import running_redis

    db = tmp_path / "redis.db"
    with running_redis(tmp_path) as redis:
        worker = newsbot(
            "worker", "news", "--redis", redis.url, "-a", f"site={SITE_FILE}",
            "--replay", str(SITE_FIXTURES), "--idle", "1", "--log-file", str(tmp_path / "worker.log"),
        )  # fmt: skip
        assert worker.returncode == 0, worker.stderr + (tmp_path / "worker.log").read_text()[-3000:]
        Writer(redis.client(), db).run(idle=0)
    rows = read(db, "SELECT url, edition, published_utc FROM articles")
    assert {url: (edition, utc) for url, edition, utc in rows} == ARTICLES
    assert dict(read(db, "SELECT url, reason FROM quarantine")) == QUARANTINED
    assert [spider for (spider,) in read(db, "SELECT spider FROM crawl_runs")] == ["examplenews"]
