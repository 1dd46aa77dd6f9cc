"""Benchmark the whole replay crawl on pages of real size, beside Scrapy's own floor.

The pages (read in place from ../shared/extdata, never copied into the project) are saved into a
temporary replay folder:
  - the one real UNN page (extdata/unn/, 82 KB, old unn.com.ua layout) as --pages distinct articles
    of the same size and markup: each copy has its own URL (canonical, alternates, language links),
    its own headline and text (a seeded permutation of the article's words, the same wherever the
    page prints them: title tag, metas, h1, body, JSON-LD), its own numbers and its own dates and
    times (shifted back 7 minutes per copy). The chrome and teaser rails stay as the page prints
    them: those really repeat across a site's pages, the article's text never does, so no text
    cache can answer for the article itself;
  - the real news pages of extdata/article-extraction-benchmark (181) and extdata/fundus-dev (127)
    once each, under their own URLs. No site is shipped for them: newsbot.pages.parse_page reads
    them with the generic page object, as a crawl of those sites would. `--foreign 0` leaves them out.

Three URL sets (--sets), each crawled by every kind of run, alternated (A B A B ...):
  all       every URL (the whole benchmark: the final line's figures);
  unn       the UNN copies only;    foreign   the foreign pages only.
Kinds of run (--kinds, default newsbot,floor), each a fresh process over the same URLs through
Scrapy's real engine and newsbot's ReplayMiddleware into a fresh archive:
  newsbot   the UNN spider's callbacks and page objects, every pipeline (split, timestamps,
            language, fill rate, archive); foreign hosts allowed so the foreign pages reach it;
  nopipes   the same spider with ITEM_PIPELINES = {} (what the page objects and Scrapy cost);
  floor     a minimal spider over the same URLs with newsbot's settings and middlewares, whose
            callback does nothing: Scrapy's own cost per page.
A run that does not replay every URL of its set stops the benchmark. CPU time is getrusage
(user + system) from spider_opened to engine_stopped: the crawl only, not imports. Figures are
medians over --repeat rounds. The machine may be shared: CPU time, not wall time, is the figure.

    python bench/bench_crawl.py [--pages 2000] [--foreign 308] [--repeat 3] [--sets all,unn,foreign]
                                [--kinds newsbot,nopipes,floor] [--profile FILE] [--json FILE]

The last line reads (the "all" set)
    crawl: X ms CPU/page with pipelines, floor Y ms CPU/page, ratio R, peak RSS M MiB
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing
sys.path.insert(0, str(REPO / "bench"))

from _shared import extdata, rss_mib  # noqa: E402

UNN_PAGE = "unn/ru-2020-12-03-1906059.html"
UNN_FETCHED_AT = datetime(2020, 12, 3, 19, 0, tzinfo=UTC)
OTHER_FETCHED_AT = datetime(2024, 1, 1, tzinfo=UTC)
TARGET_RATIO = 3.5
RSS_EVERY = 2000  # pages between two RSS readings
KINDS = ("newsbot", "nopipes", "floor")
SETS = ("all", "unn", "foreign")  # every URL; the UNN copies only; the foreign pages only


def unn_canonical(html: bytes) -> str:
    """Return the canonical URL a UNN page names (its <link rel="canonical">)."""
    from parsel import Selector

    return Selector(text=html.decode("utf-8", "replace")).css('link[rel="canonical"]::attr(href)').get()


# --- distinct copies of the real UNN page ----------------------------------------------------------
# The article's own parts: the <head> (title, description, og:*) and the block from the article's date
# line to the end of its JSON-LD. The teaser rails, menus and footer outside them stay as printed.
ARTICLE_START = '<div class="b-news-feed-date b-news-date b-news-feed-date-bottom">'
ARTICLE_END = '<script type="application/ld+json">'  # the article's JSON-LD, the block's last part
MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
COPY_SHIFT = timedelta(minutes=7)  # copy i was published i x 7 minutes before the original
_GAP = r"(?:\s|&nbsp;|&amp;nbsp;|\u00a0)"
_TOKENS = re.compile(
    rf"(?P<day>\b(?P<d>\d{{1,2}})(?P<g1>{_GAP})(?P<month>{'|'.join(MONTHS_GENITIVE)})"
    rf"(?:(?P<g2>{_GAP})(?P<year>\d{{4}}))?(?:, (?P<hm>\d\d:\d\d))?)"
    r"|(?P<iso>\b\d{4}-\d\d-\d\dT\d\d:\d\d\b)"
    r"|(?P<number>(?<![\w/.:&#;=?-])\d+(?![\w/.:-]))"
    r"|(?P<word>(?<![&\w])[^\W\d_]{3,}\b)"  # not an entity's name (&nbsp;)
)
# Where the article's own text is printed: text between tags and content/alt attributes in the article
# block; in the head, the <title> and content attributes only (its scripts are chrome).
_BLOCK_SPANS = re.compile(r'>([^<]+)<|(content|alt)="([^"]*)"')
_HEAD_SPANS = re.compile(r'<title>([^<]+)<|(content)="([^"]*)"')


def _article_end(html: str, start: int) -> int:
    """Return where the article block that starts at `start` ends: after its JSON-LD script."""
    return html.index("</script>", html.index(ARTICLE_END, start)) + len("</script>")


def article_vocabulary(html: str) -> list[str]:
    """Return the words of the article's headline and text (3+ letters, not capitals-only, not months)."""
    headline = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    body_at = html.index('itemprop="articleBody"')
    body_at = html.index(">", body_at) + 1
    parts = [headline[1] if headline else "", html[body_at : html.index("</div>", body_at)]]
    words = {
        w
        for part in parts
        for text in re.findall(r"(?:^|>)([^<]+)", part)
        for w in re.findall(r"(?<![&\w])[^\W\d_]{3,}\b", text)
        if not w.isupper() and w not in MONTHS_GENITIVE
    }
    return sorted(words)


