"""Discovery documents of any site: RSS 2.0 and Atom feeds, sitemaps (urlset, sitemapindex, Google News,
gzip) and listing pages read with a site's link and next-page selectors.

XML is parsed XXE-safe: no entity expansion, no DTD loading, no network, and no huge-tree mode, so a
billion-laughs document or an oversized text node is refused instead of eating memory; the prolog's
DOCTYPE is dropped first, so such a feed still yields its valid items. A feed gives at most
MAX_FEED_ITEMS links.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from newsbot.pages.base import Link, clean_text, decode_html, select, text_of
from newsbot.sites import FieldSelector

MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's limit for one uncompressed file
MAX_FEED_ITEMS = 2000  # links taken from one feed; UNN's carry 50-100 items (a 19 MB feed held 87,000)
# A document type declaration with its internal subset: feeds have no use for one, and its
# entity definitions are what a billion-laughs attack is made of (libxml2 gives up on the whole
# document at its amplification limit, valid items included). Bounded: no nested brackets.
_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]{0,500}(?:\[[^\]]{0,1000000}\])?\s{0,64}>", re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b"


class FeedError(ValueError):
    """A feed or sitemap that cannot be read, with the reason."""


def without_doctype(body: bytes) -> bytes:
    """Drop the document type declaration of the prolog (in its first 4 KiB), if there is one."""
    start = body[:4096].upper().find(b"<!DOCTYPE")
    if start < 0:
        return body
    declaration = _DOCTYPE.match(body, start)  # one attempt, at that position only
    return body[:start] + body[declaration.end() :] if declaration else body


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )


def gunzip(body: bytes, limit: int = MAX_XML_BYTES) -> bytes:
    """Return the bytes of a gzip file (sitemap.xml.gz), refusing more than `limit` uncompressed."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as error:
        raise FeedError(f"broken gzip: {error}") from None
    if len(out) > limit:
        raise FeedError(f"too large: more than {limit} bytes uncompressed")
    if not inflater.eof:
        raise FeedError("broken gzip: the file ends before its data does")
    return out


def parse_xml(body: bytes) -> etree._Element:
    """Parse a feed or sitemap (gzip or not) into an element tree, or raise FeedError."""
    data = without_doctype(gunzip(body))
    if len(data) > MAX_XML_BYTES:
        raise FeedError(f"too large: {len(data)} bytes (limit {MAX_XML_BYTES})")
    if not data.strip():
        raise FeedError("empty document")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise FeedError(f"not XML: {error}") from None
    if root is None:
        raise FeedError("not XML: no root element")
    return root


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in element if _local(c) == name), None)


def _child_text(element: etree._Element, name: str) -> str:
    found = _child(element, name)
    return clean_text("".join(found.itertext())) if found is not None else ""


@dataclass(frozen=True, slots=True)
class Feed:
    """The article links of an RSS 2.0 or Atom feed, in feed order."""

    url: str
    kind: str  # "rss" or "atom"
    entries: tuple[Link, ...]
    problem: str | None = None  # the feed was cut to MAX_FEED_ITEMS entries

    def links(self) -> list[Link]:
        return list(self.entries)


def _capped(url: str, kind: str, found: list[Link]) -> Feed:
    if len(found) > MAX_FEED_ITEMS:
        problem = f"feed cut to its first {MAX_FEED_ITEMS} of {len(found)} items"
        return Feed(url, kind, tuple(found[:MAX_FEED_ITEMS]), problem)
    return Feed(url, kind, tuple(found))


def parse_feed(body: bytes, url: str) -> Feed:
    """Read an RSS 2.0 or Atom feed; raise FeedError for anything else."""
    root = parse_xml(body)
    kind = _local(root)
    out: list[Link] = []
    if kind in ("rss", "RDF"):  # RSS 2.0 and RSS 1.0 both hold <item>s with <link> and <title>
        for item in root.iter():
            if _local(item) != "item":
                continue
            link = _child_text(item, "link") or _guid_link(item)
            if link:
                when = _child_text(item, "pubDate") or _child_text(item, "date") or None
                out.append(Link(urljoin(url, link), _child_text(item, "title"), when))
        return _capped(url, "rss", out)
    if kind == "feed":
        for entry in (e for e in root if _local(e) == "entry"):
            href = _atom_href(entry)
            if href:
                published = _child_text(entry, "published") or None
                updated = _child_text(entry, "updated") or None
                out.append(Link(urljoin(url, href), _child_text(entry, "title"), published, updated))
        return _capped(url, "atom", out)
    raise FeedError(f"not an RSS or Atom feed (root element <{kind}>)")


