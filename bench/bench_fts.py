"""Benchmark FTS5 indexing alone: the ceiling on any archive write rate that keeps search in sync.

Usage, from the repository root:
    python -m bench.bench_fts [--n 100000] [--repeat 3] [--sqlite-module pysqlite3]

Builds a plain table of the same synthetic articles bench_archive writes (title, lead and 3 KB of
uk/ru/en text each), then times FTS5 indexing them with nothing else written (`rebuild` of an
external-content index) for the archive's own index options and a few alternatives. Each
measurement gets a fresh database file; the variants take turns, --repeat rounds of them, and the
median and range are printed, because single runs on a shared machine differ by 20% or more.
`--sqlite-module pysqlite3` measures another SQLite build (pip install pysqlite3-binary). It
asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import tempfile
import time
from pathlib import Path

from archive.db import WRITER_CACHE_KIB
from archive.migrations import FTS_COLUMNS, FTS_TOKENIZE
from bench.bench_archive import EDITIONS, Corpus

# (label, FTS5 options after the column list). The first is what the archive uses.
VARIANTS = (
    ("archive's index (unicode61 remove_diacritics 2)", f"tokenize='{FTS_TOKENIZE}'"),
    ("detail=column (no phrase or NEAR queries)", f"tokenize='{FTS_TOKENIZE}', detail=column"),
    ("detail=none (no phrase, NEAR or column queries)", f"tokenize='{FTS_TOKENIZE}', detail=none"),
    ("columnsize=0", f"tokenize='{FTS_TOKENIZE}', columnsize=0"),
)


def articles(n: int, text_bytes: int) -> list[tuple[int, str, str, str]]:
    """Return (id, title, lead, text) rows shaped like bench_archive's articles."""
    corpus = Corpus()
    rows = []
    for i in range(n):
        lang = EDITIONS[i % 3]
        text = "\n\n".join(corpus.sized_text(lang, text_bytes // 8) for _ in range(8))
        rows.append((i + 1, corpus.text(lang, 9), corpus.text(lang, 25), text))
    return rows


def time_rebuild(sqlite3, folder: Path, rows: list[tuple[int, str, str, str]], options: str) -> float:
    """Return seconds FTS5 takes to index `rows` from their table, with the archive writer's settings."""
    conn = sqlite3.connect(folder / "fts.db", isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title, lead, text)")
        conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?)", rows)
        columns = ", ".join(FTS_COLUMNS)
        conn.execute(
            f"CREATE VIRTUAL TABLE articles_fts USING fts5({columns},"
            f" content='articles', content_rowid='id', {options})"
        )
        started = time.perf_counter()
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        return time.perf_counter() - started
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to index")
    parser.add_argument("--text-bytes", type=int, default=3000, help="UTF-8 bytes of body text per article")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the variants")
    parser.add_argument(
        "--sqlite-module", default="sqlite3", help="DB-API module to measure (sqlite3 or pysqlite3)"
    )
    args = parser.parse_args()
    sqlite3 = importlib.import_module(args.sqlite_module)

    print(f"generating {args.n} articles ...", flush=True)
    rows = articles(args.n, args.text_bytes)
    tokens = sum(len(" ".join(row[1:]).split()) for row in rows) / len(rows)
    print(f"SQLite {sqlite3.sqlite_version} ({args.sqlite_module}), {tokens:.0f} words per article")
    rates: dict[str, list[float]] = {label: [] for label, _ in VARIANTS}
    for round_ in range(1, args.repeat + 1):
        for label, options in VARIANTS:
            with tempfile.TemporaryDirectory() as folder:
                elapsed = time_rebuild(sqlite3, Path(folder), rows, options)
            rates[label].append(args.n / elapsed)
            print(f"round {round_}: {label}: {args.n / elapsed:,.0f} articles/s", flush=True)
    print(f"FTS5 indexing alone, {args.n} articles, median (range) of {args.repeat}:")
    for label, values in rates.items():
        median = statistics.median(values)
        print(
            f"  {label:50s} {median:6,.0f} articles/s ({min(values):,.0f}-{max(values):,.0f}),"
            f" {1e6 / median / tokens:.2f} us per word"
        )


if __name__ == "__main__":
    main()
