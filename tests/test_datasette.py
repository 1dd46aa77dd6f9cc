"""Tests for archive/datasette.yml: Datasette serves the archive, its search and canned queries."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from archive_factories import BIDEN, EN, RU, UK, build_archive

datasette_app = pytest.importorskip(
    "datasette.app", reason="Datasette is an optional extra (pip install -e '.[datasette]')"
)
yaml = pytest.importorskip("yaml", reason="Datasette reads YAML metadata with PyYAML")

METADATA = Path(__file__).resolve().parents[1] / "archive" / "datasette.yml"


@pytest.fixture(scope="module")
def get(tmp_path_factory):
    """Return a function that GETs a path from Datasette serving a scenario archive as JSON."""
    path = tmp_path_factory.mktemp("datasette") / "archive.db"
    build_archive(path)
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    ds = datasette_app.Datasette([str(path)], metadata=metadata)

    def fetch(url: str, *, as_text: bool = False):
        async def go():
            await ds.invoke_startup()
            return await ds.client.get(url)

        response = asyncio.run(go())
        assert response.status_code == 200, response.text
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
    assert [(r["from_url"], r["kind"], r["to_url"], r["to_lang"]) for r in rows] == [
        (EN, "inline", BIDEN, "uk"),
        (EN, "news-by-theme", UK, "uk"),
    ]
    assert len(canned(get, "cross_link_graph", kind="inline")) == 1


def test_language_mismatches(get):
    rows = canned(get, "language_mismatches")
    assert [(r["url"], r["edition"], r["lang_detected"]) for r in rows] == [(RU, "ru", "uk")]


def test_quarantine(get):
    rows = canned(get, "quarantine")
    assert [(r["reason"], r["pages"]) for r in rows] == [("no title", 2), ("empty body", 1)]
    assert rows[0]["latest_url"] in {"https://unn.ua/news/a", "https://unn.ua/news/b"}
