"""Measure language detection accuracy and speed on lingua-go test lines, beside langdetect.

    python -m bench.bench_language [--no-langdetect] [--lingua] [--widened de,fr,it]

Speed is texts per CPU second over distinct lines, with the detector's cache of short texts
bypassed and its models and dictionaries built before timing (their build time printed apart).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench._shared import extdata, rss_mib

DATA = extdata() / "lingua-go"
SETS = ("sentences", "word-pairs", "single-words")


def load(data: Path, languages: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """Return {set: [(label, line), ...]} for every set and language; label = file name."""
    return {
        name: [
            (lang, line)
            for lang in languages
            for line in (data / name / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        for name in SETS
    }


def measure(detect: Callable[[str], str], rows: list[tuple[str, str]]) -> tuple[float, float]:
    """Return (accuracy, texts per CPU second) of `detect` over labelled rows."""
    start = time.process_time()
    answers = [detect(text) for _, text in rows]
    elapsed = time.process_time() - start
    correct = sum(answer == label for answer, (label, _) in zip(answers, rows, strict=True))
    return correct / len(rows), len(rows) / elapsed


def newsbot_detector(candidates: Sequence[str]) -> Callable[[str], str]:
    from newsbot.text.language import _analyzer, get_detector, normalize_candidates

    key = normalize_candidates(candidates)
    assert isinstance(key, tuple), key
    detector = get_detector(key)  # uncached: the crawl's cache of short texts would flatter the figures
    # Build what a crawl builds once per process before timing: both lingua models and the
    # word-form dictionaries (about a second; printed apart, not charged to the first texts).
    started = time.perf_counter()
    detector.model(precise=True)
    detector.model(precise=False)
    for code in key:
        _analyzer(code)
    print(f"newsbot detector: models and dictionaries built in {time.perf_counter() - started:.2f} s")
    detector.detect_uncached("warm up")
    detector.detect_uncached("розігрів і перевірка словника")
    return lambda text: detector.detect_uncached(text).lang


def lingua_detector(candidates: Sequence[str], *, low: bool) -> Callable[[str], str]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in candidates]
    builder = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models()
    if low:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()

    def detect(text: str) -> str:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "und"

    return detect


def langdetect_plain() -> Callable[[str], str]:
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0

    def run(text: str) -> str:
        try:
            return detect(text)
        except LangDetectException:
            return "und"

    run("warm up")
    return run


def body_timing(body: str, candidates: Sequence[str], repeat: int) -> float:
    """Return the median CPU milliseconds to detect the language of `body` (never cached: over 300 chars)."""
    from newsbot.text.language import detect_language

    times = []
    for _ in range(repeat):
        start = time.process_time()
        detect_language(body, candidates=candidates)
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def body_of(data: Path, lang: str, budget: int = 3072) -> str:
    """Return the first sentences of one language's file, cut to `budget` UTF-8 bytes."""
    body = ""
    for line in (data / "sentences" / f"{lang}.txt").read_text(encoding="utf-8").splitlines():
        if len(body.encode()) >= budget:
            break
        body += line + "\n"
    return body.encode()[:budget].decode(errors="ignore")


def _uncached(detector: Any) -> Callable[[str], str]:
    return lambda text: detector.detect_uncached(text).lang


def churn(key: tuple[str, ...], rounds: int = 3) -> None:
    """Print RSS while a crawl meets every other lingua language as a page language, `rounds` times."""
    from lingua import Language

    from newsbot.text.language import MAX_DETECTORS, get_detector, normalize_candidates

    text = "Die Regierung hat am Montag neue Regeln für den Verkehr in der Stadt beschlossen. " * 4
    codes = [lang.iso_code_639_1.name.lower() for lang in Language.all()]
    codes = [code for code in codes if code not in key]
    seen: list[float] = [rss_mib()]
    started = time.process_time()
    for _ in range(rounds):
        for code in codes:
            widened = normalize_candidates((*key, code))
            assert isinstance(widened, tuple), widened
            get_detector(widened, precise_among=key).detect_uncached(text)
        seen.append(rss_mib())
    print(
        f"{rounds} rounds over {len(codes)} page languages (at most {MAX_DETECTORS} widened detectors "
        f"kept): RSS before and after each round {', '.join(f'{m:.0f}' for m in seen)} MiB, "
        f"{(time.process_time() - started) / (rounds * len(codes)) * 1000:.1f} ms CPU per language met"
    )


