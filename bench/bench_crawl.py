"""Benchmark the whole replay crawl: pages per second and peak memory, pipelines on and off.

The article fixtures are copied into a temporary replay folder under distinct URLs until there are
at least --pages of them (each copy's canonical URL is rewritten, so the archive stores every copy
as its own article). The same crawl then runs twice in fresh processes, each into a fresh archive:
once with newsbot's pipelines (split, timestamps, language, archive) and once with every newsbot
pipeline switched off, so the ratio of the two shows what the pipelines cost. Pages per second
are printed twice: while crawling (Scrapy's elapsed_time_seconds, engine open to close) and for
the whole process, which adds start-up (imports, building the language models: a fixed cost of a
few seconds that does not grow with the crawl).

    python bench/bench_crawl.py [--pages 2000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing


def build_replay_dir(target: Path, pages: int) -> list[str]:
    """Copy article fixtures under new URLs into `target` until there are `pages`; return the URLs."""
    from newsbot.pages.unn import is_article_url
    from newsbot.replay import load_fixtures, save_fixture

    articles = [f for f in load_fixtures(REPO / "fixtures" / "unn") if is_article_url(f.url)]
    urls = []
    for i in range(pages):
        fixture = articles[i % len(articles)]
        url = f"{fixture.url.rstrip('/')}-copy{i:05d}"
        body = fixture.body().replace(fixture.url.encode(), url.encode())
        save_fixture(
            target,
            url=url,
            status=fixture.status,
            headers=fixture.headers,
            body=body,
            fetched_at=fixture.fetched_at,
            name=f"p{i:05d}",
        )
        urls.append(url)
    return urls


def worker(replay_dir: str, urls_file: str, db: str, pipelines: bool) -> None:
    """Run one crawl in this process and print its figures as JSON."""
    from newsbot.runs.crawl import replay_overrides, run_spider

    overrides = {**replay_overrides([Path(replay_dir)]), "NEWSBOT_ARCHIVE_PATH": db, "LOG_LEVEL": "ERROR"}
    if not pipelines:
        overrides["ITEM_PIPELINES"] = {}
    urls = Path(urls_file).read_text().split()
    started = time.perf_counter()
    outcome = run_spider("unn", {"urls": ",".join(urls), "discover": "none"}, overrides)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "pages": outcome.count("newsbot/replay/hit"),
                "items": outcome.count("item_scraped_count"),
                "stored": outcome.count("newsbot/articles_new"),
                "seconds": elapsed,  # the whole process: start-up (models, imports) included
                "crawl_seconds": outcome.stats["elapsed_time_seconds"],  # engine open -> close only
                "peak_mib": peak_kib / 1024,
            }
        )
    )


def run(replay_dir: Path, urls_file: Path, db: Path, pipelines: bool) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        str(replay_dir),
        str(urls_file),
        str(db),
        "on" if pipelines else "off",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=2000, help="article pages to replay (default 2000)")
    parser.add_argument("--repeat", type=int, default=1, help="alternate on/off runs this many times")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        tmpdir = Path(tmp)
        urls = build_replay_dir(tmpdir / "replay", args.pages)
        urls_file = tmpdir / "urls.txt"
        urls_file.write_text("\n".join(urls))
        print(
            f"replaying {len(urls)} article pages (copies of the fixtures) per crawl; "
            f"Python {sys.version.split()[0]}"
        )
        rows = []
        for i in range(args.repeat):
            for pipelines in (True, False):
                figures = run(tmpdir / "replay", urls_file, tmpdir / f"archive-{i}-{pipelines}.db", pipelines)
                figures["pipelines"] = "on" if pipelines else "off"
                rows.append(figures)
                print(
                    f"  pipelines {figures['pipelines']:3}: {figures['pages']} pages, "
                    f"{figures['pages'] / figures['crawl_seconds']:.0f} pages/s while crawling "
                    f"({figures['crawl_seconds']:.2f} s), "
                    f"{figures['pages'] / figures['seconds']:.0f} pages/s "
                    f"with start-up ({figures['seconds']:.2f} s), {figures['stored']} articles stored, "
                    f"peak RSS {figures['peak_mib']:.0f} MiB"
                )
        for label, key in (("while crawling", "crawl_seconds"), ("with start-up", "seconds")):
            on = [r["pages"] / r[key] for r in rows if r["pipelines"] == "on"]
            off = [r["pages"] / r[key] for r in rows if r["pipelines"] == "off"]
            ratio = (sum(on) / len(on)) / (sum(off) / len(off))
            print(f"with pipelines / without, {label}: {ratio:.2f} (target for this stage: at least 0.50)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "on")
    else:
        main()
