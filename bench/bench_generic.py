"""Benchmark the generic page object alone on the real pages bench_extract reads (../shared/extdata).

Every page of article-extraction-benchmark, htmldate-dev and fundus-dev through parse_page (decoding and
the generic page object, no split or timestamp stage), --rounds times; CPU ms per page by getrusage,
median and mean over pages (each page's figure is its median over rounds). --dump FILE writes every
page's extracted fields as JSON lines (to compare two checkouts byte for byte); --profile FILE writes
a cProfile of one round.

    python bench/bench_generic.py [--rounds 3] [--set aeb,fundus] [--dump FILE] [--profile FILE]
    BENCH_GENERIC_CODE=../main python bench/bench_generic.py   # time another checkout's newsbot
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._shared import check_timed, extdata, timed_checkout  # noqa: E402

CODE = timed_checkout("BENCH_GENERIC_CODE")  # whose newsbot package to time (A B against main)
check_timed("bench_generic", CODE)  # bench_extract below imports newsbot

from bench.bench_extract import load_cases  # noqa: E402
from newsbot.items import Article  # noqa: E402
from newsbot.pages import parse_page  # noqa: E402

FIELDS = (
    "url", "site", "edition", "title", "lead", "authors", "body_html", "published_raw", "published_machine",
    "modified_raw", "modified_machine", "tags", "rubric", "alternates", "lang_hints", "problems",
)  # fmt: skip


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fields_of(item: object) -> dict:
    if not isinstance(item, Article):
        return {"quarantined": getattr(item, "reason", repr(item))}
    return {name: getattr(item, name) for name in FIELDS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--set", default="aeb,htmldate,fundus", help="comma-separated sets")
    parser.add_argument("--dump", help="write every page's fields as JSON lines to FILE")
    parser.add_argument("--profile", help="write a cProfile of one round to FILE")
    args = parser.parse_args()
    sets = set(args.set.split(","))
    cases = [c for c in load_cases(extdata()) if c.set in sets]
    if not cases:
        print("no pages: the sets are read in place from ../shared/extdata", file=sys.stderr)
        return 1
    parse_page(cases[0].body, cases[0].url, fetched_at=cases[0].fetched_at)  # imports, lazy loads
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        for case in cases:
            parse_page(case.body, case.url, fetched_at=case.fetched_at)
        profiler.disable()
        profiler.dump_stats(args.profile)
    per_page: list[list[float]] = [[] for _ in cases]
    for _ in range(args.rounds):
        for i, case in enumerate(cases):
            start = _cpu()
            parse_page(case.body, case.url, fetched_at=case.fetched_at)
            per_page[i].append((_cpu() - start) * 1000)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for case in cases:
                item = parse_page(case.body, case.url, fetched_at=case.fetched_at)
                row = {"set": case.set, "key": case.key, **fields_of(item)}
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str) + "\n")
    times = [statistics.median(t) for t in per_page]
    kib = statistics.median(len(c.body) for c in cases) / 1024
    print(
        f"generic: {len(cases)} pages (median {kib:.0f} KiB), {args.rounds} rounds: "
        f"{statistics.median(times):.2f} ms CPU/page median, {statistics.mean(times):.2f} mean"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
