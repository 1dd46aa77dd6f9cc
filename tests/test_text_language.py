"""Tests for newsbot.text.language: detection, declared language, bad input, determinism."""

from __future__ import annotations

import json
import subprocess
import sys

import parsel
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbot.text.language import (
    LangResult,
    bounded_sample,
    declared_language,
    detect_language,
    language_code,
)
from tests.support.paths import REPO, UNN_RU_2020

UK_LONG = (
    "Уряд ухвалив рішення про виділення додаткових коштів на відновлення зруйнованих "
    "шкіл і лікарень. Міністр повідомив, що роботи розпочнуться навесні, а перші об'єкти "
    "запрацюють уже восени. Місцеві громади отримають гроші напряму, без посередників."
)
RU_LONG = (
    "Правительство приняло решение о выделении дополнительных средств на восстановление "
    "разрушенных школ и больниц. Министр сообщил, что работы начнутся весной, а первые "
    "объекты заработают уже осенью. Местные общины получат деньги напрямую, без посредников."
)
EN_LONG = (
    "The government decided to allocate additional funds to rebuild destroyed schools and "
    "hospitals. The minister said the work would begin in spring and the first buildings "
    "would reopen in autumn. Local communities will receive the money directly."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Зеленський зустрівся з прем'єр-міністром Польщі", "uk", id="uk-title"),
        pytest.param("Сьогодні в Києві буде сонячно", "uk", id="uk-short"),
        pytest.param("Війна", "uk", id="uk-word-with-і"),
        pytest.param(UK_LONG, "uk", id="uk-long"),
        pytest.param("Зеленский встретился с премьер-министром Польши", "ru", id="ru-title"),
        pytest.param("Сегодня в Киеве будет солнечно", "ru", id="ru-short"),
        pytest.param("Объявление", "ru", id="ru-word-with-ъ"),
        pytest.param(RU_LONG, "ru", id="ru-long"),
        pytest.param("Zelensky meets Polish prime minister", "en", id="en-title"),
        pytest.param("Sunny weather", "en", id="en-short"),
        pytest.param(EN_LONG, "en", id="en-long"),
        # No letter only one of the two languages uses: the word forms tell them apart.
        pytest.param("Я сам к тебе зайду.", "ru", id="ru-no-exclusive-letters"),
        pytest.param("Це не просто так!", "uk", id="uk-no-exclusive-letters"),
    ],
)
def test_detects_language_of_short_and_long_texts(text: str, expected: str) -> None:
    assert detect_language(text).lang == expected


@pytest.mark.parametrize(
    "title",
    [
        # The seed's two cross-link titles inside an English-edition body (000_8530ec2091bce858).
        "Байден говорив телефон із Сі: висловив занепокоєння з приводу підтримки Китаєм росії "
        'та "несправедливої" торговельної політики КНР',
        "Кілька найбільших банків КНР перестали приймати платежі з рф",
        # As it appears with the date glued on, before the split stage cleans it.
        "Кілька найбільших банків КНР перестали приймати платежі з рф21.02.24, 10:16",
    ],
)
def test_seed_cross_link_titles_are_ukrainian(title: str) -> None:
    assert detect_language(title).lang == "uk"


def test_ukrainian_only_letter_decides_by_letters() -> None:
    result = detect_language("Київ і область")
    assert (result.lang, result.method) == ("uk", "letters")
    assert 0.5 < result.confidence <= 1.0


def test_russian_only_letter_decides_by_letters() -> None:
    result = detect_language("Мы были в Москве")
    assert (result.lang, result.method) == ("ru", "letters")


def test_english_decides_by_script() -> None:
    result = detect_language("Sunny weather")
    assert (result.lang, result.method, result.confidence) == ("en", "letters", 1.0)


def test_latin_i_inside_a_ukrainian_word_counts_as_cyrillic() -> None:
    # UNN writes "переглядiв" with a Latin "i" (seed 000_8530ec2091bce858).
    assert detect_language("23713 переглядiв").lang == "uk"


