"""Benchmark the body splitter: bodies per CPU second (one core) for HTML and for plain-text input.

Every article fixture (fixtures/unn/*/body.html) is read once through the page objects; its body
HTML (with the page's counter text and raw teasers) and its plain-text rendering are then split
over and over, cycling through the fixtures, up to --bodies of each. Only the split is timed.

    python bench/bench_split.py [--bodies 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from itertools import cycle, islice
from pathlib import Path

from newsbot.items import Article
from newsbot.pages import parse_page
from newsbot.text.split import split_text
from newsbot.text.split_html import render_text, split_body

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "unn"


def load_articles() -> list[Article]:
    """Parse every article fixture with the page objects."""
    articles = []
    for body in sorted(FIXTURES.glob("*/body.html")):
        meta = json.loads((body.parent / "meta.json").read_text(encoding="utf-8"))
        page = parse_page(
            body.read_bytes(), meta["url"], fetched_at=datetime.fromisoformat(meta["fetched_at"])
        )
        if isinstance(page, Article):
            articles.append(page)
    return articles


def rate(work: Callable[[], int], rounds: int) -> tuple[float, float]:
    """Run `work` (it returns how many bodies it split) `rounds` times.

    Returns the median rate per CPU second (bodies per second on one core, robust to other
    processes sharing the machine) and the median rate per wall-clock second.
    """
    cpu_rates, wall_rates = [], []
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        count = work()
        cpu_rates.append(count / (time.process_time() - cpu))
        wall_rates.append(count / (time.perf_counter() - wall))
    return statistics.median(cpu_rates), statistics.median(wall_rates)


def main() -> None:
    """Print bodies per second for HTML and for text input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    articles = load_articles()
    if not articles:
        raise SystemExit(f"no article fixtures under {FIXTURES}")
    html_inputs = list(islice(cycle(articles), args.bodies))
    texts = [render_text(a.title, a.views_raw, a.body_html, a.related) for a in articles]
    text_inputs = list(islice(cycle(texts), args.bodies))

    def split_all_html() -> int:
        for a in html_inputs:
            split_body(a.body_html, views_raw=a.views_raw, related=a.related, base_url=a.url)
        return len(html_inputs)

    def split_all_text() -> int:
        for text in text_inputs:
            split_text(text)
        return len(text_inputs)

    html_bytes = sum(len(a.body_html.encode()) for a in articles) / len(articles)
    text_bytes = sum(len(t.encode()) for t in texts) / len(texts)
    print(f"{len(articles)} fixture bodies, repeated to {args.bodies}; {args.rounds} rounds")
    print(f"mean body: HTML {html_bytes:.0f} bytes, text rendering {text_bytes:.0f} bytes")
    for name, work in (("html", split_all_html), ("text", split_all_text)):
        cpu, wall = rate(work, args.rounds)
        print(
            f"{name}: {cpu:,.0f} bodies per CPU second ({1000 / cpu:.3f} ms CPU/body); "
            f"{wall:,.0f} bodies per wall second"
        )


if __name__ == "__main__":
    main()
