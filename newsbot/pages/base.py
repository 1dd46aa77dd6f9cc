"""Helpers shared by page objects: page guards, decoding, head metadata, JSON-LD, Article assembly."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar, TypeVar
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector, SelectorList
from w3lib.encoding import html_to_unicode

from newsbot.items import Article, QuarantinedPage, RawPage, Teaser
from newsbot.pages.guard import MAX_DEPTH, without_surrogates
from newsbot.sites import FieldSelector, Site
from newsbot.urls import accept_canonical

MAX_PAGE_BYTES = 5 * 1024 * 1024  # news article pages weigh 80-300 KB; anything past this is junk
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero-width, BOM


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode page bytes by BOM, Content-Type header, <meta charset> and then a guess.

    UNN's old pages may be windows-1251; w3lib follows the same rules browsers do.
    """
    return _decode(body, headers)[1]


def _decode(body: bytes, headers: Mapping[str, str] | None) -> tuple[str, str]:
    content_type = None
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            content_type = value
    return html_to_unicode(content_type, body)


def parse_html(text: str, data: bytes | None = None) -> Any:
    """Parse a decoded page once with lxml's C parser into plain elements; return the root element.

    The same tree parsel builds (its create_root_node: stripped, NUL bytes dropped, recover,
    huge_tree), without lxml.html's per-element class look-up. Wrap it as
    `Selector(root=root, type="html")` where a site's CSS/XPath selector must run on it.
    `data`: the UTF-8 bytes that stripping and encoding `text` would give (page_source's), if known.
    """
    if data is None:
        data = text.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(data, parser=parser)
    return root if root is not None else etree.fromstring(b"<html/>", parser=parser)


@lru_cache(maxsize=4)
def _deeper_than(limit: int) -> etree.XPath:
    # `limit` + 1 element steps from the document: an element `limit` + 1 deep (the root is 1)
    return etree.XPath("/" + "/".join(["*"] * (limit + 1)))


def nested_deeper_than(root: Any, limit: int = MAX_DEPTH) -> bool:
    """Tell whether nodes nest more than `limit` deep under `root` (guard.nesting_depth(root) > limit).

    One XPath of `limit` child steps: each step holds only the nodes of one level, so the cost is
    one visit per node at most, in C (guard.nesting_depth walks every start and end in Python).
    """
    return bool(_deeper_than(limit)(root))


def xpath(query: str) -> etree.XPath:
    """Compile an XPath query once (plain strings back, not "smart" ones holding the tree)."""
    return etree.XPath(query, smart_strings=False)


def css(query: str) -> etree.XPath:
    """Compile a CSS selector once, translated the way parsel translates it."""
    from parsel.csstranslator import css2xpath

    return xpath(css2xpath(query))


def element(node: Any) -> Any:
    """Return the lxml element (or string) a parsel Selector or a PageTree wraps; an lxml element as it is."""
    return node.root if isinstance(node, Selector | PageTree) else node


T = TypeVar("T")


class PageTree:
    """One parsed page: its lxml root and the one-pass lookups page objects read from it.

    Each lookup (the head's <meta> and <link> tags, a layout's ElementRules, a class index, the
    JSON-LD article) runs the first time it is asked for and is kept here, so the layout test,
    the page object it picks and the page's other readers (dateline, language hints) share one
    pass whatever they hold. The lookups live and die with the page: no module-level cache keeps
    a tree alive after its page is done, so the tree is freed while it is still in the CPU's
    caches (freeing the previous page's tree later cost about 0.15 ms a page).
    """

    __slots__ = ("_found", "_sel", "root")

    def __init__(self, root: Any, sel: Selector | None = None) -> None:
        self.root = root
        self._sel = sel
        self._found: dict[Callable[[Any], Any], Any] = {}

    @property
    def sel(self) -> Selector:
        """A parsel Selector around the root, for a site's own CSS/XPath selectors (made when asked)."""
        if self._sel is None:
            self._sel = Selector(root=self.root, type="html")
        return self._sel

    def lookup(self, build: Callable[[Any], T]) -> T:
        """Return `build(root)`, computed once for this page (`build`: a function of the root)."""
        try:
            return self._found[build]
        except KeyError:
            found = self._found[build] = build(self.root)
            return found

    def head(self) -> _Head:
        """The page's <meta> and <link> declarations, read once."""
        return self.lookup(read_head)

    def filed(self, rules: ElementRules) -> dict[str, list[Any]]:
        """The elements `rules` file, filed once for this page."""
        return self.lookup(rules.file)


