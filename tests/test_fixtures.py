"""Every field of every site's fixtures against their hand-written expected.json, one test per field.

Sites: UNN (fixtures/unn/) and every test-only site (tests/sites/NAME.toml + tests/sites/NAME/).
An article fixture is extracted by the site's page objects and run through the same stages the
pipelines run (split, timestamps, language, in the site's zone); a quarantine fixture must be
refused with its reason; feed, sitemap and listing fixtures must give their links.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from newsbot.enrich import enrich_article
from newsbot.items import Article, QuarantinedPage, to_jsonable
from newsbot.pages import page_module, parse_page
from newsbot.pages.feeds import parse_feed, parse_selector_listing, parse_sitemap
from newsbot.replay import Fixture, load_fixture, load_fixtures
from newsbot.sites import Site, load_sites, read_site_file
from tests.support.paths import FIXTURES, REPO

TEST_SITES = REPO / "tests" / "sites"
# (site, its fixture folder): every shipped site with a folder fixtures/NAME/, then every test-only site.
SITES: list[tuple[Site, Path]] = [
    (site, FIXTURES.parent / name)
    for name, site in sorted(load_sites().items())
    if (FIXTURES.parent / name).is_dir()
] + [(read_site_file(toml), toml.with_suffix("")) for toml in sorted(TEST_SITES.glob("*.toml"))]
SITE_OF: dict[Path, Site] = {}
for _site, _folder in SITES:
    for _fixture in load_fixtures(_folder):
        SITE_OF[_fixture.path] = _site


def fixtures_of_kind(*kinds: str, site: str | None = None) -> list[Fixture]:
    """Return every site's fixtures (or one site's) whose expected.json has one of the given kinds."""
    return [
        f
        for s, folder in SITES
        if site is None or s.name == site
        for f in load_fixtures(folder)
        if (f.expected() or {}).get("kind") in kinds
    ]


def _id(fixture: Fixture) -> str:
    return f"{SITE_OF[fixture.path].name}/{fixture.name}"


ARTICLES = fixtures_of_kind("article")
QUARANTINED = fixtures_of_kind("quarantine")
NOT_FIELDS = {"kind", "reviewed", "problems_keys"}


def _parse(fixture: Fixture) -> Article | QuarantinedPage:
    site = SITE_OF[fixture.path]
    return parse_page(
        fixture.body(), fixture.url, fetched_at=fixture.fetched_at, headers=fixture.headers, site=site
    )


def extracted(fixture: Fixture) -> dict[str, Any]:
    return _extracted(fixture.path)


@cache
def _extracted(path: Path) -> dict[str, Any]:
    fixture = load_fixture(path)
    article = _parse(fixture)
    assert isinstance(article, Article), f"{fixture.name} was quarantined: {getattr(article, 'reason', '')}"
    site = SITE_OF[path]
    return to_jsonable(enrich_article(article, {"NEWSBOT_TIMEZONES": {site.name: site.zone}}))


def _field_cases() -> list[Any]:
    return [
        pytest.param(f, key, id=f"{_id(f)}-{key}")
        for f in ARTICLES
        for key in f.expected()
        if key not in NOT_FIELDS
    ]


def _project(got: Any, expected: Any) -> Any:
    """Keep, in lists of objects, only the keys the expected objects name."""
    if isinstance(expected, list) and isinstance(got, list) and all(isinstance(e, dict) for e in expected):
        return [
            {k: item.get(k) for k in expected[i]} if i < len(expected) else item for i, item in enumerate(got)
        ]
    return got


def test_every_site_has_article_fixtures() -> None:
    assert {site.name for site, _ in SITES} <= {SITE_OF[f.path].name for f in ARTICLES}
    assert "unn" in {site.name for site, _ in SITES}
    assert "examplenews" in {site.name for site, _ in SITES}  # the test-only site is found


def test_there_are_unn_fixtures_of_every_layout_and_edition() -> None:
    unn = fixtures_of_kind("article", site="unn")
    seen = {(f.expected()["edition"], f.expected()["layout"]) for f in unn}
    assert {layout for _, layout in seen} == {"next", "y2024", "legacy", "amp"}
    assert {edition for edition, _ in seen} == {"uk", "en", "ru"}
    assert len(unn) >= 15


@pytest.mark.parametrize(("fixture", "key"), _field_cases())
def test_field(fixture: Fixture, key: str) -> None:
    expected = fixture.expected()
    assert expected.get("reviewed", True), f"{fixture.name}/expected.json is an unreviewed draft"
    assert _project(extracted(fixture).get(key), expected[key]) == expected[key]


@pytest.mark.parametrize("fixture", [f for f in ARTICLES if "problems_keys" in f.expected()], ids=_id)
def test_recorded_problems(fixture: Fixture) -> None:
    assert set(fixture.expected()["problems_keys"]) <= set(extracted(fixture)["problems"])


@pytest.mark.parametrize("fixture", QUARANTINED, ids=_id)
def test_quarantined_with_reason(fixture: Fixture) -> None:
    page = _parse(fixture)
    assert isinstance(page, QuarantinedPage)
    assert page.reason.startswith(fixture.expected()["reason_prefix"])
    assert page.page.body == fixture.body()


# --- rules that hold for every article ---------------------------------------------------------


@pytest.mark.parametrize("fixture", ARTICLES, ids=_id)
def test_no_cross_link_or_teaser_text_left_in_paragraphs(fixture: Fixture) -> None:
    article = extracted(fixture)
    titles = [x["title"] for x in article["cross_links"] + article["related"]]
    for paragraph in article["paragraphs"]:
        assert not [t for t in titles if t in paragraph], paragraph


@pytest.mark.parametrize("fixture", ARTICLES, ids=_id)
def test_no_timestamp_is_after_the_fetch(fixture: Fixture) -> None:
    article = extracted(fixture)
    latest = fixture.fetched_at + timedelta(minutes=1)
    stamps = [article["published_utc"], article["modified_utc"]]
    stamps += [x["published_utc"] for x in article["cross_links"] + article["related"]]
    for stamp in filter(None, stamps):
        assert datetime.fromisoformat(stamp.replace("Z", "+00:00")) <= latest, stamp


# --- discovery documents ------------------------------------------------------------------------


def _links(found: Any, expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = set().union(*expected) if expected else {"url"}
    fields = ("url", "title", "published_raw", "modified_raw")
    return [{k: getattr(x, k) for k in fields if k in keys} for x in found.links()]


@pytest.mark.parametrize("fixture", fixtures_of_kind("feed", "sitemap"), ids=_id)
def test_feed_and_sitemap_links(fixture: Fixture) -> None:
    expected = fixture.expected()
    if expected["kind"] == "feed":
        assert _links(parse_feed(fixture.body(), fixture.url), expected["links"]) == expected["links"]
        return
    sitemap = parse_sitemap(fixture.body(), fixture.url)
    assert _links(sitemap, expected["links"]) == expected["links"]
    assert list(sitemap.sitemaps) == expected["sitemaps"]


@pytest.mark.parametrize("fixture", fixtures_of_kind("listing"), ids=_id)
def test_listing_links(fixture: Fixture) -> None:
    site = SITE_OF[fixture.path]
    spec = next(
        (x for e in site.editions.values() for x in e.listings if fixture.url.startswith(x.url)), None
    )
    module = page_module(site)
    if (spec is None or spec.links is None) and hasattr(module, "parse_listing"):
        listing = module.parse_listing(fixture.body(), fixture.url, fixture.headers)
    else:
        assert spec is not None
        listing = parse_selector_listing(
            fixture.body(), fixture.url, fixture.headers, links=spec.links, next_page=spec.next_page
        )
    expected = fixture.expected()
    assert _links(listing, expected["links"]) == expected["links"]
    assert listing.next_page() == expected["next_page"]
