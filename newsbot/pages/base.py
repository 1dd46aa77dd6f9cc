"""Helpers shared by page objects: page guards, decoding, head metadata, JSON-LD, Article assembly."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urljoin

from parsel import Selector, SelectorList
from w3lib.encoding import html_to_unicode

from newsbot.items import Article, QuarantinedPage, RawPage, Teaser
from newsbot.pages.guard import MAX_DEPTH, nesting_depth, without_surrogates
from newsbot.sites import FieldSelector, Site
from newsbot.urls import accept_canonical

MAX_PAGE_BYTES = 5 * 1024 * 1024  # news article pages weigh 80-300 KB; anything past this is junk
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")

_SPACE = re.compile(r"[\s\u00a0\u2009\u202f]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero-width, BOM


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode page bytes by BOM, Content-Type header, <meta charset> and then a guess.

    UNN's old pages may be windows-1251; w3lib follows the same rules browsers do.
    """
    content_type = None
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            content_type = value
    _, text = html_to_unicode(content_type, body)
    return text


def clean_text(text: str | None) -> str:
    """Collapse whitespace (NBSP and thin spaces too) and drop soft hyphens and zero-width marks."""
    if not text:
        return ""
    # Invisible characters sit inside words ("опера\u00adційними"): delete them, never space them.
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def class_prefix(prefix: str) -> str:
    """Return an XPath predicate matching any element with a class starting with `prefix`.

    Next.js CSS modules append a build hash ("single-news-card_body__Qw9e1"), and an element may
    carry several classes, so `[class^=...]` alone would miss the second one.
    """
    return f"contains(concat(' ', normalize-space(@class)), ' {prefix}')"


class ClassIndex:
    """Elements by CSS-module class prefix, built in one pass over the tree.

    "single-news-card_body__Qw9e1" is filed under "single-news-card_body__". One pass costs about
    as much as one whole-document `contains(concat(...))` XPath scan, and a Next.js page object
    would otherwise make a dozen of those.
    """

    def __init__(self, sel: Selector) -> None:
        self._by_prefix: dict[str, list] = {}
        for element in sel.root.iter():
            classes = element.get("class") if isinstance(element.tag, str) else None
            for token in (classes or "").split():
                head, sep, _ = token.partition("__")
                if sep:
                    self._by_prefix.setdefault(head + "__", []).append(element)

    def all(self, prefix: str, tag: str | None = None) -> list[Selector]:
        """Return the elements carrying a class that starts with `prefix`, in document order."""
        return [
            Selector(root=e, type="html")
            for e in self._by_prefix.get(prefix, ())
            if tag is None or e.tag == tag
        ]


_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})


def _visible_text(element: Any) -> Iterator[str]:
    """Yield the text nodes under an lxml element, skipping scripts, styles and comments."""
    if element.text and isinstance(element.tag, str) and element.tag not in _NOT_TEXT:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _NOT_TEXT:
            yield from _visible_text(child)
        if child.tail:
            yield child.tail


def text_of(node: Selector | None) -> str:
    """Return the visible text of a node: all text descendants, whitespace collapsed."""
    if node is None:
        return ""
    root = node.root
    if isinstance(root, str):
        return clean_text(root)
    return clean_text(" ".join(_visible_text(root)))


def first(nodes: SelectorList | list[Selector]) -> Selector | None:
    """Return the first node of a query result, or None."""
    return nodes[0] if nodes else None


def first_text(nodes: SelectorList | list[Selector]) -> str | None:
    """Return the visible text of the first node of a query result, or None when empty."""
    return text_of(first(nodes)) or None


def inner_html(node: Selector) -> str:
    """Return the serialised children of a node (its inner HTML)."""
    return "".join(child.get() for child in node.xpath("./node()"))


