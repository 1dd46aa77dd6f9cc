"""The one-pass lookups page objects use instead of XPath scans give what those XPath queries give.

Each helper in newsbot.pages.base names the XPath it stands for; these tests run both on the UNN
fixtures, the real UNN page (when ../shared is there) and hand-written markup built to trip them
(tabs and NBSP in class attributes, repeated class names, nested containers, comments splitting
text), and compare element by element.
"""

from __future__ import annotations

import re
from itertools import product
from urllib.parse import urljoin

import pytest
from lxml import etree
from parsel.csstranslator import css2xpath

from newsbot.pages.base import (
    CONTAINS,
    EQUALS,
    ClassIndex,
    ElementRules,
    PageTree,
    TokenIndex,
    absolute_url,
    canonical_url,
    class_heads,
    class_prefix,
    class_tokens,
    clean_text,
    descendants,
    first_within,
    following_texts,
    has_class_prefix,
    has_text,
    hreflang_alternates,
    meta_content,
    meta_tags,
    page_source,
    parse_html,
    text_nodes,
    text_of,
    within,
)
from newsbot.pages.unn import card_title
from tests.support.paths import UNN_RU_2020, fixtures_of_kind

TRICKY = """<html lang="uk"><head>
<meta name="description"><meta property="og:title" content="First"><meta name="og:title" content="Second">
<meta property="article:tag" content=" Kyiv "><meta property="article:tag" content="">
<link rel="canonical"><link rel="canonical" href=" /ru/news/1 "><link rel="canonical" href="/other">
<link rel="alternate" hreflang="EN-gb" href="/en/news/1"><link rel="alternate" hreflang="x-default" href="/">
<link rel="alternate" href="/no-lang"><link rel="alternate" hreflang="uk" href="">
</head><body>
<div class="b-news-text\tlead" itemprop="articleBody"><p>One<!-- c -->two</p>\u00a0<span>\u00a0</span></div>
<div class="teaser teaser  teaser-block"><a class="teaser__link\nx" href="/a">A</a>
  <div class="teaser\u00a0odd"><span class="teaser__date">1.1.24</span></div></div>
<section class="teaser-block"><h2 class="teaser-block__title">Popular</h2>
  <div class="teaser"><a class="teaser__link" href="https://unn.ua/b">B</a>
  <span class="teaser__views">5</span></div>
</section>
<div class="b-news-tags">Tags: <a href="/t/1">one</a>
<div class="b-news-tags"><a href="/t/2">two</a></div></div>
<div class="b-news-tags"><a href="/t/3">three</a></div>
<h1 itemprop="name">Title<b>bold</b></h1>tail<span class="view"> 12 </span><span class="view x">13</span>
<span itemprop="author"><span itemprop="name">Ann</span><span><span itemprop="name">Bob</span></span></span>
<span itemprop="name">Not an author</span><h1>Second <!--x-->title</h1>after
<a class="news-card_root__A1" href="/c1"><div class="x news-card_title__B2">Rescued<span
 class="news-card_label__C3">Photo</span> <!-- -->dogs</div>
<span class="news-card_date__D\tnews-card_date__E">1 May</span></a>
<div class="news-card_label__Z"><a class="news-card_root__A1"><p class="news-card_title__Q">In a
 label</p><i class="news-card_exclusive__X">Exclusive</i></a></div>
<b class="a__b__c q\u00a0news-card_root__X">b</b>
</body></html>"""


def _pages() -> list[tuple[str, etree._Element]]:
    pages = [("tricky", parse_html(TRICKY))]
    for fixture in fixtures_of_kind("article"):
        text, data, _ = page_source(fixture.body(), fixture.headers)
        pages.append((fixture.name, parse_html(text, data)))
    if UNN_RU_2020.exists():
        text, data, _ = page_source(UNN_RU_2020.read_bytes(), {})
        pages.append(("real-unn", parse_html(text, data)))
    return pages


PAGES = _pages()
IDS = [name for name, _ in PAGES]


def _same(got: list, expected: list) -> bool:
    return len(got) == len(expected) and all(a is b for a, b in zip(got, expected, strict=True))


