"""UNN page objects: article pages in three layouts (chosen by markup) and listing pages.

Layouts (see fixtures/unn/README.md for the markup each one is modelled on):
- "next":   current unn.ua, Next.js with CSS-module class names ending in a build hash;
- "y2024":  the 2024 unn.ua layout (server-rendered BEM classes; DD.MM.YY dates; "переглядiв");
- "legacy": the old unn.com.ua layout (schema.org microdata; until about 2022);
- "amp":    AMP copies (/amp/..., /en/amp/..., /ru/amp/...), read by structure (issue 15).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from newsbot.items import Article, QuarantinedPage, Teaser
from newsbot.pages.base import (
    CONTAINS,
    EQUALS,
    ClassIndex,
    ElementRules,
    Link,
    PageTree,
    TokenIndex,
    build_article,
    class_heads,
    class_prefix,
    clean_text,
    decode_html,
    descendants,
    first,
    first_text,
    first_within,
    following_texts,
    has_class_prefix,
    page_tree,
    parse_guarded,
    text_nodes,
    text_of,
    within,
    xpath,
)
from newsbot.pages.base import ArticlePage as _ArticlePage
from newsbot.sites import Site, get_site
from newsbot.text.furniture import dateline_place
from newsbot.text.split import BLOCK_SLUGS, block_slug
from newsbot.text.views import mentions_views

UNN = get_site("unn")  # domains, editions, zone, start points: newsbot/sites/unn.toml
SITE = UNN.name
EXTRACTOR_VERSION = "unn-1"


def edition_from_url(url: str) -> str | None:
    """Return the edition ("uk", "en", "ru") a UNN URL belongs to, or None if not an article path.

    unn.ua serves Ukrainian without a prefix (/news/...); unn.com.ua prefixed every edition
    (/uk/news/..., /ru/news/...): the prefixes are in unn.toml.
    """
    return UNN.edition_of(url)


def is_article_url(url: str) -> bool:
    """Tell whether a UNN URL points at an article (not a listing, feed or tag page)."""
    return UNN.is_article_url(url)


# --- AMP pages: unn.ua/amp/..., unn.ua/en/amp/..., unn.ua/ru/amp/... (canonical: without /amp) ---

_AMP_PATH = re.compile(r"^(?P<edition>/(?:uk|en|ru))?/amp(?P<rest>/.*)$")


def is_amp_url(url: str) -> bool:
    """Tell whether a UNN URL is the AMP copy of a page."""
    return _AMP_PATH.match(urlsplit(url).path) is not None


def amp_canonical(url: str) -> str:
    """Return the canonical (non-AMP) URL of an AMP page's URL; other URLs unchanged."""
    parts = urlsplit(url)
    match = _AMP_PATH.match(parts.path)
    if match is None:
        return url
    path = (match["edition"] or "") + match["rest"]
    return parts._replace(path=path).geturl()


# Page objects query the lxml tree with XPath compiled once here (no parsel Selector per node).
_DATELINE_TEXTS = 6  # the dateline is among the first six text nodes after the title


def headings(root: Any) -> list[Any]:
    """Return the page's <h1> elements in document order (`//h1`): a PageTree lookup."""
    return list(root.iter("h1"))


def page_dateline(page: PageTree | Selector | Any) -> str | None:
    """Return the place of the dateline printed near the title ("Kyiv" of "Kyiv • UNN"), or None."""
    # //h1/following::text()[normalize-space()][position() <= 6]: every later <h1> follows the first
    h1 = first(page_tree(page).lookup(headings))
    if h1 is None:
        return None
    texts = (text for text in following_texts(h1) if text.strip(" \t\n\r"))  # normalize-space()
    return next(
        (place for text in islice(texts, _DATELINE_TEXTS) if (place := dateline_place(clean_text(text)))),
        None,
    )


