"""The generic article page object: any news page, no site-specific markup.

Metadata comes from what pages declare, in order of trust: JSON-LD (NewsArticle, Article,
BlogPosting, ... inside lists and @graph wrappers; broken JSON-LD is repaired or read by pattern),
OpenGraph and article:*, schema.org microdata, Dublin Core and other <meta name=...> conventions
(parsely-*, sailthru.*, ...), <time datetime>, and the date in the URL.

The body is chosen by a main-content algorithm on the lxml tree (one pass to score, one to emit):
paragraph-level blocks score their parent and grandparent by text length and commas; the best
container (weighted by its link density and by what its class/id say) wins, and its story
paragraphs are emitted as `body_html` for the split stage. Navigation, share bars, comments,
footers, teaser rails and captions are dropped by tag, by class/id words and by link density.
See README "Any site: the generic page object" for the measured comparison that chose it.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from newsbot.items import Article, QuarantinedPage
from newsbot.pages.base import (
    clean_text,
    inner_html,
    nested_deeper_than,
    page_fields,
    page_source,
    raw_page,
    walk_json_ld,
)
from newsbot.pages.guard import MAX_DEPTH
from newsbot.sites import Site

LAYOUT = "generic"
EXTRACTOR_VERSION = "generic-1"

# huge_tree: without it libxml2 silently drops everything nested past 256 levels, and a story in such a page
# would be quarantined as "no story text"; pages nested past MAX_DEPTH are refused before any query instead.
_PARSER = etree.HTMLParser(
    remove_comments=True, remove_pis=True, recover=True, encoding="utf-8", huge_tree=True
)

# --- the tree ------------------------------------------------------------------------------------

# Never story text, whatever the page says.
_DROP_TAGS = frozenset(
    {
        *("script", "style", "noscript", "template", "iframe", "svg", "math", "canvas", "video"),
        *("audio", "object", "embed", "button", "select", "option", "textarea", "input", "label"),
        *("figure", "figcaption", "picture", "img", "head", "title", "meta", "link", "map", "dialog"),
    }
)
# Paragraph-level elements: each one is a unit of story text or of boilerplate.
_PARA_TAGS = frozenset({"p", "pre", "blockquote", "h2", "h3", "h4", "h5", "h6", "li", "dd", "td"})
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_BLOCK_TAGS = frozenset(
    {
        *_PARA_TAGS,
        *("div", "section", "article", "main", "header", "ul", "ol", "dl", "dt", "table", "tbody"),
        *("thead", "tr", "th", "form", "fieldset", "details", "summary", "center", "h1", "hr", "body"),
    }
)
# Words in class/id (split at "-", "_" and camelCase) that mark a boilerplate component.
_NEGATIVE_WORDS = frozenset(
    [
        "comment",
        "comments",
        "commentary",
        "disqus",
        "share",
        "sharing",
        "sharebar",
        "social",
        "socials",
        "related",
        "recommend",
        "recommended",
        "recommendations",
        "promo",
        "promos",
        "newsletter",
        "newsletters",
        "subscribe",
        "subscription",
        "advert",
        "advertisement",
        "advertising",
        "ad",
        "ads",
        "adv",
        "adslot",
        "banner",
        "sponsor",
        "sponsored",
        "breadcrumb",
        "breadcrumbs",
        "crumbs",
        "cookie",
        "cookies",
        "consent",
        "gdpr",
        "popup",
        "modal",
        "overlay",
        "outbrain",
        "taboola",
        "teaser",
        "teasers",
        "trending",
        "popular",
        "mostread",
        "footer",
        "nav",
        "navbar",
        "navigation",
        "menu",
        "caption",
        "captions",
        "credit",
        "credits",
        "byline",
        "author",
        "authors",
        "tags",
        "taglist",
        "keywords",
        "pagination",
        "pager",
        "rating",
        "poll",
        "gallery",
        "slideshow",
        "carousel",
        "signup",
        "login",
        "disclaimer",
        "copyright",
        "bio",
        "toc",
        "dateline",
        "timestamp",
        "date",
        "meta",
        "print",
        "skip",
        "sidebar",
        "wall",
        "paywall",
        "regwall",
        "anonymous",
        "fallback",
    ]
)
_NEGATIVE_TOKENS = frozenset(
    {
        "hidden",
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-text",
        "most-read",
        "read-more",
        "readmore",
        "see-also",
        "more-stories",
        "also-read",
        "read-also",
    }
)
# Names of the story body itself: they rescue an element whose other words look like boilerplate.
_POSITIVE_COMPOUNDS = re.compile(
    r"article-?body|article__body|article-?text|article-?content|story-?body|story-?text|"
    r"entry-?content|post-?content|post-?body|news-?text|body-?text|main-?content|articlebody|"
    r"text-?content|rich-?text|story-?content|content-?body",
    re.IGNORECASE,
)
_POSITIVE_WORDS = frozenset(["article", "body", "content", "entry", "main", "post", "story", "text", "prose"])
_SPLIT_WORDS = re.compile(r"[\s_\-:./]+|(?<=[a-z])(?=[A-Z])")


# Boilerplate by tag, but only below the story container: a broken page can nest the story
# itself inside an unclosed <aside> or <footer>.
_NEGATIVE_TAGS = frozenset({"nav", "aside", "footer", "menu"})


def _class_words(element: etree._Element) -> tuple[str, list[str]]:
    raw = f"{element.get('class') or ''} {element.get('id') or ''}"
    return raw, _words_of(raw)


@lru_cache(maxsize=65536)
def _words_of(raw: str) -> list[str]:
    return [w.lower() for w in _SPLIT_WORDS.split(raw) if w]


def _negative(element: etree._Element) -> bool:
    """Tell whether an element's tag or class/id names a boilerplate component (not the story).

    (Junk or not: the walks read both at once through _kind.)
    """
    if element.tag in _NEGATIVE_TAGS:
        return True
    if element.get("hidden") is not None:
        # Hidden until a script shows it; React's streamed HTML keeps whole stories there.
        return True
    classes, ident = element.get("class"), element.get("id")
    if not classes and not ident:
        return False
    return _negative_words(f"{classes or ''} {ident or ''}")


@lru_cache(maxsize=65536)
def _negative_words(raw: str) -> bool:
    if _POSITIVE_COMPOUNDS.search(raw):
        return False
    if any(t.lower() in _NEGATIVE_TOKENS for t in raw.split()):
        return True
    return any(w in _NEGATIVE_WORDS for w in _words_of(raw))


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_COMMAS = re.compile(r"[,،、，;]")
_WORDS = re.compile(r"\w+")


def parse_tree(text: str, data: bytes | None = None) -> etree._Element | None:
    """Parse decoded HTML into a plain lxml tree (lxml.html's element classes cost time).

    `data`: the UTF-8 bytes `text` encodes to, if known (page_source's clean UTF-8 body): parsed
    as they are rather than encoded again.
    """
    try:
        root = etree.fromstring(data if data is not None else text.encode("utf-8", "surrogatepass"), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root


# What an element is to the walks, from its tag and the attributes that name it (one reading each).
_PLAIN, _NEGATIVE, _JUNK = 0, 1, 2  # junk: never story text; negative: named as boilerplate
_RARE_KIND_ATTRS = frozenset({"role", "style", "aria-hidden", "hidden"})
_KIND_ATTRS = frozenset({"class", "id", *_RARE_KIND_ATTRS})
_JUNK_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "dialog"})


def _kind(element: etree._Element) -> int:
    """Return _JUNK, _NEGATIVE or _PLAIN for an element (its tag, role, style, class/id, hidden).

    Junk: dropped by tag, aria-hidden, a landmark role or a hiding style. Negative: a boilerplate
    tag (nav, aside, ...), the `hidden` attribute, or class/id words naming a component.
    """
    tag = element.tag
    if tag in _DROP_TAGS:
        return _JUNK
    # lxml's get() costs about as much for an absent name as for a present one: read the names
    # once and get only the values present (most elements carry a class or nothing).
    names = element.keys()
    if not names:
        return _NEGATIVE if tag in _NEGATIVE_TAGS else _PLAIN
    if _RARE_KIND_ATTRS.isdisjoint(names):
        if tag in _NEGATIVE_TAGS:
            return _NEGATIVE
        classes = element.get("class") if "class" in names else None
        ident = element.get("id") if "id" in names else None
        if not classes and not ident:
            return _PLAIN
        return _NEGATIVE if _negative_words(f"{classes or ''} {ident or ''}") else _PLAIN
    return _kind_of(tag, tuple([(name, element.get(name)) for name in names if name in _KIND_ATTRS]))


@lru_cache(maxsize=65536)
def _kind_of(tag: str, attrs: tuple[tuple[str, str], ...]) -> int:
    values = dict(attrs)
    if values.get("aria-hidden") == "true" or values.get("role") in _JUNK_ROLES:
        return _JUNK
    style = values.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return _JUNK
    if tag in _NEGATIVE_TAGS or "hidden" in values:
        return _NEGATIVE
    classes, ident = values.get("class"), values.get("id")
    if not classes and not ident:
        return _PLAIN
    return _NEGATIVE if _negative_words(f"{classes or ''} {ident or ''}") else _PLAIN


def _is_junk(element: etree._Element) -> bool:
    """Tell whether an element is boilerplate by its tag, its role or its style."""
    return _kind(element) == _JUNK


def _is_inline_junk(element: etree._Element) -> bool:
    """Junk inside a paragraph: by tag and style, or an inline widget named as boilerplate."""
    return _kind(element) != _PLAIN


def _own_text(element: etree._Element) -> tuple[int, int, int]:
    """Return (text length, link text length, commas) of a paragraph, junk children left out."""
    # Each .text/.tail read makes a new string from libxml2's: read once into a local. Commas are
    # counted once over the pieces joined (a comma is one character: no piece boundary splits one).
    total = links = 0
    pieces: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(element, False)]
    while stack:
        node, in_link = stack.pop()
        if node is not element:
            plain = isinstance(node.tag, str) and _kind(node) == _PLAIN
            tail = node.tail  # a junk child's tail is still the paragraph's text
            if tail:
                size = len(tail.strip())
                total += size
                pieces.append(tail)
                if in_link and plain:
                    links += size
            if not plain:
                continue
        text = node.text
        is_link = in_link or node.tag == "a"
        if text:
            size = len(text.strip())
            total += size
            pieces.append(text)
            if is_link:
                links += size
        stack.extend([(child, is_link) for child in reversed(node)])
    commas = len(_COMMAS.findall("".join(pieces))) if pieces else 0
    return total, links, commas


@dataclass(slots=True)
class _Para:
    element: etree._Element
    length: int
    links: int
    commas: int
    negative: etree._Element | None = None  # the nearest ancestor named as boilerplate

    @property
    def link_density(self) -> float:
        return self.links / self.length if self.length else 1.0


def _paragraphs(root: etree._Element) -> list[_Para]:
    """Walk the tree once, junk subtrees skipped, and return its paragraph-level elements.

    A paragraph is a <p>, <li>, <blockquote>, heading, ... or a <div> holding text of its own
    (sites that write the story as text and <br> inside divs).
    """
    # lxml's iterwalk walks in C (document order, as a stack walk would) and skips a subtree on
    # request; "end" events close the boilerplate-named ancestors opened on the way down.
    out: list[_Para] = []
    negatives: list[etree._Element | None] = [None]
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, node in walker:
        if event == "end":
            if node is negatives[-1]:
                negatives.pop()
            continue
        tag = node.tag
        if not isinstance(tag, str):
            walker.skip_subtree()
            continue
        if node is not root:
            kind = _kind(node)
            if kind == _JUNK:
                walker.skip_subtree()
                continue
            if kind == _NEGATIVE:
                negatives.append(node)
        if tag in _PARA_TAGS and not _has_block_child(node, tag):
            walker.skip_subtree()
            length, links, commas = _own_text(node)
            if length:
                out.append(_Para(node, length, links, commas, negatives[-1]))
            continue
        if tag in _TEXT_HOLDERS and (direct := _direct_text(node)) >= 25:
            # Text written straight into a container (with <br> between paragraphs): the
            # container is one paragraph-level unit, its block children flattened into it,
            # unless that text is a small part of what the container holds.
            length, links, commas = _own_text(node)
            if direct >= 0.3 * length:
                walker.skip_subtree()
                out.append(_Para(node, length, links, commas, negatives[-1]))
    return out


def _has_block_child(element: etree._Element, tag: str) -> bool:
    for child in element:
        child_tag = child.tag
        if isinstance(child_tag, str) and child_tag in _BLOCK_TAGS and child_tag not in ("br", "hr"):
            if tag == "li" and child_tag in ("p",):
                return True
            if child_tag in _PARA_TAGS or child_tag in ("div", "ul", "ol", "table", "section", "article"):
                return True
    return False


_TEXT_HOLDERS = frozenset({"div", "section", "article", "main", "td", "span", "font", "center", "body"})


def _direct_text(element: etree._Element) -> int:
    """Return the length of the text written directly in an element (not in its children)."""
    text = element.text
    size = len(text.strip()) if text else 0
    for child in element:
        tail = child.tail
        if tail:
            size += len(tail.strip())
    return size


def _class_weight(element: etree._Element) -> float:
    """Return the factor a container's class/id (and itemprop) give its score."""
    if element.get("itemprop") == "articleBody":
        return 2.0
    raw, words = _class_words(element)
    if not words:
        return 1.0
    if _POSITIVE_COMPOUNDS.search(raw):
        return 2.0
    weight = 1.0
    if any(w in _POSITIVE_WORDS for w in words):
        weight = 1.5
    if _negative(element):
        weight *= 0.5
    return weight


def _score_containers(paras: list[_Para]) -> dict[etree._Element, float]:
    """Readability-style: each story-like paragraph scores its ancestors, less with distance."""
    scores: dict[etree._Element, float] = {}
    for para in paras:
        if para.length < 25 or para.link_density > 0.5 or para.element.tag in _HEADINGS:
            continue
        score = 1 + para.commas + min(para.length / 100, 3)
        if para.negative is not None:
            score *= 0.2
        parent = para.element.getparent()
        level = 0
        while parent is not None and level < 4:
            if parent.tag in ("body", "html"):
                break
            divider = (1, 2, 3 * 2, 4 * 3)[level]
            scores[parent] = scores.get(parent, 0.0) + score / divider
            parent = parent.getparent()
            level += 1
    return scores


def _story_blocks(inside: list[tuple[_Para, etree._Element]]) -> set[etree._Element]:
    """Return the blocks named like boilerplate that hold most of the story's text.

    A name is a hint and the text is the evidence: a site may call the open part of a
    paywalled story its "teaser"; what holds more than half the story is the story.
    """
    total = sum(p.length for p, _ in inside if p.link_density <= 0.5)
    held: dict[etree._Element, int] = {}
    for para, _ in inside:
        if para.negative is not None and para.link_density <= 0.5:
            held[para.negative] = held.get(para.negative, 0) + para.length
    return {node for node, size in held.items() if size > 0.5 * total}


def _base_class(element: etree._Element) -> str | None:
    """Return the block's first class, the name its chunks share ("RichText RichText--last")."""
    classes = (element.get("class") or "").split()
    if not classes:
        return None
    return classes[0]


def _first_story(chosen: list[etree._Element]) -> list[etree._Element]:
    """Keep the chosen containers of the page's own story when the page stacks several.

    Pages that scroll on into the next stories put each in its own <article>; the page's own
    story comes first.
    """
    articles = {id(a): a for c in chosen if (a := _article_of(c)) is not None}
    if len(articles) < 2:
        return chosen
    first = next(a for a in chosen[0].getroottree().iter("article") if id(a) in articles)
    return [c for c in chosen if _article_of(c) in (first, None)]


def _article_of(element: etree._Element) -> etree._Element | None:
    """Return the nearest <article> around an element (a page may stack several stories)."""
    node = element
    while node is not None:
        if node.tag == "article":
            return node
        node = node.getparent()
    return None


def _scored_chain(
    node: etree._Element | None,
    scores: Mapping[etree._Element, float],
    chains: dict[etree._Element, tuple[etree._Element, ...]],
) -> tuple[etree._Element, ...]:
    """Return `node` and its ancestors that hold a score, nearest first.

    `chains` remembers every element's answer: paragraphs of one container share their ancestry,
    so each ancestor is climbed once per page instead of once per paragraph below it.
    """
    path = []
    while node is not None and node not in chains:
        path.append(node)
        node = node.getparent()
    chain = chains[node] if node is not None else ()
    for element in reversed(path):
        if element in scores:
            chain = (element, *chain)
        chains[element] = chain
    return chain


def _descends(element: etree._Element, ancestor: etree._Element) -> bool:
    node = element
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


REGION_LEVELS = 5  # how far up from the top container its same-built siblings are looked for


def main_content(root: etree._Element) -> list[etree._Element]:
    """Return the story's paragraph elements in document order (empty when there is no story)."""
    body = root.find("body")
    if body is None:
        body = root
    paras = _paragraphs(body)
    if not paras:
        return []
    scores = _score_containers(paras)
    if not scores:
        return []
    stats: dict[etree._Element, list[int]] = {}
    chains: dict[etree._Element, tuple[etree._Element, ...]] = {}
    for para in paras:
        for node in _scored_chain(para.element.getparent(), scores, chains):
            entry = stats.setdefault(node, [0, 0])
            entry[0] += para.length
            entry[1] += para.links

    def final_of(node: etree._Element) -> float:
        total, links = stats.get(node, (0, 0))
        density = links / total if total else 0.0
        return scores[node] * _class_weight(node) * (1 - density)

    finals = {node: final_of(node) for node in scores}  # each container weighed once
    final = finals.__getitem__
    ranked = sorted(scores, key=final, reverse=True)
    top = ranked[0]
    top_score = final(top)
    # A story split over several containers (text chunks between ads and embeds): take the
    # containers built like the top one (same tag and class, or same first class when they
    # read as story text themselves) in the same region of the page, and siblings that score
    # well themselves.
    chosen = [top]
    signature = (top.tag, _base_class(top))

    def _story_like(node: etree._Element) -> bool:
        # A chunk named only by its first class (framework names like "cell" or "row" are
        # shared by teaser cards) must read as story text itself: scored, with few links.
        total, links = stats.get(node, (0, 0))
        return final(node) >= 0.15 * top_score and total > 0 and links / total < 0.25

    region = top
    for _ in range(REGION_LEVELS):
        if region.getparent() is None or region.getparent().tag in ("body", "html"):
            break
        region = region.getparent()
    if signature[1]:
        for node in scores:
            same = node is not top and (
                (node.tag, node.get("class")) == (top.tag, top.get("class"))
                or ((node.tag, _base_class(node)) == signature and _story_like(node))
            )
            if (
                same
                and _descends(node, region)
                and not any(_descends(node, c) or _descends(c, node) for c in chosen)
            ):
                chosen.append(node)
    chosen = _first_story(chosen)

    def _big(node: etree._Element) -> bool:
        # A sibling holding as much story text as the top block, with few links (a live
        # blog's entries beside its opening), whose own score is spread over deep entries.
        total, links = stats.get(node, (0, 0))
        return total >= 0.5 * stats[top][0] and links < 0.2 * total and not _negative(node)

    parent = top.getparent()
    if parent is not None:
        threshold = max(10.0, top_score * 0.2)
        for sibling in parent:
            if sibling is top or not isinstance(sibling.tag, str) or _is_junk(sibling):
                continue
            if sibling in scores and sibling not in chosen and (final(sibling) >= threshold or _big(sibling)):
                chosen.append(sibling)
    inside = []
    for para in paras:
        # The chosen containers are scored: the paragraph's scored ancestors (memoised) name them.
        above = _scored_chain(para.element.getparent(), scores, chains)
        container = next((c for c in chosen if c in above), None)
        if container is not None:
            inside.append((para, container))
    story = _story_blocks(inside)
    kept: list[etree._Element] = []
    for para, container in inside:
        below = para.negative is not None and para.negative is not container
        if (
            below
            and _descends(para.negative, container)
            and para.negative not in story
            and not _inline_cross_link(para)
        ):
            continue
        if _keep(para):
            kept.append(para.element)
    return kept


_CROSS_LINK_WORDS = frozenset({"also", "readalso", "seealso", "readmore", "more", "related", "read"})


def _inline_cross_link(para: _Para) -> bool:
    """Tell whether a paragraph marked as boilerplate is an inline "read also" link of the story.

    Those stay in the body: the split stage takes them apart as cross-links.
    """
    negative = para.negative
    if negative is None or (negative is not para.element and negative is not para.element.getparent()):
        return False
    _, words = _class_words(negative)
    return bool(_CROSS_LINK_WORDS & set(words)) and _link_count(para.element) == 1


def _keep(para: _Para) -> bool:
    """Tell whether a paragraph inside the story container is story text."""
    tag = para.element.tag
    if tag in ("li", "dd", "td"):
        if para.links == 0 and tag == "li" and _plain_list(para.element.getparent()):
            return True  # an item of a list with no links (facts, steps), however short
        return para.link_density < 0.3 and para.length >= 40
    if para.link_density > 0.6 and para.length < 200:
        # A lone link line may be an inline "read also": the split stage takes those apart,
        # but a row of several links is navigation.
        return _link_count(para.element) == 1 and para.length >= 20
    return True


def _plain_list(element: etree._Element | None) -> bool:
    """Tell whether a list holds three or more items and no link at all."""
    if element is None or element.tag not in ("ul", "ol"):
        return False
    return sum(1 for c in element if c.tag == "li") >= 3 and next(element.iter("a"), None) is None


def _link_count(element: etree._Element) -> int:
    return sum(1 for _ in element.iter("a"))


def _labelled(element: etree._Element) -> bool:
    """Tell whether a line reads "Label: <a>link</a>" (its text before the first link ends in ':')."""
    before = element.text or ""
    for child in element:
        if child.tag == "a":
            return before.strip().endswith(":")
        before += "".join(child.itertext()) + (child.tail or "")
    return False


def body_html_of(elements: list[etree._Element]) -> str:
    """Serialise the chosen paragraphs as body HTML the split stage reads (one block each)."""
    parts = []
    for element in elements:
        tag = element.tag
        if tag in _HEADINGS or tag in ("p", "blockquote", "pre"):
            parts.append(_serialise(element, tag))
        else:
            parts.append(_serialise(element, "p"))
    return "".join(parts)


def _serialise(element: etree._Element, tag: str) -> str:
    inner = [html_lib.escape(element.text or "", quote=False)]
    for child in element:
        inner.append(_inline_html(child))
    return f"<{tag}>{''.join(inner)}</{tag}>"


def _inline_html(element: etree._Element) -> str:
    """Serialise an inline child, dropping junk (its tail kept) and flattening blocks."""
    tail = html_lib.escape(element.tail or "", quote=False)
    tag = element.tag
    if not isinstance(tag, str):
        return tail
    if _is_inline_junk(element):
        return tail
    if tag == "br":
        return "<br>" + tail
    inner = html_lib.escape(element.text or "", quote=False) + "".join(_inline_html(c) for c in element)
    if tag == "a":
        href = element.get("href")
        attr = f' href="{html_lib.escape(href, quote=True)}"' if href else ""
        return f"<a{attr}>{inner}</a>{tail}"
    if tag == "time":
        stamp = element.get("datetime")
        attr = f' datetime="{html_lib.escape(stamp, quote=True)}"' if stamp else ""
        return f"<time{attr}>{inner}</time>{tail}"
    if tag in ("b", "strong", "i", "em", "sub", "sup", "q", "cite", "mark", "u", "s", "code"):
        return f"<{tag}>{inner}</{tag}>{tail}"
    if tag in _BLOCK_TAGS:
        length, links, _ = _own_text(element)
        if length and (
            links / length > 0.5 or (length < 80 and links / length >= 0.3 and _labelled(element))
        ):
            return tail  # a link box inside the text ("Related: ...", "Tag: ...")
        return f"<br>{inner}<br>{tail}"
    return inner + tail


# --- metadata --------------------------------------------------------------------------------------

_ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "report",
        "techarticle",
        "scholarlyarticle",
        "satiricalarticle",
        "posting",
        "discussionforumposting",
        "medicalscholarlyarticle",
    }
)
_LD_WRAPPERS = ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LD_FIELD = re.compile(
    r'"(headline|datePublished|dateModified|dateCreated|name|inLanguage)"\s*:\s*"((?:[^"\\]|\\.)*)"'
)


