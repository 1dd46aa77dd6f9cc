"""Every figure of issue 16 beside its anchor, in one run: target, anchor, measured, met or missed.

Runs the benchmarks that measure them, each as its own process (their logic stays in them), and
reads their output:
  start-up      bench/bench_startup.py      `newsbot --help`, `parse-time`, `detect-lang` wall medians
  page objects  bench/bench_stages.py       the real 82 KB UNN page; the worst fixture per 40 KB
  archive       bench/bench_archive.py      write with FTS in sync / FTS5 indexing alone (CPU)
  crawl         bench/bench_crawl.py        the whole crawl / Scrapy's floor, on real-size pages
                                            (distinct UNN copies + the foreign pages), per set
  memory        bench/bench_replay_rss.py   RSS at 2,000 and 20,000 pages of one crawl, peak
A benchmark whose output cannot be read is reported as such with its last lines, not guessed.
CPU figures are medians of alternated runs inside each benchmark; the machine may be shared.

    python bench/bench_targets.py [--quick] [--only startup,pages,archive,crawl,memory]

--quick runs each benchmark smaller (a minute or two in all; memory then spans 2,000 to 4,000
pages, not the target's 20,000): a smoke run, not the figures to quote. The default takes several
minutes on a shared two-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"

# Each benchmark's command, full and quick (READERS below read their output).
FULL = {
    "startup": ["bench/bench_startup.py", "--repeat", "5"],
    "pages": ["bench/bench_stages.py", "--pages", "300", "--rounds", "3", "--reps", "30"],
    "archive": ["-m", "bench.bench_archive", "--n", "20000", "--no-reference"],
    "crawl": ["bench/bench_crawl.py", "--pages", "2000", "--repeat", "2"],
    "memory": ["bench/bench_replay_rss.py", "--pages", "20000", "--every", "2000"],
}
QUICK = {
    "startup": ["bench/bench_startup.py", "--repeat", "3"],
    "pages": ["bench/bench_stages.py", "--pages", "60", "--rounds", "3", "--reps", "5"],
    "archive": ["-m", "bench.bench_archive", "--n", "3000", "--no-reference"],
    "crawl": ["bench/bench_crawl.py", "--pages", "300", "--foreign", "60", "--repeat", "1"],
    "memory": ["bench/bench_replay_rss.py", "--pages", "4000", "--every", "2000"],
}

Row = tuple[str, str, str, bool | None]  # target, anchor, measured, met (None: not measured)


def run(args: list[str], extra: list[str] | None = None) -> tuple[str, float]:
    """Run one benchmark with this checkout first on PYTHONPATH; return its output and wall seconds."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args, *(extra or [])], cwd=REPO, env=env, capture_output=True, text=True
    )
    output = done.stdout + (f"\n[exit {done.returncode}]\n{done.stderr[-2000:]}" if done.returncode else "")
    return output, time.perf_counter() - started


def _number(pattern: str, text: str) -> float | None:
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1).replace(",", "")) if found else None


def read_startup(out: str, _: dict) -> list[Row]:
    rows = []
    for command, target in (("--help", 0.3), ("parse-time", 0.4), ("detect-lang", 0.5)):
        wall = _number(rf"newsbot {re.escape(command)}\b.*?([\d.]+) s wall", out)
        rows.append(
            (
                f"start-up `newsbot {command}`",
                f"< {target} s wall",
                f"{wall:.2f} s" if wall is not None else "",
                None if wall is None else wall < target,
            )
        )
    return rows


def read_pages(out: str, _: dict) -> list[Row]:
    real = _number(r"^\s*page object\s+([\d.]+) ms", out)
    worst = _number(r"worst ([\d.]+) ms per 40 KB", out)
    worst_line = max(
        (m for m in re.finditer(r"^\s*(\S+)\s+(\d+) KiB\s+([\d.]+) ms\s+([\d.]+) ms per 40 KB", out, re.M)),
        key=lambda m: float(m.group(4)),
        default=None,
    )
    which = f" ({worst_line.group(1)}, {worst_line.group(2)} KiB)" if worst_line else ""
    return [
        (
            "page object, real 82 KB UNN page",
            "<= 2 ms CPU",
            f"{real:.2f} ms" if real is not None else "",
            None if real is None else real <= 2,
        ),
        (
            "page object, UNN fixtures",
            "<= 1 ms per 40 KB",
            f"worst {worst:.2f} ms per 40 KB{which}" if worst is not None else "",
            None if worst is None else worst <= 1,
        ),
    ]


def read_archive(out: str, _: dict) -> list[Row]:
    rate = _number(r"^write: .*?: ([\d,]+) articles per CPU second", out)
    fts = _number(r"^full-text indexing alone .*?: ([\d,]+) per CPU second", out)
    ratio = rate / fts if rate and fts else _number(r"FTS5 indexing alone: ([\d.]+)", out)
    detail = f" ({rate:,.0f} vs {fts:,.0f} articles per CPU s)" if rate and fts else ""
    return [
        (
            "archive write with FTS in sync / FTS5 alone",
            ">= 0.5 (CPU)",
            f"{ratio:.2f}{detail}" if ratio is not None else "",
            None if ratio is None else ratio >= 0.5,
        )
    ]


