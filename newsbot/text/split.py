"""Split an article body into story paragraphs, inline cross-links, view counts and teasers.

Works on a sequence of blocks (a paragraph-level element of the body HTML, or a line of a
plain-text rendering); `split_html` in newsbot.text.split_html turns HTML into blocks, `split_text`
here turns text lines into blocks, and both share one classifier, so the rules read the same:

- a cross-link is a block whose text is essentially one link to another story, optionally after a
  "read also" label, followed (glued or after a space) by a timestamp; in plain text, where links
  are gone, a line that ends in a timestamp (or starts with a "read also" label);
- a teaser is a title followed by a view counter ("• 3562 views"), on the same line or the next,
  usually after a block heading such as "News by theme";
- a view counter before the story text is the article's own count;
- everything else is story text, kept verbatim (quotes and "- the ministry said." included).

Only glued labels are split off a title ("...rescuedPhoto" -> "...rescued" + ["Photo"]): a label
counts as glued when the character right before it is a lowercase letter, a digit or closing
punctuation. "...a new Video" (with a space) and "...NATOVideo" (capital before it) keep their
final word: the former is a word of the title, the latter cannot be told from an acronym.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from newsbot.items import CrossLink, Teaser
from newsbot.text.views import parse_views
from newsbot.text.words import INVISIBLE_CHARS as _INVISIBLE_CHARS
from newsbot.text.words import REMOVE_INVISIBLE as _INVISIBLE
from newsbot.text.words import VIEW_WORD as _COUNT_WORD

# --- text normalisation ----------------------------------------------------------------------

# Zero-width characters, word joiner, BOM and soft hyphen: invisible, and they break matching.
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")


def normalize_text(text: str) -> str:
    """Remove invisible characters and fold every run of spaces (NBSP, thin ...) to one space."""
    if _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())  # str.split() knows every Unicode space, NBSP included


# --- timestamps (recognised here, parsed later by newsbot.text.timestamps) ------------------

# Case-sensitive on purpose (months as UNN prints them): IGNORECASE made matching 3x slower.
_TIME = r"\d{1,2}:\d{2}"
_AMPM = r"(?:\s?[AaPp][Mm])"
_MONTHS_EN = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_MONTHS_GENITIVE = (
    r"(?:січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня"
    r"|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)"
)
_YEAR = r"(?:\s+\d{4}(?:\s*(?:р\.|г\.|року|года))?)"
_RELATIVE_DAY = r"(?:[Tt]oday|[Yy]esterday|[Сс]ьогодні|[Вв]чора|[Уу]чора|[Сс]егодня|[Вв]чера)"
# Old layout day headers join a weekday to the date: "Понеділок, 15 березня 2021, 08:47".
_WEEKDAY = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|Понеділок|Вівторок|Середа|Четвер|П'ятниця|П’ятниця|Субота|Неділя"
    r"|Понедельник|Вторник|Среда|Четверг|Пятница|Суббота|Воскресенье),?\s+"
)
_NUMERIC_DATE = r"\d{2}\.\d{2}\.(?:\d{4}|\d{2})"  # 02.04.24 (DD.MM.YY, 2024 layout)
# The date part in front of a clock time, one alternative per form UNN prints.
_DATE = (
    rf"(?:{_NUMERIC_DATE}"
    rf"|{_MONTHS_EN}\s+\d{{1,2}}(?:,\s*\d{{4}})?"  # November 13 / December 9, 2024
    rf"|\d{{1,2}}\s+(?:{_MONTHS_GENITIVE}|{_MONTHS_EN}){_YEAR}?"  # 30 жовтня / 3 декабря 2020
    rf"|{_RELATIVE_DAY})"
)
_AT = r",?\s*(?:(?:at|о|об|в)\s+)?"  # between date and clock: ", " / " at " / " о "
_STAMP_FULL = re.compile(rf"(?:{_WEEKDAY})?(?:{_DATE}{_AT})?{_TIME}{_AMPM}?|{_TIME},?\s+{_NUMERIC_DATE}")
# A stamp is found from its end: first the clock, then the date just before it.
_CLOCK_TAIL = re.compile(rf"(?P<clock>{_TIME})(?P<ampm>{_AMPM})?[\s,.]*$")
_DATE_TAIL = re.compile(rf"{_DATE}{_AT}$")
_WEEKDAY_TAIL = re.compile(rf"{_WEEKDAY}$")
_CLOCK_DATE_TAIL = re.compile(rf"{_TIME},?\s+{_NUMERIC_DATE}[\s,.]*$")  # 19:59, 02.04.2024
# No part of a stamp is longer than these; searching only near the end keeps long text cheap.
_CLOCK_WINDOW = 16
_DATE_WINDOW = 40


def is_timestamp(text: str) -> bool:
    """Return True when `text` is nothing but a timestamp in a form UNN prints."""
    return _STAMP_FULL.fullmatch(text.strip(" ,.•·")) is not None


def split_timestamp_tail(text: str) -> tuple[str, str | None]:
    """Cut a trailing timestamp (glued or after a space) off `text`: (head, stamp or None).

    A bare clock time ("19:59") counts only when glued to the text before it or with AM/PM:
    after a space it is more likely "at 19:59" in running text.
    """
    if not text or not (text[-1].isdigit() or text[-1] in "Mm"):
        return text, None
    end = len(text)
    clock = _CLOCK_TAIL.search(text, max(0, end - _CLOCK_WINDOW))
    if clock is None:
        reverse = _CLOCK_DATE_TAIL.search(text, max(0, end - _DATE_WINDOW))
        if reverse is None:
            return text, None
        return _cut(text, reverse.start(), reverse.end())
    start = clock.start()
    date = _DATE_TAIL.search(text, max(0, start - _DATE_WINDOW), start)
    if date is not None:
        start = date.start()
        weekday = _WEEKDAY_TAIL.search(text, max(0, start - _DATE_WINDOW), start)
        if weekday is not None:
            start = weekday.start()
    elif start > 0 and text[start - 1].isspace() and not clock["ampm"]:
        return text, None
    return _cut(text, start, clock.end())


def _cut(text: str, start: int, end: int) -> tuple[str, str]:
    """Split `text` into the head before a stamp and the stamp itself."""
    return text[:start].rstrip(" ,•·|-–—"), text[start:end].strip(" ,.")


# --- view counters inside text -----------------------------------------------------------------

_NUMBER = r"\d[\d\s,.]*?(?:\s*(?:k|к|тис\.?|тыс\.?|m|млн\.?))?"
_COUNT = rf"{_NUMBER}\s*{_COUNT_WORD}"
# "• 23713 переглядiв" / "...resultsDecember 9, 04:18 PM • 3562 views": a bullet, then a count
# with its word. The bullet (or the start of the line) is required: "gets 1 million views" at the
# end of a title is a title.
# The number may be missing ("• views"): still a counter, one parse_views reports as unreadable.
_VIEWS_TAIL = re.compile(rf"(?:^|[•·●|])\s*(?P<views>(?:{_NUMBER}\s*)?{_COUNT_WORD})\s*$", re.IGNORECASE)
_VIEWS_LINE = re.compile(rf"(?:{_COUNT_WORD}\s*:\s*\d[\d\s,.]*|{_COUNT})", re.IGNORECASE)


# The old layout's counter has no word: a line of just "• 1 248".
_BULLET_COUNT = re.compile(r"[•·●]\s*\d[\d\s,.]*")


# A counter, its bullet and its word fit in this many characters at the end of a line.
_VIEWS_WINDOW = 48


def split_views_tail(text: str) -> tuple[str, str | None]:
    """Cut a trailing view counter off `text`: (head, counter text or None)."""
    if not text:
        return text, None
    last = text[-1]
    if last.isalpha():
        match = _VIEWS_TAIL.search(text, max(0, len(text) - _VIEWS_WINDOW))
        if match is not None:
            return text[: match.start()].rstrip(" •·●|"), match["views"]
    if len(text) <= _VIEWS_WINDOW and (last.isalnum() or last == "."):
        if _BULLET_COUNT.fullmatch(text):
            return "", text.lstrip("•·● ")
        if _VIEWS_LINE.fullmatch(text):
            return "", text
    return text, None


# --- labels glued to titles ----------------------------------------------------------------------

# Labels as each edition prints them; kept as printed, like the page objects keep them
# (fixtures/unn/uk-next-*: "Фото", "Відео"), so a teaser reads the same from HTML and from text.
LABELS: tuple[str, ...] = (
    *("Photo", "Video", "Exclusive", "Infographics"),
    *("Фото", "Відео", "Ексклюзив", "Інфографіка"),
    *("Видео", "Эксклюзив", "Инфографика"),
)
# Labels printed on a line of their own above a teaser title rather than glued to its end.
LINE_LABELS = frozenset({"Exclusive", "Ексклюзив", "Эксклюзив"})
_CLOSING = set("\"'»”’)]!?.…")


def split_label_tail(text: str) -> tuple[str, list[str]]:
    """Cut glued labels off a title's end: "...rescuedPhotoVideo" -> "...rescued", [...]."""
    labels: list[str] = []
    while text.endswith(LABELS):
        for label in LABELS:
            if text.endswith(label):
                head = text[: -len(label)]
                if head and not _glued(head[-1]):
                    continue
                labels.insert(0, label)
                text = head
                break
        else:
            break
    return text, labels


