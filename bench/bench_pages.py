"""Benchmark the UNN page object alone: the real 82 KiB UNN page and every UNN article fixture.

The real page (../shared/extdata/unn/, read in place) under --pages distinct URLs, parse_page
over all of them, CPU time (process_time) per page; then every UNN article fixture (fixtures/unn/)
--reps times: CPU ms per page and per 40 KB of page (targets: at most 2 ms on the real page, at
most 1 ms per 40 KB on the fixtures). Rounds alternate real page and fixtures; figures are medians
of --rounds.

With --against DIR, fresh processes alternate A B A B (A: the newsbot package of checkout DIR,
B: this checkout's), --runs of each, and the medians are printed side by side; the pages and
fixtures are this checkout's for both.

    python bench/bench_pages.py [--pages 300] [--rounds 5] [--reps 50] [--profile FILE]
    python bench/bench_pages.py --against ../main [--runs 4]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from _shared import check_timed, extdata, timed_checkout  # noqa: E402
from bench_crawl import UNN_FETCHED_AT, UNN_PAGE, unn_canonical  # noqa: E402

# Whose newsbot package to time: put first again after bench_crawl put this checkout first.
CODE = timed_checkout("BENCH_PAGES_CODE")

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


def measure(args: argparse.Namespace) -> tuple[list[float], list[dict[str, float]], dict[str, int]]:
    """Return (real-page ms per round, fixture ms per round, fixture sizes), measured in this process."""
    from newsbot.replay import load_fixtures

    check_timed("bench_pages", CODE)
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
    return real, fixed, {f.name: len(body) for f, body in fixtures}


def report(args: argparse.Namespace) -> None:
    """Measure in this process and print the figures."""
    real, fixed, sizes = measure(args)
    if args.json:
        fixtures_ms = {name: statistics.median(r[name] for r in fixed) for name in sizes}
        print(json.dumps({"real": statistics.median(real), "fixtures": fixtures_ms, "sizes": sizes}))
        return
    print(f"real UNN page x {args.pages}, {args.rounds} rounds; CPU ms per page:")
    rounds = " ".join(f"{r:.3f}" for r in real)
    print(f"  page object {statistics.median(real):.3f} ms (rounds {rounds}; target at most 2 ms)")
    print(f"UNN article fixtures, {args.rounds} rounds of {args.reps}; CPU ms per page, medians:")
    worst = 0.0
    for name, size in sizes.items():
        value = statistics.median(r[name] for r in fixed)
        per40 = value / (size / 40_000)
        worst = max(worst, per40)
        print(f"  {name:40} {size / 1024:5.0f} KiB {value:6.3f} ms  {per40:5.2f} ms per 40 KB")
    print(f"  worst {worst:.2f} ms per 40 KB (target: at most 1 ms per 40 KB)")


def against(args: argparse.Namespace) -> None:
    """Alternate fresh processes A (checkout args.against) and B (this one); print medians side by side."""
    other = str(Path(args.against).resolve())
    command = [sys.executable, __file__, "--json", "--pages", str(args.pages), "--rounds", str(args.rounds)]
    command += ["--reps", str(args.reps)]
    runs: dict[str, list[dict]] = {"A": [], "B": []}
    for _ in range(args.runs):
        for side, code in (("A", other), ("B", str(REPO))):
            env = {**os.environ, "BENCH_PAGES_CODE": code, "PYTHONPATH": code}
            out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
            runs[side].append(json.loads(out))
    print(f"A = {other}, B = {REPO}: {args.runs} processes each, alternated A B A B, each the median")
    print(
        f"of {args.rounds} rounds ({args.pages} real-page URLs, {args.reps} calls per fixture);"
        " CPU ms per page:"
    )

    def median(side: str, pick: str, name: str = "") -> float:
        return statistics.median(r[pick][name] if name else r[pick] for r in runs[side])

    print(
        f"  real UNN page (82 KiB)                  A {median('A', 'real'):.3f}  B {median('B', 'real'):.3f}"
        "  (target at most 2 ms)"
    )
    worst = {"A": 0.0, "B": 0.0}
    for name, size in runs["B"][0]["sizes"].items():
        ms = {side: median(side, "fixtures", name) for side in runs}
        per40 = {side: value / (size / 40_000) for side, value in ms.items()}
        worst = {side: max(worst[side], per40[side]) for side in runs}
        print(
            f"  {name:33} {size / 1024:4.0f} KiB  A {ms['A']:.3f} ({per40['A']:.2f}/40KB)"
            f"  B {ms['B']:.3f} ({per40['B']:.2f}/40KB)"
        )
    print(
        f"  worst per 40 KB                         A {worst['A']:.2f}  B {worst['B']:.2f}"
        "  (target at most 1 ms per 40 KB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=300, help="distinct URLs of the real page per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=50, help="page object calls per fixture per round")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of one real-page round to FILE")
    parser.add_argument("--against", metavar="DIR", help="alternate with checkout DIR's newsbot (A B A B)")
    parser.add_argument("--runs", type=int, default=4, help="processes per side with --against")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.against:
        against(args)
    else:
        report(args)


if __name__ == "__main__":
    main()