def page_tree(page: PageTree | Selector | Any) -> PageTree:
    """Return `page` as a PageTree: itself, or a new one around a Selector's or an element's tree."""
    if isinstance(page, PageTree):
        return page
    if isinstance(page, Selector):
        return PageTree(page.root, page)
    return PageTree(page)


def clean_text(text: str | None) -> str:
    """Collapse whitespace (NBSP and thin spaces too) and drop soft hyphens and zero-width marks."""
    if not text:
        return ""
    # Invisible characters sit inside words ("опера\u00adційними"): delete them, never space them.
    if not text.isascii() and _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    # str.split() splits on exactly the characters re's \s matches (NBSP and thin spaces among them).
    return " ".join(text.split())


def class_prefix(prefix: str) -> str:
    """Return an XPath predicate matching any element with a class starting with `prefix`.

    Next.js CSS modules append a build hash ("single-news-card_body__Qw9e1"), and an element may
    carry several classes, so `[class^=...]` alone would miss the second one.
    """
    return f"contains(concat(' ', normalize-space(@class)), ' {prefix}')"


class _ClassFiling:
    """Elements filed by a key read from their class attribute, in document order (one pass)."""

    __slots__ = ("_filed",)

    def __init__(self) -> None:
        self._filed: dict[str, list] = {}

    def all(self, key: str, tag: str | None = None) -> list[Any]:
        """Return the elements filed under `key` (and of `tag`, if given), in document order."""
        found = self._filed.get(key, [])
        return found if tag is None else [e for e in found if e.tag == tag]


class ClassIndex(_ClassFiling):
    """Elements by CSS-module class prefix, built in one pass over the tree.

    "single-news-card_body__Qw9e1" is filed under "single-news-card_body__": what `class_prefix`
    matches for a prefix ending in its only "__". One pass (root.iter, a substring test per class
    attribute) costs about half of one whole-document `contains(concat(...))` XPath scan, and a
    Next.js page object would otherwise make a dozen of those. `PageTree.lookup(ClassIndex)`
    builds it once per page, so a layout test and its page object share one pass.
    `all(prefix)`: the elements carrying a class that starts with `prefix`.
    """

    __slots__ = ()

    def __init__(self, sel: Selector | Any) -> None:
        super().__init__()
        by_prefix = self._filed
        for found in element(sel).iter(etree.Element):
            value = found.get("class")
            if not value or "__" not in value:
                continue
            if " " in value or "\t" in value or "\n" in value or "\r" in value:
                for head in class_heads(value):
                    by_prefix.setdefault(head, []).append(found)
            else:  # one class name, the common case
                by_prefix.setdefault(value.partition("__")[0] + "__", []).append(found)


_XML_SPACE = str.maketrans("\t\n\r", "   ")


def class_tokens(value: str | None) -> set[str]:
    """Return the class names of a class attribute, split as CSS's `.name` test splits them.

    The test css2xpath writes, `contains(concat(' ', normalize-space(@class), ' '), ' name ')`,
    splits on XML whitespace (space, tab, CR, LF) only: an NBSP is part of a class name.
    """
    if not value:
        return set()
    if "\t" in value or "\n" in value or "\r" in value:
        value = value.translate(_XML_SPACE)
    tokens = set(value.split(" "))
    tokens.discard("")
    return tokens