def _glued(previous: str) -> bool:
    """Return True when a label right after `previous` is glued on rather than a title word."""
    return previous.islower() or previous.isdigit() or previous in _CLOSING


def label_of(text: str) -> list[str] | None:
    """Return the labels when `text` is nothing but labels ("Exclusive", "PhotoVideo")."""
    head, labels = split_label_tail(text.strip())
    return labels if labels and not head else None


# --- "read also" labels in front of cross-links -------------------------------------------------

_READ_ALSO = re.compile(
    r"^(?:читайте\s+також|читайте\s+также|read\s+also|see\s+also|also\s+read"
    r"|дивіться\s+також|смотрите\s+также)\s*[:.\-–—]?\s*",
    re.IGNORECASE,
)


def split_read_also(text: str) -> tuple[str, bool]:
    """Cut a leading "read also" label off `text`: (rest, whether there was one)."""
    match = _READ_ALSO.match(text)
    if match is None:
        return text, False
    return text[match.end() :], True


# --- teaser blocks -------------------------------------------------------------------------------

BLOCK_SLUGS: dict[str, str] = {
    "news by theme": "news-by-theme",
    "новини за темою": "news-by-theme",
    "новости по теме": "news-by-theme",
    "popular news": "popular",
    "популярні новини": "popular",
    "популярные новости": "popular",
    "popular": "popular",
    "популярне": "popular",
    "популярное": "popular",
    "latest news": "latest",
    "останні новини": "latest",
    "последние новости": "latest",
    "news feed": "latest",
    "стрічка новин": "latest",
    "лента новостей": "latest",
    "свіжі новини розділу": "latest",  # old unn.com.ua sidebar (../shared/extdata/unn/)
    "свежие новости раздела": "latest",
    "fresh news of the section": "latest",
    "exclusive": "exclusive",
    "ексклюзив": "exclusive",
    "эксклюзив": "exclusive",
}
UNNAMED_BLOCK = "unnamed"
_HEADING_MAX_CHARS = 40
_HEADING_MAX_WORDS = 5