def _load_json_ld(raw: str) -> Any:
    """Read one JSON-LD script; repair the usual breakage (comments, CDATA, trailing commas)."""
    text = raw.strip()
    if not text:
        return None
    for attempt in range(3):
        try:
            return json.loads(text, strict=False)
        except ValueError:
            if attempt == 0:
                text = re.sub(
                    r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?://\s*\]\]>|\]\]>|-->)\s*$", "", text
                )
                text = _CONTROL.sub(" ", _TRAILING_COMMA.sub(r"\1", text))
            elif attempt == 1:
                # Several objects pasted one after another, or junk after the object.
                try:
                    obj, _ = json.JSONDecoder(strict=False).raw_decode(text)
                    return obj
                except ValueError:
                    return {"@broken": dict(_unescape_pairs(_LD_FIELD.findall(text)))}
    return None


def _unescape_pairs(pairs: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    seen = set()
    for key, value in pairs:
        if key in seen:
            continue
        seen.add(key)
        try:
            yield key, json.loads(f'"{value}"')
        except ValueError:
            yield key, value


def _types(obj: Mapping) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower().rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def json_ld_article(
    root: etree._Element, scripts: list[etree._Element] | None = None
) -> tuple[dict, list[dict]]:
    """Return (the page's article object, every JSON-LD object) from all its JSON-LD scripts.

    `scripts`: the page's <script> elements if already filed (GenericArticlePage's one pass).
    """
    objects: list[dict] = []
    for script in root.iter("script") if scripts is None else scripts:
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        data = _load_json_ld("".join(script.itertext()))
        if isinstance(data, dict) and "@broken" in data:
            objects.append({"@type": "Article", **data["@broken"]} if data["@broken"] else {})
            continue
        objects.extend(walk_json_ld(data, _LD_WRAPPERS))
    best: dict = {}
    best_rank = -1
    for obj in objects:
        types = _types(obj)
        if types & _ARTICLE_TYPES or any(t.endswith("article") for t in types):
            rank = 2 if obj.get("headline") else 1
            rank += 1 if obj.get("datePublished") else 0
            if rank > best_rank:
                best, best_rank = obj, rank
    return best, objects


def _ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | dict)), None)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, str):
        return clean_text(html_lib.unescape(value)) or None
    return None