def has_class(node: Any, name: str) -> bool:
    """Tell whether an lxml element carries the class `name` (CSS `.name`)."""
    value = node.get("class")
    return bool(value) and name in value and (value == name or name in class_tokens(value))


def class_heads(value: str | None) -> set[str]:
    """Return the CSS-module prefixes of a class attribute: "x__" for each class "x__<hash>".

    A prefix ending in its only "__" (as every one a page object names does) starts a class
    name exactly when it is that name's head: what ClassIndex files and class_prefix matches.
    """
    if not value or "__" not in value:
        return set()
    if " " not in value and "\t" not in value and "\n" not in value and "\r" not in value:
        return {value.partition("__")[0] + "__"}  # one class name, the common case
    return {t.partition("__")[0] + "__" for t in class_tokens(value) if "__" in t}


def has_class_prefix(node: Any, prefix: str) -> bool:
    """Tell whether an lxml element carries a class starting with `prefix` (see class_prefix)."""
    value = node.get("class")
    return bool(value) and prefix in value and any(t.startswith(prefix) for t in class_tokens(value))


class TokenIndex(_ClassFiling):
    """Elements by class name (CSS `.name`, whole tokens), built in one pass over the tree.

    One pass costs about one whole-document XPath scan; a layout styled with BEM classes would
    otherwise make one css2xpath scan per field, each testing every element's class.
    `all(name)`: the elements carrying class `name`.
    """

    __slots__ = ()

    def __init__(self, root: Any) -> None:
        super().__init__()
        by_class = self._filed
        for node in root.iter(etree.Element):
            value = node.get("class")
            if value:
                if " " in value or "\t" in value or "\n" in value or "\r" in value:
                    for token in class_tokens(value):
                        by_class.setdefault(token, []).append(node)
                else:  # one class name, the common case
                    by_class.setdefault(value, []).append(node)


def within(node: Any, name: str, tag: str | None = None) -> list[Any]:
    """Return `node` and its descendants carrying class `name`, in document order.

    What a css2xpath query (`descendant-or-self::tag[...]`) run on `node` returns.
    """
    nodes = node.iter(tag) if tag else node.iter(etree.Element)
    return [e for e in nodes if has_class(e, name)]


def first_within(node: Any, name: str, tag: str | None = None) -> Any | None:
    """Return the first of within(node, name, tag), or None."""
    nodes = node.iter(tag) if tag else node.iter(etree.Element)
    return next((e for e in nodes if has_class(e, name)), None)


def descendants(containers: list[Any], tag: str) -> list[Any]:
    """Return the `tag` elements under any of `containers` (`//container//tag`): once each, in order.

    A container nested in an earlier one adds nothing its ancestor did not already give.
    """
    out: list[Any] = []
    taken: list[Any] = []
    for box in containers:
        if any(a in taken for a in box.iterancestors()):
            continue
        taken.append(box)
        out.extend(e for e in box.iter(tag) if e is not box)
    return out


def text_nodes(node: Any) -> Iterator[str]:
    """Yield an element's own text nodes (XPath `./text()`): its text and its children's tails."""
    if node.text:
        yield node.text
    for child in node:
        if child.tail:
            yield child.tail


def following_texts(node: Any) -> Iterator[str]:
    """Yield the text nodes after an element in document order (XPath `following::text()`).

    Its tail, then each following sibling's texts (itertext: comment bodies left out, tails kept)
    and tail, then the same one level up; descendants and ancestors are not "following".
    """
    while node is not None:
        if node.tail:
            yield node.tail
        for sibling in node.itersiblings():
            if isinstance(sibling.tag, str):
                yield from sibling.itertext()
            if sibling.tail:
                yield sibling.tail
        node = node.getparent()


CONTAINS = "contains"  # an ElementRules test: `contains(@attr, value)`
EQUALS = "equals"  # `@attr = value` (with no attribute named: every element of the tag)


