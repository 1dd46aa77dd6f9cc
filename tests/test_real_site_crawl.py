"""A "site" made of real pages, crawled offline: the 181 pages of the article-extraction-benchmark
served under their own URLs, found through a generated sitemap and RSS feed, crawled by the `news`
spider into a real archive. Every page ends archived or quarantined with a reason; none is dropped.

The pages are read in place from ../shared/extdata and written only to the test's temporary folder
as replay fixtures (never into the project).
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pytest

from archive.db import open_archive
from newsbot.replay import save_fixture
from tests.support.crawl import newsbot
from tests.support.paths import EXTDATA

AEB = EXTDATA / "article-extraction-benchmark"
FETCHED = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)


def _site(tmp: Path) -> tuple[Path, Path, dict[str, str]]:
    """Write the site file and the replay folder; return them and {url: ground-truth key}."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    urls = {item["url"]: key for key, item in sorted(truth.items())}
    hosts = sorted({(urlsplit(url).hostname or "").lower() for url in urls})
    home = hosts[0]
    sitemap, feed = f"https://{home}/realpages-sitemap.xml", f"https://{home}/realpages-feed.xml"
    replay = tmp / "replay"
    in_sitemap = list(urls)[::2]
    in_feed = [url for url in urls if url not in set(in_sitemap)]
    for n, (url, key) in enumerate(urls.items()):
        body = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())
        headers = {"Content-Type": "text/html"}  # no charset: the page's own <meta> says it
        save_fixture(
            replay, url=url, status=200, headers=headers, body=body, fetched_at=FETCHED, name=f"p{n:03}"
        )
    entries = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in in_sitemap)
    urlset = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    items = "".join(
        f"<item><title>page {i}</title><link>{escape(u)}</link></item>" for i, u in enumerate(in_feed)
    )
    channel = f"<channel><title>real pages</title>{items}</channel>"
    rss = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">{channel}</rss>'
    for name, url, text, kind in (
        ("sitemap", sitemap, urlset, "application/xml"),
        ("feed", feed, rss, "application/rss+xml"),
    ):
        save_fixture(
            replay,
            url=url,
            status=200,
            headers={"Content-Type": kind},
            body=text.encode(),
            fetched_at=FETCHED,
            name=name,
        )
    site_file = tmp / "realpages.toml"
    site_file.write_text(
        'name = "realpages"\n'
        f"domains = {json.dumps(hosts, ensure_ascii=False)}\n"
        'zone = "UTC"\n\n'
        "[editions.en]\n"
        'language = "en"\n'
        'prefixes = [""]\n'
        f'feeds = ["{feed}"]\n'
        f'sitemaps = ["{sitemap}"]\n',
        encoding="utf-8",
    )
    return site_file, replay, {url: key for url, key in urls.items()}


def test_every_real_page_of_the_site_is_archived_or_quarantined_with_a_reason(tmp_path: Path) -> None:
    if not (AEB / "ground-truth.json").is_file():
        pytest.skip(f"{AEB} is absent: third-party test material is read in place from ../shared")
    site_file, replay, urls = _site(tmp_path)
    db = tmp_path / "archive.db"
    at = (FETCHED + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    args = [
        "crawl",
        "news",
        "--site",
        str(site_file),
        "--db",
        str(db),
        "--replay",
        str(replay),
        "--replay-at",
        at,
    ]
    done = newsbot(*args, "--log-file", str(tmp_path / "crawl.log"), "--json", timeout=900)
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
    summary = json.loads(done.stdout)
    assert summary["pages"] == len(urls) + 2  # every article page and the sitemap and the feed
    with open_archive(db, readonly=True) as archive:
        conn = archive.conn
        kept = {url for (url,) in conn.execute("SELECT url FROM raw_pages")}
        quarantined = dict(conn.execute("SELECT url, reason FROM quarantine"))
        layouts = dict(conn.execute("SELECT layout, count(*) FROM articles GROUP BY layout"))
        sites = {site for (site,) in conn.execute("SELECT DISTINCT site FROM articles")}
    assert set(urls) <= kept  # the bytes of every page are in the archive
    assert all(reason.strip() for reason in quarantined.values())
    # every page is accounted for: an article (new, or the same story as another page) or quarantined
    stored = summary["new"] + summary["changed"] + summary["unchanged"]
    assert stored + summary["quarantined"] == len(urls), summary
    assert summary["quarantined"] == len(set(quarantined) & set(urls))
    assert (sites, set(layouts)) == ({"realpages"}, {"generic"})
    assert layouts["generic"] >= 0.9 * len(urls)
    assert summary["generic"] == stored
