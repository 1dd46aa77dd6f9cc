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

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from newsbot.items import CrossLink, Subhead, Teaser
from newsbot.text.furniture import (
    chrome_kind,
    dateline_place,
    furniture_shaped,
    is_labelled_line,
    is_photo_credit,
    is_subhead,
    name_shaped,
)
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
    "популярні": "popular",
    "популярные": "popular",  # alone, on ru AMP pages
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
    title, labels, stamp, views_raw = _clean_title(raw)
    return title, list(labels), stamp, views_raw


# A site's teaser rails and cross-link titles repeat from page to page of one crawl: raw titles up
# to this long are cleaned once (a bounded LRU cache; an article's own text never goes through here).
_CACHED_TITLE_CHARS = 400


def _clean_title(raw: str) -> tuple[str, tuple[str, ...], str | None, str | None]:
    return _clean_title_cached(raw) if len(raw) <= _CACHED_TITLE_CHARS else _clean_title_uncached(raw)


def _clean_title_uncached(raw: str) -> tuple[str, tuple[str, ...], str | None, str | None]:
    text = normalize_text(raw)
    text, views_raw = split_views_tail(text)
    text, stamp = split_timestamp_tail(text)
    text, labels = split_label_tail(text)
    if stamp is None:  # a label may sit between the title and the stamp: "...Video02.04.24, 19:59"
        text, stamp = split_timestamp_tail(text)
    return text.strip(), tuple(labels), stamp, views_raw


_clean_title_cached = functools.lru_cache(maxsize=4096)(_clean_title_uncached)


def clean_teaser(teaser: Teaser) -> Teaser:
    """Return `teaser` with its title cleaned and its view count read; problems recorded."""
    title, labels, stamp, glued_views = _clean_title(teaser.title)
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
    heading: bool = False  # an <h2>-<h6> of an HTML body: a subhead unless teasers follow it


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
    subheads: list[Subhead] = field(default_factory=list)
    dateline: str | None = None  # the dateline's place: "Kyiv" for "Kyiv • UNN"
    authors: list[str] = field(default_factory=list)  # from the furniture after a page text's body
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (what, text): chrome, furniture
    problems: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Line:
    """A block with its trailing counter, stamp and glued labels read off."""

    block: Block
    head: str  # text without trailing counter and stamp
    stamp: str | None
    views_raw: str | None
    labels: list[str] | None  # set when the whole line is labels ("Exclusive")
    chrome: str | None = None  # what page chrome the line is (newsbot.text.furniture.chrome_kind)

    @property
    def is_counter(self) -> bool:
        """Return True for a line that is only a counter, maybe after a stamp."""
        return self.views_raw is not None and not self.head

    @property
    def is_stamp(self) -> bool:
        """Return True for a line that is only a timestamp."""
        return self.stamp is not None and not self.head and self.views_raw is None

    @property
    def is_stamp_line(self) -> bool:
        """Return True for a card's stamp line: a counter, a timestamp, or both ("date • views")."""
        return not self.head and (self.views_raw is not None or self.stamp is not None)

    @property
    def is_text(self) -> bool:
        """Return True for a line of plain text: no counter, stamp or labels read off it."""
        return bool(self.head) and self.views_raw is None and self.stamp is None


def _read_line(block: Block) -> _Line:
    """Read the counter, stamp and labels at the end of one block."""
    chrome = chrome_kind(block.text)
    head, views_raw = split_views_tail(block.text)
    if is_timestamp(head):
        return _Line(block, "", head.strip(" ,•·"), views_raw, None, chrome)
    head, stamp = split_timestamp_tail(head)
    labels = label_of(head) if stamp is None and views_raw is None else None
    return _Line(block, "" if labels else head, stamp, views_raw, labels, chrome)


def split_blocks(
    blocks: list[Block],
    *,
    base_url: str | None = None,
    article_views_known: bool = False,
    title: str | None = None,
) -> SplitResult:
    """Classify blocks into paragraphs, cross-links, teasers and the article's counter.

    `article_views_known` says the caller has the article's counter from elsewhere (HTML pages),
    so every counter inside the body belongs to a teaser. With the article's `title`, a caption
    repeating it is not story text.
    """
    lines = [_read_line(b) for b in blocks if b.text]
    return _Classifier(lines, base_url, article_views_known, title=title).run()