def head_meta(root: etree._Element, metas: list[etree._Element] | None = None) -> dict[str, str]:
    """Return <meta> values by lower-cased name/property/itemprop (first non-empty one wins).

    `metas`: the page's <meta> elements if already filed (GenericArticlePage's one pass).
    """
    out: dict[str, str] = {}
    for meta in root.iter("meta") if metas is None else metas:
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                key = key.strip().lower()
                if key not in out:
                    out[key] = clean_text(content)
    return out


_SEPARATORS = re.compile(r"\s+[|\-–—:·•»«*]+\s+|\s*[|•·»｜：]\s*")


def _norm(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def strip_site_name(title: str, site_names: list[str]) -> str:
    """Drop a " | Site name" / "Site name - " part from a title when evidence names the site.

    Evidence: og:site_name, application-name, JSON-LD publisher, the host name's labels.
    """
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    names = {_norm(n) for n in site_names if n and _norm(n)}
    compact = {n.replace(" ", "") for n in names}

    def is_site(part: str) -> bool:
        norm = _norm(part)
        if not norm:
            return True
        flat = norm.replace(" ", "")
        return (
            norm in names
            or flat in compact
            or any(flat and (flat in c or c in flat) and min(len(flat), len(c)) >= 3 for c in compact)
        )

    pieces = list(_split_keep(title))
    # pieces: [(text, separator-after)]
    while len(pieces) > 1 and is_site(pieces[-1][0]):
        pieces.pop()
    while len(pieces) > 1 and is_site(pieces[0][0]):
        pieces.pop(0)
    return "".join(text + sep for text, sep in pieces[:-1]) + pieces[-1][0]


def narrow_title(title: str, others: list[str]) -> str:
    """Return the part of `title` between separators that another declared title repeats.

    "Vierschanzentournee | Beleidigen und beschuldigen: ..." with an h1 "Beleidigen und
    beschuldigen: ..." is the h1's part; a kicker, a section or a date beside it is dropped.
    Trailing parts that are only a date, or "by NAME", are dropped too.
    """
    pieces = [text for text, _ in _split_keep(title)]
    while len(pieces) > 1 and _TITLE_NOISE.match(pieces[-1].strip()):
        pieces.pop()
    title = _join_pieces(title, len(pieces))
    if len(pieces) < 2:
        return title
    norms = [_norm(p) for p in pieces]
    for other in others:
        want = _norm(other)
        if len(want) < 10 or want == _norm(title):
            continue
        for start in range(len(pieces)):
            for end in range(start + 1, len(pieces) + 1):
                if (start, end) != (0, len(pieces)) and " ".join(norms[start:end]) == want:
                    parts = list(_split_keep(title))[start:end]
                    return ("".join(t + sep for t, sep in parts[:-1]) + parts[-1][0]).strip()
    return title


_TITLE_NOISE = re.compile(
    r"^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|by\s.+|von\s.+|\d{1,2}:\d{2})$", re.IGNORECASE
)


def _join_pieces(title: str, count: int) -> str:
    parts = list(_split_keep(title))[:count]
    return ("".join(text + sep for text, sep in parts[:-1]) + parts[-1][0]).strip()


def _split_keep(title: str) -> Iterator[tuple[str, str]]:
    position = 0
    for match in _SEPARATORS.finditer(title):
        yield title[position : match.start()], match.group(0)
        position = match.end()
    yield title[position:], ""


_CJK = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,8}$")
_PARTICLES = frozenset(
    ["von", "van", "de", "der", "den", "da", "di", "du", "la", "le", "al", "bin", "ibn", "y", "e"]
)