def read_crawl(out: str, context: dict) -> list[Row]:
    path = context.get("crawl_json")
    if not path or not Path(path).exists():
        return [("crawl with pipelines / Scrapy's floor", "<= 3.5x", "", None)]
    medians = json.loads(Path(path).read_text())["medians"]
    rows: list[Row] = []
    labels = {
        "all": "crawl, whole benchmark (UNN copies + foreign pages)",
        "unn": "crawl, distinct UNN copies only",
        "foreign": "crawl, foreign pages (generic page object) only",
    }
    for name, label in labels.items():
        per_kind = medians.get(name)
        if not per_kind or "ratio" not in per_kind:
            continue
        news, floor = per_kind["newsbot"], per_kind["floor"]
        rows.append(
            (
                f"{label}: CPU / floor",
                "<= 3.5x",
                f"{per_kind['ratio']:.2f}x ({news['ms_per_page']:.2f} / {floor['ms_per_page']:.2f} ms "
                f"per page, {news['pages']} pages, {news['stored']} stored, "
                f"{news['quarantined']} quarantined)",
                per_kind["ratio"] <= 3.5,
            )
        )
    peak = max((k["newsbot"]["peak_mib"] for k in medians.values() if "newsbot" in k), default=None)
    if peak is not None:
        rows.append(("peak RSS of the whole crawl", "<= 200 MiB", f"{peak:.0f} MiB", peak <= 200))
    return rows


def read_memory(out: str, _: dict) -> list[Row]:
    readings = [
        (int(p), float(r))
        for p, r in re.findall(r"^\s*(\d+) pages\s+[\d.]+ s\s+RSS\s+([\d.]+) MiB", out, re.M)
    ]
    peak = _number(r"^finished.*peak ([\d.]+) MiB", out)
    rows: list[Row] = []
    if len(readings) >= 2:
        (first_pages, first), (last_pages, last) = readings[0], readings[-1]
        growth = (last - first) / first
        rows.append(
            (
                f"RSS flat from {first_pages:,} to {last_pages:,} pages",
                "within 10%",
                f"{first:.0f} -> {last:.0f} MiB ({growth:+.1%})",
                abs(growth) <= 0.10,
            )
        )
    else:
        rows.append(("RSS flat from 2,000 to 20,000 pages", "within 10%", "", None))
    rows.append(
        (
            "peak RSS, one long replay crawl",
            "<= 200 MiB",
            f"{peak:.0f} MiB" if peak is not None else "",
            None if peak is None else peak <= 200,
        )
    )
    return rows


READERS: dict[str, Callable[[str, dict], list[Row]]] = {
    "startup": read_startup,
    "pages": read_pages,
    "archive": read_archive,
    "crawl": read_crawl,
    "memory": read_memory,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller runs: a smoke test, not figures to quote"
    )
    parser.add_argument("--only", default=",".join(READERS), help=f"benchmarks to run ({', '.join(READERS)})")
    parser.add_argument("--verbose", action="store_true", help="also print each benchmark's own output")
    args = parser.parse_args()
    chosen = [name for name in args.only.split(",") if name]
    if unknown := [name for name in chosen if name not in READERS]:
        sys.exit(f"bench_targets: unknown benchmark {', '.join(unknown)} (choose among {', '.join(READERS)})")
    commands = QUICK if args.quick else FULL
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="newsbot-targets-") as tmp:
        context = {"crawl_json": str(Path(tmp) / "crawl.json")}
        for name in chosen:
            extra = ["--json", context["crawl_json"]] if name == "crawl" else None
            print(f"running {' '.join(commands[name])} ...", flush=True)
            out, seconds = run(commands[name], extra)
            found = READERS[name](out, context)
            if args.verbose or any(met is None for *_, met in found):
                print(out if args.verbose else "  output not understood; its last lines:\n" + out[-1500:])
            print(f"  {seconds:.0f} s", flush=True)
            rows.extend(found)
    print()
    width = max(len(row[0]) for row in rows)
    anchor = max(len(row[1]) for row in rows)
    print(f"{'target':{width}}  {'anchor':{anchor}}  verdict  measured")
    for target, limit, measured, met in rows:
        verdict = "met" if met else ("MISSED" if met is False else "n/a")
        print(f"{target:{width}}  {limit:{anchor}}  {verdict:7}  {measured or 'not measured'}")
    met_count = sum(1 for *_, met in rows if met)
    print(
        f"{met_count} of {len(rows)} targets met"
        + (" (quick run: not the figures to quote)" if args.quick else "")
    )


if __name__ == "__main__":
    main()