# Orders of the cards in a teaser block: a title then its stamp line (bottom lists, "Popular
# news"), or a stamp line then its title (page-top feeds: "December 9, 07:00 AM • 31140 views").
TITLE_FIRST = "title-first"
STAMP_FIRST = "stamp-first"
# A teaser without any stamp or counter must at least read like a headline, not a menu item.
_STAMPLESS_MIN_WORDS = 3
# This many glued "title+date • views" lines in a row are a teaser list, not cross-links.
_GLUED_RUN = 3


class _Classifier:
    """One pass over the lines of a body; state: which teaser block we are in, and its order.

    `region` is "body" for an article body (or the part of a page text after the title), "top"
    for the part of a page text before the title: only teaser feeds and chrome live there.
    """

    def __init__(
        self,
        lines: list[_Line],
        base_url: str | None,
        views_known: bool,
        *,
        title: str | None = None,
        region: str = "body",
        text_mode: bool = False,
    ) -> None:
        self.lines = lines
        self.base_url = base_url
        self.views_known = views_known
        self.title = title
        self.top = region == "top"
        self.text_mode = text_mode
        self.result = SplitResult()
        self.block: str | None = "latest" if self.top else None  # slug of the teaser block we are in
        # Page-top feeds print their cards stamp first; a heading below decides for its own block.
        self.order = STAMP_FIRST if self.top else TITLE_FIRST
        self.pending_labels: list[str] = []
        self.body_closed = self.top  # past the story: a heading, a footer or the top region
        self.footer = False
        self.read_also = False  # a "read also" label stood alone on the line before
        self._teaser_index: dict[tuple[str, str], Teaser] = {}

    def run(self) -> SplitResult:
        """Walk the lines once and return the split."""
        i = 0
        while i < len(self.lines):
            i += self._step(i)
        self._close_body()
        if not self.result.paragraphs:
            self.result.problems["paragraphs"] = "no story text in the body"
        return self.result

    # --- helpers over the line list ---------------------------------------------------------------

    def _line(self, i: int) -> _Line | None:
        return self.lines[i] if 0 <= i < len(self.lines) else None

    def _order_from(self, i: int) -> str:
        """Return the card order of a block whose first card starts at line `i`."""
        while (line := self._line(i)) is not None and (line.labels or line.chrome):
            i += 1
        return STAMP_FIRST if line is not None and line.is_stamp_line else TITLE_FIRST

    def _card_title_at(self, i: int) -> bool:
        """Return True when line `i` can be the title under a stamp line (stamp-first cards)."""
        line = self._line(i)
        return (
            line is not None and line.is_text and _title_shaped(line.head) and not self._known_heading(line)
        )

    def _starts_teaser(self, i: int) -> bool:
        """Return True when line `i` begins a teaser item (labels, title, counter) in either order."""
        line = self._line(i)
        if line is None:
            return False
        if line.labels:
            return self._starts_teaser(i + 1)
        if line.is_stamp_line:
            return line.stamp is not None and line.views_raw is not None and self._card_title_at(i + 1)
        if line.views_raw is not None:
            return True
        follower = self._line(i + 1)
        return follower is not None and follower.is_counter

    def _same_title_follows(self, i: int, head: str) -> int:
        """Return how many lines after `i` repeat the title `head` (lists printing titles twice)."""
        n = 0
        while (line := self._line(i + 1 + n)) is not None and line.is_text and line.head == head:
            n += 1
        return n

    @staticmethod
    def _known_heading(line: _Line) -> bool:
        return line.head.strip().rstrip(":").lower() in BLOCK_SLUGS and not line.block.links

    # --- one line -------------------------------------------------------------------------------

    def _step(self, i: int) -> int:
        """Classify line `i` (and maybe its neighbours); return how many lines were used."""
        line = self.lines[i]
        chrome = line.chrome
        if chrome is not None:
            self._drop(chrome, line)
            if chrome == "footer" and self.text_mode:
                self._close_body()
                self.footer = True
            return 1
        if line.is_stamp_line:
            return self._stamp_line(i, line)
        if line.labels:
            if self._starts_teaser(i + 1):
                self.pending_labels.extend(line.labels)
            else:  # a label alone ("Фото", "Exclusive") is never story text
                self._drop("label", line)
            return 1
        if not self.body_closed:
            used = self._furniture(i, line)
            if used:
                return used
        if self._is_heading(line, i):
            self._close_body()
            self.block = block_slug(line.head)
            self.order = self._order_from(i + 1)
            return 1
        follower = self._line(i + 1)
        if line.views_raw is not None:  # title, stamp and counter on one line
            if not self.block and line.stamp and not self._glued_run(i):
                return self._add_cross_link(line, line.views_raw)
            self._teaser(line.head, line.stamp, line.views_raw, line.block)
            return 1
        if (
            follower is not None
            and follower.is_counter
            and (self.block or (self.views_known and _title_shaped(line.head)))
        ):
            if not self.block and line.stamp and follower.stamp is None:
                return self._add_cross_link(line, follower.views_raw) + 1
            if not (self.block and self.order == STAMP_FIRST):
                self._teaser(line.head, line.stamp or follower.stamp, follower.views_raw, line.block)
                return 2
        if self.block and _title_shaped(line.head):
            if not self.text_mode or self._headline_shaped(line.head):
                repeats = self._same_title_follows(i, line.head)
                after = self._line(i + 1 + repeats)
                if repeats and after is not None and after.is_counter and self.order == TITLE_FIRST:
                    self._teaser(line.head, line.stamp or after.stamp, after.views_raw, line.block)
                    return 2 + repeats
                self._teaser(line.head, line.stamp, None, line.block)  # a teaser with no counter
                return 1 + repeats
            self._drop("chrome", line)
            return 1
        if self.top or self.footer:
            self._drop("chrome", line)
            return 1
        link = self._cross_link(line)
        if link is not None:
            return self._place_cross_link(link)
        self.result.paragraphs.append(line.block.text)
        return 1

    def _stamp_line(self, i: int, line: _Line) -> int:
        """A line that is only a stamp and/or a counter: a card's, or the article's own."""
        if (
            self.text_mode
            and not self.block
            and self.result.paragraphs
            and line.stamp is not None
            and line.views_raw is not None
            and self._card_title_at(i + 1)
        ):
            # `date • views` above a headline after the story began: a stamp-first feed printed
            # without its heading (a cross-link glues its date to its title instead).
            self._close_body()
            self.block, self.order = "latest", STAMP_FIRST
        if self.block and self.order == STAMP_FIRST and self._card_title_at(i + 1):
            title = self.lines[i + 1]
            repeats = self._same_title_follows(i + 1, title.head)
            self._teaser(title.head, line.stamp, line.views_raw, title.block)
            return 2 + repeats
        if line.views_raw is not None:
            self._counter(line)
        elif self.result.published_raw is None and not self.result.paragraphs and not self.body_closed:
            self.result.published_raw = line.stamp
        return 1

    def _glued_run(self, i: int) -> bool:
        """Return True when line `i` is one of three or more glued title+stamp+counter lines in a row.

        A "Popular news" list printed without its heading looks like that; cross-links stand
        between story paragraphs (two "read also" links may follow each other).
        """

        def glued(j: int) -> bool:
            line = self._line(j)
            return (
                line is not None and bool(line.head) and line.views_raw is not None and line.stamp is not None
            )

        before = next((n for n in range(1, _GLUED_RUN) if not glued(i - n)), _GLUED_RUN) - 1
        after = next((n for n in range(1, _GLUED_RUN) if not glued(i + n)), _GLUED_RUN) - 1
        return before + 1 + after >= _GLUED_RUN

    def _furniture(self, i: int, line: _Line) -> int:
        """Take dateline, subheads, captions and photo credits out of the story; 1 when taken."""
        text = line.block.text
        if line.stamp is None and not line.block.links:
            place = dateline_place(line.head)
            if place is not None and not self.result.paragraphs and self.result.dateline is None:
                self.result.dateline = place
                self._drop("dateline", line)
                if line.views_raw is not None:
                    self._counter(line)
                return 1
        if line.views_raw is not None or line.stamp is not None:
            return 0
        rest, labelled = split_read_also(text)
        if labelled and not rest:  # "Читайте також:" alone: the next line is the link
            self.read_also = True
            self._drop("read-also", line)
            return 1
        if self.text_mode and not self.result.paragraphs and (counter := _COUNTER_ANYWHERE.search(text)):
            # The page's date, counter and author glued on one line: "09.04.24, 17:12 • 23713 переглядiв
            # Olga Rozghon". Each goes to its field; none of it is story text.
            head, tail = text[: counter.start()].strip(" •·,"), text[counter.end() :].strip(" •·,")
            stamp = head if head and is_timestamp(head) else None
            self._counter(_Line(line.block, "", stamp, counter.group(0).lstrip("•· "), None))
            if name_shaped(tail):
                self.result.authors.append(tail)
            self._drop("furniture", line)
            return 1
        if (
            self.text_mode
            and not self.result.paragraphs
            and furniture_shaped(text)
            and not is_subhead(text)
            and not self._is_heading(line, i)
        ):
            # Before the lead of a page text: a rubric, breadcrumbs, share buttons, the author.
            if name_shaped(text):
                self.result.authors.append(text)
            self._drop("furniture", line)
            return 1
        heading = line.block.heading and not self._known_heading(line) and not self._starts_teaser(i + 1)
        if is_subhead(text) or heading:
            self.result.subheads.append(Subhead(text.rstrip(":"), len(self.result.paragraphs) - 1))
            return 1
        if self.title and _repeats_title(text, self.title):
            self._drop("caption", line)
            return 1
        if is_photo_credit(text) and not (
            line.block.links and _is_story_href(line.block.links[0][0], self.base_url)
        ):
            self._drop("photo-credit", line)
            return 1
        return 0

    def _close_body(self) -> None:
        """End of the story: in page text, short lines after the last paragraph are furniture.

        Real pages print the author, the rubric and tag lines after the body; the first lines of
        them that read as a person's name are the authors.
        """
        if self.body_closed:
            return
        self.body_closed = True
        if not self.text_mode:
            return
        paragraphs = self.result.paragraphs
        run: list[str] = []
        while len(paragraphs) > 1 and (furniture_shaped(paragraphs[-1]) or is_labelled_line(paragraphs[-1])):
            run.insert(0, paragraphs.pop())
        if not run:
            return
        last = len(paragraphs) - 1
        for link in self.result.cross_links:
            link.position = min(link.position, last)
        for subhead in self.result.subheads:
            subhead.position = min(subhead.position, last)
        # Authors come first (then rubric and tags): the names at the head of the run.
        start = next((n for n, text in enumerate(run) if name_shaped(text)), len(run))
        for text in run[start:]:
            if not name_shaped(text):
                break
            self.result.authors.append(text)
        self.result.dropped.extend(("furniture", text) for text in run)

    def _drop(self, what: str, line: _Line) -> None:
        self.result.dropped.append((what, line.block.text))

    def _headline_shaped(self, text: str) -> bool:
        """A stampless teaser in page text: a headline of several words, not a menu item."""
        return _title_shaped(text) and len(text.split()) >= _STAMPLESS_MIN_WORDS

    def _counter(self, line: _Line) -> None:
        """Take a lone counter as the article's own when it comes before any story text or teaser.

        A counter after the story has begun, or inside a teaser block, is a card's: it never
        becomes the article's count.
        """
        if self.views_known or self.block or self.result.related or self.body_closed:
            return  # a stray counter inside the teaser area: nothing to attach it to
        if self.text_mode and self.result.paragraphs:
            return
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
        if self._known_heading(line):
            return True
        follower = self._line(i + 1)
        if self.block and self.order == TITLE_FIRST and follower is not None and follower.is_stamp_line:
            return False  # a short title with its own counter under it
        return _heading_shaped(line.head) and self._starts_teaser(i + 1)

    def _teaser(self, head: str, stamp: str | None, views_raw: str | None, block: Block) -> None:
        """Record one teaser item from its title text, stamp and counter.

        A title the list prints again (some lists print every title twice) fills what the first
        printing lacked instead of making a second teaser.
        """
        href = block.links[0][0] if len(block.links) == 1 else None
        teaser = clean_teaser(
            Teaser(
                title=head,
                block=self.block or UNNAMED_BLOCK,
                url=_absolute(href, self.base_url),
                published_raw=stamp,
                views_raw=views_raw,
                labels=self.pending_labels,
            )
        )
        self.pending_labels = []
        if self.top and teaser.title == self.title and teaser.views is None:
            return  # the article's own title printed above it (breadcrumbs, a share bar): no teaser
        key = (teaser.block, teaser.title)
        seen = self._teaser_index.get(key) if teaser.title else None
        if seen is not None:
            _merge_teaser(seen, teaser)
            return
        self._teaser_index[key] = teaser
        self.result.related.append(teaser)

    def _add_cross_link(self, line: _Line, views_raw: str | None) -> int:
        """Record `line` as a cross-link carrying the linked story's counter; 1 line used."""
        link = self._cross_link(line)
        if link is None:  # a link inside running text with a counter after it: story text
            self.result.paragraphs.append(line.block.text)
            return 1
        _read_link_views(link, views_raw)
        return self._place_cross_link(link)

    def _place_cross_link(self, link: CrossLink) -> int:
        link.position = len(self.result.paragraphs) - 1
        self.result.cross_links.append(link)
        return 1

    def _cross_link(self, line: _Line) -> CrossLink | None:
        """Return the cross-link this line is, or None when it is story text."""
        text, labelled = split_read_also(line.head)
        labelled, self.read_also = labelled or self.read_also, False
        if line.block.links:
            return _html_cross_link(line, text, labelled, self.base_url)
        if not (labelled or line.stamp) or not _title_shaped(text):
            return None
        return _new_cross_link(text, None, line.stamp)