def widened_comparison(
    sets: dict[str, list[tuple[str, str]]], base: tuple[str, ...], extra: list[str]
) -> None:
    """Print, for candidate sets widened by one page language each, the accuracy on the base
    languages' lines of the widened detector as the crawl builds it (high-accuracy models for the
    base languages only, stop words and low-accuracy models for the others) and of one with
    high-accuracy models for every candidate, with each one's build time and memory."""
    from newsbot.text.language import LanguageDetector, normalize_candidates

    key = normalize_candidates(base)
    assert isinstance(key, tuple), key
    churn(key)  # first: the high-accuracy models built below would hide its figures
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    for mode in ("widened", "all high"):
        rss, started = rss_mib(), time.process_time()
        detectors = {}
        for code in extra:
            widened = normalize_candidates((*key, code))
            assert isinstance(widened, tuple), widened
            detector = LanguageDetector(widened, precise_among=key if mode == "widened" else None)
            detector.model(precise=True)
            detector.model(precise=False)
            detectors[code] = detector
        print(
            f"{mode}: models for {len(extra)} extra languages built in "
            f"{time.process_time() - started:.2f} s CPU, RSS +{rss_mib() - rss:.0f} MiB"
        )
        for code, detector in detectors.items():
            for name in SETS:
                accuracy, rate = measure(_uncached(detector), sets[name])
                rows.setdefault(code, {})[f"{mode} {name}"] = (accuracy, rate)
    print(f"accuracy on the {','.join(key)} lines with one more candidate (widened / all high):")
    for code, row in rows.items():
        cells = "; ".join(
            f"{name} {row['widened ' + name][0]:.2%} / {row['all high ' + name][0]:.2%}" for name in SETS
        )
        print(f"  +{code}: {cells}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--candidates", default="uk,ru,en")
    parser.add_argument("--no-langdetect", action="store_true", help="skip the slow baseline")
    parser.add_argument("--lingua", action="store_true", help="also measure bare lingua")
    parser.add_argument(
        "--widened",
        metavar="LANGS",
        help="also compare candidate sets widened by each of these page languages (e.g. de,fr,it)",
    )
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"lingua-go test data not found at {args.data}", file=sys.stderr)
        return 2
    candidates = tuple(args.candidates.split(","))
    sets = load(args.data, candidates)
    detectors: list[tuple[str, Callable[[str], str]]] = [
        (f"newsbot detect_language ({args.candidates})", newsbot_detector(candidates))
    ]
    if args.lingua:
        detectors.append(
            (f"lingua high accuracy ({args.candidates})", lingua_detector(candidates, low=False))
        )
        detectors.append((f"lingua low accuracy ({args.candidates})", lingua_detector(candidates, low=True)))
    if not args.no_langdetect:
        detectors.append(("langdetect, all 55 languages, seeded", langdetect_plain()))
    print(f"{'detector':48} {'set':13} {'accuracy':>9} {'texts/s':>9}")
    for label, detect in detectors:
        for name in SETS:
            accuracy, rate = measure(detect, sets[name])
            print(f"{label:48} {name:13} {accuracy:9.2%} {rate:9.0f}")
    for lang in candidates:
        ms = body_timing(body_of(args.data, lang), candidates, repeat=200)
        print(f"newsbot detect_language, 3 KB {lang} body: median {ms:.3f} ms")
    if args.widened:
        widened_comparison(sets, candidates, [code for code in args.widened.split(",") if code])
    if {"uk", "ru"} <= set(candidates):
        # The slow path: a Ukrainian body quoting Russian has letters of both, so the model decides.
        quoted = body_of(args.data, "uk", budget=2800) + " " + body_of(args.data, "ru", budget=272)
        ms = body_timing(quoted, candidates, repeat=200)
        print(f"newsbot detect_language, 3 KB uk body quoting ru: median {ms:.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