def vary_unn_copy(html: str, index: int, vocabulary: list[str], slug: str) -> str:
    """Return copy `index` of the real UNN page as a distinct article of the same size and markup.

    Only the article's own parts change, the same way wherever they are printed (title tag, metas,
    h1, body, JSON-LD): its URL (`slug` + "-copyNNNNN", alternates and language links too), its words
    (a seeded permutation of the article's vocabulary), its numbers (shifted by the index) and its
    dates and times (shifted back index x COPY_SHIFT). Copy 0 keeps the page's words and dates.
    """
    html = html.replace(slug, f"{slug}-copy{index:05d}")
    if index == 0:
        return html
    shuffled = list(vocabulary)
    random.Random(index).shuffle(shuffled)
    words = dict(zip(vocabulary, shuffled, strict=True))
    shift = -index * COPY_SHIFT

    def token(m: re.Match[str], numbers: bool = True) -> str:
        if m["day"]:
            year = int(m["year"] or 2020)
            hour, minute = map(int, m["hm"].split(":")) if m["hm"] else (12, 0)
            when = datetime(year, MONTHS_GENITIVE.index(m["month"]) + 1, int(m["d"]), hour, minute) + shift
            out = f"{when.day}{m['g1']}{MONTHS_GENITIVE[when.month - 1]}"
            out += f"{m['g2']}{when.year}" if m["year"] else ""
            return out + (f", {when:%H:%M}" if m["hm"] else "")
        if m["iso"]:
            return f"{datetime.fromisoformat(m['iso']) + shift:%Y-%m-%dT%H:%M}"
        if m["number"]:  # in text only: an attribute's number is a size, an id
            return str(int(m["number"]) + index) if numbers else m["number"]
        return words.get(m["word"], m["word"])

    def span(m: re.Match[str]) -> str:
        if m[1] is not None:  # a text run: numbers too
            return m[0][: m.start(1) - m.start(0)] + _TOKENS.sub(token, m[1]) + "<"
        return f'{m[2]}="{_TOKENS.sub(lambda t: token(t, numbers=False), m[3])}"'

    head_end = html.index("</head>")
    start = html.index(ARTICLE_START)
    end = _article_end(html, start)
    return (
        _HEAD_SPANS.sub(span, html[:head_end])
        + html[head_end:start]
        + _BLOCK_SPANS.sub(span, html[start:end])
        + html[end:]
    )


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