_CAPTION_TAIL_MAX = 60


def _repeats_title(text: str, title: str) -> bool:
    """Return True for a photo caption repeating the title, maybe with a credit after it.

    "<title>", "<title> | Photo: UNN", "<title> (фото: ДСНС)"; a lead that starts with the title's
    words and goes on ("<title> в общественном транспорте с 1 января...") is story text.
    """
    if not text.startswith(title):
        return False
    rest = text[len(title) :].strip()
    return not rest or (
        len(rest) <= _CAPTION_TAIL_MAX
        and (rest[0] in "|—–-(/:." or rest.lower().startswith(("фото", "photo", "©", "джерело", "источник")))
    )


def _merge_teaser(seen: Teaser, again: Teaser) -> None:
    """Fill what the first printing of a teaser lacked from its second printing."""
    if seen.views is None and again.views is not None:
        seen.views_raw, seen.views = again.views_raw, again.views
        seen.problems.pop("views", None)
    if seen.published_raw is None:
        seen.published_raw = again.published_raw
    seen.url = seen.url or again.url
    seen.labels.extend(label for label in again.labels if label not in seen.labels)


def _read_link_views(link: CrossLink, views_raw: str | None) -> None:
    """Fill a cross-link's counter, or record why it is unreadable."""
    if views_raw is None:
        return
    link.views_raw = views_raw
    parsed = parse_views(views_raw)
    link.views = parsed.value
    if not parsed.ok:
        link.problems["views"] = parsed.error or "unreadable view counter"


