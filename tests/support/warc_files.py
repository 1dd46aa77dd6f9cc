"""Build WARC files for the tests with warcio: pages as response records, and the damage real files show."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsbot.replay import Fixture
from newsbot.warc import warc_date


@dataclass
class Member:
    """One record as the bytes of one gzip member (or of a plain record), with what it is."""

    url: str
    data: bytes
    kind: str = "response"


@dataclass
class Built:
    """A WARC file written by `write_members`: where each member starts."""

    path: Path
    offsets: dict[str, int] = field(default_factory=dict)  # url -> offset of its member


def record_bytes(
    url: str,
    body: bytes = b"",
    *,
    kind: str = "response",
    status: int = 200,
    headers: Iterable[tuple[str, str]] = (("Content-Type", "text/html; charset=utf-8"),),
    fetched_at: datetime = datetime(2024, 4, 10, 8, 0, tzinfo=UTC),
    compress: bool = True,
    warc_headers: dict[str, str] | None = None,
) -> bytes:
    """Return one WARC record (one gzip member when `compress`) written by warcio."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress, warc_version="1.1")
    extra = {"WARC-Date": warc_date(fetched_at), **(warc_headers or {})}
    if kind == "revisit":
        record = writer.create_revisit_record(
            url,
            digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=url,
            refers_to_date=extra["WARC-Date"],
        )
        record.rec_headers.replace_header("WARC-Date", extra["WARC-Date"])
    elif kind == "request":
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True)
        record = writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0, http_headers=http, warc_headers_dict=extra
        )
    elif kind == "warcinfo":
        record = writer.create_warcinfo_record("tests.warc.gz", {"software": "tests"})
    else:
        reason = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}.get(status, "Whatever")
        http = StatusAndHeaders(f"{status} {reason}", list(headers), protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict=extra,
        )
    writer.write_record(record)
    return out.getvalue()


def fixture_record(fixture: Fixture, **options) -> bytes:
    """Return a fixture page as a response record fetched when the fixture was."""
    return record_bytes(
        fixture.url,
        fixture.body(),
        status=fixture.status,
        headers=list(fixture.headers.items()),
        fetched_at=fixture.fetched_at,
        **options,
    )


def write_members(path: Path, members: Iterable[Member]) -> Built:
    """Write members one after the other; return where each starts."""
    built = Built(path)
    with path.open("wb") as out:
        for member in members:
            built.offsets[member.url] = out.tell()
            out.write(member.data)
    return built


def cut_short(member: bytes, keep: float = 0.5) -> bytes:
    """Return the first part of a member, as a download or a disk that stopped half way leaves it."""
    return member[: max(20, int(len(member) * keep))]


def corrupt(member: bytes) -> bytes:
    """Return a gzip member with bytes in its compressed middle overwritten (its header intact)."""
    middle = len(member) // 2
    return member[:middle] + b"\x00" * 16 + member[middle + 16 :]


def gzipped(body: bytes) -> bytes:
    """Return a body as a server sends it with Content-Encoding: gzip."""
    return gzip.compress(body, mtime=0)


def chunked(body: bytes, size: int = 1000) -> bytes:
    """Return a body in HTTP/1.1 chunked transfer encoding."""
    parts = [
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def benchmark_pages(folder: Path) -> list[tuple[str, str, bytes]]:
    """Return (id, URL, HTML bytes) of the article-extraction-benchmark pages, in id order."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (
            page_id,
            truth[page_id]["url"],
            gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes()),
        )
        for page_id in sorted(truth)
        if (folder / "html" / f"{page_id}.html.gz").exists()
    ]
