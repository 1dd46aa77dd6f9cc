"""Tell the language of a text, or the language a page declares: deterministic, uk and ru apart."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from newsbot.text.lru import BoundedCache

UNDETERMINED = "und"
DEFAULT_CANDIDATES: tuple[str, ...] = ("uk", "ru", "en")
SHORT_TEXT_CHARS = 300  # titles and teasers: answers for texts this short are cached ...
SHORT_TEXT_CACHE = 8192  # ... this many per detector (a few MB at most)

# Bounds that keep the time per text bounded, whatever its length. Letter evidence is cheap
# (C-level string operations), so it looks at much more than the statistical model does.
LETTER_SAMPLE_CHARS = 20_000
MODEL_SAMPLE_CHARS = 500
# lingua's documentation: its low-accuracy mode (trigrams only) is as good as the high-accuracy
# one on texts longer than about 120 characters, and several times faster.
HIGH_ACCURACY_MAX_CHARS = 120
MIN_LETTERS = 2  # a single letter ("я", "a") says nothing about the language

# Alphabets of the Cyrillic languages the letter cues know: standard orthography, lowercase.
# A letter outside a language's alphabet rules that language out: і ї є ґ are Ukrainian, not
# Russian; ы э ъ ё are Russian, not Ukrainian; ў is Belarusian only; Bulgarian has none of
# ы э ё і but writes ъ as a vowel.
_CYRILLIC_ALPHABETS: dict[str, frozenset[str]] = {
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
    "ru": frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя"),
    "be": frozenset("абвгдеёжзійклмнопрстуўфхцчшыьэюя"),
    "bg": frozenset("абвгдежзийклмнопрстуфхцчшщъьюя"),
}

_ALPHABET_LETTERS = frozenset().union(*_CYRILLIC_ALPHABETS.values())

# Latin letters that look like Cyrillic ones. Inside a Cyrillic word they are typing slips:
# UNN writes "переглядiв" with a Latin "i" (seed 000_8530ec2091bce858).
_HOMOGLYPHS = str.maketrans("aceiopxyk", "асеіорхук")
_MIXED_SCRIPT = re.compile(r"[\u0400-\u04ff][a-z]|[a-z][\u0400-\u04ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
# Letters that are neither basic Latin nor Cyrillic: accented Latin, Greek, Han, Arabic, ...
_OTHER_LETTER = re.compile(r"[^\W\d_a-z\u0400-\u04ff]")
_CYRILLIC_LOWER = (*(chr(code) for code in range(0x430, 0x460)), "ґ")
_LATIN_LOWER = "abcdefghijklmnopqrstuvwxyz"
# Letters are counted on the text encoded to cp1251 (one C pass), where each of these letters is
# one byte no other character encodes to: a byte deletion then counts them all at once, instead
# of one str.count pass per letter. The two lowercase letters cp1251 lacks are counted apart.
_CP1251_MISSING = tuple(c for c in _CYRILLIC_LOWER if c.encode("cp1251", errors="replace") == b"?")
_CYRILLIC_BYTES = bytes(c.encode("cp1251")[0] for c in _CYRILLIC_LOWER if c not in _CP1251_MISSING)
_LATIN_BYTES = _LATIN_LOWER.encode("ascii")
# A word with a Cyrillic letter next to a basic Latin one (the pair inside the word: U+0482-0489
# are not word characters): only these are worth the homoglyph check. \b keeps the scan linear.
_MIXED_WORD = re.compile(r"\b\w*?(?:[\u0400-\u0481\u048a-\u04ff][a-z]|[a-z][\u0400-\u0481\u048a-\u04ff])\w*")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff'’ʼ]+")

# Languages whose word forms a morphological dictionary can check (pymorphy3's OpenCorpora and
# VESUM-based dictionaries, independent of any evaluation data).
_DICTIONARY_LANGUAGES = frozenset({"uk", "ru"})

# Values seen in the wild that are not the ISO 639-1 code of the language they mean.
_CODE_ALIASES = {"ua": "uk"}

# How much each declaration is trusted: the URL edition is the site's own routing; markup
# hints are often template defaults (the real 2020 UNN Russian page says og:locale uk_UA).
_DECLARED_CONFIDENCE = {"url": 1.0, "html-lang": 0.9, "og:locale": 0.8, "json-ld": 0.8}
_HINT_ORDER = (("html", "html-lang"), ("og:locale", "og:locale"), ("json-ld", "json-ld"))


@dataclass(frozen=True, slots=True)
class LangResult:
    """A language decision: ISO 639-1 code or "und", how sure, and what decided it."""

    lang: str
    confidence: float
    method: str
    reason: str | None = None


def undetermined(reason: str, method: str = "none") -> LangResult:
    """Return the "und" result with the reason why no language could be told."""
    return LangResult(UNDETERMINED, 0.0, method, reason)


def detect_language(
    text: str,
    *,
    candidates: Sequence[str] = DEFAULT_CANDIDATES,
    precise_among: tuple[str, ...] | None = None,
) -> LangResult:
    """Return the language of `text` among `candidates` (ISO 639-1 codes).

    Evidence in order: which script the letters are in, letters only some candidates use,
    a morphological dictionary (uk, ru), then lingua's statistical model over a bounded sample.
    `precise_among` (a normalized tuple) limits lingua's high-accuracy models (about 0.4-0.9 s and
    50 MiB per language) to those languages: a short text still open between other candidates is
    read by stop words, then by the low-accuracy models (10 ms and 1-2 MiB per language). For
    candidate sets a crawl meets once per page language (`newsbot.enrich.with_declared`).
    Never raises: bad input gives "und" with a reason.
    """
    if not isinstance(text, str):
        return undetermined(f"not text: {type(text).__name__}")
    key = _normalized(candidates) if isinstance(candidates, tuple) else normalize_candidates(candidates)
    if isinstance(key, str):
        return undetermined(key)
    return get_detector(key, precise_among=precise_among).detect(text)


@functools.lru_cache(maxsize=64)
def _normalized(candidates: tuple[str, ...]) -> tuple[str, ...] | str:
    # A crawl passes the same tuple a dozen times per page: normalize it once.
    return normalize_candidates(candidates)


def normalize_candidates(candidates: Sequence[str] | str) -> tuple[str, ...] | str:
    """Return the candidate codes lowercased, deduplicated and sorted, or a reason they are bad."""
    if isinstance(candidates, str):
        candidates = candidates.split(",")
    codes: set[str] = set()
    for raw in candidates:
        code = str(raw).strip().lower()
        code = _CODE_ALIASES.get(code, code)
        if not code:
            continue
        if _lingua_language(code) is None:
            return f"unknown candidate language: {raw!r}"
        codes.add(code)
    if not codes:
        return "no candidate languages"
    return tuple(sorted(codes))


MAX_DETECTORS = 16  # detectors kept (each with its cache of short texts), least recently used out


def _evicted(detector: LanguageDetector) -> None:
    if detector.precise_among is not None:
        detector.unload_models()


_DETECTORS: BoundedCache[tuple[tuple[str, ...], tuple[str, ...] | None], LanguageDetector] = BoundedCache(
    MAX_DETECTORS, on_evict=_evicted
)


def get_detector(
    candidates: tuple[str, ...], *, precise_among: tuple[str, ...] | None = None
) -> LanguageDetector:
    """Return the detector for a normalized candidate tuple, built once per process.

    At most MAX_DETECTORS are kept; one pushed out unloads its low-accuracy lingua models when it
    was a widened one (`precise_among`), so a crawl meeting ever more page languages keeps at most
    that many languages' models (1-2 MiB each) beside its own.
    """
    return _DETECTORS.get((candidates, precise_among), _new_detector, candidates, precise_among)


def _new_detector(candidates: tuple[str, ...], precise_among: tuple[str, ...] | None) -> LanguageDetector:
    return LanguageDetector(candidates, precise_among=precise_among)


class LanguageDetector:
    """A language detector restricted to a fixed candidate set; build it once, call it often."""

    def __init__(self, candidates: Sequence[str], *, precise_among: tuple[str, ...] | None = None) -> None:
        self.candidates = tuple(candidates)
        # None: every candidate may use lingua's high-accuracy models; else only these languages,
        # through their own detector (whose models a crawl of its own sites builds anyway).
        self.precise_among = (
            None if precise_among is None or set(self.candidates) <= set(precise_among) else precise_among
        )
        languages = {code: _lingua_language(code) for code in self.candidates}
        self._languages: dict[Language, str] = {
            lang: code for code, lang in languages.items() if lang is not None
        }
        cyrillic = set(Language.all_with_cyrillic_script())
        latin = set(Language.all_with_latin_script())
        self._cyrillic = tuple(c for c, lang in languages.items() if lang in cyrillic)
        self._latin = tuple(c for c, lang in languages.items() if lang in latin)
        self._other = tuple(c for c in self.candidates if c not in self._cyrillic + self._latin)
        # lingua's models (about 1 s and 100 MiB for the high-accuracy ones) and the word-form
        # dictionaries are built when a text first needs them: letters decide most texts of a
        # crawl, and `newsbot detect-lang hello` needs neither.
        self._models: dict[bool, Any] = {}
        # Teaser blocks repeat the same titles on page after page of a crawl: remember short texts.
        self._detect_short = functools.lru_cache(maxsize=SHORT_TEXT_CACHE)(self.detect_uncached)

    def detect(self, text: str) -> LangResult:
        """Return the language of `text` among this detector's candidates."""
        if len(text) <= SHORT_TEXT_CHARS:
            return self._detect_short(text)
        return self.detect_uncached(text)

    def detect_uncached(self, text: str) -> LangResult:
        """Return the language of `text`, always working it out (benchmarks measure this)."""
        sample = bounded_sample(text, LETTER_SAMPLE_CHARS).lower()
        n_cyrillic, n_latin, lossless = _count_scripts(sample)
        if n_cyrillic and n_latin and _MIXED_SCRIPT.search(sample):
            sample = _MIXED_WORD.sub(_fix_homoglyphs, sample)
            n_cyrillic, n_latin, lossless = _count_scripts(sample)
        n_other = 0 if lossless else len(_OTHER_LETTER.findall(sample))
        n_letters = n_cyrillic + n_latin + n_other
        if n_letters == 0:
            return undetermined("no letters")
        if n_letters < MIN_LETTERS:
            return undetermined("too short to tell")
        scripts = sorted(
            (
                (n_cyrillic, "cyrillic", self._cyrillic),
                (n_latin, "latin", self._latin),
                (n_other, "other", self._other),
            ),
            key=lambda entry: -entry[0],
        )
        count, script, open_codes = scripts[0]
        if not open_codes:
            return undetermined(f"no candidate language is written in {script} script")
        if len(open_codes) == 1:
            return LangResult(open_codes[0], round(count / n_letters, 3), "letters")
        if script == "cyrillic":
            decided, open_codes = self._letter_cues(sample, open_codes)
            if decided is not None:
                return decided
        sample = bounded_sample(sample, MODEL_SAMPLE_CHARS)
        short = len(sample) <= HIGH_ACCURACY_MAX_CHARS
        if short and _DICTIONARY_LANGUAGES.issuperset(open_codes):
            decided = _dictionary_vote(sample, open_codes)
            if decided is not None:
                return decided
        if short and self.precise_among is not None:
            if set(open_codes) <= set(self.precise_among):
                return get_detector(self.precise_among)._model(sample, open_codes, precise=True)
            # Without high-accuracy models, a short text is read by its function words first.
            decided = _stopword_vote(sample, open_codes)
            if decided is not None:
                return decided
        return self._model(sample, open_codes, precise=short)

    def _letter_cues(self, sample: str, codes: tuple[str, ...]) -> tuple[LangResult | None, tuple[str, ...]]:
        """Rule out languages whose alphabet lacks letters the text uses.

        Return a decision when exactly one language is left, else the languages still open (all
        of them when none is left: mixed text, e.g. a Ukrainian story quoting Russian).
        """
        used = {letter for letter in _ALPHABET_LETTERS if letter in sample}
        foreign = {
            code: used - _CYRILLIC_ALPHABETS[code] if code in _CYRILLIC_ALPHABETS else set() for code in codes
        }
        clean = tuple(code for code in codes if not foreign[code])
        if len(clean) == 1:
            # Confidence grows with how often the ruling-out letters occur: 1 -> 0.75, 3 -> 0.94.
            evidence = min(
                sum(sample.count(letter) for letter in foreign[code]) for code in codes if code != clean[0]
            )
            return LangResult(clean[0], round(1 - 0.5 ** (evidence + 1), 3), "letters"), clean
        return None, clean or codes

    def model(self, *, precise: bool) -> Any:
        """Return lingua's detector (high-accuracy or low-accuracy mode), built on first use.

        None when fewer than two candidates have a model: there is nothing to choose between.
        """
        precise = precise and self.precise_among is None
        if precise not in self._models:
            detector = None
            if len(self._languages) >= 2:
                builder = LanguageDetectorBuilder.from_languages(*self._languages)
                builder = builder.with_preloaded_language_models()
                detector = (builder if precise else builder.with_low_accuracy_mode()).build()
            self._models[precise] = detector
        return self._models[precise]

    def unload_models(self) -> None:
        """Let lingua free the models this detector built (they are built again when needed)."""
        for detector in self._models.values():
            if detector is not None:
                detector.unload_language_models()
        self._models.clear()

    def loaded_models(self) -> list[str]:
        """Name the lingua models built so far ("high-accuracy", "low-accuracy"), for tests."""
        return [
            "high-accuracy" if precise else "low-accuracy"
            for precise, detector in self._models.items()
            if detector is not None
        ]

    def _model(self, sample: str, codes: tuple[str, ...], *, precise: bool) -> LangResult:
        """Let lingua decide among `codes` on a bounded sample."""
        detector = self.model(precise=precise)
        if detector is None:
            return undetermined("no statistical model for these candidates", "model")
        scores = {code: 0.0 for code in codes}
        for value in detector.compute_language_confidence_values(sample):
            code = self._languages.get(value.language)
            if code in scores:
                scores[code] = value.value
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        total = sum(scores.values())
        (best, top), (_, second) = ranked[0], ranked[1]
        if total <= 0 or top == second:
            return undetermined(f"too short to tell between {', '.join(codes)}", "model")
        return LangResult(best, round(top / total, 3), "model")