class ElementRules:
    """Named element lists a page object reads, filed in one pass over the tree.

    Each rule is (tag, attribute, value, test) and stands for `//tag[contains(@attribute, value)]`
    (CONTAINS), `//tag[@attribute = value]` (EQUALS) or, with no attribute, `//tag`. One
    `root.iter(tag)` per tag walks the tree in C and hands Python only the elements of that tag,
    where a dozen XPath scans would each visit every node. Which rules an attribute value
    satisfies is a function of the value alone, worked out once per distinct value (class
    attributes repeat within a page and across a site's pages): an element then costs one
    dictionary look-up, not a test per rule.
    """

    MEMO_LIMIT = 4096  # distinct values remembered per (tag, attribute); forgotten all at once past it

    def __init__(self, **rules: tuple[str, str | None, str | None, str]) -> None:
        self._keys = tuple(rules)
        self._by_tag: dict[str, dict[str | None, list[tuple[str, str | None, bool]]]] = {}
        for key, (tag, attribute, value, test) in rules.items():
            if test not in (CONTAINS, EQUALS):
                raise ValueError(f"rule {key}: unknown test {test!r}")
            self._by_tag.setdefault(tag, {}).setdefault(attribute, []).append((key, value, test == CONTAINS))
        # (tag, attribute) -> {attribute value: the names of the rules it satisfies}
        self._memo: dict[tuple[str, str | None], dict[str, tuple[str, ...]]] = {
            (tag, attribute): {} for tag, attributes in self._by_tag.items() for attribute in attributes
        }

    def file(self, root: Any) -> dict[str, list[Any]]:
        """Return {rule name: the elements under `root` (itself included) it matches, in document order}.

        One pass each call: `PageTree.filed(rules)` files a page once, so a layout test and the
        page object it picks share that pass.
        """
        out: dict[str, list[Any]] = {key: [] for key in self._keys}
        for tag, attributes in self._by_tag.items():
            plan = [(attribute, tests, self._memo[tag, attribute]) for attribute, tests in attributes.items()]
            for node in root.iter(tag):  # one C walk per tag: no `node.tag` look-up per element
                for attribute, tests, memo in plan:
                    got = node.get(attribute) if attribute is not None else ""
                    if got is None:
                        continue
                    keys = memo.get(got)
                    if keys is None:
                        if len(memo) >= self.MEMO_LIMIT:
                            memo.clear()
                        keys = memo[got] = tuple(
                            key
                            for key, value, contains in tests
                            if value is None or (value in got if contains else got == value)
                        )
                    for key in keys:
                        out[key].append(node)
        return out


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


def text_of(node: Selector | Any | None) -> str:
    """Return the visible text of a node (a parsel Selector or an lxml element), whitespace collapsed."""
    if node is None:
        return ""
    root = element(node)
    if isinstance(root, str):
        return clean_text(root)
    if not len(root):  # no child (a link, a date): its own text is all _visible_text would give
        tag = root.tag
        return clean_text(root.text) if isinstance(tag, str) and tag not in _NOT_TEXT else ""
    return clean_text(" ".join(_visible_text(root)))


def has_text(node: Selector | Any | None) -> bool:
    """Tell whether text_of(node) would be non-empty, stopping at the first visible text."""
    if node is None:
        return False
    root = element(node)
    if isinstance(root, str):
        return bool(clean_text(root))
    return any(clean_text(text) for text in _visible_text(root))


def first(nodes: SelectorList | list[Selector]) -> Selector | None:
    """Return the first node of a query result, or None."""
    return nodes[0] if nodes else None


def first_text(nodes: SelectorList | list[Selector]) -> str | None:
    """Return the visible text of the first node of a query result, or None when empty."""
    return text_of(first(nodes)) or None