def build_replay_dir(target: Path, pages: int, foreign: int) -> tuple[dict[str, list[str]], dict]:
    """Save the replay fixtures into `target`; return the URLs of each set (SETS) and what they are."""
    from newsbot.replay import save_fixture

    unn_path = extdata() / UNN_PAGE
    if not unn_path.exists():
        sys.exit(f"bench_crawl: {unn_path} is absent: the real UNN page is what this benchmark replays")
    raw = unn_path.read_bytes()
    html = raw.decode("utf-8")
    canonical = unn_canonical(raw)
    slug = canonical.rsplit("/", 1)[-1]  # "1906059-parlament-...": every link to the article itself
    vocabulary = article_vocabulary(html)
    headers = {"Content-Type": "text/html; charset=utf-8"}
    unn_urls, sizes_unn = [], []
    for i in range(pages):
        body = vary_unn_copy(html, i, vocabulary, slug).encode("utf-8")
        url = f"{canonical}-copy{i:05d}"
        save_fixture(
            target,
            url=url,
            status=200,
            headers=headers,
            body=body,
            fetched_at=UNN_FETCHED_AT,
            name=f"unn{i:05d}",
        )
        unn_urls.append(url)
        sizes_unn.append(len(body))
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
    foreign_urls = [url for url, _, _ in others]
    sizes = sorted(len(body) for _, body, _ in others)
    about = {
        "unn_pages": pages,
        "unn_kib": statistics.median(sizes_unn) / 1024 if sizes_unn else 0.0,
        "unn_words": len(vocabulary),
        "foreign_pages": len(others),
        "foreign_median_kib": statistics.median(sizes) / 1024 if sizes else 0.0,
    }
    return {"all": unn_urls + foreign_urls, "unn": unn_urls, "foreign": foreign_urls}, about


# --- one crawl, in a worker process --------------------------------------------------------------
def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    from newsbot.urls import refuse_url

    class BenchUnnSpider(UnnSpider):
        """The UNN spider as it is, except that the URLs are handed over as a list (some real URLs
        hold commas, which `-a urls=` splits on) and foreign pages are neither refused as offsite
        nor read as UNN pages: they go through parse_page as a crawl of their own site would
        send them (no site is shipped for them: the generic page object reads them)."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.urls = urls
            self.allowed_domains = []

        def _followable(self, url: str) -> bool:
            # NewsSpider checks URLs against the site's domains when allowed_domains is empty.
            return refuse_url(url) is None

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
            marks["rss"].append((marks["responses"], round(rss_mib(), 1)))

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
    print(
        json.dumps(
            {
                "kind": kind,
                "urls": len(urls),
                "pages": int(stats.get("newsbot/replay/hit", 0)),
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
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["pages"] != result["urls"]:  # every URL is replayed, or the figures are for other pages
        sys.exit(f"bench_crawl: the {kind} crawl replayed {result['pages']} of its {result['urls']} URLs")
    return result


def summary(rows: list[dict], sets: list[str], kinds: list[str]) -> dict[str, dict]:
    """Return {set: {kind: medians}} over the runs, and each set's ratio to its floor."""
    out: dict[str, dict] = {}
    for name in sets:
        per_kind = {}
        for kind in kinds:
            runs = [r for r in rows if r["set"] == name and r["kind"] == kind]
            if runs:
                per_kind[kind] = {
                    "pages": runs[0]["pages"],
                    "ms_per_page": statistics.median(r["cpu_s"] * 1000 / r["pages"] for r in runs),
                    "pages_per_wall_s": statistics.median(r["pages"] / r["wall_s"] for r in runs),
                    "stored": runs[0]["stored"],
                    "quarantined": runs[0]["quarantined"],
                    "peak_mib": max(r["peak_mib"] for r in runs),
                    "runs": len(runs),
                }
        if "newsbot" in per_kind and "floor" in per_kind:
            per_kind["ratio"] = per_kind["newsbot"]["ms_per_page"] / per_kind["floor"]["ms_per_page"]
        if per_kind:
            out[name] = per_kind
    return out


