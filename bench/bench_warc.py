"""Benchmark `archive import-warc` beside the replay crawl of the same pages: pages/s and CPU ms per page.

The pages are bench_crawl.py's: the one real UNN page (../shared/extdata/unn, 82 KB, read in
place) under --pages distinct URLs, written once as a replay folder and once as a .warc.gz of
response records. Each measurement is a fresh process into a fresh archive, with every newsbot
stage on: `newsbot archive import-warc` of the file, or the replay crawl (`unn` spider, Scrapy's
real engine) of the folder. Start-up (imports, language models) is a fixed cost that does not grow
with the pages, so each kind also runs on --small pages and the figures are marginal: (big - small)
CPU and wall time over (big - small) pages. CPU is the child process's user + system time
(getrusage). Runs alternate import, crawl, import, crawl, ...; medians are printed.

Reading alone is measured too, in this process: newsbot.warc's reader (its own gzip framing,
warcio's record parser) beside warcio's ArchiveIterator and, when installed, FastWARC's, each
reading every record's decoded payload; CPU ms per record, alternated, medians.

    python -m bench.bench_warc [--pages 2000] [--small 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing


def build_inputs(folder: Path, pages: int) -> tuple[Path, Path, Path]:
    """Write `pages` article copies as a replay folder, a URL list and a .warc.gz; return the three."""
    from bench.bench_crawl import build_replay_dir
    from newsbot.items import RawPage
    from newsbot.replay import load_fixtures
    from newsbot.warc import write_warc

    replay = folder / "replay"
    urls, _ = build_replay_dir(replay, pages, 0)  # the real UNN page under `pages` URLs, no foreign ones
    urls_file = folder / "urls.txt"
    urls_file.write_text("\n".join(urls))
    warc = folder / "pages.warc.gz"
    fixtures = load_fixtures(replay)
    with warc.open("wb") as out:
        write_warc(
            (RawPage(f.url, f.status, f.headers, f.body(), f.fetched_at) for f in fixtures),
            out,
            filename=warc.name,
            software="bench_warc",
        )
    return replay, urls_file, warc


def crawl_worker(replay: str, urls_file: str, db: str) -> None:
    """Replay-crawl the URLs into `db` with every pipeline on (run in its own process)."""
    from newsbot.runs.crawl import replay_overrides, run_spider

    overrides = {**replay_overrides([Path(replay)]), "NEWSBOT_ARCHIVE_PATH": db, "LOG_LEVEL": "ERROR"}
    urls = Path(urls_file).read_text().split()
    outcome = run_spider("unn", {"urls": ",".join(urls), "discover": "none"}, overrides)
    print(outcome.count("newsbot/articles_new"))


def measure(command: list[str]) -> tuple[float, float, str]:
    """Run a command; return its wall seconds, CPU seconds (user + system) and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command[:4]} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def import_command(warc: Path, db: Path) -> list[str]:
    return [
        sys.executable, "-m", "newsbot", "archive", "--db", str(db),
        "import-warc", str(warc), "--progress", "1e9",
    ]  # fmt: skip


def crawl_command(inputs: tuple[Path, Path, Path], db: Path) -> list[str]:
    replay, urls_file, _ = inputs
    return [sys.executable, __file__, "--crawl-worker", str(replay), str(urls_file), str(db)]


def read_newsbot(path: Path) -> int:
    from newsbot.warc import WarcPage, segments, to_page

    return sum(isinstance(to_page(segment, path.name), WarcPage) for segment in segments(path))


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                record.content_stream().read()
                count += 1
    return count


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType  # type: ignore[import-not-found]

    count = 0
    for record in ArchiveIterator(str(path), record_types=WarcRecordType.response, parse_http=True):
        record.reader.read()
        count += 1
    return count


def compare_readers(path: Path, repeat: int) -> None:
    """Print CPU ms per record of each reader over the same file (alternated, medians)."""
    readers = {"newsbot.warc": read_newsbot, "warcio": read_warcio}
    try:
        import fastwarc  # type: ignore[import-not-found]  # noqa: F401

        readers["fastwarc"] = read_fastwarc
    except ImportError:
        print("  (FastWARC is not installed: pip install fastwarc to compare it)")
    cpu: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(max(3, repeat)):
        for name, read in readers.items():
            started = time.process_time()
            records = read(path)
            cpu[name].append((time.process_time() - started) / records * 1000)
    for name, values in cpu.items():
        print(f"  reading with {name:12}: {statistics.median(values):.3f} CPU ms per response record")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=2000, help="article pages (default 2000)")
    parser.add_argument("--small", type=int, default=50, help="pages of the start-up run (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of import and crawl (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-warc-") as tmp:
        tmpdir = Path(tmp)
        big = build_inputs(tmpdir / "big", args.pages)
        small = build_inputs(tmpdir / "small", args.small)
        print(
            f"{args.pages} copies of the real UNN page, {big[2].stat().st_size:,} bytes of WARC; "
            f"marginal over a {args.small}-page run; Python {sys.version.split()[0]}"
        )
        print("reading the records alone (no extraction, no archive):")
        compare_readers(big[2], args.repeat)
        figures: dict[str, list[tuple[float, float]]] = {"import": [], "crawl": []}
        run = 0
        for round_ in range(args.repeat):
            for kind in ("import", "crawl"):
                timings = []
                for inputs in (small, big):
                    run += 1
                    db = tmpdir / f"archive-{run}.db"
                    command = import_command(inputs[2], db) if kind == "import" else crawl_command(inputs, db)
                    timings.append(measure(command)[:2])
                (wall_small, cpu_small), (wall_big, cpu_big) = timings
                pages = args.pages - args.small
                rate = pages / (wall_big - wall_small)
                cpu_ms = (cpu_big - cpu_small) / pages * 1000
                figures[kind].append((rate, cpu_ms))
                print(
                    f"  round {round_ + 1} {kind:6}: {rate:5.0f} pages/s, {cpu_ms:5.2f} CPU ms per page "
                    f"({args.pages} pages: {wall_big:.1f} s wall, {cpu_big:.1f} s CPU with start-up)"
                )
        medians = {
            kind: (statistics.median(r for r, _ in rows), statistics.median(c for _, c in rows))
            for kind, rows in figures.items()
        }
        for kind, (rate, cpu_ms) in medians.items():
            print(f"median {kind:6}: {rate:5.0f} pages/s, {cpu_ms:5.2f} CPU ms per page")
        print(f"import / crawl CPU per page: {medians['import'][1] / medians['crawl'][1]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--crawl-worker":
        crawl_worker(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