def block_slug(heading: str) -> str:
    """Return the slug naming a teaser block: known headings map across editions."""
    key = heading.strip().rstrip(":").lower()
    return BLOCK_SLUGS.get(key) or re.sub(r"\W+", "-", key).strip("-") or UNNAMED_BLOCK


def _heading_shaped(text: str) -> bool:
    """Return True for a short line without sentence punctuation, like "News by theme"."""
    return (
        len(text) <= _HEADING_MAX_CHARS
        and len(text.split()) <= _HEADING_MAX_WORDS
        and not any(ch.isdigit() for ch in text)
        and text[-1] not in ".!?;,"
    )


# --- teaser cleaning (used on page-object teasers and on text teasers alike) ---------------------


def clean_title(raw: str) -> tuple[str, list[str], str | None, str | None]:
    """Split a raw teaser title into (title, labels, glued stamp, glued counter)."""
    text = normalize_text(raw)
    text, views_raw = split_views_tail(text)
    text, stamp = split_timestamp_tail(text)
    text, labels = split_label_tail(text)
    if stamp is None:  # a label may sit between the title and the stamp: "...Video02.04.24, 19:59"
        text, stamp = split_timestamp_tail(text)
    return text.strip(), labels, stamp, views_raw


def clean_teaser(teaser: Teaser) -> Teaser:
    """Return `teaser` with its title cleaned and its view count read; problems recorded."""
    title, labels, stamp, glued_views = clean_title(teaser.title)
    views_raw = teaser.views_raw if teaser.views_raw is not None else glued_views
    merged = list(teaser.labels)
    merged.extend(label for label in labels if label not in merged)
    cleaned = Teaser(
        title=title,
        block=teaser.block,
        url=teaser.url,
        published_raw=teaser.published_raw or stamp,
        views_raw=views_raw,
        labels=merged,
        published_utc=teaser.published_utc,
        published_precision=teaser.published_precision,
        lang=teaser.lang,
        problems=dict(teaser.problems),
    )
    _read_teaser_views(cleaned)
    if not title:
        cleaned.problems["title"] = f"no title left in {teaser.title!r}"
    return cleaned