def _name_shaped(name: str) -> bool:
    """Tell whether a visible byline reads as a person's name (2-4 capitalised words, or CJK)."""
    name = clean_text(name)
    if _CJK.match(name.replace(" ", "")):
        return True
    words = name.split()
    if not 2 <= len(words) <= 4 or any(ch.isdigit() for ch in name):
        return False
    return words[0][:1].isupper() and all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)


_BYLINE_WORDS = frozenset({"author", "authors", "byline", "byl", "writer", "autor", "autorin", "reporter"})
_BYLINE_NOT = frozenset({"comment", "comments", "form", "bio", "avatar", "image", "img", "photo", "label"})
_BY = re.compile(
    r"^\s*(?:by|von|par|por|door|di|da|av|af|przez|автор(?:ы|и)?|от|від|texto|text|written by|"
    r"reporting by|words by|posted by|redakcja)\s*[:\-]?\s+",
    re.IGNORECASE,
)
# "A and B" in the languages of the sets; the one-letter words only in lower case between spaces,
# so an initial ("Sarah E. Needleman") is never a conjunction.
_AUTHOR_SPLIT = re.compile(
    r"\s*(?:,|;|/|\||&|\b(?:and|And|AND|und|et|og|och|en|и|та|і)\b)\s*|\s(?:e|y|i|u)\s"
)
_NOT_NAME = re.compile(r"https?://|www\.|@|\d{3,}|\.(?:com|org|net)\b", re.IGNORECASE)


