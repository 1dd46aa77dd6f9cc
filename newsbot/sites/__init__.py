"""Sites as data: the `Site` record, read from one TOML file per site (shipped as package data).

A site file names what is true of one news site and nothing else: its domains, editions and their
languages, the zone its visible times are in, where articles are discovered (feeds, sitemaps,
listings), which paths are articles, and which page-object module reads its pages. Every fact is
written once, there; spiders and page objects read it from the record. No Scrapy import here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

GENERIC_PAGE_MODULE = "newsbot.pages.generic"  # the page object for a site that names none
# Fields a site may point a selector at (`[selectors]`): the page object's field methods.
SELECTOR_FIELDS = ("title", "lead", "authors", "body", "published", "modified", "views", "tags", "rubric")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class SiteError(ValueError):
    """A site file that cannot be used: the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class FieldSelector:
    """A CSS or XPath query for one field ("css:h1.title", "xpath://h1", or plain CSS)."""

    kind: str  # "css" or "xpath"
    query: str

    @classmethod
    def parse(cls, text: str) -> FieldSelector:
        kind, sep, query = text.partition(":")
        if sep and kind in ("css", "xpath"):
            return cls(kind, query.strip())
        return cls("css", text.strip())


@dataclass(frozen=True, slots=True)
class Listing:
    """A listing page to discover articles from: its URL, the article links, the next page."""

    url: str
    links: FieldSelector | None = None  # elements whose @href (or own href) are article links
    next_page: FieldSelector | None = None  # the element whose @href is the next listing page


@dataclass(frozen=True, slots=True)
class Edition:
    """One edition of a site: its language and the start points that list it."""

    code: str
    language: str
    prefixes: tuple[str, ...] = ()  # URL path prefixes of its pages ("/en"); "" matches every path
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[Listing, ...] = ()


@dataclass(frozen=True, slots=True)
class Site:
    """Everything newsbot knows about one news site, read from `sites/NAME.toml`."""

    name: str
    domains: tuple[str, ...]
    zone: str  # IANA zone of times the pages print without an offset
    editions: Mapping[str, Edition]
    article_pattern: re.Pattern[str] | None = None  # matched (re.search) against a URL's path
    page_module: str = GENERIC_PAGE_MODULE
    selectors: Mapping[str, FieldSelector] = field(default_factory=dict)
    source: str = ""  # the file it was read from, for messages

    def owns(self, url: str) -> bool:
        """Tell whether a URL is on one of the site's domains (or a subdomain of one)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def edition_of(self, url: str) -> str | None:
        """Return the edition whose path prefix a URL carries (the longest that fits), or None."""
        path = urlsplit(url).path or "/"
        best: tuple[int, str] | None = None
        for edition in self.editions.values():
            for prefix in edition.prefixes:
                fits = prefix == "" or path == prefix or path.startswith(prefix + "/")
                if fits and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), edition.code)
        return best[1] if best else None

    def is_article_url(self, url: str) -> bool:
        """Tell whether a URL is one of the site's article pages (any path, without a pattern)."""
        if not self.owns(url):
            return False
        return self.article_pattern is None or bool(self.article_pattern.search(urlsplit(url).path))

    def language_of(self, edition: str | None) -> str | None:
        """Return the language of an edition code, or None."""
        found = self.editions.get(edition or "")
        return found.language if found else None


def selector_problem(spec: FieldSelector) -> str | None:
    """Return why a CSS or XPath query cannot be used, or None when it compiles."""
    from cssselect.parser import SelectorError
    from lxml import etree
    from parsel.csstranslator import HTMLTranslator  # parsel's CSS: ::text and ::attr(name) too

    try:
        etree.XPath(HTMLTranslator().css_to_xpath(spec.query) if spec.kind == "css" else spec.query)
    except (SelectorError, etree.XPathSyntaxError) as error:
        return str(error) or type(error).__name__
    return None


# --- reading site files ---------------------------------------------------------------------------