def _read_teaser_views(teaser: Teaser) -> None:
    """Fill `teaser.views` from `teaser.views_raw`, or record why not."""
    if teaser.views_raw is None:
        teaser.problems["views"] = "no view counter next to the teaser"
        return
    result = parse_views(teaser.views_raw)
    teaser.views = result.value
    if not result.ok:
        teaser.problems["views"] = result.error or "unreadable view counter"


# --- blocks and the shared classifier ------------------------------------------------------------


@dataclass(slots=True)
class Block:
    """One paragraph-level piece of a body: its visible text and the links inside it."""

    text: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, link text)
    stamps: list[str] = field(default_factory=list)  # text of elements marked as dates


@dataclass(slots=True)
class SplitResult:
    """What a body splits into; `problems` maps a field name to the reason it is empty."""

    title: str | None = None
    published_raw: str | None = None  # the article's own stamp, when the text shows one
    views_raw: str | None = None
    views: int | None = None
    paragraphs: list[str] = field(default_factory=list)
    cross_links: list[CrossLink] = field(default_factory=list)
    related: list[Teaser] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Line:
    """A block with its trailing counter, stamp and glued labels read off."""

    block: Block
    head: str  # text without trailing counter and stamp
    stamp: str | None
    views_raw: str | None
    labels: list[str] | None  # set when the whole line is labels ("Exclusive")

    @property
    def is_counter(self) -> bool:
        """Return True for a line that is only a counter, maybe after a stamp."""
        return self.views_raw is not None and not self.head

    @property
    def is_stamp(self) -> bool:
        """Return True for a line that is only a timestamp."""
        return self.stamp is not None and not self.head and self.views_raw is None


def _read_line(block: Block) -> _Line:
    """Read the counter, stamp and labels at the end of one block."""
    head, views_raw = split_views_tail(block.text)
    if is_timestamp(head):
        return _Line(block, "", head.strip(" ,•·"), views_raw, None)
    head, stamp = split_timestamp_tail(head)
    labels = label_of(head) if stamp is None and views_raw is None else None
    return _Line(block, "" if labels else head, stamp, views_raw, labels)