def clean_authors(names: list[str]) -> list[str]:
    """Return a clean author list: "By" dropped, "A and B" split, URL and e-mail bylines left out.

    An organisation the page names as author (a wire, the newsroom) stays: it is who the page
    says wrote it.
    """
    out: list[str] = []
    for raw in names:
        text = clean_text(html_lib.unescape(raw or ""))
        if _NOT_NAME.search(text) and len(text.split()) == 1:
            continue  # a profile URL or an e-mail address, not a name
        text = _BY.sub("", text)
        for part in _AUTHOR_SPLIT.split(text) if _AUTHOR_SPLIT.search(text) else [text]:
            name = _BY.sub("", part).strip(" .,;:-–—|·")
            if not name or _NOT_NAME.search(name) or len(name) > 60 or len(name) < 2:
                continue
            if len(name.split()) == 1 and out and not name[:1].isupper():
                continue
            if name not in out:
                out.append(name)
    return out


def _ld_people(value: Any, skip_orgs: bool) -> list[str]:
    people = value if isinstance(value, list) else [value]
    names: list[str] = []
    for person in people:
        if isinstance(person, dict):
            if skip_orgs and _types(person) & {"organization", "newsmediaorganization", "corporation"}:
                continue
            name = person.get("name")
            if isinstance(name, list):
                name = " ".join(n for n in name if isinstance(n, str))
            if not isinstance(name, str):
                given, family = person.get("givenName"), person.get("familyName")
                name = " ".join(n for n in (given, family) if isinstance(n, str))
            if isinstance(name, str) and name.strip():
                names.append(name)
        elif isinstance(person, str) and person.strip():
            names.append(person)
    return names


_URL_DATE = re.compile(r"/(20\d{2}|19\d{2})[/\-_.]?(0[1-9]|1[0-2])[/\-_.]?(0[1-9]|[12]\d|3[01])(?:/|[^\d]|$)")
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "og:published_time",
    "datepublished",
    "published_time",
    "publish_date",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
    "datecreated",
    "citation_publication_date",
    "release_date",
    "publication_date",
    "og:updated_time",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "og:updated_time",
    "article.updated",
    "modified_time",
)


