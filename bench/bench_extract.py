"""Benchmark the generic extractor against trafilatura (and readability-lxml, resiliparse,
newspaper4k where installed) on the same real pages, in one run.

Sets (read in place from ../shared/extdata; see its SOURCES.md):
- article-extraction-benchmark (181 pages): body F1, the benchmark's own measure: 4-token
  shingles of `\\w+` tokens (Python `re`, Unicode), true/false positives counted per page and
  normalised by the page's total, precision and recall averaged over pages, F1 of the averages;
- htmldate-dev (100 pages): exact publication day (YYYY-MM-DD);
- fundus-dev (127 pages): body F1 (same measure, against the joined paragraphs), exact title
  (whitespace collapsed), exact day, exact author list (same names in the same order).

CPU ms per page by getrusage, tools alternated page by page (A B A B), median and mean printed.
newsbot's figure covers its whole extraction: decoding, the page object and the split and
timestamp stages (the language stage is timed apart: it is not extraction).

    python bench/bench_extract.py [--only newsbot,trafilatura] [--failures 10] [--set NAME]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import statistics
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._shared import extdata
from newsbot.enrich import normalise_article_times, split_article
from newsbot.items import Article, story_text
from newsbot.pages import parse_page
from newsbot.pages.generic import published_day
from newsbot.settings import NEWSBOT_TIMEZONE as DEFAULT_TIMEZONE

_TOKEN = re.compile(r"\w+", re.UNICODE)


# --- the benchmark's measure -----------------------------------------------------------------


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in t.keys() | p.keys():
        a, b = t.get(key, 0), p.get(key, 0)
        tp += min(a, b)
        fp += max(0, b - a)
        fn += max(0, a - b)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def f1_of(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Return (precision, recall, F1) as the benchmark's evaluate.py computes them."""
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --- pages -----------------------------------------------------------------------------------


@dataclass
class Case:
    set: str
    key: str
    url: str
    body: bytes
    fetched_at: datetime
    text: str | None = None
    title: str | None = None
    day: str | None = None
    authors: list[str] | None = None


def load_cases(root: Path) -> list[Case]:
    cases: list[Case] = []
    aeb = root / "article-extraction-benchmark"
    if (aeb / "ground-truth.json").is_file():
        truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
        for key, item in sorted(truth.items()):
            body = gzip.decompress((aeb / "html" / f"{key}.html.gz").read_bytes())
            cases.append(
                Case(
                    "aeb", key, item["url"], body, datetime(2020, 1, 1, tzinfo=UTC), text=item["articleBody"]
                )
            )
    hd = root / "htmldate-dev"
    if (hd / "dates.json").is_file():
        dates = json.loads((hd / "dates.json").read_text(encoding="utf-8"))
        for url, item in dates.items():
            body = (hd / "pages" / item["file"]).read_bytes()
            day = item["date"] if isinstance(item["date"], str) else "nan"  # NaN in the JSON: no date
            cases.append(Case("htmldate", item["file"], url, body, datetime(2021, 1, 1, tzinfo=UTC), day=day))
    fd = root / "fundus-dev"
    if (fd / "cases.json").is_file():
        for item in json.loads((fd / "cases.json").read_text(encoding="utf-8")):
            body = gzip.decompress((fd / item["file"]).read_bytes())
            crawl = datetime.fromisoformat(item["crawl_date"]).replace(tzinfo=UTC)
            cases.append(
                Case(
                    "fundus",
                    item["file"],
                    item["url"],
                    body,
                    crawl,
                    text="\n\n".join(item["paragraphs"]),
                    title=item["title"],
                    day=(item["publishing_date"] or "")[:10] or None,
                    authors=item["authors"],
                )
            )
    return cases


@dataclass
class Output:
    text: str = ""
    title: str | None = None
    day: str | None = None
    authors: list[str] = field(default_factory=list)
    error: str | None = None
    # newsbot only: its paragraphs without the subheads (fundus labels paragraphs, no subheads)
    paragraphs_text: str | None = None


# --- tools -----------------------------------------------------------------------------------