def split_blocks(
    blocks: list[Block],
    *,
    base_url: str | None = None,
    article_views_known: bool = False,
) -> SplitResult:
    """Classify blocks into paragraphs, cross-links, teasers and the article's counter.

    `article_views_known` says the caller has the article's counter from elsewhere (HTML pages),
    so every counter inside the body belongs to a teaser.
    """
    lines = [_read_line(b) for b in blocks if b.text]
    return _Classifier(lines, base_url, article_views_known).run()


class _Classifier:
    """One pass over the lines of a body; state: are we inside a teaser block yet."""

    def __init__(self, lines: list[_Line], base_url: str | None, views_known: bool) -> None:
        self.lines = lines
        self.base_url = base_url
        self.views_known = views_known
        self.result = SplitResult()
        self.block: str | None = None  # slug of the teaser block we are in
        self.pending_labels: list[str] = []

    def run(self) -> SplitResult:
        """Walk the lines once and return the split."""
        i = 0
        while i < len(self.lines):
            i += self._step(i)
        if not self.result.paragraphs:
            self.result.problems["paragraphs"] = "no story text in the body"
        return self.result

    def _starts_teaser(self, i: int) -> bool:
        """Return True when line `i` begins a teaser item (labels, title, counter)."""
        if i >= len(self.lines):
            return False
        line = self.lines[i]
        if line.labels:
            return self._starts_teaser(i + 1)
        if not line.head:
            return False
        if line.views_raw is not None:
            return True
        follower = self.lines[i + 1] if i + 1 < len(self.lines) else None
        return follower is not None and follower.is_counter

    def _step(self, i: int) -> int:
        """Classify line `i` (and maybe its follower); return how many lines were used."""
        line = self.lines[i]
        follower = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if line.is_counter:
            self._counter(line)
            return 1
        if line.is_stamp:
            if self.result.published_raw is None and not self.result.paragraphs:
                self.result.published_raw = line.stamp
            return 1
        if line.labels:
            if self._starts_teaser(i + 1):
                self.pending_labels.extend(line.labels)
            else:
                self.result.paragraphs.append(line.block.text)
            return 1
        if self._is_heading(line, i):
            self.block = block_slug(line.head)
            return 1
        if line.views_raw is not None:
            self._teaser(line.head, line.stamp, line.views_raw, line.block)
            return 1
        if follower is not None and follower.is_counter and (self.views_known or self.block):
            self._teaser(line.head, line.stamp or follower.stamp, follower.views_raw, line.block)
            return 2
        if self.block and _title_shaped(line.head):
            self._teaser(line.head, line.stamp, None, line.block)  # a teaser with no counter
            return 1
        link = self._cross_link(line)
        if link is not None:
            link.position = len(self.result.paragraphs) - 1
            self.result.cross_links.append(link)
            return 1
        self.result.paragraphs.append(line.block.text)
        return 1

    def _counter(self, line: _Line) -> None:
        """Take a lone counter as the article's own when it comes before any teaser."""
        if self.views_known or self.block or self.result.related:
            return  # a stray counter inside the teaser area: nothing to attach it to
        self.views_known = True
        self.result.views_raw = line.views_raw
        if line.stamp and self.result.published_raw is None:
            self.result.published_raw = line.stamp
        parsed = parse_views(line.views_raw)
        self.result.views = parsed.value
        if not parsed.ok:
            self.result.problems["views"] = parsed.error or "unreadable view counter"

    def _is_heading(self, line: _Line, i: int) -> bool:
        """Return True for a teaser-block heading: a known one, or a short line before teasers."""
        if line.stamp or line.views_raw or line.block.links:
            return False
        key = line.head.strip().rstrip(":").lower()
        if key in BLOCK_SLUGS:
            return True
        return _heading_shaped(line.head) and self._starts_teaser(i + 1)

    def _teaser(self, head: str, stamp: str | None, views_raw: str | None, block: Block) -> None:
        """Record one teaser item from its title text, stamp and counter."""
        href = block.links[0][0] if len(block.links) == 1 else None
        teaser = Teaser(
            title=head,
            block=self.block or UNNAMED_BLOCK,
            url=_absolute(href, self.base_url),
            published_raw=stamp,
            views_raw=views_raw,
            labels=self.pending_labels,
        )
        self.pending_labels = []
        self.result.related.append(clean_teaser(teaser))

    def _cross_link(self, line: _Line) -> CrossLink | None:
        """Return the cross-link this line is, or None when it is story text."""
        text, labelled = split_read_also(line.head)
        if line.block.links:
            return _html_cross_link(line, text, labelled, self.base_url)
        if not (labelled or line.stamp) or not _title_shaped(text):
            return None
        return _new_cross_link(text, None, line.stamp)


