"""UNN page objects: article pages in three layouts (chosen by markup) and listing pages.

Layouts (see fixtures/unn/README.md for the markup each one is modelled on):
- "next":   current unn.ua, Next.js with CSS-module class names ending in a build hash;
- "y2024":  the 2024 unn.ua layout (server-rendered BEM classes; DD.MM.YY dates; "переглядiв");
- "legacy": the old unn.com.ua layout (schema.org microdata; until about 2022);
- "amp":    AMP copies (/amp/..., /en/amp/..., /ru/amp/...), read by structure (issue 15).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from newsbot.items import Article, QuarantinedPage, Teaser
from newsbot.pages.base import ArticlePage as _ArticlePage
from newsbot.pages.base import (
    ClassIndex,
    Link,
    build_article,
    class_prefix,
    clean_text,
    decode_html,
    first,
    first_text,
    page_text,
    raw_page,
    text_of,
)
from newsbot.pages.guard import MAX_DEPTH, nesting_depth
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


def page_dateline(sel: Selector) -> str | None:
    """Return the place of the dateline printed near the title ("Kyiv" of "Kyiv • UNN"), or None."""
    texts = sel.xpath("//h1/following::text()[normalize-space()][position() <= 6]").getall()
    return next((place for text in texts if (place := dateline_place(clean_text(text)))), None)


class NextArticlePage(_ArticlePage):
    """Current unn.ua (Next.js): match CSS-module classes on their prefix, never on the hash."""

    layout = "next"
    marker = "single-news-card_"

    def __init__(self, sel: Selector, url: str) -> None:
        super().__init__(sel, url)
        self.classes = ClassIndex(sel)

    @classmethod
    def matches(cls, sel: Selector) -> bool:
        return bool(sel.xpath(f"//*[{class_prefix('single-news-card_body__')}]"))

    def title(self) -> str:
        return first_text(self.classes.all("single-news-card_newsTitle__")) or super().title()

    def lead(self) -> str | None:
        paragraphs = [p for a in self.classes.all("single-news-card_announce__") for p in a.xpath(".//p")]
        return clean_text(" ".join(text_of(p) for p in paragraphs)) or None

    def authors(self) -> list[str]:
        names = [text_of(a) for a in self.classes.all("single-news-card_author__")]
        return [n for n in names if n] or super().authors()

    def body(self) -> Selector | None:
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
            slug = block_slug(first_text(block.xpath(f".//*[{class_prefix('news-block_title__')}]")) or "")
            for card in block.xpath(f".//a[{class_prefix('news-card_root__')}]"):
                out.append(self._card_teaser(card, slug))
        return out

    def _card_teaser(self, card: Selector, slug: str) -> Teaser:
        date = card.xpath(f".//*[{class_prefix('news-card_date__')}]")
        views = card.xpath(f".//*[{class_prefix('news-card_views__')}]")
        title, labels = card_title(card)
        return Teaser(
            title=title,
            block=slug,
            url=self._abs(card.attrib.get("href")),
            published_raw=first_text(date),
            views_raw=first_text(views),
            labels=labels,
        )


class Y2024ArticlePage(_ArticlePage):
    """The 2024 unn.ua layout, rebuilt from the seed text (fixtures/unn/en-2024-china-lavrov)."""

    layout = "y2024"

    marker = "article-page__text"

    @classmethod
    def matches(cls, sel: Selector) -> bool:
        return bool(
            sel.xpath(
                "//article[contains(@class, 'article-page')]//div[contains(@class, 'article-page__text')]"
            )
        )

    def title(self) -> str:
        return first_text(self.sel.css("h1.article-page__title")) or super().title()

    def lead(self) -> str | None:
        return first_text(self.sel.css(".article-page__lead"))

    def authors(self) -> list[str]:
        names = [text_of(a) for a in self.sel.css(".article-page__author")]
        return [n for n in names if n] or super().authors()

    def body(self) -> Selector | None:
        return first(self.sel.css("div.article-page__text"))

    def published(self) -> tuple[str | None, str | None]:
        node = self.sel.css("time.article-page__date")
        if not node:
            return super().published()
        machine = node[0].attrib.get("datetime") or super().published()[1]
        return text_of(node[0]) or None, machine

    def views_raw(self) -> str | None:
        return first_text(self.sel.css(".article-page__views"))

    def tags(self) -> list[str]:
        return [t for t in (text_of(a) for a in self.sel.css(".article-page__tags a")) if t]

    def rubric(self) -> str | None:
        return first_text(self.sel.css(".article-page__rubric")) or super().rubric()

    def teasers(self) -> list[Teaser]:
        out: list[Teaser] = []
        for block in self.sel.css("section.teaser-block"):
            slug = block_slug(first_text(block.css(".teaser-block__title")) or "")
            for card in block.css(".teaser"):
                link = card.css("a.teaser__link")
                date = card.css(".teaser__date")
                views = card.css(".teaser__views")
                out.append(
                    Teaser(
                        title=first_text(link) or text_of(card),
                        block=slug,
                        url=self._abs(link.attrib.get("href")),
                        published_raw=first_text(date),
                        views_raw=first_text(views),
                    )
                )
        return out


class LegacyArticlePage(_ArticlePage):
    """The old unn.com.ua layout: schema.org microdata (see ../shared/extdata/unn/)."""

    layout = "legacy"

    marker = "b-news-"

    @classmethod
    def matches(cls, sel: Selector) -> bool:
        return bool(
            sel.xpath("//div[contains(@class, 'b-news-text')] | //span[contains(@class, 'datelink')]")
        )

    def title(self) -> str:
        query = "//h1[@itemprop='name'] | //div[contains(@class,'b-news-full')]//h1"
        return first_text(self.sel.xpath(query)) or super().title()

    def authors(self) -> list[str]:
        names = self.sel.xpath("//span[@itemprop='author']//span[@itemprop='name']")
        found = [text_of(n) for n in names if text_of(n)]
        return found or super().authors()

    def body(self) -> Selector | None:
        return first(self.sel.xpath("//div[contains(@class, 'b-news-text')]"))

    def published(self) -> tuple[str | None, str | None]:
        node = self.sel.xpath("//span[contains(@class, 'datelink')]")
        if not node:
            return super().published()
        return text_of(node[0]) or None, node[0].attrib.get("content") or super().published()[1]

    def views_raw(self) -> str | None:
        return first_text(self.sel.xpath("//span[@class='view']"))

    def tags(self) -> list[str]:
        return [
            t for t in (text_of(a) for a in self.sel.xpath("//div[contains(@class,'b-news-tags')]//a")) if t
        ]

    def rubric(self) -> str | None:
        return first_text(self.sel.xpath("//span[@itemprop='articleSection']")) or super().rubric()

    def teasers(self) -> list[Teaser]:
        # "Свежие новости раздела": per-day lists whose items carry only a clock time, so each
        # time is joined to its day header ("Четверг, 3 декабря 2020, 19:01").
        out: list[Teaser] = []
        for block in self.sel.xpath("//div[contains(@class,'b-more-news')]"):
            heading = block.xpath("./div[contains(@class,'b-block-name')]")
            slug = block_slug(text_of(heading[0])) if heading else "latest"
            day = ""
            for node in block.xpath(
                ".//div[contains(@class,'b-news-feed-date') or contains(@class,'h-news-feed')]"
            ):
                if "h-news-feed" not in (node.attrib.get("class") or ""):
                    day = text_of(node)
                    continue
                for item in node.xpath(".//li"):
                    link = item.xpath(".//h3/a")
                    if link:
                        out.append(self._latest_teaser(item, link[0], slug, day))
        return out

    def _latest_teaser(self, item: Selector, link: Selector, slug: str, day: str) -> Teaser:
        clock = clean_text(item.xpath("./span[@class='date']/text()").get())
        labels = [name.title() for name in ("photo", "video") if item.xpath(f".//span[@class='{name}']")]
        return Teaser(
            title=text_of(link),
            block=slug,
            url=self._abs(link.attrib.get("href")),
            published_raw=(f"{day}, {clock}" if day and clock else clock) or None,
            labels=labels,
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

    @classmethod
    def matches(cls, sel: Selector) -> bool:
        return bool(sel.xpath("//script[contains(@src, 'cdn.ampproject.org/v0')]"))

    def title(self) -> str:
        return first_text(self.sel.xpath("//h1")) or super().title()

    def body(self) -> Selector | None:
        best, best_size = None, 0
        for node in self.sel.xpath("//*[p]"):
            size = sum(len(text_of(p)) for p in node.xpath("./p"))
            if size > best_size:
                best, best_size = node, size
        return best

    def views_raw(self) -> str | None:
        texts = self.sel.xpath("//h1/following::text()[normalize-space()][position() <= 12]").getall()
        return next((clean_text(t) for t in texts if mentions_views(t)), None)

    def published(self) -> tuple[str | None, str | None]:
        visible = first_text(self.sel.xpath("//h1/following::time[1]"))
        return visible, super().published()[1]

    def teasers(self) -> list[Teaser]:
        body = self.body()
        inside = set(body.root.iter()) if body is not None else set()
        out: list[Teaser] = []
        for heading in self.sel.xpath("//body//*[not(self::a)][normalize-space()][not(*)]"):
            text = text_of(heading)
            if heading.root in inside or text.rstrip(":").lower() not in BLOCK_SLUGS:
                continue
            slug = block_slug(text)
            container = heading.xpath("./following-sibling::*[1]")
            seen: set[tuple[str, str | None]] = set()  # a list may print every title twice
            for link in container.xpath(".//a[@href][normalize-space()]") if container else []:
                card = link.xpath("./ancestor::li[1]")
                url = self._abs(link.attrib.get("href"))
                if (slug, url) in seen:
                    continue
                seen.add((slug, url))
                # The link's text and the card's text outside links (a stamp, a counter): the
                # split stage cuts them off the title.
                tail = (
                    clean_text(" ".join(card[0].xpath(".//text()[not(ancestor::a)]").getall()))
                    if card
                    else ""
                )
                out.append(Teaser(title=f"{text_of(link)} {tail}".strip(), block=slug, url=url))
        return out


def card_title(card: Selector) -> tuple[str, list[str]]:
    """Return a Next.js news card's title and its labels ("Photo", "Exclusive", ...).

    Labels sit inside the title element ("...rescued<span>Photo</span>"), so a plain text read
    glues them to the title; they are taken out as elements (fixtures/unn/en-next-*).
    """
    label = class_prefix("news-card_label__")
    title = card.xpath(f".//*[{class_prefix('news-card_title__')}]")
    text = (
        clean_text(" ".join(title[0].xpath(f".//text()[not(ancestor::*[{label}])]").getall()))
        if title
        else text_of(card)
    )
    nodes = card.xpath(f".//*[{class_prefix('news-card_exclusive__')}] | .//*[{label}]")
    return text, [t for t in (text_of(n) for n in nodes) if t]


LAYOUTS: tuple[type[_ArticlePage], ...] = (
    NextArticlePage,
    Y2024ArticlePage,
    LegacyArticlePage,
    AmpArticlePage,
)


def detect_layout(sel: Selector, text: str | None = None) -> type[_ArticlePage] | None:
    """Return the page-object class whose markup the page carries, or None.

    With the page's text, layouts whose marker string is absent are ruled out without a query.
    """
    return next((cls for cls in LAYOUTS if (text is None or cls.marker in text) and cls.matches(sel)), None)


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
    page = raw_page(body, url, fetched_at=fetched_at, headers=headers, status=status)
    text, refused = page_text(body, headers)
    if refused:
        return QuarantinedPage(url, refused, page)
    sel = Selector(text=text)
    if nesting_depth(sel.root) > MAX_DEPTH:
        return QuarantinedPage(url, f"markup nested deeper than {MAX_DEPTH} levels", page)
    layout = detect_layout(sel, text)
    if layout is None:
        return QuarantinedPage(url, "unknown layout: no known UNN article markup", page)
    article = build_article(layout(sel, url), page, text, site=site, extractor_version=EXTRACTOR_VERSION)
    if isinstance(article, Article):
        if is_amp_url(article.url):  # an AMP page without <link rel=canonical>: drop /amp from its URL
            article.url = amp_canonical(article.url)
        article.dateline = page_dateline(sel)
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