def json_ld_objects(sel: Selector) -> Iterator[dict]:
    """Yield every JSON-LD object on the page, flattening lists and @graph."""
    for raw in sel.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # broken, or nested past the recursion limit
            continue
        if "\\u" in raw:  # a lone surrogate escape cannot be stored anywhere: replace it
            data = without_surrogates(data)
        yield from walk_json_ld(data)


def walk_json_ld(data: Any, wrappers: tuple[str, ...] = ("@graph",)) -> Iterator[dict]:
    """Yield every object of parsed JSON-LD in document order, flattening lists and `wrappers`."""
    stack = [data]
    while stack:
        obj = stack.pop()
        if isinstance(obj, list):
            stack.extend(reversed(obj))
        elif isinstance(obj, dict):
            yield obj
            for key in wrappers:
                inner = obj.get(key)
                if isinstance(inner, dict | list):
                    stack.extend(reversed(inner) if isinstance(inner, list) else [inner])


def json_ld_article(sel: Selector) -> dict:
    """Return the page's NewsArticle/Article JSON-LD object, or an empty dict."""
    for obj in json_ld_objects(sel):
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(k in ("NewsArticle", "Article", "ReportageNewsArticle") for k in kinds):
            return obj
    return {}


def meta_content(sel: Selector, name: str) -> str | None:
    """Return <meta property|name=NAME content> or None."""
    value = sel.xpath(f"//meta[@property='{name}' or @name='{name}']/@content").get()
    return clean_text(value) or None


def canonical_url(sel: Selector, url: str) -> str:
    """Return the page's canonical URL: <link rel=canonical>, og:url, else the fetched URL."""
    for value in (
        sel.xpath("//link[@rel='canonical']/@href").get(),
        meta_content(sel, "og:url"),
    ):
        if value:
            return urljoin(url, value.strip())
    return url


def hreflang_alternates(sel: Selector, url: str) -> dict[str, str]:
    """Return {language code: URL} from <link rel=alternate hreflang>, x-default left out."""
    out: dict[str, str] = {}
    for link in sel.xpath("//link[@rel='alternate'][@hreflang]"):
        code = (link.attrib.get("hreflang") or "").strip().lower()
        href = (link.attrib.get("href") or "").strip()
        if code and href and code != "x-default":
            out[code.split("-")[0]] = urljoin(url, href)
    return out


def language_hints(sel: Selector, json_ld: Mapping) -> dict[str, str]:
    """Return the languages the page declares: <html lang>, og:locale, JSON-LD inLanguage."""
    hints: dict[str, str] = {}
    html_lang = sel.xpath("/html/@lang").get() or sel.xpath("/html/@xml:lang").get()
    if html_lang and html_lang.strip():
        hints["html"] = html_lang.strip()
    locale = meta_content(sel, "og:locale")
    if locale:
        hints["og:locale"] = locale
    in_language = json_ld.get("inLanguage")
    if isinstance(in_language, str) and in_language.strip():
        hints["json-ld"] = in_language.strip()
    return hints


def json_ld_authors(json_ld: Mapping) -> list[str]:
    """Return author names from a JSON-LD article object."""
    author = json_ld.get("author")
    people = author if isinstance(author, list) else [author]
    names = []
    for person in people:
        name = person.get("name") if isinstance(person, dict) else person
        if isinstance(name, str) and clean_text(name):
            names.append(clean_text(name))
    return names


# --- page guards ----------------------------------------------------------------------------------


def binary_share(text: str) -> float:
    """Return the share of control and replacement characters: ~0 for HTML, ~10%+ for binary."""
    return len(_BINARY.findall(text)) / len(text) if text else 1.0


def raw_page(
    body: bytes, url: str, *, fetched_at: datetime, headers: Mapping[str, str] | None, status: int
) -> RawPage:
    """Wrap a fetched page's bytes as the archive keeps them."""
    return RawPage(url=url, status=status, headers=dict(headers or {}), body=body, fetched_at=fetched_at)