class NextArticlePage(_ArticlePage):
    """Current unn.ua (Next.js): match CSS-module classes on their prefix, never on the hash."""

    layout = "next"
    marker = "single-news-card_"

    _P = xpath(".//p")

    def __init__(self, page: PageTree | Selector, url: str) -> None:
        super().__init__(page, url)
        self.classes = self.tree.lookup(ClassIndex)

    @classmethod
    def matches(cls, page: PageTree) -> bool:
        # //*[class_prefix('single-news-card_body__')], from the index the page object reads too
        return bool(page.lookup(ClassIndex).all("single-news-card_body__"))

    def title(self) -> str:
        return first_text(self.classes.all("single-news-card_newsTitle__")) or super().title()

    def lead(self) -> str | None:
        paragraphs = [p for a in self.classes.all("single-news-card_announce__") for p in self._P(a)]
        return clean_text(" ".join(text_of(p) for p in paragraphs)) or None

    def authors(self) -> list[str]:
        names = [text_of(a) for a in self.classes.all("single-news-card_author__")]
        return [n for n in names if n] or super().authors()

    def body(self) -> Any | None:
        return first(self.classes.all("single-news-card_body__"))

    def _info_items(self) -> list[str]:
        # Date and views share one class: "November 13, 09:46 PM" and "35469<!-- --> <!-- -->views"
        # (React's comment markers split the number from the word; see fixtures/unn/en-next-*).
        items = self.classes.all("single-news-card_tagDateInfoItem__")
        return [text_of(i) for i in items]

    def published(self) -> tuple[str | None, str | None]:
        visible = next((t for t in self._info_items() if t and not mentions_views(t)), None)
        return visible, super().published()[1]

    def views_raw(self) -> str | None:
        return next((t for t in self._info_items() if mentions_views(t)), None)

    def tags(self) -> list[str]:
        tags = [text_of(t) for t in self.classes.all("single-news-card_tag__")]
        return [t for t in tags if t] or super().tags()

    def rubric(self) -> str | None:
        return first_text(self.classes.all("breadcrumbs_item__")[-1:]) or super().rubric()

    def teasers(self) -> list[Teaser]:
        out: list[Teaser] = []
        for block in self.classes.all("news-block_root__", tag="section"):
            # One walk over the block: .//*[news-block_title__] (its heading), .//a[news-card_root__]
            heading, cards = None, []
            for node in _under(block):
                if heading is None and has_class_prefix(node, "news-block_title__"):
                    heading = node
                if node.tag == "a" and has_class_prefix(node, "news-card_root__"):
                    cards.append(node)
            slug = block_slug(text_of(heading))
            for card in cards:
                out.append(self._card_teaser(card, slug))
        return out

    def _card_teaser(self, card: Any, slug: str) -> Teaser:
        parts = _card_parts(card)
        return Teaser(
            title=parts.title,
            block=slug,
            url=self._abs(card.get("href")),
            published_raw=text_of(parts.date) or None,
            views_raw=text_of(parts.views) or None,
            labels=parts.labels,
        )


class Y2024ArticlePage(_ArticlePage):
    """The 2024 unn.ua layout, rebuilt from the seed text (fixtures/unn/en-2024-china-lavrov).

    BEM classes, matched as CSS matches them (whole class names): one TokenIndex pass files every
    element by class, and each field looks its class up (one css2xpath scan per field before).
    """

    layout = "y2024"

    marker = "article-page__text"

    def __init__(self, page: PageTree | Selector, url: str) -> None:
        super().__init__(page, url)
        self.classes = self.tree.lookup(TokenIndex)

    @classmethod
    def matches(cls, page: PageTree) -> bool:
        # //article[contains(@class, 'article-page')]//div[contains(@class, 'article-page__text')]
        return any(
            "article-page__text" in (div.get("class") or "")
            for article in page.root.iter("article")
            if "article-page" in (article.get("class") or "")
            for div in article.iter("div")
        )

    def _first_text(self, name: str, tag: str | None = None) -> str | None:
        return first_text(self.classes.all(name, tag))

    def title(self) -> str:
        return self._first_text("article-page__title", "h1") or super().title()

    def lead(self) -> str | None:
        return self._first_text("article-page__lead")

    def authors(self) -> list[str]:
        names = [text_of(a) for a in self.classes.all("article-page__author")]
        return [n for n in names if n] or super().authors()

    def body(self) -> Any | None:
        return first(self.classes.all("article-page__text", "div"))

    def published(self) -> tuple[str | None, str | None]:
        node = self.classes.all("article-page__date", "time")
        if not node:
            return super().published()
        machine = node[0].get("datetime") or super().published()[1]
        return text_of(node[0]) or None, machine

    def views_raw(self) -> str | None:
        return self._first_text("article-page__views")

    def tags(self) -> list[str]:
        links = descendants(self.classes.all("article-page__tags"), "a")  # .article-page__tags a
        return [t for t in (text_of(a) for a in links) if t]

    def rubric(self) -> str | None:
        return self._first_text("article-page__rubric") or super().rubric()

    def teasers(self) -> list[Teaser]:
        out: list[Teaser] = []
        for block in self.classes.all("teaser-block", "section"):
            slug = block_slug(text_of(first_within(block, "teaser-block__title")))
            for card in within(block, "teaser"):
                link = first_within(card, "teaser__link", "a")
                out.append(
                    Teaser(
                        title=text_of(link) or text_of(card),
                        block=slug,
                        url=self._abs(link.get("href") if link is not None else None),
                        published_raw=text_of(first_within(card, "teaser__date")) or None,
                        views_raw=text_of(first_within(card, "teaser__views")) or None,
                    )
                )
        return out


