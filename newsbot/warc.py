"""WARC files in and out: frame and read records, turn response records into pages, write pages back.

No Scrapy and no SQLite here. Reading is streaming and survives damage: a `.warc.gz` file is split
into its gzip members here (one record per member, as the standard recommends and Common Crawl,
Heritrix, wget and Browsertrix write), so a broken or cut-short member is counted and skipped and the
next member is read; warcio parses each record's WARC and HTTP headers and decodes its payload.
Neither warcio nor FastWARC goes past a broken member on its own (both stop with an error, and
warcio drops a member cut short at the end without a word: see docs/archive.md).

newsbot.runs.warc runs the pages through the page objects and stages and stores them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from newsbot.items import RawPage

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b\x08"
CHUNK = 1 << 16
# A gzip member (or a plain record) larger than this is skipped: Common Crawl's largest records are
# a few MB; a bigger member is usually a whole file gzipped at once, which cannot be read record by
# record (`warcio recompress` rewrites it one member per record).
MAX_RECORD_BYTES = 256 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Headers describing how the bytes travelled, not what they are: the stored body is decoded (as a
# crawl stores it: Scrapy drops Content-Encoding once it has decompressed the body).
TRANSPORT_HEADERS = frozenset({"content-encoding", "transfer-encoding"})

# Why a record was skipped: a short, stable key (counted in the summary and the run's stats) and a
# detail for the log. Filter misses are counted apart from these (see Tally).
NOT_HTML = "not-html"
REVISIT = "revisit"
NOT_RESPONSE = "not-response"  # request, metadata, warcinfo, resource, conversion, continuation
HTTP_STATUS = "http-status"  # redirects, 304, 4xx, 5xx
CRAWLER_TRUNCATED = "truncated-by-crawler"  # WARC-Truncated: the crawler kept only part of it
CUT_SHORT = "cut-short"  # the record or gzip member ends before its length
BROKEN_GZIP = "broken-gzip"  # a gzip member that does not decompress
NOT_WARC = "not-warc"  # bytes that are not a WARC record (damaged or foreign data)
UNREADABLE = "unreadable"  # WARC or HTTP headers, or the payload encoding, could not be read
NO_URL = "no-url"
NOT_ARTICLE = "not-article"  # a listing, feed or tag page of a site whose article URLs are known
TOO_LARGE = "too-large"
DAMAGE = frozenset({CUT_SHORT, BROKEN_GZIP, NOT_WARC, UNREADABLE, TOO_LARGE})  # logged as warnings


@dataclass(frozen=True, slots=True)
class Segment:
    """One framed piece of a WARC file: a record's bytes, or a stretch that holds none, and why."""

    offset: int  # where it starts in the file (a gzip member's first byte)
    length: int  # bytes it spans in the file
    data: bytes | None = None  # the uncompressed record (headers and block); None with a problem
    problem: tuple[str, str] | None = None  # (kind, detail)


@dataclass(frozen=True, slots=True)
class Skip:
    """A record that is not imported, and why."""

    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class WarcSource:
    """Where a page came from: the WARC file, the record's offset and length, its record ID."""

    warc_file: str  # the file's name (not its folder: the same file read from elsewhere is the same)
    offset: int
    length: int
    record_id: str | None


@dataclass(slots=True)
class WarcPage:
    """A response record that may become an article: the page as a crawl would have fetched it."""

    source: WarcSource
    page: RawPage


@dataclass(slots=True)
class Filters:
    """Which response records to import (all of them by default)."""

    since: datetime | None = None  # WARC-Date on or after (aware, UTC)
    until: datetime | None = None  # WARC-Date before
    domains: tuple[str, ...] = ()  # host is one of these or under one of them
    site: Callable[[str], bool] | None = None  # the URL belongs to the chosen site

    def miss(self, page: RawPage) -> str | None:
        """Return why a page falls outside the filters, or None when it is to be imported."""
        if self.since is not None and page.fetched_at < self.since:
            return "before --since"
        if self.until is not None and page.fetched_at >= self.until:
            return "after --until"
        if self.domains and not in_domains(page.url, self.domains):
            return "outside --domain"
        if self.site is not None and not self.site(page.url):
            return "not of --site"
        return None


