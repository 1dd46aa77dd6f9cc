"""Helpers shared by page objects: decoding, class-prefix matching, JSON-LD, head metadata."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urljoin

from parsel import Selector, SelectorList
from w3lib.encoding import html_to_unicode

from newsbot.pages.guard import without_surrogates

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
        stack = [data]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(reversed(obj))
            elif isinstance(obj, dict):
                if "@graph" in obj:
                    stack.extend(reversed(obj["@graph"]))
                yield obj


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