def inner_html(node: Selector | Any) -> str:
    """Return the serialised children of a node (its inner HTML): text as it reads, elements as HTML.

    The same string parsel's `"".join(n.get() for n in node.xpath("./node()"))` gives.
    """
    root = element(node)
    if isinstance(root, str):
        return ""
    parts = [root.text or ""]
    for child in root:
        parts.append(etree.tostring(child, method="html", encoding="unicode", with_tail=False))
        parts.append(child.tail or "")
    return "".join(parts)


# Head metadata is read with root.iter(tag): lxml walks the tree in C and makes a Python object
# only for the elements of that tag (about a fifth of one `//meta[@content]` XPath scan).
_HTML_XML_LANG = xpath("/html/@xml:lang")


def _script_texts(root: Any, kind: str) -> Iterator[str]:
    """Yield the text of every <script type=KIND> (as `//script[@type=KIND]/text()` does)."""
    for script in root.iter("script"):
        if script.get("type") == kind:
            # A script's content is one text node; a comment inside it would split it in two.
            yield from (t for t in [script.text, *(child.tail for child in script)] if t)


def json_ld_objects(sel: PageTree | Selector | Any) -> Iterator[dict]:
    """Yield every JSON-LD object on the page, flattening lists and @graph."""
    for raw in _script_texts(element(sel), "application/ld+json"):
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


def json_ld_article(sel: PageTree | Selector | Any) -> dict:
    """Return the page's NewsArticle/Article JSON-LD object, or an empty dict."""
    for obj in json_ld_objects(sel):
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(k in ("NewsArticle", "Article", "ReportageNewsArticle") for k in kinds):
            return obj
    return {}


@dataclass(slots=True)
class _Head:
    """What a page declares in <meta> and <link> tags, read in one pass (`root.iter("meta", "link")`)."""

    metas: dict[str, str]  # property or name -> content of the first such <meta content>
    tags: list[str]  # every <meta property="article:tag" content>
    canonical: str | None  # href of the first <link rel="canonical" href>
    hreflang: list[tuple[str, str | None]]  # (hreflang, href) of each <link rel="alternate" hreflang>


def read_head(root: Any) -> _Head:
    """Return the meta and link declarations of a tree, in one pass over its <meta> and <link> tags.

    Anywhere in the page, as `//meta[@content]` would find them, not only under <head>. A page
    object asks for half a dozen of them: `PageTree.head()` reads them once per page.
    """
    head = _Head({}, [], None, [])
    metas = head.metas
    for node in root.iter("meta", "link"):
        if node.tag == "meta":
            content = node.get("content")
            if content is None:
                continue
            prop = node.get("property")
            for key in (prop, node.get("name")):
                if key is not None and key not in metas:
                    metas[key] = content
            if prop == "article:tag":
                head.tags.append(content)
        elif (rel := node.get("rel")) == "canonical":
            if head.canonical is None:
                head.canonical = node.get("href")
        elif rel == "alternate" and (code := node.get("hreflang")) is not None:
            head.hreflang.append((code, node.get("href")))
    return head


def _head(node: Any) -> _Head:
    """Return the head declarations of a page: once per PageTree, read afresh for a bare tree."""
    return node.head() if isinstance(node, PageTree) else read_head(element(node))


# The head helpers take a PageTree (its head read once), a parsel Selector or an lxml element.


def meta_content(sel: PageTree | Selector | Any, name: str) -> str | None:
    """Return <meta property|name=NAME content> (the first in the page) or None."""
    return clean_text(_head(sel).metas.get(name)) or None


def meta_tags(sel: PageTree | Selector | Any) -> list[str]:
    """Return every <meta property="article:tag"> of the page, cleaned."""
    return [clean_text(t) for t in _head(sel).tags]


def canonical_url(sel: PageTree | Selector | Any, url: str) -> str:
    """Return the page's canonical URL: <link rel=canonical>, og:url, else the fetched URL."""
    head = _head(sel)
    value = head.canonical or clean_text(head.metas.get("og:url"))
    return urljoin(url, value.strip()) if value else url