def in_domains(url: str, domains: Iterable[str]) -> bool:
    """Tell whether the URL's host is one of `domains` or a subdomain of one."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for domain in domains:
        domain = domain.lower().strip().strip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


# --- framing ---------------------------------------------------------------------------------------


def segments(path: Path) -> Iterator[Segment]:
    """Yield every record of a WARC file (gzip or plain) and every stretch that holds none."""
    with path.open("rb") as stream:
        if stream.read(3) == GZIP_MAGIC:
            stream.seek(0)
            yield from _gzip_segments(stream)
        else:
            stream.seek(0)
            yield from _plain_segments(stream, base=0, whole=None)


def _find(stream: BinaryIO, start: int, marker: bytes) -> int | None:
    """Return the offset of the next `marker` at or after `start`, or None; reads in chunks."""
    stream.seek(start)
    carry = b""
    position = start
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return None
        window = carry + chunk
        found = window.find(marker)
        if found >= 0:
            return position - len(carry) + found
        carry = window[-(len(marker) - 1) :]
        position += len(chunk)


def _gzip_segments(stream: BinaryIO) -> Iterator[Segment]:
    """Yield the records of each gzip member, and each damaged stretch between members as one."""
    offset = 0
    damaged_at: int | None = None  # where the current run of unreadable bytes began
    damage: tuple[str, str] | None = None  # what was found there first
    size = _size(stream)
    while offset < size:
        stream.seek(offset)
        if stream.read(len(GZIP_MAGIC)) == GZIP_MAGIC:
            stream.seek(offset)
            member, consumed, problem = _inflate_member(stream)
        else:
            member, consumed, problem = None, 0, (NOT_WARC, "bytes outside any gzip member")
        if member is not None or (problem and problem[0] == TOO_LARGE):
            if damaged_at is not None:
                yield _damage(damaged_at, offset, damage)
                damaged_at = None
            if member is None:  # whole but too large: skipped, and reading goes on after it
                yield Segment(offset, consumed, problem=problem)
            else:  # records inside one member share its offset (a member normally holds one)
                yield from _plain_segments(io.BytesIO(member), base=offset, whole=consumed)
            offset += consumed
            continue
        if damaged_at is None:
            damaged_at, damage = offset, problem
        # A damaged member has no length to skip by: read on from the next gzip header after its
        # start. One inside the damaged bytes by chance fails too and joins the same stretch.
        following = _find(stream, offset + 1, GZIP_MAGIC)
        offset = following if following is not None else size
    if damaged_at is not None:
        yield _damage(damaged_at, size, damage)


def _damage(start: int, end: int, problem: tuple[str, str] | None) -> Segment:
    assert problem is not None
    kind, detail = problem
    return Segment(start, end - start, problem=(kind, f"{detail}: {end - start} bytes skipped"))


def _size(stream: BinaryIO) -> int:
    return stream.seek(0, io.SEEK_END)


def _inflate_member(stream: BinaryIO) -> tuple[bytes | None, int, tuple[str, str] | None]:
    """Decompress the gzip member at the stream's position: (data, bytes it spans, problem).

    A member past MAX_RECORD_BYTES is decompressed to its end but not kept, so reading can go on
    after it; output is taken 1 MiB at a time, so a small member that inflates hugely cannot
    exhaust memory.
    """
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] | None = []
    size = read = 0
    try:
        while not inflater.eof:
            data = inflater.unconsumed_tail or stream.read(CHUNK)
            if not data:
                return None, read, (CUT_SHORT, "gzip member cut short at the end of the file")
            if not inflater.unconsumed_tail:
                read += len(data)
            part = inflater.decompress(data, 1 << 20)
            size += len(part)
            if parts is not None:
                parts.append(part)
                if size > MAX_RECORD_BYTES:
                    parts = None
    except zlib.error as error:
        return None, read, (BROKEN_GZIP, f"broken gzip member ({error})")
    consumed = read - len(inflater.unused_data)
    if parts is None:
        limit = f"{MAX_RECORD_BYTES >> 20} MiB"
        hint = "a whole file gzipped at once? `warcio recompress` writes one member per record"
        return None, consumed, (TOO_LARGE, f"gzip member larger than {limit} ({hint})")
    return b"".join(parts), consumed, None


def _plain_segments(stream: BinaryIO, *, base: int, whole: int | None) -> Iterator[Segment]:
    """Frame WARC records in an uncompressed stream by their Content-Length.

    `base` is the file offset of the stream's first byte; `whole` the length in the file of a gzip
    member the stream is the content of (its records are located by the member), None for a
    plain file (each record is located by its own offset).
    """
    while True:
        start = stream.tell()
        line = stream.readline(MAX_HEADER_BYTES)
        if not line:
            return
        if not line.strip():
            continue  # the blank lines that end the previous record
        if not line.startswith(b"WARC/"):
            resume = _resync(stream, start)
            yield _located(
                base, whole, start, resume - start, problem=(NOT_WARC, "bytes that are not a WARC record")
            )
            stream.seek(resume)
            continue
        header = [line]
        length: int | None = None
        while True:
            line = stream.readline(MAX_HEADER_BYTES)
            header.append(line)
            if not line.strip() or sum(map(len, header)) > MAX_HEADER_BYTES:
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                with contextlib.suppress(ValueError):
                    length = int(value.strip())
        if not line:
            yield _located(
                base,
                whole,
                start,
                stream.tell() - start,
                problem=(CUT_SHORT, "record cut short inside its WARC headers"),
            )
            return
        if line.strip() or length is None or length < 0:
            resume = _resync(stream, start + 1)
            yield _located(
                base,
                whole,
                start,
                resume - start,
                problem=(UNREADABLE, "WARC headers without a valid Content-Length"),
            )
            stream.seek(resume)
            continue
        if length > MAX_RECORD_BYTES:
            yield _located(base, whole, start, 0, problem=(TOO_LARGE, f"record of {length} bytes"))
            stream.seek(length, io.SEEK_CUR)
            continue
        block = stream.read(length)
        if len(block) < length:
            yield _located(
                base,
                whole,
                start,
                stream.tell() - start,
                problem=(CUT_SHORT, f"record cut short: {len(block)} of {length} bytes"),
            )
            return
        yield _located(base, whole, start, stream.tell() - start, data=b"".join(header) + block)


def _located(base: int, whole: int | None, start: int, length: int, **fields: Any) -> Segment:
    if whole is not None:
        return Segment(base, whole, **fields)
    return Segment(base + start, length, **fields)


def _resync(stream: BinaryIO, start: int) -> int:
    """Return where the next record header after `start` begins (or the end of the stream)."""
    found = _find(stream, start + 1, b"\nWARC/1.")
    return found + 1 if found is not None else _size(stream)


# --- records -> pages ------------------------------------------------------------------------------


def to_page(segment: Segment, warc_file: str) -> WarcPage | Skip:
    """Turn one framed record into a page as a crawl would have fetched it, or say why not."""
    if segment.data is None:
        assert segment.problem is not None
        return Skip(*segment.problem)
    from warcio.recordloader import ArcWarcRecordLoader

    try:
        record = ArcWarcRecordLoader().parse_record_stream(io.BytesIO(segment.data), known_format="warc")
    except Exception as error:  # warcio raises several kinds for damaged headers
        return Skip(UNREADABLE, f"unreadable WARC record ({type(error).__name__}: {error})")
    headers = record.rec_headers
    kind = record.rec_type
    url = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if kind == "revisit":
        return Skip(REVISIT, f"revisit record of {url} (no payload of its own)")
    if kind != "response":
        return Skip(NOT_RESPONSE, f"{kind} record")
    if not url.lower().startswith(("http://", "https://")):
        return Skip(NO_URL, f"response record without an http(s) target URI ({url!r})")
    truncated = headers.get_header("WARC-Truncated")
    if truncated:
        return Skip(
            CRAWLER_TRUNCATED, f"{url}: the crawler kept part of the page (WARC-Truncated: {truncated})"
        )
    http = record.http_headers
    if http is None:
        return Skip(UNREADABLE, f"{url}: response record without HTTP headers")
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        return Skip(UNREADABLE, f"{url}: unreadable HTTP status line {http.statusline!r}")
    page_headers = http_header_dict(http.headers)
    media_type = _media_type(page_headers, headers.get_header("WARC-Identified-Payload-Type"))
    if not 200 <= status < 300:
        location = _header(page_headers, "Location")
        return Skip(HTTP_STATUS, f"{url}: http {status}" + (f" -> {location}" if location else ""))
    encoding = _header(page_headers, "Content-Encoding").lower()
    if encoding not in ("", "identity") and encoding not in _decoders():
        return Skip(UNREADABLE, f"{url}: payload in a Content-Encoding newsbot cannot undo ({encoding})")
    try:
        body = record.content_stream().read()
    except Exception as error:  # a payload whose Content-Encoding does not decode
        return Skip(UNREADABLE, f"{url}: payload does not decode ({type(error).__name__}: {error})")
    if media_type is None:
        media_type = "text/html" if looks_like_html(body) else "unknown"
    if media_type not in HTML_TYPES:
        return Skip(NOT_HTML, f"{url}: {media_type}")
    try:
        fetched_at = parse_warc_date(headers.get_header("WARC-Date") or "")
    except ValueError:
        return Skip(UNREADABLE, f"{url}: unreadable WARC-Date {headers.get_header('WARC-Date')!r}")
    source = WarcSource(warc_file, segment.offset, segment.length, headers.get_header("WARC-Record-ID"))
    stored_headers = {k: v for k, v in page_headers.items() if k.lower() not in TRANSPORT_HEADERS}
    return WarcPage(
        source, RawPage(url=url, status=status, headers=stored_headers, body=body, fetched_at=fetched_at)
    )


def http_header_dict(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return HTTP headers as a dict, repeated headers joined with ", " (as a crawl stores them)."""
    out: dict[str, str] = {}
    for name, value in pairs:
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _header(headers: Mapping[str, str], wanted: str) -> str:
    """Return a header's value whatever the case of its name, "" when absent."""
    wanted = wanted.lower()
    return next((value.strip() for name, value in headers.items() if name.lower() == wanted), "")


