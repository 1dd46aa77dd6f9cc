"""Benchmark the archive: write rate with FTS, search latency, stats time, bytes per article.

Usage, from the repository root: python -m bench.bench_archive [--n 100000] [--batch 1000] [--rounds 2]

Builds an archive of synthetic articles (3 KB of UTF-8 body text each by default, so about 3,000
Latin or 1,600 Cyrillic characters, uk/ru/en mixed, with inline
cross-links, teasers with view counts and hreflang editions) as ArchivePipeline does: transactions
of --batch items, handed to Archive.store_items --chunk at a time. The yardstick comes from the
same run on the same articles: FTS5 indexing alone, their title, lead and text into one FTS5 table
(same tokenizer, same transactions, same PRAGMAs, nothing else written). The two take turns
(A B A B, --rounds of each, every one into a new file) and the medians of CPU time are compared.
Then search latency and stats time on the archive written, and sqlite-utils' plain insert_all into
one table with FTS triggers (skip it with --no-reference). It asserts nothing: the targets (a write
rate at least half of FTS5 indexing alone, search p95 < 20 ms, stats < 1 s) are read off by a human.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archive import queries
from archive.db import STORE_CHUNK, WRITER_CACHE_KIB, open_archive
from archive.migrations import FTS_COLUMNS, FTS_TOKENIZE
from newsbot.items import Article, CrossLink, RawPage, Teaser

ALPHABETS = {
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}
EDITIONS = ("uk", "en", "ru")
START = datetime(2024, 1, 1, tzinfo=UTC)


def vocabulary(rng: random.Random, lang: str, size: int = 20_000) -> list[str]:
    letters = ALPHABETS[lang]
    return ["".join(rng.choices(letters, k=rng.randint(3, 11))) for _ in range(size)]


class Corpus:
    """Synthetic words with a Zipf-like frequency, per language."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = {lang: vocabulary(self.rng, lang) for lang in EDITIONS}
        weights = [1 / (rank + 1) for rank in range(20_000)]
        self.cumulative = list(_accumulate(weights))

    def sized_text(self, lang: str, n_bytes: int) -> str:
        """Return words of `lang` adding up to about `n_bytes` of UTF-8."""
        words: list[str] = []
        size = 0
        while size < n_bytes:
            for word in self.rng.choices(self.words[lang], cum_weights=self.cumulative, k=32):
                words.append(word)
                size += len(word.encode()) + 1
                if size >= n_bytes:
                    break
        return " ".join(words).capitalize()

    def text(self, lang: str, n_words: int) -> str:
        return " ".join(
            self.rng.choices(self.words[lang], cum_weights=self.cumulative, k=n_words)
        ).capitalize()


def _accumulate(values: list[float]):
    total = 0.0
    for value in values:
        total += value
        yield total


def url_of(i: int) -> str:
    edition = EDITIONS[i % 3]
    prefix = "" if edition == "uk" else f"/{edition}"
    return f"https://unn.ua{prefix}/news/{i // 3}-story"