class LegacyArticlePage(_ArticlePage):
    """The old unn.com.ua layout: schema.org microdata (see ../shared/extdata/unn/).

    One pass over the page's <div> and <span> files the elements every field reads (each field
    made its own whole-document XPath scan before); the XPath each list stands for is written
    beside it. The <h1> list is the page's `headings` lookup, which the dateline reads too.
    """

    layout = "legacy"

    marker = "b-news-"

    _FILED = ElementRules(
        body=("div", "class", "b-news-text", CONTAINS),  # //div[contains(@class, 'b-news-text')]
        full=("div", "class", "b-news-full", CONTAINS),
        tag_box=("div", "class", "b-news-tags", CONTAINS),
        block=("div", "class", "b-more-news", CONTAINS),
        date=("span", "class", "datelink", CONTAINS),  # //span[contains(@class, 'datelink')]
        views=("span", "class", "view", EQUALS),  # //span[@class='view']
        author=("span", "itemprop", "author", EQUALS),
        name=("span", "itemprop", "name", EQUALS),
        rubric=("span", "itemprop", "articleSection", EQUALS),  # //span[@itemprop='articleSection']
    )

    def __init__(self, page: PageTree | Selector, url: str) -> None:
        super().__init__(page, url)
        self.filed = self.tree.filed(self._FILED)

    @classmethod
    def matches(cls, page: PageTree) -> bool:
        # //div[contains(@class, 'b-news-text')] | //span[contains(@class, 'datelink')]
        filed = page.filed(cls._FILED)  # kept with the page for its page object: one pass for both
        return bool(filed["body"] or filed["date"])

    def title(self) -> str:
        # //h1[@itemprop='name'] | //div[contains(@class,'b-news-full')]//h1
        full = self.filed["full"]
        found = (
            h1
            for h1 in self.tree.lookup(headings)  # //h1, shared with the dateline
            if h1.get("itemprop") == "name" or (full and any(d in full for d in h1.iterancestors("div")))
        )
        return text_of(next(found, None)) or super().title()

    def authors(self) -> list[str]:
        # //span[@itemprop='author']//span[@itemprop='name']
        people = self.filed["author"]
        names = (
            n for n in self.filed["name"] if people and any(a in people for a in n.iterancestors("span"))
        )
        return [t for t in map(text_of, names) if t] or super().authors()

    def body(self) -> Any | None:
        return first(self.filed["body"])

    def published(self) -> tuple[str | None, str | None]:
        node = self.filed["date"]
        if not node:
            return super().published()
        return text_of(node[0]) or None, node[0].get("content") or super().published()[1]

    def views_raw(self) -> str | None:
        return first_text(self.filed["views"])

    def tags(self) -> list[str]:
        # //div[contains(@class,'b-news-tags')]//a
        return [t for t in (text_of(a) for a in descendants(self.filed["tag_box"], "a")) if t]

    def rubric(self) -> str | None:
        return first_text(self.filed["rubric"]) or super().rubric()

    def teasers(self) -> list[Teaser]:
        # "Свежие новости раздела": per-day lists whose items carry only a clock time, so each
        # time is joined to its day header ("Четверг, 3 декабря 2020, 19:01").
        out: list[Teaser] = []
        for block in self.filed["block"]:
            # ./div[contains(@class,'b-block-name')]
            heading = next(
                (d for d in block.iterchildren("div") if "b-block-name" in (d.get("class") or "")), None
            )
            slug = block_slug(text_of(heading)) if heading is not None else "latest"
            day = ""
            # .//div[contains(@class,'b-news-feed-date') or contains(@class,'h-news-feed')]
            for node in block.iter("div"):
                kind = node.get("class") or ""
                if node is block or ("b-news-feed-date" not in kind and "h-news-feed" not in kind):
                    continue
                if "h-news-feed" not in kind:
                    day = text_of(node)
                    continue
                for item in node.iter("li"):
                    teaser = self._latest_teaser(item, slug, day)
                    if teaser is not None:
                        out.append(teaser)
        return out

    def _latest_teaser(self, item: Any, slug: str, day: str) -> Teaser | None:
        # One walk over the item: .//h3/a (the link), ./span[@class='date']/text() (the clock),
        # .//span[@class='photo' | 'video'] (labels).
        link, clock, marks = None, None, set()
        for node in item.iter("a", "span"):
            if node.tag == "a":
                if link is None and node.getparent().tag == "h3":
                    link = node
                continue
            kind = node.get("class")
            if kind in ("photo", "video"):
                marks.add(kind)
            elif kind == "date" and clock is None and node.getparent() is item:
                clock = next(text_nodes(node), None)
        if link is None:
            return None
        clock = clean_text(clock)
        return Teaser(
            title=text_of(link),
            block=slug,
            url=self._abs(link.get("href")),
            published_raw=(f"{day}, {clock}" if day and clock else clock) or None,
            labels=[name.title() for name in ("photo", "video") if name in marks],
        )


