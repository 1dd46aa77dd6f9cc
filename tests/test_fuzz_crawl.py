"""Seeded fuzz: mutated fixture pages through one real replay crawl; every page ends in one table.

The mutator takes the repository's article fixtures and breaks them the ways hostile or broken
pages do (truncation, stray control bytes, runs of digits, deep nesting, unclosed tags, bogus
charsets, lone surrogates, hostile canonical URLs, byte flips). Deterministic: one seed, the same
pages every run. The invariant: each fetched URL is exactly one raw page, held by one article
version or one quarantine row; the ledger has no remainder and lost nothing; no traceback.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from newsbot.pages.unn import is_article_url
from newsbot.replay import load_fixtures, save_fixture
from tests.support.crawl import newsbot
from tests.support.paths import FIXTURES

SEED = 20261201
PAGES = 160
WHEN = datetime(2025, 11, 14, 7, 0, tzinfo=UTC)


def _truncate(rng: random.Random, body: bytes) -> bytes:
    return body[: rng.randrange(len(body))]


def _control_bytes(rng: random.Random, body: bytes) -> bytes:
    out = bytearray(body)
    for _ in range(rng.randrange(1, 40)):
        out.insert(rng.randrange(len(out)), rng.choice(b"\x00\x01\x08\x0b\x0c\x1b\x7f\xff\xfe\xc3"))
    return bytes(out)


def _digits(rng: random.Random, body: bytes) -> bytes:
    run = str(rng.randrange(10)).encode() * rng.choice([500, 5_000, 40_000])
    at = body.find(b"<!-- -->")
    at = at if at >= 0 else rng.randrange(len(body))
    return body[:at] + run + body[at:]


def _nesting(rng: random.Random, body: bytes) -> bytes:
    depth = rng.choice([100, 260, 600, 1_100, 3_000])
    tag = rng.choice([b"div", b"b", b"span", b"p", b"blockquote"])
    close = b"" if rng.random() < 0.5 else b"</" + tag + b">" * depth
    at = body.find(b"<p", len(body) // 3)
    at = at if at >= 0 else len(body) // 2
    return body[:at] + (b"<" + tag + b">") * depth + b"nested text" + close + body[at:]


def _unclosed(rng: random.Random, body: bytes) -> bytes:
    for closing in (b"</p>", b"</div>", b"</a>", b"</script>", b"</body>", b"</html>"):
        if rng.random() < 0.5:
            body = body.replace(closing, b"", rng.randrange(1, 50))
    return body


def _charset(rng: random.Random, body: bytes) -> bytes:
    bogus = rng.choice([b"utf-16", b"cp1251", b"x-no-such-charset", b"utf-7", b"iso-2022-jp"])
    return body.replace(b'charSet="utf-8"', b'charSet="' + bogus + b'"', 1).replace(
        b'charset="utf-8"', b'charset="' + bogus + b'"', 1
    )


def _surrogate(rng: random.Random, body: bytes) -> bytes:
    escape = rng.choice([b"\\ud800", b"\\udfff", b"\\ud83d", b"\\u0000"])
    for key in (b'"headline":"', b'"name":"', b'"datePublished":"', b'"inLanguage":"'):
        body = body.replace(key, key + escape, 1)
    return body


def _canonical(rng: random.Random, body: bytes) -> bytes:
    target = rng.choice(
        [
            b"file://unn.ua/etc/passwd",
            b"https://evil.example/news/x",
            b"https://unn.ua/news/another-article",
            b"javascript:alert(1)",
            b"https://[::1/",
            b"",
        ]
    )
    return body.replace(
        b'<link rel="canonical" href="', b'<link rel="canonical" href="' + target + b'" x="', 1
    )


def _flips(rng: random.Random, body: bytes) -> bytes:
    out = bytearray(body)
    for _ in range(rng.randrange(1, 200)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _bloat(rng: random.Random, body: bytes) -> bytes:
    start = rng.randrange(len(body))
    piece = body[start : start + rng.randrange(50, 2_000)]
    return body[:start] + piece * rng.randrange(2, 300) + body[start:]


def _attribute(rng: random.Random, body: bytes) -> bytes:
    name = rng.choice([b"a\x01b", b"x\x0by", b"\xff", b"data-" + b"z" * 5_000, b"on\x00load"])
    return body.replace(b"<p", b"<p " + name + b'="1"', rng.randrange(1, 5))


MUTATIONS = [
    _truncate, _control_bytes, _digits, _nesting, _unclosed, _charset,
    _surrogate, _canonical, _flips, _bloat, _attribute,
]  # fmt: skip


def mutated_pages(seed: int = SEED, count: int = PAGES) -> list[tuple[str, bytes, list[str]]]:
    """Return (URL, body, mutation names) for `count` pages, the same for the same seed."""
    rng = random.Random(seed)
    bases = [f for f in load_fixtures(FIXTURES) if is_article_url(f.url)]
    pages = []
    for n in range(count):
        base = rng.choice(bases)
        body = base.body()
        chosen = rng.sample(MUTATIONS, rng.randrange(1, 4))
        for mutate in chosen:
            body = mutate(rng, body) if body else body
        url = f"https://unn.ua/news/fuzz-{n:03d}"
        body = body.replace(base.url.encode(), url.encode())  # each page names itself
        pages.append((url, body, [m.__name__ for m in chosen]))
    return pages


def test_the_mutator_is_deterministic() -> None:
    assert mutated_pages(count=20) == mutated_pages(count=20)
    assert mutated_pages(seed=1, count=5) != mutated_pages(seed=2, count=5)


def test_mutated_pages_through_a_real_crawl_are_all_accounted(tmp_path: Path) -> None:
    site = tmp_path / "site"
    pages = mutated_pages()
    for url, body, _ in pages:
        headers = {"Content-Type": "text/html; charset=utf-8"}
        save_fixture(site, url=url, status=200, headers=headers, body=body, fetched_at=WHEN)
    db, log = tmp_path / "a.db", tmp_path / "crawl.log"
    run = newsbot(
        "crawl", "unn", "--db", str(db), "--replay", str(site), "--json", "--log-file", str(log),
        "-a", "discover=none", "-a", "urls=" + ",".join(url for url, _, _ in pages),
        "-s", "NEWSBOT_MAX_ERROR_RATE=1.0",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in log.read_text() + run.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    held = dict(
        conn.execute(
            "SELECT r.url, count(*) FROM raw_pages r"
            " LEFT JOIN article_versions v ON v.raw_page_id = r.id"
            " LEFT JOIN quarantine q ON q.raw_page_id = r.id"
            " WHERE v.id IS NOT NULL OR q.id IS NOT NULL GROUP BY r.url"
        ).fetchall()
    )
    by_mutation = {url: names for url, _, names in pages}
    missing = [(url, by_mutation[url]) for url in by_mutation if held.get(url) != 1]
    assert missing == [], missing  # each page: exactly one raw page, in one table
    stats = json.loads(conn.execute("SELECT stats FROM crawl_runs").fetchone()[0])
    assert stats["newsbot/accounting/scheduled"] == PAGES
    assert stats["newsbot/accounting/unaccounted"] == 0
    assert stats["newsbot/accounting/lost"] == 0
    assert stats["newsbot/accounting/archived"] + stats["newsbot/accounting/quarantined"] == PAGES
    reasons = [r for (r,) in conn.execute("SELECT reason FROM quarantine")]
    assert all(reasons), reasons
