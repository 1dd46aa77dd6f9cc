"""Benchmark start-up: whole `newsbot` processes, wall and CPU time, medians of --repeat runs.

The commands run in turn (A B C A B C ...) through `python -m newsbot` with this checkout first
on PYTHONPATH. Wall time is what a user waits; CPU time (user + system of the child, from
os.wait4) is steadier on a shared machine.

    python bench/bench_startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMANDS = (  # (arguments, target seconds of wall time)
    (["--help"], 0.3),
    (["parse-time", "09.04.24, 15:10"], 0.4),
    (["detect-lang", "hello"], 0.5),
)


def run_once(args: list[str]) -> tuple[float, float]:
    """Return (wall seconds, CPU seconds) of one whole `python -m newsbot ARGS` process."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "newsbot", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(
            f"bench_startup: newsbot {' '.join(args)} exited {child.returncode}: "
            f"{child.stderr.read().decode()}"
        )
    child.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="processes per command (default 5)")
    args = parser.parse_args()
    runs: dict[int, list[tuple[float, float]]] = {i: [] for i in range(len(COMMANDS))}
    run_once(["--help"])  # warm the file cache and the bytecode once, unmeasured
    for _ in range(args.repeat):
        for i, (argv, _) in enumerate(COMMANDS):
            runs[i].append(run_once(argv))
    print(
        f"start-up, medians of {args.repeat} whole processes each (alternated); "
        f"Python {sys.version.split()[0]}"
    )
    for i, (argv, target) in enumerate(COMMANDS):
        wall = statistics.median(w for w, _ in runs[i])
        cpu = statistics.median(c for _, c in runs[i])
        verdict = "ok" if wall < target else "MISSED"
        print(
            f"  newsbot {' '.join(argv):32} {wall:.2f} s wall "
            f"(target < {target} s: {verdict}), {cpu:.2f} s CPU"
        )


if __name__ == "__main__":
    main()