_DATE_SHAPED = re.compile(r"(?:19|20)\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2}")
_VISIBLE_DATE = re.compile(r"(?:19|20)\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2}")
_LEADING_DATE = re.compile(
    r"\s*(?:\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2}|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2})"
)
_NUMERIC_DATE = re.compile(
    r"(?:\d{1,2}[./]\d{1,2}[./](?:19|20)?\d{2}|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"(?:[\sT,\-–|]+\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?"
)
_WORDED_DATE_END = re.compile(
    r"^.*?\b(?:19|20)\d{2}\b(?:,?\s*(?:at\s+|um\s+|в\s+|o\s+)?\d{1,2}[:.]\d{2}(?:\s*[AaPp][Mm])?)?"
)


def _date_part(text: str) -> str:
    """Cut a visible date out of its line: "質問日時： 2020/07/13 01:10" -> "2020/07/13 01:10"."""
    numeric = _NUMERIC_DATE.search(text)
    if numeric:
        return numeric.group(0).strip(" -–|,")
    worded = _WORDED_DATE_END.match(text)
    return worded.group(0).strip() if worded else text


_DATE_WORDS = frozenset(
    ["date", "time", "published", "publish", "posted", "pubdate", "dateline", "datetime", "timestamp"]
)
_ISO_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$")


_BASIC_ISO = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2}):?(\d{2})(?::?(\d{2}))?")


def _extended_iso(value: str) -> str:
    """Rewrite an ISO 8601 basic-format value ("20200924T15:04:34Z") in the extended format."""
    match = _BASIC_ISO.match(value.strip())
    if not match:
        return value
    y, m, d, hh, mm, ss = match.groups()
    return f"{y}-{m}-{d}T{hh}:{mm}:{ss or '00'}" + value.strip()[match.end() :]


def _iso_instant(value: str) -> tuple[datetime, bool] | None:
    """Return (instant, is UTC) of an ISO 8601 value with an offset, or None."""
    if not _ISO_OFFSET.match(value.strip()):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    offset = moment.utcoffset()
    return moment, offset is not None and not offset


def _own_offset(candidates: list[str]) -> str:
    """Return the first candidate, or one naming the same instant in a non-UTC offset."""
    first = candidates[0]
    read = _iso_instant(first)
    if read is None or not read[1]:
        return first
    for other in candidates[1:]:
        alt = _iso_instant(other)
        if alt is not None and not alt[1] and abs((alt[0] - read[0]).total_seconds()) <= 120:
            return other
    return first


def published_day(machine: str | None, local: datetime | None) -> str | None:
    """Return the publication day (YYYY-MM-DD) in the page's own offset.

    An ISO value carries its offset: its date part is the page's day. Otherwise the day of the
    timestamp stage's reading (`local`, in the site's zone).
    """
    if machine:
        match = re.match(r"^\s*(\d{4}-\d{2}-\d{2})(?:$|[T ])", machine)
        if match:
            return match.group(1)
    return local.date().isoformat() if local else None


# Elements by attribute value, reached through the attribute axis: libxml2 walks the attributes
# present far faster than it tests a predicate on every element ("//*[@itemprop='author']" costs
# about 3.5 times as much on the real pages); same elements, same document order.
_AUTHOR_NODES = etree.XPath("//@itemprop[.='author']/..|//@rel[.='author']/..")
_PUBLISHED_NODES = etree.XPath("//@itemprop[.='datePublished']/..")


_FILED_TAGS = ("meta", "link", "script", "title", "h1", "time")


