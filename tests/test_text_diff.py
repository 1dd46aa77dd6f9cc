"""Tests for newsbot.text.diff: the word-level diff `archive history` prints."""

from __future__ import annotations

from newsbot.text.diff import PARAGRAPH, Chunk, field_text, fold_context, render_plain, word_diff, words


def test_a_changed_word_is_one_removal_and_one_addition_among_kept_words():
    chunks = word_diff("Лавров зустрівся з Ван Ї у Пекіні", "Лавров і Ван Ї у Пекіні")
    assert chunks == [
        Chunk("=", ("Лавров",)),
        Chunk("-", ("зустрівся", "з")),
        Chunk("+", ("і",)),
        Chunk("=", ("Ван", "Ї", "у", "Пекіні")),
    ]
    assert render_plain(chunks) == "Лавров [-зустрівся з-] {+і+} Ван Ї у Пекіні"


def test_paragraph_breaks_are_words_so_a_new_paragraph_shows():
    assert words("One two.\n\nThree.") == ["One", "two.", PARAGRAPH, "Three."]
    plain = render_plain(word_diff("One two.", "One two.\n\nThree."))
    assert plain == "One two. {+¶ Three.+}"


def test_long_unchanged_stretches_fold_to_a_count_with_context_kept():
    before = " ".join(f"w{i}" for i in range(100))
    after = before.replace("w50", "CHANGED")
    folded = fold_context(word_diff(before, after), context=3)
    assert render_plain(folded) == "…(47 words)… w47 w48 w49 [-w50-] {+CHANGED+} w51 w52 w53 …(46 words)…"


def test_field_values_that_are_lists_compare_as_comma_separated_text():
    assert field_text(["Ann", "Bob"]) == "Ann, Bob"
    assert field_text(None) == ""
    assert render_plain(word_diff(field_text(["Ann"]), field_text(["Ann", "Bob"]))) == "[-Ann-] {+Ann, Bob+}"