def page_text(body: bytes, headers: Mapping[str, str] | None) -> tuple[str, str | None]:
    """Decode a page for parsing, or say why it is no HTML page: (text, None) or ("", reason)."""
    if len(body) > MAX_PAGE_BYTES:
        return "", f"too large: {len(body)} bytes (limit {MAX_PAGE_BYTES})"
    text = decode_html(body, headers)
    binary = binary_share(text[:4096])
    if binary > 0.02:
        return "", f"not HTML: {binary:.0%} control or undecodable characters"
    return text, None


# --- the shared article page object -----------------------------------------------------------------


class ArticlePage:
    """Fields every article page has in its head (JSON-LD, OpenGraph); site layouts override the rest."""

    layout: ClassVar[str]
    marker: ClassVar[str]  # a string every page of the layout contains: a cheap first test

    def __init__(self, sel: Selector, url: str) -> None:
        self.sel = sel
        self.url = url
        self.json_ld = json_ld_article(sel)

    @classmethod
    def matches(cls, sel: Selector) -> bool:
        raise NotImplementedError

    # --- fields shared by every layout -------------------------------------------------------
    def canonical(self) -> str:
        return canonical_url(self.sel, self.url)

    def alternates(self) -> dict[str, str]:
        return hreflang_alternates(self.sel, self.url)

    def lang_hints(self) -> dict[str, str]:
        return language_hints(self.sel, self.json_ld)

    def _json_ld_text(self, key: str) -> str | None:
        value = self.json_ld.get(key)
        # UNN double-escapes entities inside JSON-LD strings ("&quot;с подачи Додона&quot;")
        return clean_text(html.unescape(value)) or None if isinstance(value, str) else None

    def title(self) -> str:
        return self._json_ld_text("headline") or meta_content(self.sel, "og:title") or ""

    def lead(self) -> str | None:
        return None

    def authors(self) -> list[str]:
        return json_ld_authors(self.json_ld)

    def body(self) -> Selector | None:
        return None  # a layout (or the site's `body` selector) says where the story is

    def published(self) -> tuple[str | None, str | None]:
        """Return (visible text, machine-readable value) of the publication time."""
        machine = self._json_ld_text("datePublished") or meta_content(self.sel, "article:published_time")
        return None, machine

    def modified(self) -> tuple[str | None, str | None]:
        machine = self._json_ld_text("dateModified") or meta_content(self.sel, "article:modified_time")
        return None, machine

    def views_raw(self) -> str | None:
        return None

    def tags(self) -> list[str]:
        return [clean_text(t) for t in self.sel.xpath("//meta[@property='article:tag']/@content").getall()]

    def rubric(self) -> str | None:
        return meta_content(self.sel, "article:section")

    def teasers(self) -> list[Teaser]:
        return []

    def _abs(self, href: str | None) -> str | None:
        return urljoin(self.url, href.strip()) if href and href.strip() else None


def select(sel: Selector, spec: FieldSelector) -> SelectorList:
    """Run a site's CSS or XPath selector."""
    return sel.css(spec.query) if spec.kind == "css" else sel.xpath(spec.query)