def make_article(corpus: Corpus, i: int, text_bytes: int = 3000) -> Article:
    edition = EDITIONS[i % 3]
    rng = corpus.rng
    fetched_at = START + timedelta(minutes=i)
    paragraphs = [corpus.sized_text(edition, text_bytes // 8) for _ in range(8)]
    story = i // 3
    alternates = {
        code: f"https://unn.ua{'' if code == 'uk' else '/' + code}/news/{story}-story" for code in EDITIONS
    }
    cross_links = [
        CrossLink(
            title=corpus.text("uk", 8),
            url=url_of(rng.randrange(max(i, 1))),
            published_raw="02.04.24, 19:59",
            position=rng.randrange(8),
        )
        for _ in range(2)
    ]
    related = [
        Teaser(
            title=corpus.text(edition, 8),
            block="news-by-theme",
            url=url_of(rng.randrange(max(i, 1))),
            views=rng.randrange(100, 50_000),
        )
        for _ in range(4)
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return Article(
        url=url_of(i),
        site="unn",
        edition=edition,
        layout="next",
        extractor_version="bench-1",
        fetched_at=fetched_at,
        title=corpus.text(edition, 9),
        lead=corpus.text(edition, 25),
        authors=["Bench Author"],
        tags=[corpus.text(edition, 1)],
        published_raw="09.04.24, 15:10",
        alternates=alternates,
        related=related,
        paragraphs=paragraphs,
        cross_links=cross_links,
        views=rng.randrange(100, 50_000),
        published_utc=fetched_at - timedelta(minutes=30),
        published_precision="minute",
        lang_declared=edition,
        lang_detected=edition,
        page=RawPage(
            url=url_of(i),
            status=200,
            headers={"Content-Type": "text/html; charset=utf-8"},
            body=f"<html><body><h1>t</h1>{body}</body></html>".encode(),
            fetched_at=fetched_at,
        ),
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def write_archive(path: Path, articles: list[Article], batch: int, chunk: int) -> float:
    """Write `articles` into a new archive as ArchivePipeline does; return the CPU seconds it took.

    Transactions of `batch` items, handed to Archive.store_items `chunk` at a time.
    """
    archive = open_archive(path)
    try:
        cpu_started = time.process_time()
        for start in range(0, len(articles), batch):
            with archive.transaction():
                for first in range(start, min(start + batch, len(articles)), chunk):
                    archive.store_items(articles[first : min(first + chunk, start + batch)])
        return time.process_time() - cpu_started
    finally:
        archive.close()


def fts_alone(path: Path, articles: list[Article], batch: int) -> float:
    """Index the same text with FTS5 and nothing else; return the CPU seconds it took.

    The articles' title, lead and text (as the archive indexes them) go into one FTS5 table with
    the archive's tokenizer, which keeps the text as the archive's articles table does, in
    transactions of `batch` rows, with the archive writer's PRAGMAs: no write path that keeps
    search in sync can beat this rate.
    """
    rows = [(article.title, article.lead, "\n\n".join(article.paragraphs)) for article in articles]
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        conn.execute(
            f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(FTS_COLUMNS)}, tokenize='{FTS_TOKENIZE}')"
        )
        insert = f"INSERT INTO fts ({', '.join(FTS_COLUMNS)}) VALUES (?, ?, ?)"
        cpu_started = time.process_time()
        for start in range(0, len(rows), batch):
            conn.execute("BEGIN")
            conn.executemany(insert, rows[start : start + batch])
            conn.execute("COMMIT")
        return time.process_time() - cpu_started
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to write")
    parser.add_argument("--batch", type=int, default=1000, help="articles per transaction")
    parser.add_argument("--chunk", type=int, default=STORE_CHUNK, help="items per Archive.store_items call")
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds of (archive write, FTS5 alone), alternated"
    )
    parser.add_argument(
        "--db", type=Path, help="archive file kept for the queries (default: a temporary one)"
    )
    parser.add_argument("--text-bytes", type=int, default=3000, help="UTF-8 bytes of body text per article")
    parser.add_argument(
        "--no-reference",
        dest="reference",
        action="store_false",
        help="skip the sqlite-utils insert_all yardstick at the end",
    )
    args = parser.parse_args()

    workdir = tempfile.TemporaryDirectory()
    folder = Path(workdir.name)
    path = args.db or folder / "bench.db"
    corpus = Corpus()
    print(f"generating {args.n} articles ...", flush=True)
    articles = [make_article(corpus, i, args.text_bytes) for i in range(args.n)]

    # A B A B: the archive write and FTS5 indexing alone take turns on the same articles, each
    # into a new file, so both see the same machine load; medians of CPU time (the machine is shared).
    write_cpus, fts_cpus = [], []
    for round_ in range(1, args.rounds + 1):
        for file in (path, folder / "fts.db"):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{file}{suffix}").unlink(missing_ok=True)
        write_cpus.append(write_archive(path, articles, args.batch, args.chunk))
        fts_cpus.append(fts_alone(folder / "fts.db", articles, args.batch))
        print(
            f"round {round_}: write with FTS in sync {args.n / write_cpus[-1]:,.0f} articles per CPU second"
            f" ({write_cpus[-1] / args.n * 1000:.3f} ms each); FTS5 indexing alone"
            f" {args.n / fts_cpus[-1]:,.0f} ({fts_cpus[-1] / args.n * 1000:.3f} ms)",
            flush=True,
        )
    write_cpu, fts_cpu = statistics.median(write_cpus), statistics.median(fts_cpus)
    print(
        f"write: {args.n} articles, median of {args.rounds}:"
        f" {args.n / write_cpu:,.0f} articles per CPU second"
        f" ({write_cpu / args.n * 1000:.3f} ms CPU each)"
    )
    print(
        f"full-text indexing alone (the same text into an FTS5 table): {args.n / fts_cpu:,.0f} per CPU second"
        f" ({fts_cpu / args.n * 1000:.3f} ms each), a ceiling for any write rate with FTS in sync"
    )
    print(f"write with FTS in sync / FTS5 indexing alone: {fts_cpu / write_cpu:.2f} (target at least 0.50)")

    archive = open_archive(path)
    started = time.perf_counter()
    with archive.transaction():
        sample = articles[: min(args.n, 5000)]
        outcomes = [
            outcome
            for first in range(0, len(sample), args.chunk)
            for outcome in archive.store_items(sample[first : first + args.chunk])
        ]
    elapsed = time.perf_counter() - started
    print(
        f"re-store unchanged: {len(outcomes)} in {elapsed:.2f} s ="
        f" {len(outcomes) / elapsed:,.0f} articles/s ({outcomes.count('articles_unchanged')} unchanged)"
    )
    archive.close()

    archive = open_archive(path, readonly=True)
    rng = random.Random(11)
    terms = []
    for _ in range(100):
        lang = rng.choice(EDITIONS)
        word = rng.choice(corpus.words[lang][50:5000])
        kind = rng.randrange(3)
        if kind == 0:
            terms.append(word)
        elif kind == 1:
            terms.append(f"{word[:4]}*")
        else:
            terms.append(f"{word} {rng.choice(corpus.words[lang][:2000])}")
    latencies = []
    hits = 0
    for term in terms:
        started = time.perf_counter()
        hits += len(queries.search(archive.db, term, limit=20))
        latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"search: 100 queries, p50 {statistics.median(latencies):.1f} ms,"
        f" p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms"
        f" ({hits} results)"
    )
    started = time.perf_counter()
    queries.stats(archive.db)
    print(f"stats: {time.perf_counter() - started:.2f} s")
    archive.close()
    size = path.stat().st_size
    print(f"file: {size / 1e6:.1f} MB = {size / args.n / 1024:.1f} KiB per article")
    if args.reference:
        reference_insert_all(articles, Path(workdir.name) / "reference.db")


def reference_insert_all(articles: list[Article], path: Path) -> None:
    """Print the issue's yardstick: sqlite-utils' plain insert_all into one table with FTS triggers.

    One articles table (no raw page, version, link, view or edition rows), the same tokenizer.
    """
    from sqlite_utils import Database  # the library measured, not the archive's write path

    rows = [
        {
            "url": article.url,
            "edition": article.edition,
            "lang": article.lang_detected,
            "title": article.title,
            "lead": article.lead,
            "text": "\n\n".join(article.paragraphs),
            "published_utc": article.published_utc.isoformat() if article.published_utc else None,
        }
        for article in articles
    ]
    db = Database(path)
    db.enable_wal()
    table = db.table("articles")
    table.create({name: str for name in rows[0]}, pk="url")
    table.enable_fts(FTS_COLUMNS, tokenize=FTS_TOKENIZE, create_triggers=True)
    started = time.perf_counter()
    table.insert_all(rows)
    elapsed = time.perf_counter() - started
    db.close()
    print(
        f"reference: sqlite-utils insert_all, one articles table with FTS triggers: {len(rows)} in"
        f" {elapsed:.1f} s = {len(rows) / elapsed:,.0f} articles/s"
    )


if __name__ == "__main__":
    main()