@pytest.mark.parametrize(("name", "root"), PAGES, ids=IDS)
def test_element_rules_file_what_their_xpath_finds(name: str, root: etree._Element) -> None:
    rules = ElementRules(
        body=("div", "class", "b-news-text", CONTAINS),
        teaser=("div", "class", "teaser", CONTAINS),
        view=("span", "class", "view", EQUALS),
        name=("span", "itemprop", "name", EQUALS),
        h1=("h1", None, None, EQUALS),
        link=("a", "href", "/", CONTAINS),
    )
    xpaths = {
        "body": "//div[contains(@class, 'b-news-text')]",
        "teaser": "//div[contains(@class, 'teaser')]",
        "view": "//span[@class='view']",
        "name": "//span[@itemprop='name']",
        "h1": "//h1",
        "link": "//a[contains(@href, '/')]",
    }
    tree = PageTree(root)
    filed = tree.filed(rules)
    assert tree.filed(rules) is filed  # filed once for the page, kept with it
    again = rules.file(root)  # a bare call files the tree afresh: the same elements
    for key, query in xpaths.items():
        assert _same(filed[key], root.xpath(query)), (name, key)
        assert _same(again[key], filed[key]), (name, key)
    with pytest.raises(ValueError, match="unknown test"):
        ElementRules(x=("div", "class", "a", "starts"))


@pytest.mark.parametrize(("name", "root"), PAGES, ids=IDS)
def test_class_lookups_match_css(name: str, root: etree._Element) -> None:
    index = TokenIndex(root)
    names = sorted({t for node in root.iter(etree.Element) for t in class_tokens(node.get("class"))})
    assert names, name
    for token, tag in product(names, (None, "div", "a", "span")):
        query = css2xpath(f"{tag or ''}.{token}")
        assert _same(index.all(token, tag), root.xpath(query)), (name, token, tag)
    for node in root.iter("section", "div", "article"):
        for token in names[:40]:
            expected = node.xpath(css2xpath(f".{token}"))
            assert _same(within(node, token), expected), (name, token)
            assert first_within(node, token) is (expected[0] if expected else None)


@pytest.mark.parametrize(("name", "root"), PAGES, ids=IDS)
def test_class_prefixes_match_class_prefix_xpath(name: str, root: etree._Element) -> None:
    index = ClassIndex(root)
    tree = PageTree(root)
    assert tree.lookup(ClassIndex) is tree.lookup(ClassIndex)  # built once for the page
    heads = sorted({h for node in root.iter(etree.Element) for h in class_heads(node.get("class"))})
    for prefix in [*heads, "a__b__", "news-card_root__"]:
        expected = root.xpath(f"//*[{class_prefix(prefix)}]")
        if prefix.count("__") == 1:  # a prefix ending in its only "__", as page objects name them
            assert _same(index.all(prefix), expected), (name, prefix)
        assert [n for n in root.iter(etree.Element) if has_class_prefix(n, prefix)] == expected


@pytest.mark.parametrize(("name", "root"), PAGES, ids=IDS)
def test_a_news_card_reads_as_its_xpath_queries_read_it(name: str, root: etree._Element) -> None:
    def prefixed(prefix: str) -> str:
        return f".//*[{class_prefix(prefix)}]"

    for card in root.xpath(f"//a[{class_prefix('news-card_root__')}]"):
        title = card.xpath(prefixed("news-card_title__"))
        unlabelled = f".//text()[not(ancestor::*[{class_prefix('news-card_label__')}])]"
        text = clean_text(" ".join(title[0].xpath(unlabelled))) if title else text_of(card)
        labels = card.xpath(f"{prefixed('news-card_exclusive__')} | {prefixed('news-card_label__')}")
        assert card_title(card) == (text, [t for t in map(text_of, labels) if t]), name


def test_class_names_split_on_xml_whitespace_only() -> None:
    assert class_tokens("a\tb\nc\rd  e") == {"a", "b", "c", "d", "e"}
    assert class_tokens("teaser\u00a0odd teaser") == {"teaser\u00a0odd", "teaser"}
    assert class_tokens("") == class_tokens(None) == set()