def run_newsbot(case: Case) -> Output:
    item = parse_page(case.body, case.url, fetched_at=case.fetched_at)
    if not isinstance(item, Article):
        return Output(error=item.reason)
    split_article(item)
    normalise_article_times(item, tz=DEFAULT_TIMEZONE)
    paragraphs = "\n\n".join(item.paragraphs)
    return Output(story_text(item), item.title, local_day(item), item.authors, paragraphs_text=paragraphs)


def local_day(item: Article) -> str | None:
    """The publication day in the page's own zone (what `newsbot extract` prints)."""
    local = None
    if item.published_utc is not None:
        local = item.published_utc.astimezone(ZoneInfo(DEFAULT_TIMEZONE))
    return published_day(item.published_machine, local)


def _trafilatura() -> Callable[[Case], Output] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def run(case: Case) -> Output:
        doc = trafilatura.bare_extraction(case.body, url=case.url, with_metadata=True)
        if doc is None:
            return Output(error="nothing")
        authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
        return Output(doc.text or "", doc.title, doc.date, authors)

    return run


def _readability() -> Callable[[Case], Output] | None:
    try:
        import lxml.html
        from readability import Document
    except ImportError:
        return None
    import logging

    logging.getLogger("readability.readability").setLevel(logging.CRITICAL)  # it logs its own failures

    def run(case: Case) -> Output:
        doc = Document(case.body)
        summary = doc.summary(html_partial=True)
        text = (
            "\n\n".join(t.strip() for t in lxml.html.fromstring(summary).itertext() if t.strip())
            if summary
            else ""
        )
        return Output(text, doc.short_title())

    return run


def _resiliparse() -> Callable[[Case], Output] | None:
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        return None

    def run(case: Case) -> Output:
        tree = HTMLTree.parse(bytes_to_str(case.body, detect_encoding(case.body)))
        text = extract_plain_text(tree, main_content=True)
        return Output(text, tree.title)

    return run


def _newspaper() -> Callable[[Case], Output] | None:
    try:
        import newspaper
    except ImportError:
        return None

    def run(case: Case) -> Output:
        art = newspaper.Article(case.url)
        art.download(input_html=case.body.decode("utf-8", "replace"))
        art.parse()
        day = art.publish_date.date().isoformat() if art.publish_date else None
        return Output(art.text, art.title, day, list(art.authors))

    return run


TOOLS: dict[str, Callable[[], Callable[[Case], Output] | None]] = {
    "newsbot": lambda: run_newsbot,
    "trafilatura": _trafilatura,
    "readability-lxml": _readability,
    "resiliparse": _resiliparse,
    "newspaper4k": _newspaper,
}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _norm_title(text: str | None) -> str:
    return " ".join((text or "").split())