def hreflang_alternates(sel: PageTree | Selector | Any, url: str) -> dict[str, str]:
    """Return {language code: URL} from <link rel=alternate hreflang>, x-default left out."""
    out: dict[str, str] = {}
    for hreflang, link in _head(sel).hreflang:
        code = hreflang.strip().lower()
        href = (link or "").strip()
        if code and href and code != "x-default":
            out[code.split("-")[0]] = urljoin(url, href)
    return out


def language_hints(sel: PageTree | Selector | Any, json_ld: Mapping) -> dict[str, str]:
    """Return the languages the page declares: <html lang>, og:locale, JSON-LD inLanguage."""
    hints: dict[str, str] = {}
    root = element(sel)
    document = root.getroottree().getroot()
    html_lang = document.get("lang") if document.tag == "html" else None
    if html_lang is None:  # `/html/@lang`, else `/html/@xml:lang`
        html_lang = next(iter(_HTML_XML_LANG(root)), None)
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


@lru_cache(maxsize=4096)
def _join_rooted(origin: str, path: str) -> str:
    return urljoin(origin, path)


def absolute_url(base: str, href: str | None) -> str | None:
    """Return `href` made absolute against `base` (urljoin), or None for an empty one.

    A root-relative link ("/ru/news/1906059") depends only on the base's scheme and host, so
    its join is cached: a site's teaser rails repeat the same links on page after page.
    """
    href = href.strip() if href else ""
    if not href:
        return None
    scheme, sep, rest = base.partition("://")
    if sep and href.startswith("/") and not href.startswith("//"):
        return _join_rooted(f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0].split('#', 1)[0]}", href)
    if sep and href.startswith(("https://", "http://")) and href.partition("://")[2][:1] not in "/?#":
        # An absolute link with a host keeps its host and path: only whether its scheme is the
        # base's matters to urljoin.
        return _join_rooted(f"{scheme}://", href)
    return urljoin(base, href)


# --- page guards ----------------------------------------------------------------------------------


def binary_share(text: str) -> float:
    """Return the share of control and replacement characters: ~0 for HTML, ~10%+ for binary."""
    return len(_BINARY.findall(text)) / len(text) if text else 1.0


def raw_page(
    body: bytes, url: str, *, fetched_at: datetime, headers: Mapping[str, str] | None, status: int
) -> RawPage:
    """Wrap a fetched page's bytes as the archive keeps them."""
    return RawPage(url=url, status=status, headers=dict(headers or {}), body=body, fetched_at=fetched_at)


_BOM = b"\xef\xbb\xbf"


def page_source(body: bytes, headers: Mapping[str, str] | None) -> tuple[str, bytes | None, str | None]:
    """Decode a page for parsing, or say why it is no HTML page: (text, data, None) or ("", None, reason).

    `data` is `body` itself when it is UTF-8 that decoded cleanly (no BOM, no undecodable byte, no
    NUL, nothing to strip at either end), so parse_html need not encode the text again (0.13 ms
    on an 82 KiB page); else None.
    """
    if len(body) > MAX_PAGE_BYTES:
        return "", None, f"too large: {len(body)} bytes (limit {MAX_PAGE_BYTES})"
    encoding, text = _decode(body, headers)
    binary = binary_share(text[:4096])
    if binary > 0.02:
        return "", None, f"not HTML: {binary:.0%} control or undecodable characters"
    clean = (
        encoding.replace("-", "").replace("_", "").lower() == "utf8"
        and text
        and not body.startswith(_BOM)
        and not text[0].isspace()
        and not text[-1].isspace()
        and "\ufffd" not in text
        and b"\x00" not in body  # the same test as on `text` for UTF-8, and 30x faster than on a str
    )
    return text, body if clean else None, None


# --- the shared article page object -----------------------------------------------------------------


