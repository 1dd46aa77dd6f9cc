"""Hostile pages, links and redirects through a real replay crawl: each ends in one table or is
skipped with a reason, nothing outside http(s) on UNN's hosts is fetched, no page takes another's key.

Every hostile page is a repository fixture with one thing changed, as a broken or malicious page
would change it; the crawl is `newsbot crawl` over them (Scrapy's engine, the pipelines, SQLite).
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsbot.pages import parse_page
from newsbot.pages.guard import contained, without_surrogates
from newsbot.replay import load_fixture, save_fixture
from newsbot.text.budget import TimeBudgetExceeded, time_budget
from newsbot.text.views import mentions_views, parse_views
from tests.support.crawl import newsbot
from tests.support.paths import FIXTURES

NEXT = FIXTURES / "uk-next-kharkiv-drone-attack"
OTHER = FIXTURES / "uk-next-lviv-children-hospital"
FEED = FIXTURES / "en-rss"
WHEN = datetime(2025, 11, 14, 7, 0, tzinfo=UTC)
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _source() -> str:
    return (NEXT / "body.html").read_text(encoding="utf-8")


def _into_body(html: str, inserted: str) -> str:
    """Insert markup at the start of the article body container."""
    opening = re.search(r'<div class="single-news-card_body__\w+[^"]*"[^>]*>', html)
    assert opening is not None
    return html[: opening.end()] + inserted + html[opening.end() :]


def _page(name: str) -> str:
    return f"https://unn.ua/news/hostile-{name}"


def _save(root: Path, url: str, body: str | bytes, status: int = 200, headers: dict | None = None) -> None:
    data = body.encode("utf-8") if isinstance(body, str) else body
    save_fixture(root, url=url, status=status, headers=headers or HTML, body=data, fetched_at=WHEN)


def _redirect(root: Path, url: str, to: str) -> None:
    _save(root, url, b"", 301, {"Location": to, "Content-Type": "text/html"})


def hostile_site(root: Path) -> dict[str, str]:
    """Write the hostile fixtures; return {name: URL} of the article URLs to crawl."""
    src = _source()
    own = load_fixture(NEXT).url
    pages = {
        "deep": _into_body(src, "<div>" * 1200 + "<p>deep</p>" + "</div>" * 1200),
        "bold300": _into_body(src, "<p>" + "<b>" * 300 + "Bold story text that must be kept.</p>"),
        "ctrl-attr": _into_body(src, '<p a\x01b="1" \x0bc="2">Control bytes in attribute names.</p>'),
        "surrogate": src.replace('"name":"', '"name":"\\ud800', 1).replace("<h1", "<h1 data-x", 1),
        "digits": src.replace("41263<!-- -->", "4" * 40_000 + "<!-- -->", 1),
        "counter-int": src.replace("41263<!-- -->", "9" * 5_000 + "<!-- -->", 1),
        # A canonical URL pointing at another article fetched in the same crawl, and one off-site.
        "steals": src.replace(
            '<link rel="canonical" href="',
            f'<link rel="canonical" href="{load_fixture(OTHER).url}" data-old="',
            1,
        ),
        "offsite-canonical": src.replace(
            '<link rel="canonical" href="',
            '<link rel="canonical" href="https://evil.example/news/x" data-old="',
            1,
        ),
        "forbidden": src,
    }
    for name, html in pages.items():
        url = _page(name) if name != "forbidden" else "https://unn.ua/news/forbidden-by-robots"
        _save(root, url, html.replace(own, url))  # each copy names itself as canonical
    _save(
        root,
        "https://unn.ua/robots.txt",
        "User-agent: *\nDisallow: /news/forbidden\n",
        headers={"Content-Type": "text/plain"},
    )
    other = load_fixture(OTHER)
    _save(root, other.url, other.body())
    _redirect(root, _page("loop-a"), _page("loop-b"))
    _redirect(root, _page("loop-b"), _page("loop-a"))
    _redirect(root, _page("away"), "https://evil.example/news/away")
    _redirect(root, _page("to-file"), "file://unn.ua/etc/passwd")
    feed = (FEED / "body.html").read_text(encoding="utf-8")
    bad_items = "".join(
        f"<item><title>bad {i}</title><link>{link}</link></item>"
        for i, link in enumerate(
            [
                "file://unn.ua/en/news/passwd",
                "ftp://unn.ua/en/news/x",
                "s3://unn.ua/en/news/x",
                "https://evil.example/en/news/x",
            ]
        )
    )
    feed = feed.replace("<item>", bad_items + "<item>", 1)
    _save(root, load_fixture(FEED).url, feed, headers={"Content-Type": "application/rss+xml; charset=utf-8"})
    names = [*pages, "loop-a", "away", "to-file"]
    urls = {n: (_page(n) if n != "forbidden" else "https://unn.ua/news/forbidden-by-robots") for n in names}
    urls["other"] = other.url
    return urls


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    site = root / "site"
    urls = hostile_site(site)
    db = root / "a.db"
    run = newsbot(
        "crawl", "unn", "--db", str(db), "--replay", str(site), "--json",
        "-a", "lang=en", "-a", "discover=rss", "-a", f"urls={','.join(urls.values())}",
        "-s", "NEWSBOT_MAX_ERROR_RATE=1.0", "--log-file", str(root / "crawl.log"),
    )  # fmt: skip
    conn = sqlite3.connect(db)
    stats = json.loads(conn.execute("SELECT stats FROM crawl_runs").fetchone()[0])
    return {"run": run, "urls": urls, "conn": conn, "stats": stats, "log": (root / "crawl.log").read_text()}


def test_every_hostile_request_is_accounted_and_the_run_is_ok(hostile_crawl) -> None:
    run, stats = hostile_crawl["run"], hostile_crawl["stats"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr + hostile_crawl["log"]
    # The ledger ran; Scrapy's RemoteControl (a local port that runs posted Python code) did not.
    enabled = hostile_crawl["log"].split("Enabled extensions:", 1)[1].split("]", 1)[0]
    assert "newsbot.middlewares.AccountingExtension" in enabled
    assert "RemoteControl" not in enabled and "TelnetConsole" not in enabled
    assert stats["newsbot/accounting/unaccounted"] == 0
    assert stats["newsbot/accounting/lost"] == 0
    counted = sum(
        stats[f"newsbot/accounting/{o}"]
        for o in ("archived", "quarantined", "unchanged", "followed", "skipped", "failed")
    )
    assert counted == stats["newsbot/accounting/scheduled"]


def test_pages_that_break_the_parser_are_quarantined_with_a_reason(hostile_crawl) -> None:
    conn, urls = hostile_crawl["conn"], hostile_crawl["urls"]
    (reason,) = conn.execute("SELECT reason FROM quarantine WHERE url = ?", (urls["deep"],)).fetchone()
    assert reason == "markup nested deeper than 512 levels"
    (size,) = conn.execute(
        "SELECT r.size FROM quarantine q JOIN raw_pages r ON r.id = q.raw_page_id WHERE q.url = ?",
        (urls["deep"],),
    ).fetchone()
    assert size > 10_000  # kept with its bytes


def test_hostile_bodies_keep_their_text(hostile_crawl) -> None:
    conn, urls = hostile_crawl["conn"], hostile_crawl["urls"]
    text = dict(conn.execute("SELECT url, text FROM articles").fetchall())
    assert "Bold story text that must be kept." in text[urls["bold300"]]
    assert "Control bytes in attribute names." in text[urls["ctrl-attr"]]
    for name in ("surrogate", "digits", "counter-int"):
        assert "Харків" in text[urls[name]], name
    views = dict(conn.execute("SELECT url, views FROM articles").fetchall())
    assert views[urls["digits"]] is None and views[urls["counter-int"]] is None


def test_redirect_loops_offsite_redirects_and_robots_are_skipped_with_reasons(hostile_crawl) -> None:
    reasons = hostile_crawl["stats"]["newsbot/accounting/reasons"]
    assert reasons.get("skipped: redirect loop") == 1, reasons
    assert reasons.get("skipped: redirect off-site") == 1, reasons
    assert reasons.get("skipped: robots.txt") == 1, reasons
    assert set(reasons) == {"skipped: redirect loop", "skipped: redirect off-site", "skipped: robots.txt"}
    log = hostile_crawl["log"]
    assert "skipped https://unn.ua/news/hostile-loop-a: redirect loop" in log
    assert "skipped https://evil.example/news/away: redirect off-site" in log


def test_no_link_outside_http_on_unn_hosts_is_followed(hostile_crawl) -> None:
    conn, stats = hostile_crawl["conn"], hostile_crawl["stats"]
    stored = [u for (u,) in conn.execute("SELECT url FROM raw_pages")]
    assert all(u.startswith("https://unn.ua/") for u in stored), stored
    # file://, ftp:// and s3:// on unn.ua with article paths: refused by scheme (evil.example is
    # not one of the site's article URLs at all).
    assert stats["newsbot/links_refused"] == 3
    for scheme in ("file", "ftp", "s3"):
        assert f"not following {scheme}://unn.ua/" in hostile_crawl["log"]
    # A redirect to file:// is not followed either: the 301 itself is what the crawl keeps.
    (reason,) = conn.execute(
        "SELECT reason FROM quarantine WHERE url = ?", (hostile_crawl["urls"]["to-file"],)
    ).fetchone()
    assert reason == "http 301"


def test_a_canonical_url_never_takes_another_pages_article(hostile_crawl) -> None:
    conn, urls = hostile_crawl["conn"], hostile_crawl["urls"]
    other = load_fixture(OTHER)
    (title,) = conn.execute("SELECT title FROM articles WHERE url = ?", (other.url,)).fetchone()
    assert title == (other.expected() or {})["title"]
    assert conn.execute("SELECT count(*) FROM articles WHERE url = ?", (urls["steals"],)).fetchone() == (1,)
    assert conn.execute("SELECT count(*) FROM articles WHERE url LIKE '%evil.example%'").fetchone() == (0,)
    assert conn.execute(
        "SELECT count(*) FROM articles WHERE url = ?", (urls["offsite-canonical"],)
    ).fetchone() == (1,)


# --- the pure defences ------------------------------------------------------------------------------


def test_mentions_views_agrees_with_the_quadratic_regex_it_replaced() -> None:
    old = re.compile(r"\d.*(view|перегляд|просмотр)", re.IGNORECASE)
    samples = [
        "35469 views",
        "• 23713 переглядiв",
        "views 12",
        "13 листопада, 21:46",
        "12\nviews",
        "5VIEWS",
        "",
        "x",
    ]
    for text in samples:
        assert mentions_views(text) == bool(old.search(text)), text
    assert mentions_views("1" * 1_000_000) is False  # the old regex: about two weeks
    assert parse_views("4" * 1_000_000 + " views").error.startswith("not a view counter: 1000006 characters")


def test_a_time_budget_interrupts_python_code() -> None:
    with pytest.raises(TimeBudgetExceeded), time_budget(0.2):
        while True:
            pass


def test_contained_turns_any_page_object_failure_into_a_quarantine() -> None:
    def broken(body, url, **kwargs):
        raise ValueError("All strings must be XML compatible")

    page = contained(broken, b"<html>", "https://unn.ua/news/x", fetched_at=WHEN)
    assert page.reason == "extraction failed: ValueError: All strings must be XML compatible"
    assert page.page.body == b"<html>"


def test_lone_surrogates_from_json_are_replaced() -> None:
    assert without_surrogates({"a": ["\ud800x", "ok \U0001f600"]}) == {"a": ["\ufffdx", "ok \U0001f600"]}
    html = _source().replace('"headline":"', '"headline":"\\udc00', 1).replace("<h1", "<h2", 1)
    article = parse_page(html.encode(), _page("s"), fetched_at=WHEN)
    json.dumps(article.title, ensure_ascii=False).encode("utf-8")  # storable
