"""Tests for archive.lookup: the URL forms an analyst may paste for one archived page."""

from __future__ import annotations

import pytest

from archive.lookup import lookup_keys, normalise_url

CANONICAL = "https://unn.ua/en/news/lavrov-met-wang-yi"


@pytest.mark.parametrize(
    "pasted",
    [
        CANONICAL,
        CANONICAL + "/",
        "http://unn.ua/en/news/lavrov-met-wang-yi",
        "HTTPS://UNN.ua/en/news/lavrov-met-wang-yi#comments",
        CANONICAL + "?utm_source=telegram&utm_medium=social",
        CANONICAL + "/?fbclid=IwAR0abc",
        CANONICAL + "?gclid=xyz",
        "https://unn.ua/en/amp/news/lavrov-met-wang-yi",  # UNN's AMP pages: /amp/ after the edition
        "https://unn.ua/amp/en/news/lavrov-met-wang-yi/",
        "unn.ua/en/news/lavrov-met-wang-yi",  # as copied from an address bar
    ],
)
def test_the_forms_a_page_is_shared_under_normalise_to_its_canonical_url(pasted):
    assert normalise_url(pasted) == CANONICAL
    assert CANONICAL in lookup_keys(pasted)


def test_parameters_that_select_content_are_kept():
    assert normalise_url("https://unn.ua/search?q=Київ&utm_campaign=x&page=2") == (
        "https://unn.ua/search?q=Київ&page=2"
    )


def test_lookup_keys_try_the_literal_url_first_then_slash_and_http_variants():
    keys = lookup_keys("https://www.unn.ua/news/x/?utm_source=a")
    assert keys[0] == "https://www.unn.ua/news/x/?utm_source=a"
    assert {"https://unn.ua/news/x", "https://unn.ua/news/x/", "http://unn.ua/news/x"} <= set(keys)
    assert len(keys) == len(set(keys))


def test_an_amp_word_inside_a_slug_is_not_an_amp_segment():
    assert normalise_url("https://unn.ua/news/amp-factory-fire") == "https://unn.ua/news/amp-factory-fire"