def parse_site(data: Mapping[str, Any], source: str) -> Site:
    """Build a Site from a parsed TOML table; raise SiteError naming `source` and the key."""

    def fail(key: str, problem: str) -> SiteError:
        return SiteError(f"{source}: {key}: {problem}")

    def text(table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        value = table.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(where, "missing" if value is None else f"must be a non-empty string (got {value!r})")
        return value.strip()

    def strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(where, f"must be a list of strings (got {value!r})")
        return tuple(v.strip() for v in value)

    def urls(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        found = strings(table, key, where)
        for url in found:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise fail(where, f"{url!r} is not an http(s) URL")
        return found

    def selector(value: Any, where: str) -> FieldSelector:
        if not isinstance(value, str) or not value.strip():
            raise fail(where, f"must be a CSS or XPath selector string (got {value!r})")
        spec = FieldSelector.parse(value)
        problem = selector_problem(spec)
        if problem:
            raise fail(where, f"{spec.kind} {spec.query!r} does not compile: {problem}")
        return spec

    known = {"name", "domains", "zone", "editions", "article_pattern", "page", "selectors"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise fail(unknown[0], f"unknown key (known: {', '.join(sorted(known))})")
    name = text(data, "name", "name")
    assert name is not None
    if not _NAME.match(name):
        raise fail("name", f"must be a lowercase slug like 'unn' (got {name!r})")
    domains = tuple(d.lower().removeprefix("www.") for d in strings(data, "domains", "domains"))
    if not domains or not all(domains):
        raise fail("domains", "at least one domain is needed")
    zone = text(data, "zone", "zone")
    assert zone is not None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail("zone", f"{zone!r} is not an IANA time zone like 'Europe/Kyiv'") from None

    raw_editions = data.get("editions")
    if not isinstance(raw_editions, dict) or not raw_editions:
        raise fail("editions", "at least one [editions.CODE] table is needed")
    editions: dict[str, Edition] = {}
    for code, table in raw_editions.items():
        where = f"editions.{code}"
        if not isinstance(table, dict):
            raise fail(where, "must be a table")
        unknown = sorted(set(table) - {"language", "prefixes", "feeds", "sitemaps", "listings"})
        if unknown:
            raise fail(f"{where}.{unknown[0]}", "unknown key")
        listings = []
        raw_listings = table.get("listings", [])
        if not isinstance(raw_listings, list):
            raise fail(f"{where}.listings", "must be a list of tables or URLs")
        for i, item in enumerate(raw_listings):
            here = f"{where}.listings[{i}]"
            if isinstance(item, str):
                item = {"url": item}
            if not isinstance(item, dict):
                raise fail(here, "must be a URL or a table {url, links, next}")
            if sorted(set(item) - {"url", "links", "next"}):
                raise fail(f"{here}.{sorted(set(item) - {'url', 'links', 'next'})[0]}", "unknown key")
            (url,) = urls({"url": [text(item, "url", f"{here}.url")]}, "url", f"{here}.url")
            links = selector(item["links"], f"{here}.links") if "links" in item else None
            nxt = selector(item["next"], f"{here}.next") if "next" in item else None
            listings.append(Listing(url, links, nxt))
        prefixes = strings(table, "prefixes", f"{where}.prefixes")
        bad = [p for p in prefixes if p and (not p.startswith("/") or p.endswith("/"))]
        if bad:
            raise fail(
                f"{where}.prefixes", f"{bad[0]!r}: a path prefix starts with / and does not end with /"
            )
        editions[code] = Edition(
            code=code,
            language=text(table, "language", f"{where}.language") or "",
            prefixes=prefixes,
            feeds=urls(table, "feeds", f"{where}.feeds"),
            sitemaps=urls(table, "sitemaps", f"{where}.sitemaps"),
            listings=tuple(listings),
        )

    pattern_text = text(data, "article_pattern", "article_pattern", required=False)
    try:
        pattern = re.compile(pattern_text) if pattern_text else None
    except re.error as error:
        raise fail("article_pattern", f"not a regular expression: {error}") from None
    raw_selectors = data.get("selectors", {})
    if not isinstance(raw_selectors, dict):
        raise fail("selectors", "must be a table of field = selector")
    selectors = {}
    for key, value in raw_selectors.items():
        if key not in SELECTOR_FIELDS:
            raise fail(f"selectors.{key}", f"unknown field (known: {', '.join(SELECTOR_FIELDS)})")
        selectors[key] = selector(value, f"selectors.{key}")
    return Site(
        name=name,
        domains=domains,
        zone=zone,
        editions=editions,
        article_pattern=pattern,
        page_module=text(data, "page", "page", required=False) or GENERIC_PAGE_MODULE,
        selectors=selectors,
        source=source,
    )


def read_site_file(path: Path | str, text: str | None = None) -> Site:
    """Read one site file; a TOML syntax error or a bad value raises SiteError naming the file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8") if text is None else text)
    except tomllib.TOMLDecodeError as error:
        raise SiteError(f"{path}: not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SiteError(f"{path}: cannot be read: {error}") from None
    site = parse_site(data, str(path))
    if site.name != path.stem:
        raise SiteError(f"{path}: name: {site.name!r} must match the file name {path.stem!r}")
    if site.page_module.endswith(".py"):
        # A page module given as a file beside the TOML (a site kept outside the package):
        # resolved here, so the crawl finds it whatever the working directory or sys.path.
        module_file = (path.parent / site.page_module).resolve()
        if not module_file.is_file():
            raise SiteError(f"{path}: page: no such file {module_file}")
        site = replace(site, page_module=str(module_file))
    return site


@cache
def _shipped() -> dict[str, Site]:
    found: dict[str, Site] = {}
    folder = resources.files(__name__)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            site = read_site_file(Path(str(entry)), entry.read_text(encoding="utf-8"))
            found[site.name] = site
    return found


def load_sites(*extra: Path | str) -> dict[str, Site]:
    """Return the shipped sites by name, plus the site files in `extra` (files or folders)."""
    sites = dict(_shipped())
    for where in extra:
        where = Path(where)
        files = sorted(where.glob("*.toml")) if where.is_dir() else [where]
        for path in files:
            site = read_site_file(path)
            sites[site.name] = site
    return sites


def get_site(name_or_path: str) -> Site:
    """Return a shipped site by name, or the site in a .toml file; SiteError names what is known."""
    if name_or_path.endswith(".toml"):
        return read_site_file(name_or_path)
    sites = load_sites()
    if name_or_path not in sites:
        raise SiteError(f"no site named {name_or_path!r} (known: {', '.join(sorted(sites))})")
    return sites[name_or_path]


def site_for_url(url: str, sites: Iterable[Site] | None = None) -> Site | None:
    """Return the site a URL belongs to (the longest matching domain wins), or None."""
    best: tuple[int, Site] | None = None
    host = (urlsplit(url).hostname or "").lower()
    for site in _shipped().values() if sites is None else sites:
        for domain in site.domains:
            if (host == domain or host.endswith("." + domain)) and (best is None or len(domain) > best[0]):
                best = (len(domain), site)
    return best[1] if best else None


def site_zones(overrides: Mapping[str, str] | None = None, extra: Iterable[Site] = ()) -> dict[str, str]:
    """Return {site name: zone}: each shipped site's and `extra` site's own, then `overrides`
    (NEWSBOT_TIMEZONES) over them."""
    zones = {site.name: site.zone for site in [*_shipped().values(), *extra]}
    return {**zones, **dict(overrides or {})}