def bounded_sample(text: str, limit: int) -> str:
    """Return `text`, or for a longer one three slices (start, middle, end) about `limit` long."""
    if len(text) <= limit:
        return text
    third = limit // 3
    middle = (len(text) - third) // 2
    # Cut the inner ends at whitespace so no slice starts or ends with half a word.
    head = _trim_to_words(text[:third], start=False)
    body = _trim_to_words(text[middle : middle + third])
    tail = _trim_to_words(text[-third:], end=False)
    return " ".join((head, body, tail))


def _trim_to_words(part: str, *, start: bool = True, end: bool = True) -> str:
    first = part.find(" ") + 1 if start else 0
    last = part.rfind(" ") if end else len(part)
    return part[first:last] if last > first else part


def _count_scripts(text: str) -> tuple[int, int, bool]:
    """Return (lowercase Cyrillic letters, lowercase Latin letters, encodes to cp1251 losslessly).

    Every character of cp1251 is ASCII, Cyrillic or punctuation: when the text encodes to it
    without loss (the usual case), it has no other letter and no regex scan is needed.
    """
    if text.isascii():
        data = text.encode("ascii")
        return 0, len(data) - len(data.translate(None, _LATIN_BYTES)), True
    data = text.encode("cp1251", errors="replace")
    n_cyrillic = len(data) - len(data.translate(None, _CYRILLIC_BYTES))
    n_cyrillic += sum(map(text.count, _CP1251_MISSING))
    n_latin = len(data) - len(data.translate(None, _LATIN_BYTES))
    return n_cyrillic, n_latin, data.count(b"?") == text.count("?")