def _html_cross_link(line: _Line, text: str, labelled: bool, base_url: str | None) -> CrossLink | None:
    """Return a cross-link when a block's text is essentially one link plus label and stamp."""
    hrefs = {href for href, _ in line.block.links}
    if len(hrefs) != 1:
        return None
    href = next(iter(hrefs))
    link_text = " ".join(t for _, t in line.block.links if t)
    link_head, _ = split_views_tail(link_text)
    link_head, _ = split_timestamp_tail(link_head)
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
    title, _labels, glued_stamp, _views = _clean_title(text)
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

_HTML_TAG = re.compile(
    r"</?(?:html|head|body|div|p|a|span|script|meta|link|article|section|br)\b[^>]*>", re.I
)
_HTML_MIN_TAGS = 3


def looks_like_html(text: str) -> bool:
    """Return True when `text` is markup rather than a page's visible text."""
    head = text[:20000]
    return head.lstrip("\ufeff \t\r\n").startswith("<") or len(_HTML_TAG.findall(head)) >= _HTML_MIN_TAGS


def split_text(text: str, *, has_title: bool = True) -> SplitResult:
    """Split a plain-text copy of an article page (like the seed): one block per line.

    With `has_title`, the text is a whole page as a reader sees it: chrome and page-top feeds
    may come first, and the title is found by evidence (the line before the dateline
    "Kyiv • UNN", else the line before the article's own counter, else the first line that is
    neither chrome nor a feed card). Without it, every line is body.
    """
    lines = [normalize_text(line) for line in text.splitlines()]
    read = [_read_line(Block(line)) for line in lines if line]
    if not has_title:
        result = _Classifier(read, None, False, text_mode=True).run()
    else:
        at = find_title(read)
        title = read[at].block.text if at is not None else None
        top = (
            _Classifier(read[:at], None, True, title=title, region="top", text_mode=True).run()
            if at
            else None
        )
        body = read[at + 1 :] if at is not None else read
        result = _Classifier(body, None, False, title=title, text_mode=True).run()
        result.title = title
        if top is not None:
            result.related[:0] = top.related
            result.dropped[:0] = top.dropped
    if result.views is None and "views" not in result.problems:
        result.problems["views"] = "no view counter before the story text"
    return result