def _times(nodes: SelectorList, fallback: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
    """Read (visible text, machine value) of a time element a site's selector points at."""
    if not nodes:
        return fallback
    node = nodes[0]
    machine = node.attrib.get("datetime") or node.attrib.get("content") if hasattr(node, "attrib") else None
    return text_of(node) or None, machine or fallback[1]


def _texts(nodes: SelectorList) -> list[str]:
    return [t for t in (text_of(n) for n in nodes) if t]


# Field -> how a site's selector replaces the page object's value (`[selectors]` in its TOML file).
_OVERRIDES: dict[str, Callable[[SelectorList, Any], Any]] = {
    "title": lambda nodes, old: first_text(nodes) or old,
    "lead": lambda nodes, old: first_text(nodes) or old,
    "authors": lambda nodes, old: _texts(nodes) or old,
    "body": lambda nodes, old: first(nodes) if nodes else old,
    "published": _times,
    "modified": _times,
    "views": lambda nodes, old: first_text(nodes) or old,
    "tags": lambda nodes, old: _texts(nodes) or old,
    "rubric": lambda nodes, old: first_text(nodes) or old,
}


@dataclass(slots=True)
class _Fields:
    title: str
    lead: str | None
    authors: list[str]
    body: Selector | None
    published: tuple[str | None, str | None]
    modified: tuple[str | None, str | None]
    views: str | None
    tags: list[str]
    rubric: str | None


def page_fields(obj: ArticlePage, selectors: Mapping[str, FieldSelector]) -> _Fields:
    """Read every field of a page object, letting the site's selectors override any of them."""
    fields = _Fields(
        title=obj.title(),
        lead=obj.lead(),
        authors=obj.authors(),
        body=obj.body(),
        published=obj.published(),
        modified=obj.modified(),
        views=obj.views_raw(),
        tags=obj.tags(),
        rubric=obj.rubric(),
    )
    for name, spec in selectors.items():
        setattr(fields, name, _OVERRIDES[name](select(obj.sel, spec), getattr(fields, name)))
    return fields


def build_article(
    obj: ArticlePage, page: RawPage, text: str, *, site: Site, extractor_version: str
) -> Article | QuarantinedPage:
    """Assemble the Article a page object reads, or quarantine a page with no title or no body."""
    url = page.url
    fields = page_fields(obj, site.selectors)
    if not fields.title:
        return QuarantinedPage(url, f"no title ({obj.layout} layout)", page)
    if fields.body is None or not text_of(fields.body):
        return QuarantinedPage(url, f"no body ({obj.layout} layout)", page)
    canonical, refused = accept_canonical(obj.canonical(), url, sites=site.domains)
    published_raw, published_machine = fields.published
    modified_raw, modified_machine = fields.modified
    article = Article(
        url=canonical,
        site=site.name,
        edition=site.edition_of(canonical) or site.edition_of(url) or "und",
        layout=obj.layout,
        extractor_version=extractor_version,
        fetched_at=page.fetched_at,
        title=fields.title,
        lead=fields.lead,
        authors=fields.authors,
        body_html=inner_html(fields.body),
        published_raw=published_raw,
        published_machine=published_machine,
        modified_raw=modified_raw,
        modified_machine=modified_machine,
        views_raw=fields.views,
        tags=fields.tags,
        rubric=fields.rubric,
        alternates=obj.alternates(),
        lang_hints=obj.lang_hints(),
        related=obj.teasers(),
        page=page,
    )
    if refused:
        article.problems["url"] = refused
    if "</html>" not in text[-4096:].lower():
        # Seen on dropped connections: the body may be cut short, so keep it but say so.
        article.problems["page"] = "truncated: no closing </html>"
    return article


def parse_with(
    page_cls: type[ArticlePage],
    body: bytes,
    url: str,
    *,
    site: Site,
    extractor_version: str,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
) -> Article | QuarantinedPage:
    """Extract an article page with one page-object class: guards, parse, assemble."""
    page = raw_page(body, url, fetched_at=fetched_at, headers=headers, status=status)
    text, refused = page_text(body, headers)
    if refused:
        return QuarantinedPage(url, refused, page)
    sel = Selector(text=text)
    if nesting_depth(sel.root) > MAX_DEPTH:
        return QuarantinedPage(url, f"markup nested deeper than {MAX_DEPTH} levels", page)
    return build_article(page_cls(sel, url), page, text, site=site, extractor_version=extractor_version)


# --- discovery ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """An article link found on a listing page, in a feed or in a sitemap."""

    url: str
    title: str
    published_raw: str | None = None
    modified_raw: str | None = None  # Atom <updated>, sitemap <lastmod>: when the page last changed