def _fix_homoglyphs(match: re.Match[str]) -> str:
    word = match.group(0)
    if _MIXED_SCRIPT.search(word) and len(_CYRILLIC.findall(word)) >= len(_LATIN.findall(word)):
        return word.translate(_HOMOGLYPHS)
    return word


def _dictionary_vote(sample: str, codes: tuple[str, ...]) -> LangResult | None:
    """Return the language whose dictionary knows strictly the most words, if one does."""
    analyzers = {code: _analyzer(code) for code in codes}
    if any(analyzer is None for analyzer in analyzers.values()):
        return None
    words = {w.strip("'’ʼ").replace("’", "'").replace("ʼ", "'") for w in _CYRILLIC_WORD.findall(sample)}
    words.discard("")
    if not words:
        return None
    known = {code: sum(1 for w in words if analyzers[code].word_is_known(w)) for code in codes}
    return _vote(known, 1, "dictionary")


def _vote(counts: dict[str, int], margin: int, method: str) -> LangResult | None:
    """Return the language with the most words, when it leads every other one by `margin`.

    Confidence is its words + 1 over all candidates' words + one per candidate (add-one smoothing).
    """
    ranked = sorted(counts.values(), reverse=True)
    if ranked[0] - ranked[1] < margin:
        return None
    best = max(counts, key=counts.__getitem__)
    return LangResult(best, round((counts[best] + 1) / (sum(counts.values()) + len(counts)), 3), method)