_STORY_SENTENCE_MIN_CHARS = 100
_COUNTER_ANYWHERE = re.compile(rf"[•·]\s*\d[\d\s]*\s*{_COUNT_WORD}", re.IGNORECASE)


def _title_before_story(lines: list[_Line], kept: list[int]) -> int | None:
    """Return the headline right above the first story sentence, when no feed card comes before it.

    Between them a page may print its date, counter, author, rubric or labels (one line, maybe
    glued: "09.04.24, 17:12 • 23713 переглядiв Olga Rozghon"); those are stepped over.
    """
    story = None
    for pos, i in enumerate(kept):
        line = lines[i]
        if line.is_stamp_line:
            return None  # a stamp-first card before any story sentence: leave it to the card rule
        text = line.block.text
        if len(text) >= _STORY_SENTENCE_MIN_CHARS and text[-1] in '.!?…»"”':
            story = pos
            break
    if story is None:
        return None
    for j in reversed(kept[:story]):
        candidate = lines[j]
        text = candidate.block.text
        if (
            candidate.labels
            or _COUNTER_ANYWHERE.search(text)
            or dateline_place(candidate.head)
            or furniture_shaped(text)
        ):
            continue
        return j if candidate.is_text and _title_shaped(candidate.head) else None
    return None


def find_title(lines: list[_Line]) -> int | None:
    """Return the index of the article's title in the lines of a page text, or None.

    Evidence first: the line before the dateline, else the line before the article's own
    counter (a counter with no stamp, before any teaser-block heading), else the headline right
    above the first story sentence (date, counter and author lines stepped over); else the first
    line that is not chrome, a label, a heading or part of a page-top stamp-first card.
    """
    kept = [i for i, line in enumerate(lines) if line.chrome is None]

    def usable(i: int) -> bool:
        line = lines[i]
        return line.is_text and not _Classifier._known_heading(line)

    for pos, i in enumerate(kept):
        if lines[i].stamp is None and dateline_place(lines[i].head) is not None:
            return next((j for j in reversed(kept[:pos]) if usable(j)), None)
    for pos, i in enumerate(kept):
        line = lines[i]
        if _Classifier._known_heading(line):
            break
        if line.is_counter and line.stamp is None and pos > 0 and usable(kept[pos - 1]):
            return kept[pos - 1]
    before_story = _title_before_story(lines, kept)
    if before_story is not None:
        return before_story
    pos = 0
    while pos < len(kept):
        line = lines[kept[pos]]
        if line.labels or _Classifier._known_heading(line):
            pos += 1
        elif line.is_stamp_line:
            pos += 2  # a page-top card: its stamp line, then its title
        else:
            return kept[pos]
    return None
