"""Memory over a long replay: peak and current RSS every 2,000 pages of a 20,000-page crawl.

The repository's article fixtures are copied under distinct URLs until there are --pages of
them; one crawl (Scrapy's engine, every pipeline, a fresh SQLite archive) replays them
all in this process. Each --every responses it prints the pages so far, the current RSS
(/proc/self/statm), the peak RSS (getrusage ru_maxrss) and the ledger's open entries; at the end,
the accounting counts. A leak shows as current RSS that keeps climbing with the pages.

    python bench/bench_replay_rss.py [--pages 20000] [--every 2000] [--trace]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing


def rss_mib() -> tuple[float, float]:
    """Return (current, peak) resident set size of this process in MiB."""
    with open("/proc/self/statm") as statm:
        current = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_replay_dir(target: Path, pages: int) -> list[str]:
    """Copy the article fixtures under new URLs into `target` until there are `pages`; return the URLs."""
    from newsbot.pages.unn import is_article_url
    from newsbot.replay import load_fixtures, save_fixture

    articles = [f for f in load_fixtures(REPO / "fixtures" / "unn") if is_article_url(f.url)]
    urls = []
    for i in range(pages):
        fixture = articles[i % len(articles)]
        url = f"{fixture.url.rstrip('/')}-copy{i:05d}"
        body = fixture.body().replace(fixture.url.encode(), url.encode())  # its canonical URL too
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


def top_allocations(snapshot, limit: int = 15) -> list[str]:
    """Return the `limit` biggest live Python allocations of a tracemalloc snapshot, by file."""
    stats = snapshot.statistics("filename")
    return [f"{s.size / 2**20:7.1f} MiB  {s.traceback[0].filename}" for s in stats[:limit]]


def crawl(replay_dir: Path, urls: list[str], db: Path, every: int, trace: bool = False) -> None:
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from newsbot.middlewares import ledger_of
    from newsbot.runs.crawl import project_settings, replay_overrides

    overrides = {**replay_overrides([replay_dir]), "NEWSBOT_ARCHIVE_PATH": str(db), "LOG_LEVEL": "ERROR"}
    process = CrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler("unn")
    seen = {"pages": 0}
    started = time.perf_counter()
    steps: list[tuple[str, float]] = [("imports and settings", rss_mib()[0])]

    def opened() -> None:
        steps.append(("spider opened (pipelines and archive open)", rss_mib()[0]))
        if trace:
            import tracemalloc

            print("live Python allocations when the spider opens:")
            print("\n".join(top_allocations(tracemalloc.take_snapshot())), flush=True)

    def first_item() -> None:
        if len(steps) == 2:
            steps.append(("first item through every pipeline", rss_mib()[0]))

    def probe() -> None:
        seen["pages"] += 1
        if seen["pages"] % every == 0:
            current, peak = rss_mib()
            ledger = ledger_of(crawler)
            open_entries = len(ledger.remainder()) if ledger is not None else -1
            print(
                f"{seen['pages']:>7} pages  {time.perf_counter() - started:7.1f} s"
                f"  RSS {current:7.1f} MiB  peak {peak:7.1f} MiB  ledger open {open_entries}",
                flush=True,
            )

    crawler.signals.connect(probe, signal=signals.response_received)
    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(first_item, signal=signals.item_scraped)
    process.crawl(crawler, urls=",".join(urls), discover="none")
    process.start()
    stats = crawler.stats.get_stats()
    current, peak = rss_mib()
    counts = {
        k.rsplit("/", 1)[-1]: v
        for k, v in stats.items()
        if k.startswith("newsbot/accounting/") and isinstance(v, int)
    }
    print(
        f"finished ({stats.get('finish_reason')}): RSS {current:.1f} MiB, peak {peak:.1f} MiB;"
        f" ledger {counts}"
    )
    print("RSS by step: " + ", ".join(f"{name} {mib:.1f} MiB" for name, mib in steps))
    print("loaded in this process: " + ", ".join(heavy_parts(crawler.settings)))
    if trace:
        import tracemalloc

        print("live Python allocations at the end (C libraries' own memory not traced):")
        print("\n".join(top_allocations(tracemalloc.take_snapshot())))


def heavy_parts(settings) -> list[str]:
    """Name the large optional parts this process loaded: lingua's models, pymorphy3's
    dictionaries, numpy/pandas (sqlite-utils imports them when installed)."""
    from newsbot.text.language import get_detector, normalize_candidates

    candidates = normalize_candidates(settings.getlist("NEWSBOT_LANGUAGE_CANDIDATES"))
    found = [f"lingua {name} models" for name in get_detector(candidates).loaded_models()]
    if "pymorphy3" in sys.modules:
        found.append("pymorphy3")
    found += [name for name in ("numpy", "pandas") if name in sys.modules]
    return found or ["none of lingua's models, pymorphy3, numpy, pandas"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=20_000, help="article pages to replay (default 20000)")
    parser.add_argument("--every", type=int, default=2_000, help="print memory every this many pages")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="also trace Python allocations (tracemalloc: slower, RSS inflated) and print the biggest",
    )
    args = parser.parse_args()
    if args.trace:
        import tracemalloc

        tracemalloc.start()
    with tempfile.TemporaryDirectory(prefix="newsbot-rss-") as tmp:
        tmpdir = Path(tmp)
        urls = build_replay_dir(tmpdir / "replay", args.pages)
        print(
            f"replaying {len(urls)} article pages in one crawl; Python {sys.version.split()[0]}", flush=True
        )
        crawl(tmpdir / "replay", urls, tmpdir / "archive.db", args.every, args.trace)


if __name__ == "__main__":
    main()