class GenericArticlePage:
    """Any article page: fields from declared metadata, the body from the main-content algorithm."""

    layout = LAYOUT

    def __init__(self, root: etree._Element, url: str) -> None:
        self.root = root
        self.url = url
        # One pass over the tree files every element the metadata fields read, in document order
        # (instead of one whole-tree scan per field).
        self.by_tag: dict[str, list[etree._Element]] = {tag: [] for tag in _FILED_TAGS}
        for element in root.iter(*_FILED_TAGS):
            self.by_tag[element.tag].append(element)
        self.meta = head_meta(root, self.by_tag["meta"])
        self.json_ld, self.json_ld_all = json_ld_article(root, self.by_tag["script"])
        self._body: list[etree._Element] | None = None

    # --- evidence helpers -------------------------------------------------------------------
    def _ld(self, key: str) -> str | None:
        return _ld_text(self.json_ld.get(key))

    def site_names(self) -> list[str]:
        names = [
            self.meta.get("og:site_name"),
            self.meta.get("application-name"),
            self.meta.get("twitter:site"),
        ]
        publisher = self.json_ld.get("publisher")
        for obj in publisher if isinstance(publisher, list) else [publisher]:
            if isinstance(obj, dict) and isinstance(obj.get("name"), str):
                names.append(obj["name"])
        for obj in self.json_ld_all:
            if _types(obj) & {"organization", "newsmediaorganization", "website"} and isinstance(
                obj.get("name"), str
            ):
                names.append(obj["name"])
        host = (urlsplit(self.url).hostname or "").lower()
        labels = [
            p for p in host.split(".") if p not in ("www", "m", "amp", "com", "co", "org", "net", "news")
        ]
        if labels:
            names.append(labels[0] if len(labels) == 1 else labels[-2])
            names.append(".".join(host.split(".")[-2:]))
            names.append(host.removeprefix("www."))
        return [n.lstrip("@") for n in names if n]

    def _h1s(self) -> list[str]:
        out = []
        for h1 in self.by_tag["h1"]:
            text = clean_text("".join(h1.itertext()))
            if text:
                out.append(text)
        return out

    # --- fields -------------------------------------------------------------------------------
    def title(self) -> str:
        """Choose the title by evidence: og:title (measured best), narrowed by the other declarations.

        A declared title cut short ("...") gives way to the h1 it starts; <title> and then the h1
        stand in when nothing is declared.
        """
        sites = self.site_names()
        candidates = [
            self.meta.get("og:title"),
            self._ld("headline"),
            self.meta.get("twitter:title"),
            self.meta.get("dc.title"),
            self.meta.get("parsely-title"),
            self.meta.get("sailthru.title"),
            self._ld("name"),
        ]
        declared = [strip_site_name(d, sites) for d in candidates if d]
        h1s = self._h1s()
        for d in declared:
            if d.endswith(("...", "…")):
                stem = _norm(d.rstrip(".… "))
                for h1 in h1s:
                    if _norm(h1).startswith(stem):
                        return h1
        if not declared:
            title = next(iter(self.by_tag["title"]), None)
            if title is not None:
                declared = [strip_site_name(clean_text("".join(title.itertext())), sites)]
        if not declared:
            return h1s[0] if h1s else ""
        return narrow_title(declared[0], [*declared[1:], *h1s])

    def lead(self) -> str | None:
        return self._ld("description") or self.meta.get("og:description") or self.meta.get("description")

    def authors(self) -> list[str]:
        """Return the authors the page declares: JSON-LD (references resolved), meta, byline."""
        author = self._resolve(self.json_ld.get("author") or self.json_ld.get("creator"))
        names = _ld_people(author, skip_orgs=False) if author else []
        if names and not _ld_people(author, skip_orgs=True):
            # Only an organisation in the metadata: a person named in the visible byline wins.
            people = [
                n for n in self._byline_nodes() or self._visible_byline() if _name_shaped(_BY.sub("", n))
            ]
            if people and _norm(" ".join(people)) != _norm(" ".join(names)):
                names = people
        if not names:
            for key in (
                "author",
                "article:author",
                "parsely-author",
                "sailthru.author",
                "dc.creator",
                "dcterms.creator",
                "byl",
                "citation_author",
            ):
                value = self.meta.get(key)
                if value and not value.startswith("http"):
                    names = [value]
                    break
        if not names:
            names = self._byline_nodes() or [
                n for n in self._visible_byline() if _name_shaped(_BY.sub("", n))
            ]
        return clean_authors(names)

    def _visible_byline(self) -> list[str]:
        """Return the names in the first byline-named element after the headline."""
        seen_h1 = not self.by_tag["h1"]
        for node in self.root.iter():
            if not isinstance(node.tag, str):
                continue
            if node.tag == "h1":
                seen_h1 = True
                continue
            if not seen_h1 or node.tag in ("script", "style", "meta", "link"):
                continue
            _, words = _class_words(node)
            if not words or not any(w in _BYLINE_WORDS for w in words) or _BYLINE_NOT & set(words):
                continue
            links = [clean_text("".join(a.itertext())) for a in node.iter("a")]
            links = [t for t in links if t]
            text = clean_text(" ".join(node.itertext()))
            if not text or len(text) > 100:
                continue
            return links or [text]
        return []

    def _resolve(self, value: Any) -> Any:
        """Replace {"@id": ...} references by the JSON-LD objects they name (Yoast's @graph)."""
        items = value if isinstance(value, list) else [value]
        by_id = None
        out = []
        for item in items:
            if isinstance(item, dict) and set(item) == {"@id"}:
                if by_id is None:
                    by_id = {
                        o["@id"]: o for o in self.json_ld_all if isinstance(o.get("@id"), str) and len(o) > 1
                    }
                item = by_id.get(item["@id"], item)
            out.append(item)
        return out

    def _byline_nodes(self) -> list[str]:
        found: list[str] = []
        for node in _AUTHOR_NODES(self.root):
            inner = [n for n in node.iter() if n.get("itemprop") == "name"]
            text = clean_text(" ".join((inner[0] if inner else node).itertext()))
            if text and text not in found:
                found.append(text)
        return found

    def published(self) -> tuple[str | None, str | None]:
        """Return (visible text, machine value) of the publication time.

        Machine values in order of trust; the first that reads as a date wins, except that a
        UTC value gives way to one naming the same instant in the page's own offset (so the
        calendar day is the one the page shows). The visible text is read only when no machine
        value exists.
        """
        # Lazily: the later candidates (<time> elements, an itemprop scan of the whole tree) are
        # read only when the first is a UTC value that one of them may name in the page's offset.
        candidates = (_extended_iso(v) for v in self._published_candidates() if _DATE_SHAPED.search(v))
        first = next(candidates, None)
        if first is None:
            return self._visible_date(), None
        read = _iso_instant(first)
        if read is None or not read[1]:
            return None, first
        return None, _own_offset([first, *candidates])

    def _published_candidates(self) -> Iterator[str]:
        for key in ("datePublished", "dateCreated"):
            value = self._ld(key)
            if value:
                yield value
        for key in _PUBLISHED_META:
            if key in self.meta and key != "og:updated_time":
                yield self.meta[key]
        yield from self._time_elements()
        for obj in self.json_ld_all:  # Yoast and others date the WebPage, not the article
            if _types(obj) & {"webpage", "itempage", "collectionpage"}:
                value = _ld_text(obj.get("datePublished"))
                if value:
                    yield value
        for value in (self._ld("dateModified"), self.meta.get("og:updated_time")):
            if value:
                yield value
        url_day = self.url_date()
        if url_day:
            yield url_day

    def _time_elements(self) -> Iterator[str]:
        times = [t for t in self.by_tag["time"] if (t.get("datetime") or "").strip()]
        marked = [t for t in times if t.get("pubdate") is not None or t.get("itemprop") == "datePublished"]
        for t in marked + times[:1]:
            yield t.get("datetime").strip()
        for node in _PUBLISHED_NODES(self.root):
            value = node.get("content") or node.get("datetime") or clean_text("".join(node.itertext()))
            if value:
                yield value

    def _visible_date(self) -> str | None:
        """Return the first date-shaped text after the headline.

        Taken from an element named as a date (class/id words, <time>), or from the first
        element shortly after the headline whose own text starts with a numeric date.
        """
        seen_h1 = not self.by_tag["h1"]
        after = 0
        for node in self.root.iter():
            tag = node.tag
            if not isinstance(tag, str):
                continue
            if tag == "h1":
                seen_h1, after = True, 0
                continue
            if not seen_h1 or tag in ("script", "style", "a"):
                continue
            after += 1
            _, words = _class_words(node)
            if tag == "time" or any(w in _DATE_WORDS for w in words):
                text = clean_text(" ".join(node.itertext()))
                if 6 <= len(text) <= 80 and _VISIBLE_DATE.search(text):
                    return _date_part(text)
            elif after <= 40 and node.text and _LEADING_DATE.match(node.text):
                return _date_part(clean_text(node.text))
        return None

    def url_date(self) -> str | None:
        match = _URL_DATE.search(urlsplit(self.url).path)
        return "-".join(match.groups()) if match else None

    def modified(self) -> tuple[str | None, str | None]:
        """Return (None, machine value) of the last modification, in ISO 8601's extended format.

        A basic-format value ("20200924T15:04:00Z") is rewritten as published() rewrites one: the
        timestamp stage reads the extended format itself, the basic one only through dateparser.
        """
        machine = self._ld("dateModified") or next(
            (self.meta[k] for k in _MODIFIED_META if k in self.meta), None
        )
        return None, _extended_iso(machine) if machine else machine

    def canonical(self) -> str:
        for link in self.by_tag["link"]:
            if (link.get("rel") or "").lower() == "canonical" and (link.get("href") or "").strip():
                return urljoin(self.url, link.get("href").strip())
        og = self.meta.get("og:url")
        return urljoin(self.url, og) if og and og.startswith(("http", "/")) else self.url

    def alternates(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for link in self.by_tag["link"]:
            code = (link.get("hreflang") or "").strip().lower()
            href = (link.get("href") or "").strip()
            if (link.get("rel") or "").lower() == "alternate" and code and href and code != "x-default":
                out.setdefault(code.split("-")[0], urljoin(self.url, href))
        return out

    def lang_hints(self) -> dict[str, str]:
        hints: dict[str, str] = {}
        lang = (
            self.root.get("lang") or self.root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
        ).strip()
        if lang:
            hints["html"] = lang
        if self.meta.get("og:locale"):
            hints["og:locale"] = self.meta["og:locale"]
        in_language = self._ld("inLanguage")
        if in_language:
            hints["json-ld"] = in_language
        return hints

    def edition(self) -> str:
        for hint in self.lang_hints().values():
            code = re.split(r"[-_]", hint.strip().lower())[0]
            if re.fullmatch(r"[a-z]{2,3}", code):
                return code
        return "und"

    def tags(self) -> list[str]:
        tags = [
            clean_text(m.get("content"))
            for m in self.by_tag["meta"]
            if (m.get("property") or m.get("name")) == "article:tag" and m.get("content")
        ]
        if not tags:
            keywords = self.json_ld.get("keywords")
            if isinstance(keywords, str):
                tags = [k.strip() for k in keywords.split(",") if k.strip()]
            elif isinstance(keywords, list):
                tags = [k.strip() for k in keywords if isinstance(k, str) and k.strip()]
        return tags

    def rubric(self) -> str | None:
        return self.meta.get("article:section") or self._ld("articleSection")

    def declares_article(self) -> bool:
        """Tell whether the page says it is an article (JSON-LD type, og:type, article:* times)."""
        return (
            bool(self.json_ld)
            or self.meta.get("og:type", "").lower() == "article"
            or ("article:published_time" in self.meta)
        )

    def not_an_article(self) -> str | None:
        """Return why a page that does not declare itself an article is none, or None.

        A page declaring a listing (CollectionPage, ItemList, ...) or living under a listing path
        (/tag/, /category/, /author/, /search) with no article declaration is a listing; so is
        one whose only text is a few lines or sits in navigation, footers and side rails.
        """
        if self.declares_article():
            return None
        for obj in self.json_ld_all:
            kinds = _types(obj) & _LISTING_TYPES
            if kinds:
                return f"the page declares itself a {sorted(kinds)[0]} and no article"
        path = urlsplit(self.canonical()).path.lower()
        if _LISTING_PATH.search(path):
            return f"a listing page ({path}) with no article declared"
        if path in ("", "/") and not urlsplit(self.canonical()).query:
            return "a home page with no article declared"
        elements = self.body_elements()
        size = sum(len("".join(e.itertext()).strip()) for e in elements)
        if size < MIN_UNDECLARED_TEXT:
            return f"only {size} characters of story text and no article declared"
        return None

    def body_elements(self) -> list[etree._Element]:
        if self._body is None:
            self._body = main_content(self.root)
        return self._body

    def body_html(self) -> str:
        return body_html_of(self.body_elements())


_LISTING_TYPES = frozenset(
    {"collectionpage", "itemlist", "searchresultspage", "profilepage", "aboutpage", "contactpage"}
)
_LISTING_PATH = re.compile(
    r"/(?:tags?|category|categories|topics?|author|authors|search|archive|page/\d+)(?:/|$)"
)
MIN_UNDECLARED_TEXT = 250  # characters of story text a page without article metadata needs


def content_guard(body: bytes) -> str | None:
    """Return why the bytes are no page at all (empty) or a PDF document served as HTML, or None."""
    if not body or body.isspace():  # `not body.strip()` without copying the page
        return "empty page: no bytes but whitespace"
    return "not HTML: a PDF document" if body[:1024].lstrip().startswith(b"%PDF") else None


def site_slug(url: str) -> str:
    """Return the slug a site with no file under sites/ is archived under: its host without "www."."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or "unknown"


class _FieldView:
    """The generic page's fields in the shape base.page_fields reads, so a site's selectors override them."""

    layout = LAYOUT

    def __init__(self, obj: GenericArticlePage) -> None:
        self.obj = obj
        self.sel = Selector(root=obj.root, type="html")

    def title(self) -> str:
        return self.obj.title()

    def lead(self) -> str | None:
        return self.obj.lead()

    def authors(self) -> list[str]:
        return self.obj.authors()

    def body(self) -> None:
        return None  # None: the main-content algorithm's paragraphs, unless a selector names the body

    def published(self) -> tuple[str | None, str | None]:
        return self.obj.published()

    def modified(self) -> tuple[str | None, str | None]:
        return self.obj.modified()

    def views_raw(self) -> str | None:
        return None

    def tags(self) -> list[str]:
        return self.obj.tags()

    def rubric(self) -> str | None:
        return self.obj.rubric()


def parse_article(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
    site: Site | None = None,
) -> Article | QuarantinedPage:
    """Extract any article page, or say why it holds no article (quarantine with the reason).

    `site` is the configured site the page belongs to (its name, editions and `[selectors]`
    overrides); without one the page is archived under its host name.
    """
    page = raw_page(body, url, fetched_at=fetched_at, headers=headers, status=status)
    refused = content_guard(body)
    text, data = "", None
    if not refused:
        text, data, refused = page_source(body, headers)
    if refused:
        return QuarantinedPage(url, refused, page)
    root = parse_tree(text, data)
    if root is None:
        return QuarantinedPage(url, "not HTML: no element could be parsed", page)
    if nested_deeper_than(root):
        return QuarantinedPage(url, f"markup nested deeper than {MAX_DEPTH} levels", page)
    obj = GenericArticlePage(root, url)
    fields = page_fields(_FieldView(obj), site.selectors) if site and site.selectors else None  # type: ignore[arg-type]
    title = fields.title if fields else obj.title()
    if not title:
        return QuarantinedPage(url, "no title (generic layout): no headline, og:title, h1 or <title>", page)
    if fields is not None and fields.body is not None:
        body_html = inner_html(fields.body)
    else:
        refusal = obj.not_an_article()
        if refusal:
            return QuarantinedPage(url, f"not an article (generic layout): {refusal}", page)
        body_html = obj.body_html()
    if not body_html:
        return QuarantinedPage(url, "no body (generic layout): no paragraph of story text found", page)
    canonical = obj.canonical()
    published_raw, published_machine = fields.published if fields else obj.published()
    modified_raw, modified_machine = fields.modified if fields else obj.modified()
    edition = (site.edition_of(canonical) or site.edition_of(url)) if site else None
    article = Article(
        url=canonical,
        site=site.name if site else site_slug(canonical),
        edition=edition or obj.edition(),
        layout=LAYOUT,
        extractor_version=EXTRACTOR_VERSION,
        fetched_at=fetched_at,
        title=title,
        lead=fields.lead if fields else obj.lead(),
        authors=fields.authors if fields else obj.authors(),
        body_html=body_html,
        published_raw=published_raw,
        published_machine=published_machine,
        modified_raw=modified_raw,
        modified_machine=modified_machine,
        views_raw=fields.views if fields else None,
        tags=fields.tags if fields else obj.tags(),
        rubric=fields.rubric if fields else obj.rubric(),
        alternates=obj.alternates(),
        lang_hints=obj.lang_hints(),
        page=page,
    )
    if not (published_machine or published_raw):
        article.problems["published"] = "no publication date declared (JSON-LD, meta, <time>, text or URL)"
    if not article.authors:
        article.problems["authors"] = "no author declared"
    if "</html>" not in text[-4096:].lower():
        article.problems["page"] = "truncated: no closing </html>"
    return article
