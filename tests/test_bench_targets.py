"""bench/bench_targets.py reads the figures the benchmarks really print.

Its readers parse other scripts' output; when a benchmark's wording changes, a reader that no
longer matches reports "not measured" instead of a figure. These checks run the fast benchmarks
for real (tiny sizes) and read their output with the readers the one-run table uses.
"""

from __future__ import annotations

import sys

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / "bench"))

import bench_targets


def test_the_archive_reader_finds_the_ratio_bench_archive_prints():
    command = ["-m", "bench.bench_archive", "--n", "200", "--no-reference", "--rounds", "1"]
    out, _ = bench_targets.run(command)
    [(target, _anchor, measured, met)] = bench_targets.read_archive(out, {})
    assert target.startswith("archive write")
    assert met is not None, f"no ratio read from:\n{out}"
    ratio = float(measured.split()[0])
    assert 0 < ratio < 5
    assert "articles per CPU s" in measured


def test_the_startup_reader_finds_all_three_commands():
    out, _ = bench_targets.run(["bench/bench_startup.py", "--repeat", "1"])
    rows = bench_targets.read_startup(out, {})
    assert [row[0] for row in rows] == [
        "start-up `newsbot --help`",
        "start-up `newsbot parse-time`",
        "start-up `newsbot detect-lang`",
    ]
    assert all(row[3] is not None for row in rows), f"a start-up figure was not read from:\n{out}"
