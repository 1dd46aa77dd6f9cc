"""Benchmark the whole replay crawl on pages of real size, beside Scrapy's own floor.

The pages (read in place from ../shared/extdata, never copied into the project) are saved into a
temporary replay folder:
  - the one real UNN page (extdata/unn/, 82 KB, old unn.com.ua layout) under --pages distinct URLs,
    its canonical URL rewritten in each copy so the archive stores every copy as its own article;
  - the real news pages of extdata/article-extraction-benchmark (181) and extdata/fundus-dev (127)
    once each, under their own URLs. newsbot has no page object for those sites, so they go through
    newsbot.pages.parse_page's dispatch like any foreign page (quarantined with reason and bytes
    today; through the generic page object once it exists): that costs what it costs today.
    `--foreign 0` leaves them out.

Each run is a fresh process crawling every URL through Scrapy's real engine and newsbot's
ReplayMiddleware into a fresh archive. Three kinds of run, alternated (A B C A B C ...):
  newsbot   the UNN spider's callbacks and page objects, every pipeline (split, timestamps,
            language, fill rate, archive); allowed_domains lifted so the foreign pages reach it;
  nopipes   the same spider with ITEM_PIPELINES = {} (what the page objects and Scrapy cost);
  floor     a minimal spider over the same URLs with newsbot's settings and middlewares, whose
            callback does nothing: Scrapy's own cost per page.
CPU time is getrusage (user + system) from spider_opened to spider_closed: the crawl only, not
imports nor building models before the first item. Figures are medians over --repeat runs.
The machine may be shared: CPU time, not wall time, is the figure to compare.

    python bench/bench_crawl.py [--pages 2000] [--foreign 308] [--repeat 3] [--profile FILE]

The last line reads
    crawl: X ms CPU/page with pipelines, floor Y ms CPU/page, ratio R, peak RSS M MiB
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing
sys.path.insert(0, str(REPO / "bench"))

from _shared import extdata  # noqa: E402

UNN_PAGE = "unn/ru-2020-12-03-1906059.html"
UNN_FETCHED_AT = datetime(2020, 12, 3, 19, 0, tzinfo=UTC)
OTHER_FETCHED_AT = datetime(2024, 1, 1, tzinfo=UTC)
TARGET_RATIO = 3.5
RSS_EVERY = 2000  # pages between two RSS readings
KINDS = ("newsbot", "nopipes", "floor")


def unn_canonical(html: bytes) -> str:
    """Return the canonical URL a UNN page names (its <link rel="canonical">)."""
    from parsel import Selector

    return Selector(text=html.decode("utf-8", "replace")).css('link[rel="canonical"]::attr(href)').get()


def foreign_pages(limit: int) -> list[tuple[str, bytes, datetime]]:
    """Return up to `limit` real news pages of other sites as (url, html, fetched_at), in file order."""
    root = extdata()
    pages: list[tuple[str, bytes, datetime]] = []
    benchmark = root / "article-extraction-benchmark"
    if (benchmark / "ground-truth.json").exists():
        truth = json.loads((benchmark / "ground-truth.json").read_text("utf-8"))
        for key in sorted(truth):
            path = benchmark / "html" / f"{key}.html.gz"
            if path.exists():
                pages.append((truth[key]["url"], gzip.decompress(path.read_bytes()), OTHER_FETCHED_AT))
    fundus = root / "fundus-dev"
    if (fundus / "cases.json").exists():
        for case in json.loads((fundus / "cases.json").read_text("utf-8")):
            path = fundus / case["file"]
            if path.exists():
                fetched = datetime.fromisoformat(case["crawl_date"]).replace(tzinfo=UTC)
                pages.append((case["url"], gzip.decompress(path.read_bytes()), fetched))
    seen: set[str] = set()
    unique = []
    for url, html, fetched in pages:
        if url not in seen:  # two sets could hold the same URL: keep the first
            seen.add(url)
            unique.append((url, html, fetched))
    return unique[:limit]


def build_replay_dir(target: Path, pages: int, foreign: int) -> tuple[list[str], dict]:
    """Save the replay fixtures into `target`; return the URLs to crawl and what they are."""
    from newsbot.replay import save_fixture

    unn_path = extdata() / UNN_PAGE
    if not unn_path.exists():
        sys.exit(f"bench_crawl: {unn_path} is absent: the real UNN page is what this benchmark replays")
    html = unn_path.read_bytes()
    canonical = unn_canonical(html)
    headers = {"Content-Type": "text/html; charset=utf-8"}
    urls = []
    for i in range(pages):
        url = f"{canonical}-copy{i:05d}"
        body = html.replace(canonical.encode(), url.encode())
        save_fixture(
            target,
            url=url,
            status=200,
            headers=headers,
            body=body,
            fetched_at=UNN_FETCHED_AT,
            name=f"unn{i:05d}",
        )
        urls.append(url)
    others = foreign_pages(foreign)
    for i, (url, body, fetched) in enumerate(others):
        save_fixture(
            target,
            url=url,
            status=200,
            headers={"Content-Type": "text/html"},
            body=body,
            fetched_at=fetched,
            name=f"other{i:04d}",
        )
        urls.append(url)
    sizes = sorted(len(body) for _, body, _ in others)
    about = {
        "unn_pages": pages,
        "unn_kib": len(html) / 1024,
        "foreign_pages": len(others),
        "foreign_median_kib": statistics.median(sizes) / 1024 if sizes else 0.0,
    }
    return urls, about


# --- one crawl, in a worker process --------------------------------------------------------------
def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mib() -> float:
    """Return this process's resident set size now (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _spider_class(kind: str, urls: list[str]):
    import scrapy

    if kind == "floor":

        class FloorSpider(scrapy.Spider):
            """Scrapy's floor: every URL requested, each callback does nothing."""

            name = "floor"

            async def start(self):
                for url in urls:
                    yield scrapy.Request(url, callback=self.parse)

            def parse(self, response):
                return None

        return FloorSpider, {}

    from newsbot.pages import parse_page
    from newsbot.replay import FETCHED_AT
    from newsbot.spiders import response_headers
    from newsbot.spiders.unn import UnnSpider

    class BenchUnnSpider(UnnSpider):
        """The UNN spider as it is, except that the URLs are handed over as a list (some real URLs
        hold commas, which `-a urls=` splits on) and foreign pages are neither filtered as offsite
        nor read as UNN pages: they go through parse_page as a crawl of their own site would
        send them (the site from the URL: none is shipped for them, so they are quarantined)."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.urls = urls
            self.allowed_domains = []

        def parse_article(self, response):
            if self.site.owns(response.url):
                return super().parse_article(response)
            page = parse_page(
                response.body,
                response.url,
                fetched_at=response.meta[FETCHED_AT],
                headers=response_headers(response),
                status=response.status,
            )
            return [page]

    return BenchUnnSpider, {"discover": "none"}


def worker(kind: str, replay_dir: str, urls_file: str, db: str, profile: str | None) -> None:
    """Run one crawl in this process and print its figures as JSON (the last line)."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from newsbot.runs.crawl import project_settings, replay_overrides

    overrides = {**replay_overrides([Path(replay_dir)]), "NEWSBOT_ARCHIVE_PATH": db, "LOG_LEVEL": "ERROR"}
    if kind != "newsbot":
        overrides["ITEM_PIPELINES"] = {}
    urls = Path(urls_file).read_text().split()
    spider_cls, spider_args = _spider_class(kind, urls)
    process = CrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler(spider_cls)
    marks: dict = {"rss": []}
    profiler = None

    def opened(spider) -> None:
        nonlocal profiler
        marks["cpu0"], marks["wall0"] = _cpu_seconds(), time.perf_counter()
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()

    def response(response, request, spider) -> None:
        marks["responses"] = marks.get("responses", 0) + 1
        if marks["responses"] % RSS_EVERY == 0:
            marks["rss"].append((marks["responses"], round(_rss_mib(), 1)))

    def closed() -> None:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        marks["cpu1"], marks["wall1"] = _cpu_seconds(), time.perf_counter()

    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(response, signal=signals.response_received)
    # engine_stopped comes after spider_closed, where the archive pipeline commits and closes the
    # archive: the crawl's figures include finishing the archive.
    crawler.signals.connect(closed, signal=signals.engine_stopped)
    process.crawl(crawler, **spider_args)
    process.start()
    stats = crawler.stats.get_stats()
    pages = int(stats.get("newsbot/replay/hit", 0))
    print(
        json.dumps(
            {
                "kind": kind,
                "pages": pages,
                "items": int(stats.get("item_scraped_count", 0)),
                "stored": int(stats.get("newsbot/articles_new", 0)),
                "quarantined": int(stats.get("newsbot/quarantined", 0)),
                "cpu_s": marks["cpu1"] - marks["cpu0"],
                "wall_s": marks["wall1"] - marks["wall0"],
                "rss": marks["rss"],
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run(kind: str, tmpdir: Path, urls_file: Path, db: Path, profile: str | None) -> dict:
    command = [sys.executable, __file__, "--worker", kind, str(tmpdir / "replay"), str(urls_file), str(db)]
    if profile:
        command.append(profile)
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        sys.exit(f"bench_crawl: the {kind} crawl failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=2000, help="copies of the real UNN page (default 2000)")
    parser.add_argument(
        "--foreign",
        type=int,
        default=1000,
        help="real pages of other sites, once each, at most this many (default: all 308)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds of alternated runs (default 3)")
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="runs per round, in order (default all three)"
    )
    parser.add_argument("--profile", help="write a cProfile of the first newsbot crawl to this file")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    if any(k not in KINDS for k in kinds):
        sys.exit(f"bench_crawl: --kinds takes {', '.join(KINDS)}")

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        tmpdir = Path(tmp)
        urls, about = build_replay_dir(tmpdir / "replay", args.pages, args.foreign)
        urls_file = tmpdir / "urls.txt"
        urls_file.write_text("\n".join(urls))
        print(
            f"replaying {len(urls)} pages per crawl: the real UNN page ({about['unn_kib']:.0f} KiB) under "
            f"{about['unn_pages']} URLs + {about['foreign_pages']} real pages of other sites "
            f"(median {about['foreign_median_kib']:.0f} KiB); Python {sys.version.split()[0]}; "
            f"{args.repeat} rounds of {', '.join(kinds)}"
        )
        rows: list[dict] = []
        for i in range(args.repeat):
            for kind in kinds:
                profile = args.profile if (args.profile and kind == "newsbot" and i == 0) else None
                r = run(kind, tmpdir, urls_file, tmpdir / f"archive-{i}-{kind}.db", profile)
                rows.append(r)
                rss = ", ".join(f"{n}: {m:.0f}" for n, m in r["rss"])
                print(
                    f"  {kind:8} {r['pages']} pages, {r['cpu_s'] * 1000 / r['pages']:.2f} ms CPU/page, "
                    f"{r['pages'] / r['wall_s']:.0f} pages/s wall, "
                    f"{r['pages'] / r['cpu_s']:.0f} pages/CPU s, "
                    f"{r['stored']} stored, {r['quarantined']} quarantined, peak RSS {r['peak_mib']:.0f} MiB"
                    + (f"; RSS MiB by pages {rss}" if rss else "")
                )

        def median(kind: str, key: str) -> float:
            values = [r[key] for r in rows if r["kind"] == kind]
            return statistics.median(values) if values else float("nan")

        def ms(kind: str) -> float:
            return statistics.median(
                [r["cpu_s"] * 1000 / r["pages"] for r in rows if r["kind"] == kind] or [float("nan")]
            )

        print("medians:")
        for kind in kinds:
            print(
                f"  {kind:8} {ms(kind):.2f} ms CPU/page, {1000 / ms(kind):.0f} pages/CPU s, "
                f"{median(kind, 'pages') / median(kind, 'wall_s'):.0f} pages/s wall, "
                f"peak RSS {median(kind, 'peak_mib'):.0f} MiB"
            )
        with_pipes, floor = ms("newsbot"), ms("floor")
        if "nopipes" in kinds:
            print(
                f"  breakdown: Scrapy floor {floor:.2f}, spider + page objects {ms('nopipes') - floor:.2f}, "
                f"pipelines {with_pipes - ms('nopipes'):.2f} ms CPU/page"
            )
        ratio = with_pipes / floor
        peak = max((r["peak_mib"] for r in rows if r["kind"] == "newsbot"), default=float("nan"))
        print(f"  ratio {ratio:.2f} (target <= {TARGET_RATIO}), peak RSS {peak:.0f} MiB (target <= 200)")
        print(
            f"crawl: {with_pipes:.2f} ms CPU/page with pipelines, floor {floor:.2f} ms CPU/page, "
            f"ratio {ratio:.2f}, peak RSS {peak:.0f} MiB"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] if len(sys.argv) > 6 else None)
    else:
        main()