STOPWORD_MARGIN = 2  # stop words the winner must have more than every other candidate
# jusText's names for the languages whose lingua name differs from its own.
_STOPLIST_NAMES = {
    "nb": "Norwegian_Bokmal",
    "nn": "Norwegian_Nynorsk",
    "sl": "Slovenian",
    "pa": "Western_Panjabi",
}
_STOPWORD_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _stopword_vote(sample: str, codes: tuple[str, ...]) -> LangResult | None:
    """Return the language whose stop-word list holds clearly the most words of `sample`.

    "Black Friday per nostalgici: le occasioni da non perdere": Italian's list holds per, le,
    da, non; English's only per. None unless the winner leads every other candidate by
    STOPWORD_MARGIN words, or when a candidate has no list (the vote would be biased against it).
    """
    lists: list[frozenset[str]] = []
    for code in codes:
        words = _stoplist(code)
        if words is None:
            return None
        lists.append(words)
    tokens = _STOPWORD_TOKEN.findall(sample)
    hits = {code: sum(1 for t in tokens if t in words) for code, words in zip(codes, lists, strict=True)}
    return _vote(hits, STOPWORD_MARGIN, "stopwords")


@functools.lru_cache(maxsize=32)
def _stoplist(code: str) -> frozenset[str] | None:
    """Return jusText's stop-word list for `code` (frequent words of its Wikipedia), or None."""
    try:
        import justext
    except ImportError:
        return None
    language = _lingua_language(code)
    name = _STOPLIST_NAMES.get(code) or (language.name.title() if language is not None else "")
    try:
        return frozenset(word.lower() for word in justext.get_stoplist(name))
    except (ValueError, OSError, LookupError):
        return None


