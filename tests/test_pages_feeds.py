"""Feeds and sitemaps of any site: RSS 2.0, Atom, sitemap indexes, Google News, gzip, and bad input."""

from __future__ import annotations

import gzip

import pytest
from lxml import etree

from newsbot.pages.feeds import MAX_XML_BYTES, FeedError, gunzip, parse_feed, parse_sitemap, parse_xml

RSS = b"""<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>
<item><title>\xcf\xf0\xe8\xe2\xb3\xf2</title><link> /news/1 </link>
<pubDate>Fri, 14 Nov 2025 08:00:00 +0200</pubDate></item>
<item><title>By guid</title><guid>https://site.example/news/2</guid><dc:date>2025-11-14T07:00:00Z</dc:date></item>
<item><title>No link</title><guid isPermaLink="false">id-3</guid></item>
</channel></rss>"""


def test_rss_items_with_relative_links_guids_and_a_declared_encoding() -> None:
    feed = parse_feed(RSS, "https://site.example/rss.xml")
    assert feed.kind == "rss"
    assert [(x.url, x.title, x.published_raw) for x in feed.links()] == [
        ("https://site.example/news/1", "Привіт", "Fri, 14 Nov 2025 08:00:00 +0200"),
        ("https://site.example/news/2", "By guid", "2025-11-14T07:00:00Z"),
    ]


ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title type="html">A &amp; B</title><link rel="edit" href="/edit/1"/><link href="/a/1"/>
<published>2025-11-13T10:00:00Z</published><updated>2025-11-13T12:00:00Z</updated></entry>
<entry><title>Only updated</title><link rel="alternate" type="text/html" href="https://site.example/a/2"/>
<updated>2025-11-12T10:00:00Z</updated></entry>
<entry><title>No page</title><link rel="enclosure" href="/a.mp3"/></entry>
</feed>"""


def test_atom_entries_take_the_alternate_link_published_and_updated() -> None:
    feed = parse_feed(ATOM, "https://site.example/feed.atom")
    assert feed.kind == "atom"
    assert [(x.url, x.title, x.published_raw, x.modified_raw) for x in feed.links()] == [
        ("https://site.example/a/1", "A & B", "2025-11-13T10:00:00Z", "2025-11-13T12:00:00Z"),
        ("https://site.example/a/2", "Only updated", None, "2025-11-12T10:00:00Z"),
    ]


INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://site.example/s1.xml</loc><lastmod>2025-11-01</lastmod></sitemap>
<sitemap><loc>/s2.xml.gz</loc></sitemap><sitemap><loc>  </loc></sitemap>
</sitemapindex>"""


def test_a_sitemap_index_lists_its_sitemaps() -> None:
    sitemap = parse_sitemap(INDEX, "https://site.example/sitemap.xml")
    assert (sitemap.kind, sitemap.links()) == ("sitemapindex", [])
    assert sitemap.sitemaps == ("https://site.example/s1.xml", "https://site.example/s2.xml.gz")


NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://site.example/a/1</loc><lastmod>2025-11-14T09:00:00Z</lastmod>
<news:news><news:publication><news:name>S</news:name><news:language>uk</news:language></news:publication>
<news:publication_date>2025-11-14T08:00:00+02:00</news:publication_date><news:title>Новина</news:title></news:news></url>
<url><loc>https://site.example/a/2</loc><lastmod>2025-11-13</lastmod></url>
<url><lastmod>2025-11-13</lastmod></url>
</urlset>""".encode()


def test_google_news_publication_date_is_the_published_date_and_lastmod_the_modified() -> None:
    sitemap = parse_sitemap(NEWS, "https://site.example/news.xml")
    assert [(x.url, x.title, x.published_raw, x.modified_raw) for x in sitemap.links()] == [
        ("https://site.example/a/1", "Новина", "2025-11-14T08:00:00+02:00", "2025-11-14T09:00:00Z"),
        ("https://site.example/a/2", "", None, "2025-11-13"),
    ]


def test_a_gzip_sitemap_reads_as_the_plain_one() -> None:
    plain = parse_sitemap(NEWS, "https://site.example/news.xml")
    assert parse_sitemap(gzip.compress(NEWS), "https://site.example/news.xml.gz").links() == plain.links()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty document"),
        (b"   \n", "empty document"),
        (b"<html><body>Not found</body></html>", "not a sitemap (root element <html>)"),
        (b"\x1f\x8b\x08\x00broken", "broken gzip"),
        (b"\x00\x01\x02binary", "not XML"),
    ],
)
def test_broken_or_empty_sitemaps_raise_feed_error(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason.replace("(", "\\(").replace(")", "\\)")):
        parse_sitemap(body, "https://site.example/sitemap.xml")


def test_a_truncated_feed_keeps_the_items_before_the_cut() -> None:
    cut = RSS[: RSS.index(b"<item><title>By guid")]
    assert [x.url for x in parse_feed(cut, "https://site.example/rss.xml").links()] == [
        "https://site.example/news/1"
    ]


def test_a_feed_that_is_not_a_feed_says_so() -> None:
    with pytest.raises(FeedError, match="not an RSS or Atom feed \\(root element <urlset>\\)"):
        parse_feed(NEWS, "https://site.example/news.xml")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&secret;</title><link>https://site.example/x</link></item></channel></rss>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
<rss version="2.0"><channel><item><title>&lol6;</title><link>https://site.example/y</link></item></channel></rss>"""


def test_external_entities_are_not_read() -> None:
    (link,) = parse_feed(XXE, "https://site.example/rss.xml").links()
    assert "root:" not in link.title
    assert link.url == "https://site.example/x"


def test_nested_entities_are_not_expanded() -> None:
    # libxml2 stops at the amplification limit; what is kept is small, and no title holds the laughs.
    assert len(etree.tostring(parse_xml(LAUGHS))) < 1000
    assert all(len(x.title) < 100 for x in parse_feed(LAUGHS, "https://site.example/rss.xml").links())


def test_a_gzip_bomb_is_refused_past_the_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (MAX_XML_BYTES + 10) + b"</urlset>")
    with pytest.raises(FeedError, match="too large"):
        gunzip(bomb)