def _html_cross_link(line: _Line, text: str, labelled: bool, base_url: str | None) -> CrossLink | None:
    """Return a cross-link when a block's text is essentially one link plus label and stamp."""
    hrefs = {href for href, _ in line.block.links}
    if len(hrefs) != 1:
        return None
    href = next(iter(hrefs))
    link_text = " ".join(t for _, t in line.block.links if t)
    link_head, _ = split_timestamp_tail(link_text)
    link_head, _ = split_read_also(link_head)
    residue = text.replace(link_head, "", 1) if link_head else text
    # A date the page marks up but that is no form we know ("вчора ввечері"): still the
    # link's stamp; the timestamp stage reports it as unparseable.
    marked = next((s for s in line.block.stamps if s and s in residue), None)
    if marked:
        residue = residue.replace(marked, "", 1)
    if any(ch.isalnum() for ch in residue):
        return None  # the link sits inside running text: story text
    stamp = line.stamp or marked
    if not (labelled or stamp or _is_story_href(href, base_url)):
        return None
    return _new_cross_link(link_head or text, _absolute(href, base_url), stamp)


def _new_cross_link(text: str, url: str | None, stamp: str | None) -> CrossLink:
    """Build a cross-link with a clean title, recording what is missing."""
    title, _labels, glued_stamp, _views = clean_title(text)
    link = CrossLink(title=title, url=url, published_raw=stamp or glued_stamp)
    if link.published_raw is None:
        link.problems["published_raw"] = "no timestamp next to the cross-link"
    if not title:
        link.problems["title"] = f"no title left in {text!r}"
    return link


_TITLE_MAX_CHARS = 300


def _title_shaped(text: str) -> bool:
    """Return True for text that reads like a headline: not empty, short, no closing full stop."""
    return 0 < len(text) <= _TITLE_MAX_CHARS and (not text.endswith(".") or text.endswith("..."))


def _is_story_href(href: str, base_url: str | None) -> bool:
    """Return True when `href` points at another page of the same site, not a home page."""
    target = urlsplit(href)
    if target.scheme and target.scheme not in ("http", "https"):
        return False
    if target.netloc:
        if base_url is None:
            return False
        base = urlsplit(base_url).netloc.removeprefix("www.")
        if target.netloc.removeprefix("www.") != base:
            return False
    return target.path.strip("/").count("/") >= 1


def _absolute(href: str | None, base_url: str | None) -> str | None:
    """Resolve `href` against the article URL when there is one."""
    if href is None or base_url is None or href.startswith(("https://", "http://")):
        return href
    return urljoin(base_url, href)


# --- plain text ----------------------------------------------------------------------------------


def split_text(text: str, *, has_title: bool = True) -> SplitResult:
    """Split a plain-text rendering of an article page (like the seed): one block per line.

    With `has_title`, the first non-empty line is the article's title.
    """
    lines = [normalize_text(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    title = lines.pop(0) if has_title and lines else None
    result = split_blocks([Block(line) for line in lines])
    result.title = title
    if result.views is None and "views" not in result.problems:
        result.problems["views"] = "no view counter before the story text"
    return result