@functools.lru_cache(maxsize=8)
def _analyzer(code: str) -> Any:
    """Return pymorphy3's analyzer for `code`, or None when it or its dictionary is missing."""
    try:
        import pymorphy3
    except ImportError:
        return None
    try:
        return _Lexicon(pymorphy3.MorphAnalyzer(lang=code))
    except (ValueError, OSError, LookupError):
        return None


class _Lexicon:
    """pymorphy3's `word_is_known` (lenient: "елка" for "ёлка"), with the exact lookup first.

    The lenient lookup walks the word graph once per letter it may substitute (ru е -> ё, uk
    г -> ґ) in pure Python; a word found as written, or holding no such letter, needs only the
    plain lookup. The answer is the same: a word known as written is known leniently too.
    """

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer
        dictionary = getattr(analyzer, "dictionary", None)
        self._words = getattr(dictionary, "words", None)
        substitutes = getattr(analyzer, "char_substitutes", None) or {}
        self._substituted = frozenset(key.decode("utf-8") for key in substitutes)

    def word_is_known(self, word: str) -> bool:
        """Return True when the dictionary knows `word`, letters it substitutes allowed."""
        if self._words is None:
            return bool(self.analyzer.word_is_known(word))
        word = word.lower()
        if word in self._words:
            return True
        return any(ch in word for ch in self._substituted) and bool(self.analyzer.word_is_known(word))


@functools.lru_cache(maxsize=256)
def _lingua_language(code: str) -> Language | None:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except (ValueError, KeyError):
        return None


def declared_language(*, edition: str | None, hints: Mapping[str, str]) -> LangResult:
    """Return the language a page declares: URL edition, <html lang>, og:locale, JSON-LD.

    The first usable declaration wins; unusable ones are named in the reason of an "und" result.
    """
    problems: list[str] = []
    evidence = [(edition, "url")]
    if isinstance(hints, Mapping):
        evidence += [(hints.get(key), method) for key, method in _HINT_ORDER]
    for value, method in evidence:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        code = language_code(value)
        if code is None:
            problems.append(f"{method} {value!r} is not a language")
            continue
        return LangResult(code, _DECLARED_CONFIDENCE[method], method)
    return undetermined("; ".join(problems) or "no declared language")


def language_code(value: object) -> str | None:
    """Return the ISO 639-1 code in a tag like "ru", "ru-RU", "uk_UA" or a name like "Russian"."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    primary = re.split(r"[-_]", text, maxsplit=1)[0]
    primary = _CODE_ALIASES.get(primary, primary)
    if re.fullmatch(r"[a-z]{2}", primary) and _lingua_language(primary) is not None:
        return primary
    try:
        return Language.from_str(text).iso_code_639_1.name.lower()
    except (ValueError, KeyError):
        return None
