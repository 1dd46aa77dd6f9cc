"""Site records: reading site files, the errors a bad one gives, and finding the site of a URL."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from newsbot.pages import page_module
from newsbot.sites import GENERIC_PAGE_MODULE, SiteError, get_site, load_sites, read_site_file, site_for_url
from tests.support.paths import REPO

SHIPPED = sorted(p.name for p in resources.files("newsbot.sites").iterdir() if p.name.endswith(".toml"))
TEST_SITES = sorted((REPO / "tests" / "sites").glob("*.toml"))

GOOD = """
name = "demo"
domains = ["demo.example", "www.DEMO-old.example"]
zone = "Europe/Warsaw"
article_pattern = '^/\\d+/'

[editions.pl]
language = "pl"
prefixes = [""]
feeds = ["https://demo.example/rss"]
listings = [
  "https://demo.example/latest",
  { url = "https://demo.example/world", links = "xpath://h2/a", next = "a.next" },
]

[editions.en]
language = "en"
prefixes = ["/en"]
sitemaps = ["https://demo.example/en/sitemap.xml"]

[selectors]
body = "css:div.text"
"""


def write(tmp_path: Path, text: str, name: str = "demo") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_site_file_gives_every_field(tmp_path: Path) -> None:
    site = read_site_file(write(tmp_path, GOOD))
    assert site.name == "demo"
    assert site.domains == ("demo.example", "demo-old.example")  # lowercased, www. dropped
    assert site.zone == "Europe/Warsaw"
    assert site.page_module == GENERIC_PAGE_MODULE  # no `page`: the generic page object
    assert list(site.editions) == ["pl", "en"]
    pl = site.editions["pl"]
    assert (pl.language, pl.feeds, pl.sitemaps) == ("pl", ("https://demo.example/rss",), ())
    assert [x.url for x in pl.listings] == ["https://demo.example/latest", "https://demo.example/world"]
    world = pl.listings[1]
    assert (world.links.kind, world.links.query, world.next_page.kind, world.next_page.query) == (
        "xpath",
        "//h2/a",
        "css",
        "a.next",
    )
    assert site.editions["en"].sitemaps == ("https://demo.example/en/sitemap.xml",)
    assert (site.selectors["body"].kind, site.selectors["body"].query) == ("css", "div.text")


def test_editions_by_path_prefix_and_the_article_pattern(tmp_path: Path) -> None:
    site = read_site_file(write(tmp_path, GOOD))
    assert site.edition_of("https://demo.example/en/123/story") == "en"  # the longest prefix wins
    assert site.edition_of("https://demo.example/123/historia") == "pl"  # "" matches every path
    assert site.edition_of("https://demo.example/english/1/") == "pl"  # /en is a whole path segment
    assert site.is_article_url("https://demo.example/123/x")
    assert not site.is_article_url("https://demo.example/about")
    assert not site.is_article_url("https://other.example/123/x")
    assert site.is_article_url("https://m.demo.example/123/x")  # subdomains belong to the site


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('zone = "Europe/Warsaw"', 'zone = "Europe/Atlantis"'), "demo.toml: zone: 'Europe/Atlantis' is not"),
        (('name = "demo"', 'name = "Demo Site"'), "demo.toml: name: must be a lowercase slug"),
        (('name = "demo"', 'name = "other"'), "demo.toml: name: 'other' must match the file name"),
        (("domains = [", "hosts = ["), "demo.toml: hosts: unknown key"),
        (
            ('feeds = ["https://demo.example/rss"]', 'feeds = ["demo.example/rss"]'),
            "demo.toml: editions.pl.feeds: 'demo.example/rss' is not an http",
        ),
        (
            ('links = "xpath://h2/a"', 'links = "xpath://h2["'),
            "demo.toml: editions.pl.listings\\[1\\].links: xpath '//h2\\[' does not compile",
        ),
        (('body = "css:div.text"', 'bdy = "css:div.text"'), "demo.toml: selectors.bdy: unknown field"),
        (
            ("article_pattern = '^/\\d+/'", "article_pattern = '^/(\\d+/'"),
            "demo.toml: article_pattern: not a regular",
        ),
        (('language = "en"', 'lang = "en"'), "demo.toml: editions.en.lang: unknown key"),
        (('prefixes = ["/en"]', 'prefixes = ["en/"]'), "demo.toml: editions.en.prefixes: 'en/'"),
        (('zone = "Europe/Warsaw"\n', ""), "demo.toml: zone: missing"),
        (("[editions.pl]", "[editions.pl"), "demo.toml: not valid TOML: .*line 7"),
    ],
)
def test_a_bad_site_file_names_the_file_and_the_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(SiteError, match=message):
        read_site_file(write(tmp_path, GOOD.replace(old, new, 1)))


def test_get_site_by_name_or_path(tmp_path: Path) -> None:
    assert get_site("unn").name == "unn"
    assert get_site(str(write(tmp_path, GOOD))).name == "demo"
    with pytest.raises(SiteError, match="no site named 'nope' \\(known: unn"):
        get_site("nope")


def test_load_sites_adds_files_and_folders(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    assert {"unn", "demo"} <= set(load_sites(tmp_path))
    assert "demo" not in load_sites()


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://unn.ua/en/news/x", "unn"),
        ("https://www.unn.com.ua/ru/news/1906059-x", "unn"),
        ("https://UNN.UA/news/x", "unn"),
        ("https://notunn.ua/news/x", None),
        ("https://example.com/news/x", None),
        ("not a url", None),
    ],
)
def test_site_for_url(url: str, site: str | None) -> None:
    found = site_for_url(url)
    assert (found.name if found else None) == site


def test_the_longest_domain_wins(tmp_path: Path) -> None:
    parent = read_site_file(write(tmp_path, GOOD))
    child = read_site_file(
        write(
            tmp_path,
            GOOD.replace('"demo"', '"demoen"').replace('"demo.example", ', '"en.demo.example", '),
            "demoen",
        )
    )
    assert site_for_url("https://en.demo.example/1/", [parent, child]) is child
    assert site_for_url("https://demo.example/1/", [parent, child]) is parent


@pytest.mark.parametrize("name", SHIPPED + [p.name for p in TEST_SITES])
def test_every_site_file_is_valid_and_its_page_module_imports(name: str) -> None:
    path = next((p for p in TEST_SITES if p.name == name), None)
    site = read_site_file(path) if path else get_site(name.removesuffix(".toml"))
    assert site.domains and site.editions
    for edition in site.editions.values():
        for url in [*edition.feeds, *edition.sitemaps, *(x.url for x in edition.listings)]:
            assert site.owns(url), f"{name}: start point {url} is not on the site's domains"
    if site.page_module != GENERIC_PAGE_MODULE:  # the generic module may not be installed yet
        assert hasattr(page_module(site), "parse_article"), site.page_module


def test_unn_facts_come_from_its_file() -> None:
    unn = get_site("unn")
    assert unn.domains == ("unn.ua", "unn.com.ua")
    assert unn.zone == "Europe/Kyiv"
    assert {code: e.feeds for code, e in unn.editions.items()} == {
        code: (f"https://unn.ua/rss/news_{code}.xml",) for code in ("uk", "en", "ru")
    }


def test_the_package_declares_site_files_as_package_data() -> None:
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "sites/*.toml" in data["tool"]["setuptools"]["package-data"]["newsbot"]


def test_a_page_module_file_beside_a_site_file_loads_from_any_working_directory(tmp_path: Path) -> None:
    # A site kept outside the package (not importable by name) names the module file beside its TOML.
    (tmp_path / "demo_pages.py").write_text('EXTRACTOR_VERSION = "demo-pages-1"\n', encoding="utf-8")
    site = read_site_file(write(tmp_path, 'page = "demo_pages.py"\n' + GOOD))
    assert site.page_module == str((tmp_path / "demo_pages.py").resolve())
    module = page_module(site)
    assert module is not None and module.EXTRACTOR_VERSION == "demo-pages-1"


def test_a_missing_page_module_file_is_an_error_naming_the_site_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'page = "absent_pages.py"\n' + GOOD)
    with pytest.raises(SiteError, match=r"demo\.toml: page: no such file .*absent_pages\.py"):
        read_site_file(path)