def _guid_link(item: etree._Element) -> str:
    guid = _child(item, "guid")
    if guid is None or (guid.get("isPermaLink") or "true").lower() == "false":
        return ""
    return clean_text(guid.text)


def _atom_href(entry: etree._Element) -> str:
    """Return an Atom entry's page: <link rel="alternate"> (rel absent means alternate)."""
    for link in (c for c in entry if _local(c) == "link"):
        if (link.get("rel") or "alternate") == "alternate" and link.get("href"):
            return link.get("href", "").strip()
    return ""


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A sitemap: page links (urlset) or further sitemaps (sitemapindex)."""

    url: str
    kind: str  # "urlset" or "sitemapindex"
    entries: tuple[Link, ...] = ()  # pages: news:publication_date as published, lastmod as modified
    sitemaps: tuple[str, ...] = field(default=())

    def links(self) -> list[Link]:
        return list(self.entries)


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """Read a sitemap, a sitemap index or a Google News sitemap (plain or gzip); FeedError otherwise."""
    root = parse_xml(body)
    kind = _local(root)
    if kind == "sitemapindex":
        children = [_child_text(s, "loc") for s in root if _local(s) == "sitemap"]
        return Sitemap(url, kind, sitemaps=tuple(urljoin(url, c) for c in children if c))
    if kind != "urlset":
        raise FeedError(f"not a sitemap (root element <{kind}>)")
    out: list[Link] = []
    for entry in (e for e in root if _local(e) == "url"):
        loc = _child_text(entry, "loc")
        if not loc:
            continue
        news = _child(entry, "news")  # Google News: <news:news><news:publication_date>...
        title = _child_text(news, "title") if news is not None else ""
        published = _child_text(news, "publication_date") if news is not None else ""
        lastmod = _child_text(entry, "lastmod")
        out.append(Link(urljoin(url, loc), title, published or None, lastmod or None))
    return Sitemap(url, kind, tuple(out))


def is_gzip(body: bytes) -> bool:
    """Tell whether bytes are a gzip file (a .xml.gz sitemap served without Content-Encoding)."""
    return body.startswith(_GZIP_MAGIC)


# --- listing pages read with a site's selectors -------------------------------------------------------


class SelectorListing:
    """A listing page whose article links and next page a site's TOML names by selector."""

    def __init__(
        self, sel: Selector, url: str, links: FieldSelector | None, next_page: FieldSelector | None
    ) -> None:
        self.sel = sel
        self.url = url
        self.links_selector = links
        self.next_selector = next_page

    def links(self) -> list[Link]:
        nodes = select(self.sel, self.links_selector) if self.links_selector else self.sel.xpath("//a[@href]")
        out: list[Link] = []
        for node in nodes:
            href = _href(node)
            if href:
                out.append(Link(urljoin(self.url, href), text_of(node)))
        return out

    def next_page(self) -> str | None:
        nodes = (
            select(self.sel, self.next_selector) if self.next_selector else self.sel.xpath("//a[@rel='next']")
        )
        href = next((h for h in (_href(n) for n in nodes) if h), None)
        return urljoin(self.url, href) if href else None


def _href(node: Selector) -> str | None:
    """Return the link a selected node stands for: its own href, an attribute value, or a child <a>."""
    root = node.root
    if isinstance(root, str):  # the selector picked an attribute or text (".../@href")
        return root.strip() or None
    href = node.attrib.get("href") or node.xpath(".//a/@href").get()
    return href.strip() if href and href.strip() else None


def parse_selector_listing(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    links: FieldSelector | None = None,
    next_page: FieldSelector | None = None,
) -> SelectorListing:
    """Wrap a listing page's bytes with the site's selectors (all links and rel=next without them)."""
    return SelectorListing(Selector(text=decode_html(body, headers)), url, links, next_page)
