"""Tests for archive/datasette.yml: Datasette serves the archive, its search and canned queries."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.factories import BIDEN, EN, RU, UK, build_archive

datasette_app = pytest.importorskip(
    "datasette.app", reason="Datasette is an optional extra (pip install -e '.[datasette]')"
)
yaml = pytest.importorskip("yaml", reason="Datasette reads YAML metadata with PyYAML")

METADATA = Path(__file__).resolve().parents[1] / "archive" / "datasette.yml"
PLUGINS = METADATA.parent / "datasette_plugins"  # --plugins-dir, as the README's command gives it


@pytest.fixture(scope="module")
def get(tmp_path_factory):
    """Return a function that GETs a path from Datasette serving a scenario archive as JSON."""
    path = tmp_path_factory.mktemp("datasette") / "archive.db"
    build_archive(path)
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    ds = datasette_app.Datasette([str(path)], metadata=metadata, plugins_dir=str(PLUGINS))

    def fetch(url: str, *, as_text: bool = False, status: int = 200):
        async def go():
            await ds.invoke_startup()
            return await ds.client.get(url)

        response = asyncio.run(go())
        assert response.status_code == status, response.text
        return response.text if as_text else response.json()

    return fetch


def canned(get, name: str, **params: str) -> list[dict]:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return get(f"/archive/{name}.json?_shape=array&{query}")


def test_every_canned_query_in_the_metadata_is_tested():
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    assert set(metadata["databases"]["archive"]["queries"]) == {
        "top_stories_by_views",
        "view_growth",
        "cross_link_graph",
        "language_mismatches",
        "quarantine",
    }


def test_tables_carry_their_descriptions(get):
    tables = {t["name"]: t for t in get("/archive.json")["tables"]}
    assert "articles" in tables and "view_observations" in tables
    meta = get("/-/metadata.json")["databases"]["archive"]["tables"]["articles"]
    assert meta["columns"]["url"] == "Canonical URL, the key of every write"
    page = get("/archive/view_observations", as_text=True)
    assert "View counts over time" in page


def test_full_text_search_on_articles_with_a_cyrillic_prefix(get):
    rows = get("/archive/articles.json?_search=україн*&_shape=array")
    assert [row["url"] for row in rows] == [UK]


def test_top_stories_by_views(get):
    rows = canned(get, "top_stories_by_views", lang="")
    assert [(r["url"], r["views"]) for r in rows] == [(BIDEN, 900), (UK, 250), (EN, 40)]
    assert [r["url"] for r in canned(get, "top_stories_by_views", lang="en")] == [EN]


def test_articles_list_is_a_short_row_per_article_with_the_title_early(get):
    rows = get("/archive/articles_list.json?_shape=array")
    assert list(rows[0]) == [
        "id",
        "published_utc",
        "edition",
        "lang",
        "title",
        "views",
        "url",
        "lead",
        "version",
        "last_seen",
    ]
    assert {row["url"] for row in rows} == {UK, EN, RU, BIDEN}
    assert [row["url"] for row in get("/archive/articles_list.json?_search=пекін*&_shape=array")] == [UK]
    page = get("/archive/articles_list", as_text=True)
    assert "Start at articles_list" in get("/archive", as_text=True)
    assert "One short row per article" in page


@pytest.mark.parametrize("search", ['"unbalanced', "Лавров AND", "(Пекін"])
def test_a_malformed_search_is_explained_with_the_syntax_and_a_plain_words_link(get, search):
    from urllib.parse import quote

    error = get(f"/archive/articles_list.json?_search={quote(search)}", status=400)
    assert error["title"] == "Search syntax error"
    assert error["error"].startswith(f"Cannot search for {search!r} (SQLite: ")
    assert "a trailing * matches a prefix" in error["error"]
    words = error["search_as_plain_words"]
    assert get(f"/archive/articles_list.json?_search={quote(words)}&_shape=array") is not None  # it runs
    page = get(f"/archive/articles?_search={quote(search)}", as_text=True, status=400)
    assert "Search syntax error" in page
    assert "Search for the same words as plain text" in page
    assert "Invalid SQL" not in page


def test_the_plain_words_suggestion_finds_what_the_words_meant(get):
    error = get("/archive/articles.json?_search=%22Лавров*%20AND", status=400)
    assert error["search_as_plain_words"] == '"Лавров" *'
    found = get("/archive/articles.json?_search=%22Лавров%22%20*&_shape=array")
    assert {row["url"] for row in found} == {UK, RU}  # Лавров* in the Ukrainian and Russian titles


def test_view_growth_of_every_article_counted_more_than_once(get):
    rows = canned(get, "view_growth", url="")
    assert [(r["url"], r["views"], r["growth"]) for r in rows] == [
        (UK, 100, None),
        (UK, 180, 80),
        (UK, 250, 70),
    ]


def test_view_growth(get):
    rows = canned(get, "view_growth", url=UK)
    # 100 at 14:00, 180 (a teaser on the English page) at 18:00, 250 the next day at 09:00
    assert [(r["views"], r["growth"], r["per_hour"]) for r in rows] == [
        (100, None, None),
        (180, 80, 20.0),
        (250, 70, round(70 / 15, 1)),
    ]


def test_cross_link_graph(get):
    rows = canned(get, "cross_link_graph", kind="")
    assert [(r["from_url"], r["kind"], r["to_url"], r["to_lang"], r["to_archived"]) for r in rows] == [
        (EN, "inline", BIDEN, "uk", 1),
        (EN, "news-by-theme", UK, "uk", 1),
    ]
    assert len(canned(get, "cross_link_graph", kind="inline")) == 1


def test_language_mismatches(get):
    rows = canned(get, "language_mismatches")
    found = [(r["kind"], r["url"], r["edition"], r["lang_detected"]) for r in rows]
    assert found == [("article", RU, "ru", "uk")]


def test_quarantine(get):
    rows = canned(get, "quarantine")
    assert [(r["reason"], r["pages"]) for r in rows] == [("no title", 2), ("empty body", 1)]
    assert rows[0]["latest_url"] in {"https://unn.ua/news/a", "https://unn.ua/news/b"}
