"""Benchmark each stage of a page on the real UNN page: page object, split, timestamps, language, archive.

The real 82 KiB UNN page (../shared/extdata/unn/, read in place) under --pages distinct URLs, each
stage run over all of them in this process, CPU time (process_time) per page; rounds alternate
and the figures are medians.

Every copy is made unseen before the stages run (`vary`): its title, lead and the words of every
body text node are shuffled with a seed of their own, and its published/modified stamps moved to a
day and minute of their own, so no cache keyed on an article's text (language, timestamps) answers
from an earlier copy, as none would in a real crawl. The page's teaser rails and their stamps are
left as the page prints them: those really repeat from page to page of one site, and the bounded
(LRU) caches for them count. The archive stage writes into a temporary archive in batches of 200
items, as the crawl's pipeline does (FTS indexing and commits included).

Then the split, timestamp and language stages over every UNN article fixture (uk, en and ru pages,
--reps varied copies of each, varied the same way), CPU ms per article; and the page object on
every UNN article fixture (fixtures/unn/, real-size pages): CPU ms per page and per 40 KB of page
(target: at most 1 ms per 40 KB), medians of --rounds rounds of --reps calls.

    python bench/bench_stages.py [--pages 400] [--rounds 3] [--reps 50]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _shared import extdata  # noqa: E402
from bench_crawl import UNN_FETCHED_AT, UNN_PAGE, unn_canonical  # noqa: E402

HEADERS = {"Content-Type": "text/html; charset=utf-8"}
_TEXT_NODE = re.compile(r">([^<>]+)<")
# The page's own stamps: "3 декабря 2020, 18:47" and "2020-12-03T18:47".
_DAY_CLOCK = re.compile(r"\b(\d{1,2})(\s+\w+\s+)(\d{4})(,?\s+)(\d{1,2}):(\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")


def shuffled(text: str, rng: random.Random) -> str:
    """Return `text` with its words in another order (same letters, same length)."""
    words = text.split(" ")
    rng.shuffle(words)
    return " ".join(words)


def vary(article: Any, seed: str) -> None:
    """Make `article` unseen: shuffle its own text and move its own stamps (see the docstring).

    The stamps move to a year from 2010 to the page's own, a day from 1 to 3 of its month and a
    minute before 20:00, so each stays before the fetch time (3 December 2020, 21:00 Kyiv time)
    and the machine value and the visible text still agree.
    """
    rng = random.Random(seed)
    year, day, clock = rng.randrange(2010, 2021), rng.randrange(1, 4), rng.randrange(20 * 60 - 2)

    def stamp(raw: str | None, later: int) -> str | None:
        if not raw:
            return raw
        hour, minute = divmod(clock + later, 60)
        raw = _DAY_CLOCK.sub(lambda m: f"{day}{m[2]}{year}{m[4]}{hour:02d}:{minute:02d}", raw)
        return _ISO.sub(lambda m: f"{year}-{m[2]}-{day:02d}T{hour:02d}:{minute:02d}", raw)

    article.title = shuffled(article.title, rng) if article.title else article.title
    article.lead = shuffled(article.lead, rng) if article.lead else article.lead
    article.body_html = _TEXT_NODE.sub(lambda m: f">{shuffled(m.group(1), rng)}<", article.body_html)
    for field, later in (("published", 0), ("modified", 1)):
        for kind in ("raw", "machine"):
            name = f"{field}_{kind}"
            setattr(article, name, stamp(getattr(article, name), later))


def _split(article: Any) -> None:
    from newsbot.enrich import split_article

    split_article(article)


def _timestamps(article: Any) -> None:
    from newsbot.enrich import normalise_article_times

    normalise_article_times(article, tz="Europe/Kyiv")


def _language(article: Any) -> None:
    from newsbot.enrich import label_article

    label_article(article, ("en", "ru", "uk"))


STAGES = (("split", _split), ("timestamps", _timestamps), ("language", _language))


def one_round(html: bytes, canonical: str, n: int, tag: str) -> dict[str, float]:
    from archive.db import open_archive
    from newsbot.pages import parse_page

    urls = [f"{canonical}-{tag}{i:05d}" for i in range(n)]
    bodies = [html.replace(canonical.encode(), url.encode()) for url in urls]
    ms: dict[str, float] = {}
    started = time.process_time()
    articles = [
        parse_page(b, u, fetched_at=UNN_FETCHED_AT, headers=HEADERS)
        for b, u in zip(bodies, urls, strict=True)
    ]
    ms["page object"] = time.process_time() - started
    for i, article in enumerate(articles):
        vary(article, f"{tag}{i}")
    for name, stage in STAGES:
        started = time.process_time()
        for article in articles:
            stage(article)
        ms[name] = time.process_time() - started
    with tempfile.TemporaryDirectory() as tmp:
        archive = open_archive(Path(tmp) / "archive.db")
        started = time.process_time()
        for start in range(0, n, 200):
            with archive.transaction():
                for article in articles[start : start + 200]:
                    archive.store_article(article)
        ms["archive"] = time.process_time() - started
        archive.close()
    return {name: seconds * 1000 / n for name, seconds in ms.items()}


def fixture_stage_round(reps: int, tag: str) -> dict[str, float]:
    """Return {stage: CPU ms per article} over every UNN article fixture (uk, en, ru), unseen text."""
    from newsbot.pages import parse_page
    from newsbot.replay import load_fixtures

    articles = []
    for fixture in load_fixtures(REPO / "fixtures" / "unn"):
        if (fixture.expected() or {}).get("kind") != "article":
            continue
        for i in range(reps):
            article = parse_page(
                fixture.body(), fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers
            )
            vary(article, f"{tag}{fixture.name}{i}")
            articles.append(article)
    ms = {}
    for name, stage in STAGES:
        started = time.process_time()
        for article in articles:
            stage(article)
        ms[name] = (time.process_time() - started) * 1000 / len(articles)
    return ms


def fixture_round(reps: int) -> dict[str, tuple[float, int]]:
    """Return {fixture name: (CPU ms per page object call, page bytes)} for the UNN article fixtures."""
    from newsbot.pages import parse_page
    from newsbot.replay import load_fixtures

    out: dict[str, tuple[float, int]] = {}
    for fixture in load_fixtures(REPO / "fixtures" / "unn"):
        if (fixture.expected() or {}).get("kind") != "article":
            continue
        body = fixture.body()
        started = time.process_time()
        for _ in range(reps):
            parse_page(body, fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers)
        out[fixture.name] = ((time.process_time() - started) * 1000 / reps, len(body))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=50, help="page object calls per fixture per round")
    args = parser.parse_args()
    path = extdata() / UNN_PAGE
    if not path.exists():
        sys.exit(f"bench_stages: {path} is absent")
    html = path.read_bytes()
    canonical = unn_canonical(html)
    one_round(html, canonical, 20, "warm")  # imports, first-call caches: not measured
    rounds = [one_round(html, canonical, args.pages, f"r{i}-") for i in range(args.rounds)]
    print(
        f"real UNN page ({len(html) / 1024:.0f} KiB) x {args.pages}, {args.rounds} rounds; "
        "CPU ms per page, medians:"
    )
    total = 0.0
    for name in rounds[0]:
        value = statistics.median(r[name] for r in rounds)
        total += value
        print(f"  {name:12} {value:.2f} ms")
    print(f"  {'all':12} {total:.2f} ms (target for the page object alone: 2 ms)")

    fixture_stage_round(1, "warm")
    stage_rounds = [fixture_stage_round(args.reps, f"r{i}-") for i in range(args.rounds)]
    print(
        f"UNN article fixtures (uk, en, ru), stages on unseen text, {args.rounds} rounds; "
        "CPU ms per article, medians:"
    )
    for name, _ in STAGES:
        print(f"  {name:12} {statistics.median(r[name] for r in stage_rounds):.3f} ms")

    fixture_round(2)  # warm
    fixture_rounds = [fixture_round(args.reps) for _ in range(args.rounds)]
    print(f"UNN article fixtures, page object, {args.rounds} rounds of {args.reps}; CPU ms, medians:")
    worst = 0.0
    for name, (_, size) in fixture_rounds[0].items():
        value = statistics.median(r[name][0] for r in fixture_rounds)
        per40 = value / (size / 40_000)
        worst = max(worst, per40)
        print(f"  {name:40} {size / 1024:5.0f} KiB {value:5.2f} ms  {per40:.2f} ms per 40 KB")
    print(f"  worst {worst:.2f} ms per 40 KB (target: at most 1 ms per 40 KB)")


if __name__ == "__main__":
    main()