def _norm_authors(names: list[str] | None) -> list[str]:
    return [" ".join(n.split()) for n in names or []]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated tools (default: every installed one)")
    parser.add_argument("--set", choices=("aeb", "htmldate", "fundus"), help="one set only")
    parser.add_argument("--failures", type=int, default=0, help="print the N worst pages per measure")
    args = parser.parse_args()
    root = extdata()
    cases = [c for c in load_cases(root) if args.set in (None, c.set)]
    if not cases:
        print(f"no pages under {root}: the sets are read in place from ../shared/extdata", file=sys.stderr)
        return 1
    names = args.only.split(",") if args.only else list(TOOLS)
    tools = {n: f for n in names if (f := TOOLS[n]()) is not None}
    skipped = [n for n in names if n not in tools]
    outputs: dict[str, list[Output]] = {n: [] for n in tools}
    cpu: dict[str, list[float]] = {n: [] for n in tools}
    for case in cases:  # alternate tools page by page: A B A B
        for name, run in tools.items():
            start = _cpu()
            try:
                out = run(case)
            except Exception as exc:  # a crash of a tool is a failed page, not a failed run
                out = Output(error=f"crash: {exc!r}")
            cpu[name].append((_cpu() - start) * 1000)
            outputs[name].append(out)

    print(f"pages: {Counter(c.set for c in cases)}; tools skipped (not installed): {skipped or 'none'}")
    header = (
        f"{'tool':<17} {'AEB F1':>7} {'P':>6} {'R':>6} | {'htmld day':>9} | {'fund F1':>7} {'title':>6} "
        f"{'day':>6} {'authors':>7} | {'ms med':>6} {'ms mean':>7} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for name in tools:
        row = measure(cases, outputs[name])
        times = cpu[name]
        errors = sum(1 for o in outputs[name] if o.error)
        print(
            f"{name:<17} {row['aeb'][2]:>7.3f} {row['aeb'][0]:>6.3f} {row['aeb'][1]:>6.3f} | "
            f"{row['hd_day']:>9.3f} | {row['fd'][2]:>7.3f} {row['fd_title']:>6.3f} {row['fd_day']:>6.3f} "
            f"{row['fd_authors']:>7.3f} | {statistics.median(times):>6.2f} {statistics.mean(times):>7.2f} "
            f"{errors:>6}"
        )
    if "newsbot" in tools and any(c.set == "fundus" for c in cases):
        # fundus-dev labels an article's paragraphs and leaves its subheads out; newsbot's story
        # text (the column above, like every tool's text) holds them, its `paragraphs` do not.
        fd = [
            tp_fp_fn(c.text or "", o.paragraphs_text if o.paragraphs_text is not None else o.text)
            for c, o in zip(cases, outputs["newsbot"], strict=True)
            if c.set == "fundus"
        ]
        print(f"newsbot fundus body F1 on its paragraphs alone (no subheads): {f1_of(fd)[2]:.3f}")
    if args.failures:
        for name in ("newsbot",):
            if name in tools:
                print_failures(cases, outputs[name], args.failures)
    return 0


def measure(cases: list[Case], outs: list[Output]) -> dict:
    aeb, fd = [], []
    hd_day, fd_title, fd_day, fd_authors = [], [], [], []
    for case, out in zip(cases, outs, strict=True):
        if case.set == "aeb":
            aeb.append(tp_fp_fn(case.text or "", out.text))
        elif case.set == "htmldate":
            # "nan": the page states no date (a home page): saying none is right.
            hd_day.append(out.day == case.day or (case.day == "nan" and out.day is None))
        else:
            fd.append(tp_fp_fn(case.text or "", out.text))
            fd_title.append(_norm_title(out.title) == _norm_title(case.title))
            fd_day.append(out.day == case.day)
            fd_authors.append(_norm_authors(out.authors) == _norm_authors(case.authors))

    def share(values: list[bool]) -> float:
        return sum(values) / len(values) if values else float("nan")

    return {
        "aeb": f1_of(aeb) if aeb else (float("nan"),) * 3,
        "fd": f1_of(fd) if fd else (float("nan"),) * 3,
        "hd_day": share(hd_day),
        "fd_title": share(fd_title),
        "fd_day": share(fd_day),
        "fd_authors": share(fd_authors),
    }


def print_failures(cases: list[Case], outs: list[Output], limit: int) -> None:
    bodies = []
    for case, out in zip(cases, outs, strict=True):
        if case.text is not None:
            tp, fp, fn = tp_fp_fn(case.text, out.text)
            bodies.append((2 * tp / (2 * tp + fp + fn) if tp else 0.0, fp, fn, case, out))
    bodies.sort(key=lambda b: b[0])
    print("\nworst bodies (F1, fp share, fn share, set, page, error):")
    for f1, fp, fn, case, out in bodies[:limit]:
        print(
            f"  {f1:.3f} fp={fp:.2f} fn={fn:.2f} {case.set} {case.key[:40]} {case.url[:70]} {out.error or ''}"
        )
    print("\nwrong days:")
    for case, out in zip(cases, outs, strict=True):
        if case.day is not None and out.day != case.day and not (case.day == "nan" and out.day is None):
            print(f"  {case.set} {case.key[:40]} want {case.day} got {out.day} {case.url[:70]}")
    print("\nwrong titles / authors (fundus):")
    for case, out in zip(cases, outs, strict=True):
        if case.set != "fundus":
            continue
        if _norm_title(out.title) != _norm_title(case.title):
            print(f"  title {case.key[:40]}\n     want {case.title!r}\n     got  {out.title!r}")
        if _norm_authors(out.authors) != _norm_authors(case.authors):
            print(f"  authors {case.key[:40]} want {case.authors} got {out.authors}")


if __name__ == "__main__":
    sys.exit(main())