class AmpArticlePage(_ArticlePage):
    """AMP copies of articles (unn.ua/amp/..., /en/amp/..., /ru/amp/...).

    Their markup is not known here (../shared/unn-real-pages.md describes their text: slug line,
    title, counter, body, author, rubric, "Популярные" / "Новости по теме"), so this page object
    reads structure, not class names: the AMP runtime script marks the page, the first <h1> is the
    title, the element holding the most paragraphs is the body, the first counter after the title
    is the article's own, and a teaser block is an element whose text is a known block heading
    followed by links.
    """

    layout = "amp"
    marker = "cdn.ampproject.org"

    _MATCH = xpath("//script[contains(@src, 'cdn.ampproject.org/v0')]")
    _TITLE = xpath("//h1")
    _HAS_P = xpath("//*[p]")
    _P = xpath("./p")
    _AFTER_TITLE = xpath("//h1/following::text()[normalize-space()][position() <= 12]")
    _TIME = xpath("//h1/following::time[1]")
    _LEAVES = xpath("//body//*[not(self::a)][normalize-space()][not(*)]")
    _NEXT = xpath("./following-sibling::*[1]")
    _LINKS = xpath(".//a[@href][normalize-space()]")
    _CARD = xpath("./ancestor::li[1]")
    _CARD_TEXT = xpath(".//text()[not(ancestor::a)]")

    @classmethod
    def matches(cls, page: PageTree) -> bool:
        return bool(cls._MATCH(page.root))

    def title(self) -> str:
        return first_text(self._TITLE(self.root)) or super().title()

    def body(self) -> Any | None:
        best, best_size = None, 0
        for node in self._HAS_P(self.root):
            size = sum(len(text_of(p)) for p in self._P(node))
            if size > best_size:
                best, best_size = node, size
        return best

    def views_raw(self) -> str | None:
        texts = self._AFTER_TITLE(self.root)
        return next((clean_text(t) for t in texts if mentions_views(t)), None)

    def published(self) -> tuple[str | None, str | None]:
        visible = first_text(self._TIME(self.root))
        return visible, super().published()[1]

    def teasers(self) -> list[Teaser]:
        body = self.body()
        inside = set(body.iter()) if body is not None else set()
        out: list[Teaser] = []
        for heading in self._LEAVES(self.root):
            text = text_of(heading)
            if heading in inside or text.rstrip(":").lower() not in BLOCK_SLUGS:
                continue
            slug = block_slug(text)
            container = self._NEXT(heading)
            seen: set[tuple[str, str | None]] = set()  # a list may print every title twice
            for link in self._LINKS(container[0]) if container else []:
                card = self._CARD(link)
                url = self._abs(link.get("href"))
                if (slug, url) in seen:
                    continue
                seen.add((slug, url))
                # The link's text and the card's text outside links (a stamp, a counter): the
                # split stage cuts them off the title.
                tail = clean_text(" ".join(self._CARD_TEXT(card[0]))) if card else ""
                out.append(Teaser(title=f"{text_of(link)} {tail}".strip(), block=slug, url=url))
        return out


def _under(node: Any) -> Iterator[Any]:
    """Yield the elements under `node` (XPath `.//*`), in document order."""
    return islice(node.iter(etree.Element), 1, None)  # iter() starts with the node itself


@dataclass(slots=True)
class _CardParts:
    title: str
    labels: list[str]
    date: Any | None
    views: Any | None


_LABEL = "news-card_label__"


def _unlabelled_texts(node: Any, labelled: bool) -> Iterator[str]:
    """Yield the text nodes under `node` not inside a label (`.//text()[not(ancestor::*[label])]`)."""
    labelled = labelled or has_class_prefix(node, _LABEL)
    if not labelled and node.text:
        yield node.text
    for child in node:
        if isinstance(child.tag, str):  # a comment's body is no text node; its tail is
            yield from _unlabelled_texts(child, labelled)
        if not labelled and child.tail:
            yield child.tail


