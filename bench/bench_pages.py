"""Benchmark the UNN page object alone: the real 82 KiB UNN page and every UNN article fixture.

The real page (../shared/extdata/unn/, read in place) under --pages distinct URLs, parse_page
over all of them, CPU time (process_time) per page; then every UNN article fixture (fixtures/unn/)
--reps times: CPU ms per page and per 40 KB of page (target: at most 1 ms per 40 KB; at most 2 ms
on the real page). Rounds alternate real page and fixtures; figures are medians of --rounds.
To compare two checkouts, run this script from each in turn (A B A B) with PYTHONPATH set to it.

    python bench/bench_pages.py [--pages 300] [--rounds 5] [--reps 50] [--profile FILE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _shared import extdata  # noqa: E402
from bench_crawl import UNN_FETCHED_AT, UNN_PAGE, unn_canonical  # noqa: E402

HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def real_round(bodies: list[tuple[bytes, str]]) -> float:
    """Return CPU ms per parse_page call over the real page's copies."""
    from newsbot.pages import parse_page

    started = time.process_time()
    for body, url in bodies:
        parse_page(body, url, fetched_at=UNN_FETCHED_AT, headers=HEADERS)
    return (time.process_time() - started) * 1000 / len(bodies)


def fixture_round(fixtures: list, reps: int) -> dict[str, float]:
    """Return {fixture name: CPU ms per parse_page call}."""
    from newsbot.pages import parse_page

    out: dict[str, float] = {}
    for fixture, body in fixtures:
        started = time.process_time()
        for _ in range(reps):
            parse_page(body, fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers)
        out[fixture.name] = (time.process_time() - started) * 1000 / reps
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=300, help="distinct URLs of the real page per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=50, help="page object calls per fixture per round")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of one real-page round to FILE")
    args = parser.parse_args()
    from newsbot.replay import load_fixtures

    path = extdata() / UNN_PAGE
    if not path.exists():
        sys.exit(f"bench_pages: {path} is absent")
    html = path.read_bytes()
    canonical = unn_canonical(html)
    urls = [f"{canonical}-p{i:05d}" for i in range(args.pages)]
    bodies = [(html.replace(canonical.encode(), url.encode()), url) for url in urls]
    fixtures = [
        (f, f.body())
        for f in load_fixtures(REPO / "fixtures" / "unn")
        if (f.expected() or {}).get("kind") == "article"
    ]
    real_round(bodies[:20])  # imports, first-call caches: not measured
    fixture_round(fixtures, 2)
    if args.profile:
        import cProfile

        cProfile.runctx("real_round(bodies)", globals(), {"bodies": bodies}, args.profile)
    real, fixed = [], []
    for _ in range(args.rounds):
        real.append(real_round(bodies))
        fixed.append(fixture_round(fixtures, args.reps))
    print(
        f"real UNN page ({len(html) / 1024:.0f} KiB) x {args.pages}, {args.rounds} rounds; CPU ms per page:"
    )
    print(
        f"  page object {statistics.median(real):.3f} ms (rounds {' '.join(f'{r:.3f}' for r in real)};"
        " target at most 2 ms)"
    )
    print(f"UNN article fixtures, {args.rounds} rounds of {args.reps}; CPU ms per page, medians:")
    worst = 0.0
    for fixture, body in fixtures:
        value = statistics.median(r[fixture.name] for r in fixed)
        per40 = value / (len(body) / 40_000)
        worst = max(worst, per40)
        print(f"  {fixture.name:40} {len(body) / 1024:5.0f} KiB {value:6.3f} ms  {per40:5.2f} ms per 40 KB")
    print(f"  worst {worst:.2f} ms per 40 KB (target: at most 1 ms per 40 KB)")


if __name__ == "__main__":
    main()
