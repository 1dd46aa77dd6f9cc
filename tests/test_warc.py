"""newsbot.warc without an archive: framing, record -> page, filters, progress, writing."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsbot import warc
from newsbot.items import RawPage
from newsbot.warc import (
    BROKEN_GZIP,
    CUT_SHORT,
    NOT_HTML,
    NOT_RESPONSE,
    NOT_WARC,
    REVISIT,
    Filters,
    Progress,
    Skip,
    Tally,
    WarcPage,
    in_domains,
    looks_like_html,
    parse_warc_date,
    segments,
    to_page,
    warc_date,
    write_warc,
)
from tests.support.paths import fixtures_of_kind
from tests.support.warc_files import Member, corrupt, cut_short, fixture_record, record_bytes, write_members

ARTICLES = fixtures_of_kind("article")


def test_segments_locate_each_gzip_member(tmp_path) -> None:
    members = [Member(f.url, fixture_record(f)) for f in ARTICLES[:3]]
    built = write_members(tmp_path / "a.warc.gz", members)
    found = list(segments(built.path))
    assert [s.offset for s in found] == list(built.offsets.values())
    assert [s.length for s in found] == [len(m.data) for m in members]
    assert all(s.problem is None and s.data.startswith(b"WARC/1.1\r\n") for s in found)


def test_segments_pass_over_damage_to_the_next_member(tmp_path) -> None:
    first, second, third, fourth = ARTICLES[:4]
    members = [
        Member("cut", cut_short(fixture_record(first))),
        Member(second.url, fixture_record(second)),
        Member("corrupt", corrupt(fixture_record(third))),
        Member(fourth.url, fixture_record(fourth)),
    ]
    built = write_members(tmp_path / "a.warc.gz", members)
    found = list(segments(built.path))
    assert [s.problem[0] if s.problem else None for s in found] == [BROKEN_GZIP, None, BROKEN_GZIP, None]
    assert [s.offset for s in found] == list(built.offsets.values())
    # A damaged stretch spans exactly the bytes up to the next member.
    assert found[0].length == len(members[0].data) and found[2].length == len(members[2].data)


def test_a_gzip_header_inside_damaged_bytes_does_not_split_the_damage(tmp_path) -> None:
    first, second = ARTICLES[:2]
    member = fixture_record(first)
    middle = len(member) // 2
    damaged = member[:middle] + b"\x1f\x8b\x08" + bytes(13) + member[middle + 16 :]
    members = [Member("damaged", damaged), Member(second.url, fixture_record(second))]
    built = write_members(tmp_path / "a.warc.gz", members)
    found = list(segments(built.path))
    assert [s.problem[0] if s.problem else None for s in found] == [BROKEN_GZIP, None]
    assert (found[0].offset, found[0].length) == (0, len(damaged))


def test_a_member_too_large_is_skipped_whole_and_reading_goes_on(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 4096)
    big = record_bytes("https://unn.ua/news/big", b"<html>" + b"x" * 20_000 + b"</html>")
    small = record_bytes("https://unn.ua/news/small", b"<html>small</html>")
    built = write_members(tmp_path / "a.warc.gz", [Member("big", big), Member("small", small)])
    found = list(segments(built.path))
    assert [s.problem[0] if s.problem else None for s in found] == [warc.TOO_LARGE, None]
    assert (found[0].length, found[1].offset) == (len(big), len(big))


def test_a_member_cut_short_at_the_end_is_reported(tmp_path) -> None:
    member = fixture_record(ARTICLES[0])
    path = write_members(tmp_path / "a.warc.gz", [Member("cut", cut_short(member, 0.9))]).path
    (segment,) = segments(path)
    assert segment.problem[0] == CUT_SHORT and segment.offset == 0


def test_leading_garbage_is_one_segment(tmp_path) -> None:
    members = [Member("junk", b"\x00junk" * 10), Member(ARTICLES[0].url, fixture_record(ARTICLES[0]))]
    path = write_members(tmp_path / "a.warc.gz", members).path
    # The file does not start with a gzip header, so it is read as plain WARC: garbage, then bytes
    # that are not a record either (a gzip member inside a plain file is not a record).
    found = list(segments(path))
    assert {s.problem[0] for s in found} == {NOT_WARC}


def _one(tmp_path, data: bytes) -> WarcPage | Skip:
    path = write_members(tmp_path / "one.warc.gz", [Member("x", data)]).path
    (segment,) = segments(path)
    return to_page(segment, path.name)


def test_a_response_becomes_the_page_a_crawl_would_have_fetched(tmp_path) -> None:
    fixture = ARTICLES[0]
    found = _one(tmp_path, fixture_record(fixture))
    assert isinstance(found, WarcPage)
    assert found.page.url == fixture.url
    assert found.page.body == fixture.body()
    assert found.page.status == fixture.status
    assert found.page.fetched_at == fixture.fetched_at
    assert found.page.headers["Content-Type"] == fixture.headers["Content-Type"]
    assert found.source.warc_file == "one.warc.gz" and found.source.offset == 0
    assert found.source.record_id.startswith("<urn:uuid:")


@pytest.mark.parametrize(
    ("data", "kind", "detail"),
    [
        (
            record_bytes("https://unn.ua/news/x", kind="revisit"),
            REVISIT,
            "revisit record of https://unn.ua/news/x",
        ),
        (record_bytes("https://unn.ua/news/x", kind="request"), NOT_RESPONSE, "request record"),
        (record_bytes("", kind="warcinfo"), NOT_RESPONSE, "warcinfo record"),
        (
            record_bytes("https://unn.ua/a.pdf", b"%PDF-1.4", headers=[("Content-Type", "application/pdf")]),
            NOT_HTML,
            "https://unn.ua/a.pdf: application/pdf",
        ),
        (
            record_bytes("https://unn.ua/a", b"\x89PNG\r\n\x1a\n", headers=[]),  # no type: sniffed
            NOT_HTML,
            "https://unn.ua/a: unknown",
        ),
        (
            record_bytes("https://unn.ua/gone", b"", status=404),
            "http-status",
            "https://unn.ua/gone: http 404",
        ),
        (
            record_bytes(
                "https://unn.ua/z",
                b"...",
                headers=[("Content-Type", "text/html"), ("Content-Encoding", "zstd")],
            ),
            "unreadable",
            "https://unn.ua/z: payload in a Content-Encoding newsbot cannot undo (zstd)",
        ),
    ],
    ids=["revisit", "request", "warcinfo", "pdf", "png-sniffed", "http-404", "zstd"],
)
def test_records_that_are_not_pages_are_skipped_with_a_reason(tmp_path, data, kind, detail) -> None:
    found = _one(tmp_path, data)
    assert isinstance(found, Skip) and found.kind == kind
    assert found.detail.startswith(detail)


def test_a_page_without_content_type_is_sniffed(tmp_path) -> None:
    found = _one(tmp_path, record_bytes("https://unn.ua/a", b"  <!DOCTYPE html><html></html>", headers=[]))
    assert isinstance(found, WarcPage)
    assert looks_like_html(b"\n<html lang=uk>") and not looks_like_html(b"GIF89a")


def test_filters() -> None:
    page = RawPage("https://www.unn.com.ua/uk/news/1", 200, {}, b"", datetime(2024, 4, 10, 8, tzinfo=UTC))
    assert Filters().miss(page) is None
    assert Filters(since=datetime(2024, 4, 11, tzinfo=UTC)).miss(page) == "before --since"
    assert Filters(until=datetime(2024, 4, 10, 8, tzinfo=UTC)).miss(page) == "after --until"
    assert Filters(domains=("unn.com.ua",)).miss(page) is None
    assert Filters(domains=("unn.ua",)).miss(page) == "outside --domain"
    assert Filters(site=lambda url: False).miss(page) == "not of --site"


def test_in_domains_matches_hosts_and_subdomains_only() -> None:
    assert in_domains("https://www.bbc.co.uk/news", ["bbc.co.uk"])
    assert in_domains("https://BBC.CO.UK./x", ["bbc.co.uk"])
    assert not in_domains("https://notbbc.co.uk/x", ["bbc.co.uk"])


def test_warc_dates_read_and_write() -> None:
    moment = datetime(2024, 4, 10, 8, 0, 5, 250000, tzinfo=UTC)
    assert warc_date(moment) == "2024-04-10T08:00:05.250000Z"
    assert parse_warc_date("2024-04-10T08:00:05.250000Z") == moment
    assert parse_warc_date("2024-04-10T08:00:05Z") == moment.replace(microsecond=0)
    with pytest.raises(ValueError):
        parse_warc_date("yesterday")


def test_progress_reports_at_most_every_interval() -> None:
    now = [0.0]
    lines: list[str] = []
    progress = Progress(lines.append, every=10, clock=lambda: now[0])
    tally = Tally(records=5)
    for moment in (0, 3, 9, 10, 12, 25):
        now[0] = moment
        progress.tick("f.warc.gz", 50, 100, tally)
    assert len(lines) == 2  # at 10 s and 25 s
    assert lines[0].startswith("f.warc.gz: 50% of 100 bytes, 5 records") and lines[0].endswith("0 records/s")


def test_write_warc_is_read_back_by_warcio() -> None:
    fetched = datetime(2024, 4, 10, 8, 0, 5, 123456, tzinfo=UTC)
    pages = [
        RawPage(
            "https://unn.ua/news/1",
            200,
            {"Content-Type": "text/html", "Content-Encoding": "gzip"},
            b"<html>1</html>",
            fetched,
        ),
        RawPage("https://unn.ua/news/2", 404, {"Content-Type": "text/html"}, b"<html>2</html>", fetched),
    ]
    out = io.BytesIO()
    assert write_warc(pages, out, filename="x.warc.gz", software="newsbot/test") == 2
    records = [
        (r.rec_type, r.rec_headers.get_header("WARC-Date"), r.http_headers, r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(out.getvalue()))
    ]
    assert [r[0] for r in records] == ["warcinfo", "response", "response"]
    _, date, http, body = records[1]
    assert date == "2024-04-10T08:00:05.123456Z" and body == b"<html>1</html>"
    assert http.get_header("Content-Encoding") is None  # the stored body is decoded
    assert http.get_header("Content-Length") == str(len(b"<html>1</html>"))
    assert records[2][2].statusline == "404 Not Found"