@pytest.mark.parametrize(("name", "root"), PAGES, ids=IDS)
def test_descendants_of_containers_are_given_once_in_document_order(name: str, root: etree._Element) -> None:
    for needle in ("b-news-tags", "teaser", "b-more-news", "article-page__tags", "news-block"):
        boxes = root.xpath(f"//*[contains(@class, '{needle}')]")
        for tag in ("a", "span", "div"):
            expected = root.xpath(f"//*[contains(@class, '{needle}')]//{tag}")
            assert _same(descendants(boxes, tag), expected), (name, needle, tag)


@pytest.mark.parametrize(("name", "root"), PAGES, ids=IDS)
def test_text_walks_match_their_xpath(name: str, root: etree._Element) -> None:
    for node in root.iter(etree.Element):
        assert list(text_nodes(node)) == node.xpath("text()"), (name, node.tag)
        assert has_text(node) == bool(text_of(node))
        if not len(node):  # a leaf reads as its one text node, unless it is a script or a style
            hidden = node.tag in ("script", "style", "noscript", "template")
            assert text_of(node) == ("" if hidden else clean_text(node.xpath("string()"))), (name, node.tag)
    for comment in root.iter(etree.Comment):
        assert text_of(comment) == "", name  # a comment's body is no text node
    for node in root.iter("h1", "p", "span", "a", "li"):
        assert list(following_texts(node)) == node.xpath("following::text()"), (name, node.tag)
    assert not has_text(None)


def test_head_declarations_read_as_their_xpath_reads_them() -> None:
    root = parse_html(TRICKY)
    url = "https://unn.ua/ru/news/1?x"
    assert meta_content(root, "og:title") == "First"  # property and name share one namespace
    assert meta_content(root, "description") is None  # a <meta> without content is not one
    assert meta_tags(root) == ["Kyiv", ""]
    assert canonical_url(root, url) == urljoin(url, root.xpath("//link[@rel='canonical']/@href")[0].strip())
    assert hreflang_alternates(root, url) == {"en": "https://unn.ua/en/news/1"}
    tree = PageTree(root)  # the same answers from the page's head, read once
    assert tree.head() is tree.head()
    assert meta_content(tree, "og:title") == "First"
    assert meta_content(tree, "description") is None
    assert meta_tags(tree) == meta_tags(root)
    assert canonical_url(tree, url) == canonical_url(root, url)
    assert hreflang_alternates(tree, url) == hreflang_alternates(root, url)


CLEAN_SPEC_SPACE = re.compile(r"[\s\u00a0\u2009\u202f]+")
CLEAN_SPEC_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def test_clean_text_collapses_spaces_and_drops_invisible_marks_as_its_definition_says() -> None:
    alphabet = (
        "a ж\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2009\u202f\u3000\u2028\u00ad\u200b\u200c\u200d\u2060\ufeff."
    )
    samples = ["".join(p) for p in product(alphabet, repeat=3)]
    for text in samples:
        expected = CLEAN_SPEC_SPACE.sub(" ", CLEAN_SPEC_INVISIBLE.sub("", text)).strip()
        assert clean_text(text) == expected, repr(text)
    assert clean_text(None) == clean_text("") == ""


def test_absolute_urls_are_what_urljoin_gives() -> None:
    bases = [
        "https://unn.ua/en/news/x?y#z",
        "http://www.unn.com.ua/ru/news/1",
        "https://a.b/c/d/",
        "ftp://x/y",
    ]
    hrefs = [
        "https://unn.ua/en/news/a", "https://unn.ua/a/../b/./c", "http://x.y", "https://x.y?q", "https://",
        "http://", "https:///a", "https://?q", "https://#f", "https://a/b/..", " /a/b ", "a/b", "//x/y", "?q",
        "#f", "", None,
    ]  # fmt: skip
    for base, href in product(bases, hrefs):
        expected = urljoin(base, href.strip()) if href and href.strip() else None
        assert absolute_url(base, href) == expected, (base, href)