def test_ukrainian_body_quoting_russian_is_ukrainian() -> None:
    text = UK_LONG + " Він сказав: «Мы этого не допустим»."
    assert detect_language(text).lang == "uk"


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("", "no letters"),
        ("   \n\t", "no letters"),
        ("1234567890", "no letters"),
        ("02.04.24, 19:59", "no letters"),
        ("🙂🙂🔥👍", "no letters"),
        ("!!! ??? ...", "no letters"),
        ("я", "too short"),
        ("Καλημέρα κόσμε", "script"),  # no candidate writes Greek: no guess
    ],
)
def test_undetermined_with_reason(text: str, reason_part: str) -> None:
    result = detect_language(text)
    assert result.lang == "und"
    assert result.confidence == 0.0
    assert result.reason is not None
    assert reason_part in result.reason


def test_candidates_decide_what_can_be_answered() -> None:
    # Only one Cyrillic candidate: any Cyrillic text is that language.
    assert detect_language("Сьогодні в Києві", candidates=("ru", "en")).lang == "ru"
    # Widened set: Belarusian writes ў, which neither Ukrainian nor Russian does.
    widened = ("uk", "ru", "en", "be", "bg")
    assert detect_language("Беларусь і ўсе яе гарады", candidates=widened).lang == "be"
    bulgarian = "Гърция и България подписаха споразумение за сътрудничество"
    assert detect_language(bulgarian, candidates=widened).lang == "bg"


def test_bad_candidates_give_und_not_an_exception() -> None:
    assert detect_language("hello there", candidates=("xx", "en")).lang == "und"
    assert detect_language("hello there", candidates=()).lang == "und"


def test_not_a_string_gives_und() -> None:
    assert detect_language(None).lang == "und"  # type: ignore[arg-type]
    assert detect_language(b"bytes").lang == "und"  # type: ignore[arg-type]


def test_one_megabyte_of_text_answers() -> None:
    text = (UK_LONG + " ") * (1_000_000 // len(UK_LONG))
    assert len(text) >= 900_000
    assert detect_language(text).lang == "uk"


def test_bounded_sample_keeps_start_middle_and_end() -> None:
    text = " ".join(f"w{i}" for i in range(10_000))
    sample = bounded_sample(text, 300)
    assert len(sample) <= 300
    assert sample.startswith("w0 ")
    assert sample.endswith("w9999")
    assert " w5" in sample


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_and_answers_a_candidate_or_und(text: str) -> None:
    result = detect_language(text)
    assert isinstance(result, LangResult)
    assert result.lang in {"uk", "ru", "en", "und"}
    assert 0.0 <= result.confidence <= 1.0
    assert (result.lang == "und") == (result.reason is not None)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="іїєґыэъёабвгдabcxyz🙂 .,'’0123", max_size=200))
def test_never_raises_on_mixed_script_junk(text: str) -> None:
    assert detect_language(text).lang in {"uk", "ru", "en", "und"}


def test_same_answers_in_two_processes() -> None:
    texts = ["Це не просто так!", "Я сам к тебе зайду.", "перенести", "вода", UK_LONG, "ok"]
    script = (
        "import json, sys\n"
        "from newsbot.text.language import detect_language\n"
        "texts = json.loads(sys.stdin.read())\n"
        "results = [detect_language(t) for t in texts]\n"
        "print(json.dumps([[r.lang, r.confidence, r.method] for r in results]))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert [row[0] for row in json.loads(runs[0])][:2] == ["uk", "ru"]


# --- declared language ---------------------------------------------------------------------


def test_url_edition_comes_first() -> None:
    result = declared_language(edition="ru", hints={"html": "ru", "og:locale": "uk_UA"})
    assert (result.lang, result.method, result.confidence) == ("ru", "url", 1.0)


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        ({"html": "uk-UA", "og:locale": "en_US"}, ("uk", "html-lang")),
        ({"og:locale": "en_US", "json-ld": "ru"}, ("en", "og:locale")),
        ({"json-ld": "ru-RU"}, ("ru", "json-ld")),
        ({"json-ld": "Russian"}, ("ru", "json-ld")),
        ({"html": "ua"}, ("uk", "html-lang")),  # the country code used for the language
        ({"html": "", "og:locale": "uk_UA"}, ("uk", "og:locale")),
    ],
)
def test_hints_in_order(hints: dict[str, str], expected: tuple[str, str]) -> None:
    result = declared_language(edition=None, hints=hints)
    assert (result.lang, result.method) == expected