def _figures(name: str, kind: str, r: dict, ms: float, wall_rate: float) -> str:
    return (
        f"  {name:7} {kind:8} {r['pages']} pages, {ms:.2f} ms CPU/page, {1000 / ms:.0f} pages/CPU s, "
        f"{wall_rate:.0f} pages/s wall, {r['stored']} stored, {r['quarantined']} quarantined, "
        f"peak RSS {r['peak_mib']:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pages", type=int, default=2000, help="distinct copies of the real UNN page (default 2000)"
    )
    parser.add_argument(
        "--foreign",
        type=int,
        default=1000,
        help="real pages of other sites, once each, at most this many (default: all 308)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds of alternated runs (default 3)")
    parser.add_argument(
        "--kinds", default="newsbot,floor", help=f"runs per set and round, in order ({', '.join(KINDS)})"
    )
    parser.add_argument(
        "--sets",
        default=",".join(SETS),
        help="URL sets crawled each round: all (the whole), unn (the copies), foreign (default all three)",
    )
    parser.add_argument("--profile", help="write a cProfile of the first newsbot crawl to this file")
    parser.add_argument(
        "--json", help="also write the medians to this file (bench/bench_targets.py reads it)"
    )
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    sets = [x for x in args.sets.split(",") if x]
    if any(k not in KINDS for k in kinds):
        sys.exit(f"bench_crawl: --kinds takes {', '.join(KINDS)}")
    if any(x not in SETS for x in sets):
        sys.exit(f"bench_crawl: --sets takes {', '.join(SETS)}")

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        tmpdir = Path(tmp)
        url_sets, about = build_replay_dir(tmpdir / "replay", args.pages, args.foreign)
        sets = [x for x in sets if url_sets[x]]  # no foreign pages (--foreign 0, no extdata): no set
        for name in sets:
            (tmpdir / f"urls-{name}.txt").write_text("\n".join(url_sets[name]))
        print(
            f"replaying the real UNN page ({about['unn_kib']:.0f} KiB) as {about['unn_pages']} distinct "
            f"articles (own URL, headline and text from a seeded permutation of its {about['unn_words']} "
            f"words, numbers and dates shifted; chrome and teaser rails as printed) + "
            f"{about['foreign_pages']} real pages of other sites through the generic page object "
            f"(median {about['foreign_median_kib']:.0f} KiB); Python {sys.version.split()[0]}; "
            f"{args.repeat} rounds of {', '.join(kinds)} over the sets {', '.join(sets)}"
        )
        rows: list[dict] = []
        for i in range(args.repeat):
            for name in sets:
                for kind in kinds:
                    first = args.profile and kind == "newsbot" and i == 0 and name == sets[0]
                    db = tmpdir / f"archive-{i}-{name}-{kind}.db"
                    r = run(kind, tmpdir, tmpdir / f"urls-{name}.txt", db, args.profile if first else None)
                    db.unlink(missing_ok=True)
                    r["set"] = name
                    rows.append(r)
                    rss = ", ".join(f"{n}: {m:.0f}" for n, m in r["rss"])
                    ms = r["cpu_s"] * 1000 / r["pages"]
                    print(
                        _figures(name, kind, r, ms, r["pages"] / r["wall_s"])
                        + (f"; RSS MiB by pages {rss}" if rss else ""),
                        flush=True,
                    )

        medians = summary(rows, sets, kinds)
        print("medians:")
        for name, per_kind in medians.items():
            for kind in kinds:
                m = per_kind.get(kind)
                if m:
                    print(_figures(name, kind, m, m["ms_per_page"], m["pages_per_wall_s"]))
            if "nopipes" in per_kind and "floor" in per_kind and "newsbot" in per_kind:
                floor, nopipes = per_kind["floor"]["ms_per_page"], per_kind["nopipes"]["ms_per_page"]
                print(
                    f"  {name:7} breakdown: Scrapy floor {floor:.2f}, "
                    f"spider + page objects {nopipes - floor:.2f}, "
                    f"pipelines {per_kind['newsbot']['ms_per_page'] - nopipes:.2f} ms CPU/page"
                )
            if "ratio" in per_kind:
                print(f"  {name:7} ratio {per_kind['ratio']:.2f} (target <= {TARGET_RATIO})")
        if args.json:
            Path(args.json).write_text(json.dumps({"about": about, "medians": medians}, indent=2))
        whole = medians.get("all") or next(iter(medians.values()))
        with_pipes = whole.get("newsbot", {}).get("ms_per_page", float("nan"))
        floor = whole.get("floor", {}).get("ms_per_page", float("nan"))
        peak = max((r["peak_mib"] for r in rows if r["kind"] == "newsbot"), default=float("nan"))
        print(
            f"crawl: {with_pipes:.2f} ms CPU/page with pipelines, floor {floor:.2f} ms CPU/page, "
            f"ratio {with_pipes / floor:.2f}, peak RSS {peak:.0f} MiB"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] if len(sys.argv) > 6 else None)
    else:
        main()