class ArticlePage:
    """Fields every article page has in its head (JSON-LD, OpenGraph); site layouts override the rest."""

    layout: ClassVar[str]
    marker: ClassVar[str]  # a string every page of the layout contains: a cheap first test

    def __init__(self, page: PageTree | Selector, url: str) -> None:
        # The page's tree and its one-pass lookups, shared with the layout test that picked this
        # class; page objects query `root` with compiled XPath or those lookups.
        self.tree = page_tree(page)
        self.root = self.tree.root
        self.url = url
        self.json_ld = self.tree.lookup(json_ld_article)

    @property
    def sel(self) -> Selector:
        """A parsel Selector around the page, for a site's own selectors."""
        return self.tree.sel

    @classmethod
    def matches(cls, page: PageTree) -> bool:
        raise NotImplementedError

    # --- fields shared by every layout -------------------------------------------------------
    def canonical(self) -> str:
        return canonical_url(self.tree, self.url)

    def alternates(self) -> dict[str, str]:
        return hreflang_alternates(self.tree, self.url)

    def lang_hints(self) -> dict[str, str]:
        return language_hints(self.tree, self.json_ld)

    def _json_ld_text(self, key: str) -> str | None:
        value = self.json_ld.get(key)
        # UNN double-escapes entities inside JSON-LD strings ("&quot;с подачи Додона&quot;")
        return clean_text(html.unescape(value)) or None if isinstance(value, str) else None

    def title(self) -> str:
        return self._json_ld_text("headline") or meta_content(self.tree, "og:title") or ""

    def lead(self) -> str | None:
        return None

    def authors(self) -> list[str]:
        return json_ld_authors(self.json_ld)

    def body(self) -> Selector | Any | None:
        return None  # a layout (or the site's `body` selector) says where the story is

    def published(self) -> tuple[str | None, str | None]:
        """Return (visible text, machine-readable value) of the publication time."""
        machine = self._json_ld_text("datePublished") or meta_content(self.tree, "article:published_time")
        return None, machine

    def modified(self) -> tuple[str | None, str | None]:
        machine = self._json_ld_text("dateModified") or meta_content(self.tree, "article:modified_time")
        return None, machine

    def views_raw(self) -> str | None:
        return None

    def tags(self) -> list[str]:
        return meta_tags(self.tree)

    def rubric(self) -> str | None:
        return meta_content(self.tree, "article:section")

    def teasers(self) -> list[Teaser]:
        return []

    def _abs(self, href: str | None) -> str | None:
        return absolute_url(self.url, href)


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
    body: Selector | Any | None  # a parsel Selector or an lxml element
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
    if not has_text(fields.body):
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
    parsed = parse_guarded(body, url, fetched_at=fetched_at, headers=headers, status=status)
    if isinstance(parsed, QuarantinedPage):
        return parsed
    return build_article(
        page_cls(PageTree(parsed.root), url),
        parsed.page,
        parsed.text,
        site=site,
        extractor_version=extractor_version,
    )


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """A fetched page that passed the guards: its raw record, decoded text and lxml tree."""

    page: RawPage
    text: str
    root: Any


def parse_guarded(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
) -> ParsedPage | QuarantinedPage:
    """Decode and parse a page once, or quarantine it (binary, too large, nested too deep)."""
    page = raw_page(body, url, fetched_at=fetched_at, headers=headers, status=status)
    text, data, refused = page_source(body, headers)
    if refused:
        return QuarantinedPage(url, refused, page)
    root = parse_html(text, data)
    if nested_deeper_than(root):
        return QuarantinedPage(url, f"markup nested deeper than {MAX_DEPTH} levels", page)
    return ParsedPage(page, text, root)


# --- discovery ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """An article link found on a listing page, in a feed or in a sitemap."""

    url: str
    title: str
    published_raw: str | None = None
    modified_raw: str | None = None  # Atom <updated>, sitemap <lastmod>: when the page last changed