def _decoders() -> Iterable[str]:
    from warcio.bufferedreaders import BufferedReader

    return BufferedReader.get_supported_decompressors()


def _media_type(headers: Mapping[str, str], identified: str | None) -> str | None:
    declared = _header(headers, "Content-Type") or (identified or "").strip()
    return declared.split(";", 1)[0].strip().lower() or None


def looks_like_html(body: bytes) -> bool:
    """Tell HTML from other bytes when no content type says (as browsers sniff: the first tags)."""
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<!--")) or b"<html" in head


def parse_warc_date(text: str) -> datetime:
    """Read a WARC-Date ("2024-04-09T14:35:00Z", fractions allowed) as an aware UTC datetime."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# --- accounting ------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What happened to the records of one import, by outcome."""

    records: int = 0
    framed: int = 0  # records whose bytes were whole (the rest: damage, counted in skipped)
    outcomes: Counter[str] = field(default_factory=Counter)  # the archive's store outcomes
    skipped: Counter[str] = field(default_factory=Counter)  # by skip kind
    filtered: int = 0
    already: int = 0  # imported before (by record ID, else file and offset)
    errors: int = 0  # pages the archive could not store

    def copy(self) -> Tally:
        return Tally(
            self.records, self.framed, Counter(self.outcomes), Counter(self.skipped), self.filtered,
            self.already, self.errors,
        )  # fmt: skip

    def restore(self, other: Tally) -> None:
        """Set every count back to `other`'s (the counts of what was committed)."""
        self.records, self.framed, self.filtered = other.records, other.framed, other.filtered
        self.outcomes, self.skipped = Counter(other.outcomes), Counter(other.skipped)
        self.already, self.errors = other.already, other.errors

    def add(self, other: Tally) -> None:
        self.records += other.records
        self.framed += other.framed
        self.outcomes.update(other.outcomes)
        self.skipped.update(other.skipped)
        self.filtered += other.filtered
        self.already += other.already
        self.errors += other.errors

    @property
    def articles(self) -> int:
        return sum(n for key, n in self.outcomes.items() if key.startswith("articles_"))

    @property
    def quarantined(self) -> int:
        return self.outcomes.get("quarantined", 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "articles": self.articles,
            "quarantined": self.quarantined,
            "stored": dict(sorted(self.outcomes.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "filtered": self.filtered,
            "already_imported": self.already,
            "archive_errors": self.errors,
        }

    def stats(self) -> dict[str, int]:
        """Return the counts as crawler-style stats keys, for the run's crawl_runs row."""
        stats = {f"newsbot/{key}": n for key, n in self.outcomes.items()}
        stats.update({f"newsbot/warc/skipped/{key}": n for key, n in self.skipped.items()})
        pages = self.articles + self.quarantined
        stats.update(
            {
                "newsbot/warc/records": self.records,
                "newsbot/warc/filtered": self.filtered,
                "newsbot/warc/already_imported": self.already,
                "newsbot/archive_errors": self.errors,
                "response_received_count": pages + self.errors,
                "item_scraped_count": pages,
            }
        )
        return {key: n for key, n in stats.items() if n}

    def line(self) -> str:
        """Return the counts as one line of text."""
        parts = [f"{self.records} records", f"{self.articles} articles"]
        parts += [
            f"{n} {key.removeprefix('articles_')}"
            for key, n in sorted(self.outcomes.items())
            if key.startswith("articles_")
        ]
        parts.append(f"{self.quarantined} quarantined")
        skipped = sum(self.skipped.values())
        if skipped:
            kinds = ", ".join(f"{key} {n}" for key, n in sorted(self.skipped.items()))
            parts.append(f"{skipped} skipped ({kinds})")
        else:
            parts.append("0 skipped")
        if self.filtered:
            parts.append(f"{self.filtered} filtered out")
        if self.already:
            parts.append(f"{self.already} already imported")
        if self.errors:
            parts.append(f"{self.errors} could not be stored")
        return ", ".join(parts)


@dataclass
class Progress:
    """Say how far an import has got, at most every `every` seconds (0: after every record)."""

    report: Callable[[str], None]
    every: float = 10.0
    clock: Callable[[], float] = time.monotonic
    _started: float | None = field(default=None, init=False)
    _last: float = field(default=0.0, init=False)

    def tick(self, name: str, done_bytes: int, total_bytes: int, tally: Tally) -> None:
        """Report the counts so far if `every` seconds have passed since the last line."""
        now = self.clock()
        if self._started is None:
            self._started = self._last = now
        if now - self._last < self.every:
            return
        self._last = now
        elapsed = now - self._started
        rate = tally.records / elapsed if elapsed > 0 else 0.0
        share = f"{done_bytes / total_bytes:.0%}" if total_bytes else "?"
        self.report(f"{name}: {share} of {total_bytes:,} bytes, {tally.line()}, {rate:.0f} records/s")


# --- export ----------------------------------------------------------------------------------------


def warc_date(moment: datetime) -> str:
    """Format a fetch time as a WARC/1.1 date: UTC, with microseconds when it has them."""
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def status_line(status: int) -> str:
    """Return an HTTP status line's code and reason ("200 OK")."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _warc_writer(output: BinaryIO, *, gzip: bool) -> Any:
    from warcio.warcwriter import WARCWriter

    return WARCWriter(output, gzip=gzip, warc_version="1.1")


def _write_warcinfo(writer: Any, filename: str, software: str, description: str | None) -> None:
    info = {"software": software, "format": "WARC File Format 1.1"}
    if description:
        info["description"] = description
    writer.write_record(writer.create_warcinfo_record(filename, info))


def _write_response(writer: Any, page: RawPage, *, decoded: bool) -> None:
    """Write one page as a response record.

    `decoded` says the body has had its content encoding undone (as the archive stores it), so a
    Content-Encoding header would lie and is left out; a transfer encoding is always undone by the
    time a body is whole. Content-Length is set to the body's length.
    """
    from warcio.statusandheaders import StatusAndHeaders

    dropped = {"transfer-encoding", "content-length"} | ({"content-encoding"} if decoded else set())
    header_pairs = [(name, value) for name, value in page.headers.items() if name.lower() not in dropped]
    header_pairs.append(("Content-Length", str(len(page.body))))
    http = StatusAndHeaders(status_line(page.status), header_pairs, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        page.url,
        "response",
        payload=io.BytesIO(page.body),
        length=len(page.body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": warc_date(page.fetched_at)},
    )
    writer.write_record(record)


def write_warc(
    pages: Iterable[RawPage],
    output: BinaryIO,
    *,
    filename: str,
    software: str,
    gzip: bool = True,
    description: str | None = None,
) -> int:
    """Write a warcinfo record and one response record per stored page; return how many pages.

    Each record carries the page's HTTP status, its stored headers (the transfer and content
    encodings left out, because the stored body is decoded; Content-Length set to the body's
    length) and its fetch time as WARC-Date. With `gzip` each record is its own gzip member.
    """
    writer = _warc_writer(output, gzip=gzip)
    _write_warcinfo(writer, filename, software, description)
    count = 0
    for page in pages:
        _write_response(writer, page, decoded=True)
        count += 1
    return count


class RotatingWarcWriter:
    """Append response records to WARC files in a folder, starting a new file past `max_bytes`.

    A file is written under its final name plus ".open" and renamed when it is full or closed,
    so a reader never takes a file still being written for a finished one. Names follow Common
    Crawl's: PREFIX-YYYYMMDDHHMMSS-NNNNN.warc.gz (the moment the file was started, a serial).
    Each file starts with a warcinfo record; each record is its own gzip member.
    """

    def __init__(
        self,
        folder: Path,
        *,
        prefix: str,
        max_bytes: int,
        software: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.folder = folder
        self.prefix = prefix
        self.max_bytes = max(1, max_bytes)
        self.software = software
        self.clock = clock
        self.finished: list[Path] = []
        self._serial = 0
        self._path: Path | None = None
        self._stream: BinaryIO | None = None
        self._writer: Any = None

    def write(self, page: RawPage, *, decoded: bool) -> None:
        """Write one page; start a new file first when there is none open."""
        if self._stream is None:
            self._open()
        assert self._stream is not None
        _write_response(self._writer, page, decoded=decoded)
        self._stream.flush()
        if self._stream.tell() >= self.max_bytes:
            self._finish()

    def close(self) -> list[Path]:
        """Finish the open file; return every file written."""
        self._finish()
        return list(self.finished)

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = self.clock().astimezone(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            self._serial += 1
            path = self.folder / f"{self.prefix}-{stamp}-{self._serial:05d}.warc.gz"
            if not path.exists() and not path.with_name(path.name + ".open").exists():
                break
        self._path = path
        self._stream = path.with_name(path.name + ".open").open("xb")
        self._writer = _warc_writer(self._stream, gzip=True)
        _write_warcinfo(self._writer, path.name, self.software, "responses fetched by a newsbot crawl")

    def _finish(self) -> None:
        if self._stream is None or self._path is None:
            return
        self._stream.close()
        self._path.with_name(self._path.name + ".open").rename(self._path)
        self.finished.append(self._path)
        self._stream = self._writer = self._path = None