def test_unusable_declarations_give_und_with_reason() -> None:
    result = declared_language(edition="", hints={"html": "zz-junk", "og:locale": "12"})
    assert result.lang == "und"
    assert result.reason is not None and "zz-junk" in result.reason
    assert declared_language(edition=None, hints={}).reason == "no declared language"


def test_language_code_parses_tags() -> None:
    assert language_code("ru-RU") == "ru"
    assert language_code("uk_UA") == "uk"
    assert language_code("EN") == "en"
    assert language_code(None) is None
    assert language_code("") is None


@pytest.mark.skipif(not UNN_RU_2020.exists(), reason=f"third-party page absent: {UNN_RU_2020}")
def test_real_unn_russian_page() -> None:
    # The page says <html lang="ru"> but og:locale "uk_UA": html-lang must win over og:locale.
    page = parsel.Selector(UNN_RU_2020.read_text(encoding="utf-8", errors="replace"))
    hints = {
        "html": page.xpath("/html/@lang").get(""),
        "og:locale": page.css('meta[property="og:locale"]::attr(content)').get(""),
    }
    assert hints["og:locale"] == "uk_UA"
    assert declared_language(edition=None, hints=hints).lang == "ru"
    body = "\n".join(page.css("div.b-news-text p ::text").getall())
    assert len(body) > 200
    assert detect_language(body).lang == "ru"


def test_short_texts_are_answered_from_the_cache_with_the_same_result() -> None:
    from newsbot.text.language import get_detector

    detector = get_detector(("en", "ru", "uk"))
    title = "Кілька найбільших банків КНР перестали приймати платежі з рф (cache test)"
    first = detector.detect(title)
    hits = detector._detect_short.cache_info().hits
    assert detector.detect(title) == first == detector.detect_uncached(title)
    assert detector._detect_short.cache_info().hits == hits + 1
    assert first.lang == "uk"


def test_models_are_built_only_when_a_text_needs_them() -> None:
    from newsbot.text.language import LanguageDetector

    detector = LanguageDetector(("en", "ru", "uk"))  # a fresh one: get_detector's may be warm
    assert detector.loaded_models() == []
    assert detector.detect_uncached("hello there").lang == "en"  # Latin letters: only en is Latin
    assert detector.detect_uncached("Кількість пасажирів зросла").lang == "uk"  # ї, і: not Russian
    assert detector.loaded_models() == []
    # Cyrillic letters every candidate alphabet shares, too long for the dictionaries: lingua decides.
    shared = "Президент сказал, что она проведет встречу на следующей неделе в столице. " * 3
    assert detector.detect_uncached(shared).method == "model"
    assert detector.loaded_models() == ["low-accuracy"]


def test_the_dictionary_lookup_answers_as_pymorphy3s_lenient_one() -> None:
    from newsbot.text.language import _analyzer

    words = {
        "ru": ("елка", "ёлка", "президент", "киев", "київ", "qwerty"),
        "uk": ("гудзик", "ґудзик", "київ", "ёлка", "президент", "qwerty"),
    }
    for code, sample in words.items():
        lexicon = _analyzer(code)
        if lexicon is None:
            pytest.skip(f"pymorphy3 or its {code} dictionary is not installed")
        for word in sample:
            assert lexicon.word_is_known(word) == lexicon.analyzer.word_is_known(word), (code, word)
    # Known only through the substitution the lenient lookup allows (ёлка written with е).
    assert _analyzer("ru").word_is_known("елка")
    assert not _analyzer("ru").analyzer.word_is_known("елка", strict=True)


def test_pymorphy3_reads_its_word_graphs_with_the_cpp_reader() -> None:
    import pymorphy3.dawg

    # pymorphy3[fast] (pyproject.toml): DAWG2's C++ reader, not dawg_python's pure-Python one.
    assert pymorphy3.dawg.DAWG.__module__ == "dawg"