def _card_parts(card: Any) -> _CardParts:
    """Read a Next.js news card in one walk: its title, labels, date and views elements.

    The walk stands for .//*[news-card_title__] (the first), .//*[news-card_exclusive__] |
    .//*[news-card_label__] (the labels), .//*[news-card_date__] and .//*[news-card_views__].
    """
    title = date = views = None
    labels: list[Any] = []
    for node in _under(card):
        value = node.get("class")
        if not value or "news-card_" not in value:
            continue
        heads = class_heads(value)
        if title is None and "news-card_title__" in heads:
            title = node
        if "news-card_exclusive__" in heads or _LABEL in heads:
            labels.append(node)
        if date is None and "news-card_date__" in heads:
            date = node
        if views is None and "news-card_views__" in heads:
            views = node
    if title is not None:
        # ancestor:: reaches past the title element, up to the document
        outer = any(has_class_prefix(a, _LABEL) for a in title.iterancestors())
        text = clean_text(" ".join(_unlabelled_texts(title, outer)))
    else:
        text = text_of(card)
    return _CardParts(text, [t for t in map(text_of, labels) if t], date, views)


def card_title(card: Selector | Any) -> tuple[str, list[str]]:
    """Return a Next.js news card's title and its labels ("Photo", "Exclusive", ...).

    Labels sit inside the title element ("...rescued<span>Photo</span>"), so a plain text read
    glues them to the title; they are taken out as elements (fixtures/unn/en-next-*).
    """
    parts = _card_parts(card.root if isinstance(card, Selector) else card)
    return parts.title, parts.labels


LAYOUTS: tuple[type[_ArticlePage], ...] = (
    NextArticlePage,
    Y2024ArticlePage,
    LegacyArticlePage,
    AmpArticlePage,
)


def detect_layout(page: PageTree | Selector, text: str | None = None) -> type[_ArticlePage] | None:
    """Return the page-object class whose markup the page carries, or None.

    With the page's text, layouts whose marker string is absent are ruled out without a query.
    Given a PageTree, the lookups a layout test makes stay on it for the page object it picks.
    """
    tree = page_tree(page)
    return next((cls for cls in LAYOUTS if (text is None or cls.marker in text) and cls.matches(tree)), None)


def parse_article(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
    site: Site = UNN,
) -> Article | QuarantinedPage:
    """Extract one UNN article page, or explain why it cannot be one."""
    parsed = parse_guarded(body, url, fetched_at=fetched_at, headers=headers, status=status)
    if isinstance(parsed, QuarantinedPage):
        return parsed
    page, text = parsed.page, parsed.text
    tree = PageTree(parsed.root)  # the tree and its one-pass lookups, for this page only
    layout = detect_layout(tree, text)
    if layout is None:
        return QuarantinedPage(url, "unknown layout: no known UNN article markup", page)
    article = build_article(layout(tree, url), page, text, site=site, extractor_version=EXTRACTOR_VERSION)
    if isinstance(article, Article):
        if is_amp_url(article.url):  # an AMP page without <link rel=canonical>: drop /amp from its URL
            article.url = amp_canonical(article.url)
        article.dateline = page_dateline(tree)
    return article


# --- discovery pages ---------------------------------------------------------------------------


class ListingPage:
    """A news listing (/news, /en/news, /ru/news) in the current layout or the old one."""

    def __init__(self, sel: Selector, url: str) -> None:
        self.sel = sel
        self.url = url

    def links(self) -> list[Link]:
        out: list[Link] = []
        for card in self.sel.xpath(f"//main//a[{class_prefix('news-card_root__')}]"):
            date = card.xpath(f".//*[{class_prefix('news-card_date__')}]")
            href = card.attrib.get("href")
            if href:
                out.append(Link(urljoin(self.url, href), card_title(card)[0], first_text(date)))
        # Old unn.com.ua listing: div.h-news-feed li[data-sort] with span.date and h3 a.
        for item in self.sel.xpath("//div[contains(@class,'h-news-feed')]//li[@data-sort]"):
            href = item.xpath(".//h3/a/@href").get()
            if href:
                out.append(
                    Link(
                        urljoin(self.url, href),
                        text_of(item.xpath(".//h3/a")[0]),
                        clean_text(item.xpath(".//span[@class='date']/text()").get()) or None,
                    )
                )
        return out

    def next_page(self) -> str | None:
        href = self.sel.xpath(
            f"//a[@rel='next']/@href | //a[{class_prefix('pagination_next__')}]/@href"
        ).get()
        return urljoin(self.url, href) if href else None


def parse_listing(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> ListingPage:
    """Wrap a listing page's bytes in its page object."""
    return ListingPage(Selector(text=decode_html(body, headers)), url)
