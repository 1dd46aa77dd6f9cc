"""Turn the HTML of an article body into blocks (text plus links) and split them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from newsbot.items import Teaser
from newsbot.text.split import LINE_LABELS, Block, SplitResult, clean_teaser, normalize_text, split_blocks
from newsbot.text.views import parse_views

# Elements that start a new block of text; everything else is inline and joins its neighbours.
_BLOCK_TAGS = frozenset(
    {
        *("p", "div", "blockquote", "section", "article", "aside", "header", "footer", "main"),
        *("figure", "figcaption", "ul", "ol", "li", "dl", "dt", "dd", "pre", "address", "hr"),
        *("table", "thead", "tbody", "tr", "td", "th", "nav", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6"),
    }
)
# huge_tree: without it libxml2 stops at 255 levels of nesting and drops the rest of the body
# silently (300 unclosed <b> emptied an article); parsel parses whole pages with it on too.
_PARSER = etree.HTMLParser(remove_comments=False, recover=True, default_doctype=False, huge_tree=True)
# Headings inside a body: subheads ("Details"), unless a teaser block follows them.
_SUBHEAD_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# Elements whose text is never visible story text.
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "svg", "button", "select", "option"}
)
# An inline element that the page marks as a date ("<time>", class "date", "news-time" ...).
_STAMP_CLASS = re.compile(r"date|time", re.IGNORECASE)


def html_blocks(body_html: str) -> list[Block]:
    """Parse a body fragment once and return its paragraph-level blocks in document order."""
    if not body_html or not body_html.strip():
        return []
    try:
        # Plain etree elements: lxml.html's element classes cost a Python lookup per element.
        document = etree.fromstring(f"<html><body>{body_html}</body></html>", _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    root = document.find("body") if document is not None else None
    if root is None:
        return []
    walker = _Walker()
    walker.visit_children(root)
    walker.flush()
    return walker.blocks


def html_to_text(document: str) -> str:
    """Return the visible text of an HTML document, one block per line (head and scripts dropped)."""
    body = re.search(r"<body\b[^>]*>(.*)", document, re.IGNORECASE | re.DOTALL)
    return "\n".join(block.text for block in html_blocks(body.group(1) if body else document))


def split_html(
    body_html: str, *, base_url: str | None = None, article_views_known: bool = True, title: str | None = None
) -> SplitResult:
    """Split the inner HTML of an article body; links are resolved against `base_url`.

    With the article's `title`, a photo caption repeating it is not story text.
    """
    return split_blocks(
        html_blocks(body_html), base_url=base_url, article_views_known=article_views_known, title=title
    )


class _Walker:
    """Collect text and links, cutting a block at every block-level element and at <br>."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.stamps: list[str] = []

    def flush(self, heading: bool = False) -> None:
        """Close the block being collected, if it has any visible text."""
        text = normalize_text("".join(self.parts))
        if text:
            self.blocks.append(Block(text, self.links, self.stamps, heading and not self.links))
        self.parts = []
        self.links = []
        self.stamps = []

    def visit_children(self, element: etree._Element) -> None:
        """Visit the text and children of `element` (not its tail)."""
        if element.text:
            self.parts.append(element.text)
        for child in element:
            self.visit(child)

    def visit(self, element: etree._Element) -> None:
        """Visit one element and then its tail text."""
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            pass  # comments (React's <!-- --> markers), scripts, styles: not visible text
        elif tag == "br":
            self.flush()
        elif tag in _BLOCK_TAGS:
            self.flush()
            self.visit_children(element)
            self.flush(heading=tag in _SUBHEAD_TAGS)
        elif tag == "a":
            start = len(self.parts)
            self.visit_children(element)
            href = element.get("href")
            if href:
                self.links.append((href.strip(), normalize_text("".join(self.parts[start:]))))
        elif tag == "time" or _STAMP_CLASS.search(element.get("class", "")):
            start = len(self.parts)
            self.visit_children(element)
            self.stamps.append(normalize_text("".join(self.parts[start:])))
        else:
            # Inline formatting: a space between adjacent inline elements that the browser
            # would show apart is not in the markup, so none is added here.
            self.visit_children(element)
        if element.tail:
            self.parts.append(element.tail)


def split_body(
    body_html: str,
    *,
    views_raw: str | None = None,
    related: Sequence[Teaser] = (),
    base_url: str | None = None,
    title: str | None = None,
) -> SplitResult:
    """Split an article's raw fields: body HTML, the page's counter text and its raw teasers.

    Teasers found inside the body come first, then the page's own teaser blocks, each cleaned
    (glued labels, stamps and counters split off the title, the count read).
    """
    result = split_html(body_html, base_url=base_url, article_views_known=True, title=title)
    result.views_raw = views_raw
    parsed = parse_views(views_raw)
    result.views = parsed.value
    if not parsed.ok:
        result.problems["views"] = parsed.error or "unreadable view counter"
    result.related.extend(clean_teaser(teaser) for teaser in related)
    return result


def render_text(title: str, views_raw: str | None, body_html: str, related: Sequence[Teaser] = ()) -> str:
    """Render an article as a browser copy reads: title, counter, body lines, teaser blocks.

    This is the plain-text form `split_text` reads (the seed is one); tests and the benchmark
    use it to run the text splitter over the HTML fixtures.
    """
    lines = [title]
    if views_raw:
        lines.append(f"• {normalize_text(views_raw).lstrip('• ')}")
    lines.extend(block.text for block in html_blocks(body_html))
    block = None
    for teaser in related:
        if teaser.block != block:
            block = teaser.block
            lines.append(_BLOCK_HEADINGS.get(block, block))
        lines.extend(label for label in teaser.labels if label in LINE_LABELS)
        glued = "".join(label for label in teaser.labels if label not in LINE_LABELS)
        lines.append(normalize_text(teaser.title) + glued)
        stamp = teaser.published_raw or ""
        counter = normalize_text(teaser.views_raw or "").lstrip("• ")
        if counter:
            lines.append(f"{stamp} • {counter}".strip())
        elif stamp:
            lines[-1] += stamp
    return "\n".join(lines) + "\n"


# Headings a text rendering shows for each block slug (English edition wording).
_BLOCK_HEADINGS = {
    "news-by-theme": "News by theme",
    "popular": "Popular news",
    "latest": "Latest news",
}
