"""The generic page object on real pages of other sites, on pages that hold no article, and
`newsbot extract` as a real process over every page of the three real sets.

Expected values are read from the pages themselves (their h1, byline, JSON-LD and text).
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsbot.cli.extract import PageError, extract_bytes
from newsbot.items import Article, QuarantinedPage
from newsbot.pages import parse_page
from newsbot.pages.generic import clean_authors, narrow_title, parse_article, published_day, strip_site_name
from newsbot.sites import get_site
from tests.support.crawl import newsbot
from tests.support.paths import EXTDATA, UNN_RU_2020, need

FETCHED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
AEB = EXTDATA / "article-extraction-benchmark"
HTMLDATE = EXTDATA / "htmldate-dev"
FUNDUS = EXTDATA / "fundus-dev"


def _page(path: Path) -> bytes:
    data = need(path).read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _extract(path: Path, url: str, **kwargs) -> dict:
    return extract_bytes(_page(path), url, now=FETCHED, **kwargs)


# --- real pages, field by field ------------------------------------------------------------------


def test_macrumors_story_written_as_text_and_br_in_a_div() -> None:
    # The story is text straight inside div.content, paragraphs cut by <br>, with an image
    # caption and a "Related Roundup" link box inside the same div.
    path = next(iter(sorted((AEB / "html").glob("232a43fb15*.html.gz"))), AEB / "html" / "232a43fb15.html.gz")
    out = _extract(path, "https://www.macrumors.com/2019/11/18/13-inch-macbook-pro-scissor-keyboard-2020/")
    assert out["layout"] == "generic" and out["site"] == "macrumors.com"
    assert out["title"] == "13-Inch MacBook Pro With Scissor Keyboard Expected in First Half of 2020"
    assert out["authors"] == ["Joe Rossignol"]
    assert out["published_date"] == "2019-11-18"
    assert out["paragraphs"][0].startswith("Following the 16-inch MacBook Pro, Apple plans to release")
    story_end = (
        "The entry-level 13-inch MacBook Pro was last updated in July, while higher-end 13-inch models"
    )
    assert any(p.startswith(story_end) for p in out["paragraphs"][-3:])
    assert not any("Related Roundup" in p for p in out["paragraphs"])


def test_ukrainian_story_with_an_inline_read_also_link_on_another_site() -> None:
    out = _extract(
        HTMLDATE / "pages" / "1716869064.html",
        "https://24tv.ua/yak-venediktova-zahishhala-nardepa-vid-slugi-narodu_n1419177",
    )
    assert out["title"] == 'Зірвана операція НАБУ: як Венедіктова захищала нардепа від "Слуги народу"'
    assert out["authors"] == ["Віталій Шабунін"]
    assert (out["published_date"], out["published_utc"]) == ("2020-09-21", "2020-09-21T08:00:00Z")
    assert out["lang"] == "uk"
    assert out["paragraphs"][0].startswith("НАБУ детально задокументувало весь злочин")
    # <p class="read-also">Читайте також <a>...</a></p> is a cross-link, not story text
    titles = [link["title"] for link in out["cross_links"]]
    assert "Прорив в українському правосудді: чому варто пишатись роботою ВАКС" in titles
    assert not any(p.startswith("Читайте також") for p in out["paragraphs"])


def test_derstandard_story_with_three_authors() -> None:
    out = _extract(
        FUNDUS / "pages" / "at-DerStandard_2024_05_03.html.gz",
        "https://www.derstandard.at/story/3000000218734/nach-kalifat-rufen-in-hamburg-sind-wir-zu-sanft-zu-islamisten",
    )
    assert out["title"] == "Nach Kalifat-Rufen in Hamburg: Sind wir zu sanft zu Islamisten?"
    assert out["authors"] == ["Birgit Baumann", "Anna Giulia Fink", "Jan Michael Marchart"]
    assert out["published_date"] == "2024-05-03"
    assert out["lang"] == "de"
    assert out["paragraphs"][0].startswith(
        "Um seine Botschaft zu unterstreichen, wechselte Abdullah bin Zayed"
    )


def test_the_real_unn_page_read_by_the_generic_page_object_matches_its_own_layout() -> None:
    body = need(UNN_RU_2020).read_bytes()
    url = "https://www.unn.com.ua/ru/news/1906059-parlament-moldovi"
    precise = parse_page(body, url, fetched_at=FETCHED)
    generic = parse_article(body, url, fetched_at=FETCHED, site=get_site("unn"))
    assert isinstance(precise, Article) and isinstance(generic, Article)
    assert precise.layout == "legacy" and generic.layout == "generic"
    assert (
        generic.title
        == 'Парламент Молдовы, "с подачи Додона" - ограничил полномочия Санду еще до ее инаугурации'
    )
    assert generic.authors == ["Алексей Супрун"]
    assert generic.published_machine == "2020-12-03T18:47"
    out = extract_bytes(body, "https://news.example.com/ru/news/1906059", now=FETCHED)  # no site file
    # archived under the host of the canonical URL the page gives (www.unn.com.ua)
    assert (out["site"], out["layout"]) == ("unn.com.ua", "generic")
    assert len(out["paragraphs"]) == 5
    assert out["paragraphs"][0].startswith("КИЕВ. 3 декабря. УНН. Парламент Молдовы")
    assert out["published_date"] == "2020-12-03"


def test_the_open_part_of_a_paywalled_story_named_teaser_is_the_story() -> None:
    # Nature puts the story's open paragraphs in div.article__teaser: a boilerplate word, but
    # the block holds nearly all the story text, so it is read as the story.
    out = _extract(
        FUNDUS / "pages" / "uk-Nature_2025_11_04.html.gz",
        "https://www.nature.com/articles/d41586-025-03571-x",
    )
    assert out["paragraphs"][0].startswith("When the world’s nations meet for COP30 in Belém, Brazil")
    assert any(
        p.startswith("The Trump administration’s disruption of global trade") for p in out["paragraphs"]
    )


def test_a_page_that_scrolls_on_into_the_next_story_keeps_its_own() -> None:
    # Dagbladet appends the next story (a football piece) in a second <article> built with the
    # same classes as the page's own story.
    out = _extract(
        FUNDUS / "pages" / "no-Dagbladet_2026_01_06.html.gz",
        "https://www.dagbladet.no/nyheter/angsten-vil-oke/84057530",
    )
    text = "\n".join(out["paragraphs"])
    assert "Nord-Korea fordømte USAs angrep på Venezuela" in text
    assert "Solskjær" not in text


def _story(body: str) -> list[str]:
    html = f"<html><head><title>A story</title></head><body>{body}</body></html>"
    item = parse_page(html.encode(), "https://news.example.com/2024/05/03/a-story", fetched_at=FETCHED)
    assert isinstance(item, Article), item
    return [clean for p in item.body_html.split("</p>") if (clean := p.split(">")[-1].strip())]


SENTENCE = "A sentence of the story, long enough to count as text, with a comma or two, told plainly. "


def test_a_block_named_as_boilerplate_that_holds_most_of_the_story_is_kept() -> None:
    paras = "".join(f"<p>{i} {SENTENCE * 2}</p>" for i in range(6))
    body = (
        f"<h1>A story</h1><div class='story-body'><div class='story__teaser'>{paras}</div>"
        "<div class='share-tools'><p>Share this story with a friend, on every network you use</p></div></div>"
    )
    kept = _story(body)
    assert len(kept) == 6 and kept[0].startswith("0 A sentence")
    assert not any("Share this story" in p for p in kept)


def test_a_small_block_named_as_boilerplate_inside_the_story_is_still_dropped() -> None:
    paras = "".join(f"<p>{i} {SENTENCE * 2}</p>" for i in range(6))
    body = f"<h1>A story</h1><div class='story-body'>{paras}<div class='teaser'><p>{SENTENCE}</p></div></div>"
    kept = _story(body)
    assert len(kept) == 6 and not any(p.startswith("A sentence") for p in kept)


def test_of_stacked_articles_built_alike_the_first_is_the_pages_story() -> None:
    first = "".join(f"<p>First story {i}. {SENTENCE}</p>" for i in range(3))
    second = "".join(f"<p>Next story {i}. {SENTENCE * 3}</p>" for i in range(4))
    body = (
        f"<main><article><h1>A story</h1><div class='bodytext'>{first}</div><figure></figure>"
        f"<div class='bodytext'>{first}</div></article>"
        f"<article><h2>The next story</h2><div class='bodytext'>{second}</div></article></main>"
    )
    kept = _story(body)
    assert kept and all(p.startswith("First story") for p in kept)


def test_access_walls_and_player_fallback_messages_are_no_story() -> None:
    paras = "".join(f"<p>{i} {SENTENCE * 2}</p>" for i in range(5))
    body = (
        f"<h1>A story</h1><div class='article-body'>{paras}"
        "<div class='app-access-wall'><h2>Enjoying our latest content?</h2>"
        "<p>Log in or create an account to continue reading, it only takes a minute, really</p></div>"
        "<div class='intro-body__anonymous'><p>Register or sign in to unlock more articles from us</p></div>"
        "<div class='video-fallback'><p>We apologize, but this video has failed to load, try again</p></div>"
        "</div>"
    )
    kept = _story(body)
    assert len(kept) == 5 and all(p[0].isdigit() for p in kept)


def test_a_visible_date_in_another_language_than_the_page_declares_is_read() -> None:
    # news.yam.md marks its Romanian pages lang=en; the byline prints "20 septembrie 2020 16:20".
    out = _extract(HTMLDATE / "pages" / "1716324024.html", "https://news.yam.md/ro/story/10939686")
    assert out["published_date"] == "2020-09-20"


def test_story_chunks_sharing_their_first_class_are_one_story() -> None:
    # Spiegel writes the story in div.RichText chunks whose further classes differ
    # ("RichText lg:w-8/12", "RichText RichText--last"); teaser cards that share a first class
    # are link-heavy and stay out.
    chunk = "".join(f"<p>{SENTENCE * 3}</p>" for _ in range(2))
    cards = "".join(f"<div class='RichText card'><a href='/s{i}'>{SENTENCE}</a></div>" for i in range(3))
    body = (
        f"<main><h1>A story</h1><div><div class='RichText wide'><p>Opening. {SENTENCE * 3}</p></div></div>"
        f"<div><div class='RichText RichText--last'>{chunk}{chunk}</div></div>{cards}</main>"
    )
    kept = _story(body)
    assert kept[0].startswith("Opening.") and len(kept) == 5


def test_spiegel_story_in_chunks_of_differently_classed_blocks() -> None:
    out = _extract(
        FUNDUS / "pages" / "de-SpiegelOnline_2023_04_28.html.gz",
        "https://www.spiegel.de/wirtschaft/unternehmen/silicon-valley-bank-federal-reserve-raeumt-versaeumnisse-bei-aufsicht-ein-a-60a0111a-c2d2-46c8-9e93-b16a374e6ba8",
    )
    assert out["paragraphs"][0].startswith("Die Federal Reserve hat in einer Analyse des Zusammenbruchs")


def test_a_live_blogs_entries_beside_its_opening_are_the_story() -> None:
    # The opening text scores highest; each entry sits three blocks deep in a sibling, so the
    # sibling's own score is small, but it holds as much story text, with few links.
    opening = "".join(f"<p>Opening {i}. {SENTENCE * 2}</p>" for i in range(3))
    entries = "".join(
        f"<div class='entry'><h3>Update {i}</h3>"
        f"<div class='entry-text'><p>Entry {i}. {SENTENCE}</p></div></div>"
        for i in range(6)
    )
    body = (
        f"<article><h1>Live</h1><div class='wrap'><div class='text-description'>{opening}</div>"
        f"<div class='live-events'><div class='entries'>{entries}</div></div>"
        "<div class='more'><a href='/a'>One story</a> <a href='/b'>Another story</a></div></div></article>"
    )
    kept = _story(body)
    assert sum(p.startswith("Opening") for p in kept) == 3
    assert sum(p.startswith("Entry") for p in kept) == 6


def test_express_live_blog_keeps_its_entries() -> None:
    out = _extract(
        FUNDUS / "pages" / "uk-Express_2024_07_18.html.gz",
        "https://www.express.co.uk/news/royal/1924698/prince-harry-meghan-markle-live-grifters",
    )
    text = "\n".join(out["paragraphs"])
    assert (
        "Doria, 67, is said to have taken on the role as Prince Archie and Princess Lilibet's nanny" in text
    )


def test_short_items_of_a_list_without_links_are_story_text() -> None:
    paras = "".join(f"<p>{i} {SENTENCE * 2}</p>" for i in range(4))
    facts = "<ul><li>Flour, 200 g</li><li>Two eggs</li><li>Milk, 300 ml</li></ul>"
    menu = (
        "<ul><li><a href='/a'>World</a></li><li><a href='/b'>Sport</a></li>"
        "<li><a href='/c'>Money</a></li></ul>"
    )
    body = f"<h1>A story</h1><div class='story-body'>{paras}{facts}<p>{SENTENCE * 2}</p>{menu}</div>"
    kept = _story(body)
    assert [p for p in kept if len(p) < 20] == ["Flour, 200 g", "Two eggs", "Milk, 300 ml"]
    assert not any(p in ("World", "Sport", "Money") for p in kept)


# --- metadata rules --------------------------------------------------------------------------------


def test_site_name_suffixes_are_stripped_by_evidence_not_by_site() -> None:
    assert strip_site_name("Bridge reopens | The Daily Planet", ["The Daily Planet"]) == "Bridge reopens"
    assert strip_site_name("Bridge reopens - dailyplanet.com", ["dailyplanet.com"]) == "Bridge reopens"
    assert strip_site_name("Dune: Part Two - review", ["The Daily Planet"]) == "Dune: Part Two - review"


def test_a_title_is_narrowed_to_the_part_another_declaration_repeats() -> None:
    assert narrow_title("Skiing | Judges argue over the suits", ["Judges argue over the suits"]) == (
        "Judges argue over the suits"
    )
    assert narrow_title("Bridge reopens | 28.04.2023", []) == "Bridge reopens"
    assert narrow_title("Bridge reopens | City", ["Something else entirely"]) == "Bridge reopens | City"


def test_authors_are_split_and_cleaned() -> None:
    assert clean_authors(["By Jane Doe and John Roe"]) == ["Jane Doe", "John Roe"]
    assert clean_authors(["Sarah E. Needleman", "Juan Pérez y María López"]) == [
        "Sarah E. Needleman",
        "Juan Pérez",
        "María López",
    ]
    assert clean_authors(["Von Anna Fink, Jan Marchart"]) == ["Anna Fink", "Jan Marchart"]
    assert clean_authors(["https://www.facebook.com/someone", "jane@example.com"]) == []


def test_publication_day_is_the_pages_own() -> None:
    assert published_day("2020-03-02T23:04:04-05:00", None) == "2020-03-02"
    assert published_day(None, datetime(2020, 3, 3, 0, 5, tzinfo=UTC)) == "2020-03-03"
    assert published_day(None, None) is None


def test_a_utc_value_gives_way_to_the_same_instant_in_the_pages_offset() -> None:
    body = (
        b'<html><head><meta property="article:published_time" content="2020-10-07T03:38:26+00:00">'
        b"</head><body><h1>Crime rate ranks third</h1><article>"
        b'<time datetime="2020-10-06T21:38:26-06:00">Oct 6</time>'
        b"<p>" + b"The city's violent crime rate ranks third among the ten largest cities. " * 5 + b"</p>"
        b"</article></body></html>"
    )
    page = parse_page(body, "https://kdvr.example/news/crime", fetched_at=FETCHED)
    assert isinstance(page, Article)
    assert page.published_machine == "2020-10-06T21:38:26-06:00"


def test_a_basic_format_modification_time_is_given_in_the_extended_format() -> None:
    # As Reuters' pages of 2020 declare it: the day and the time with no separators.
    body = (
        b'<html><head><meta property="article:published_time" content="2020-09-24T15:04:34Z">'
        b'<meta property="article:modified_time" content="20200924T15:04:00Z"></head><body>'
        b"<h1>Markets close higher</h1><article>"
        b"<p>"
        + b"Stocks closed higher on Thursday as investors weighed new data, traders said. "
        * 4
        + b"</p>"
        b"</article></body></html>"
    )
    page = parse_page(body, "https://wire.example/markets/close", fetched_at=FETCHED)
    assert isinstance(page, Article)
    assert page.modified_machine == "2020-09-24T15:04:00Z"
    assert page.published_machine == "2020-09-24T15:04:34Z"


# --- pages that hold no article, and hostile bytes -------------------------------------------------


def _outcome(body: bytes, url: str = "https://news.example.com/2024/05/03/story", headers=None):
    return parse_page(body, url, fetched_at=FETCHED, headers=headers)


def _reason(body: bytes, url: str = "https://news.example.com/2024/05/03/story", headers=None) -> str:
    page = _outcome(body, url, headers)
    assert isinstance(page, QuarantinedPage), page
    assert page.page.body == body  # bytes kept for a later re-parse
    return page.reason


NAV = b"<nav><a href='/'>Home</a><a href='/world'>World</a><a href='/sport'>Sport</a></nav>"
CARDS = b"".join(
    b"<li><a href='/2024/05/0%d/story-%d'>Headline number %d about the day's events</a></li>" % (i, i, i)
    for i in range(1, 9)
)


def test_home_page_is_no_article() -> None:
    body = (
        b"<html><head><title>News Example</title></head><body>"
        + NAV
        + b"<ul>"
        + CARDS
        + b"</ul></body></html>"
    )
    assert _reason(body, "https://news.example.com/").startswith(
        "not an article (generic layout): a home page"
    )


def test_tag_page_is_no_article() -> None:
    body = b"<html><head><title>Climate | News Example</title></head><body><h1>Climate</h1><ul>" + CARDS
    body += b"</ul><p>All the news on the topic, updated every hour of the day and night.</p></body></html>"
    reason = _reason(body, "https://news.example.com/tag/climate")
    assert reason.startswith("not an article (generic layout): a listing page (/tag/climate)")


def test_login_wall_is_no_article() -> None:
    body = (
        b"<html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1>"
        b"<form><label>E-mail</label><input name=e><label>Password</label><input name=p type=password>"
        b"<button>Sign in</button></form><p>Forgot your password?</p></body></html>"
    )
    assert _reason(body).startswith("not an article (generic layout): only")


def test_javascript_shell_with_an_empty_body_is_no_article() -> None:
    body = (
        b'<!doctype html><html><head><title>Story | Example</title><script src="/app.js"></script></head>'
        b'<body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript>'
        b"</body></html>"
    )
    assert _reason(body).startswith(("not an article", "no body"))


def test_declared_article_with_no_text_says_no_body() -> None:
    body = (
        b'<html><head><meta property="og:type" content="article"><meta property="og:title" content="T">'
        b'</head><body><div id="root"></div></body></html>'
    )
    assert _reason(body).startswith("no body (generic layout)")


def test_pdf_served_as_html_is_not_html() -> None:
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 20
    assert _reason(body, headers={"Content-Type": "text/html"}).startswith("not HTML: a PDF document")


def test_an_empty_answer_says_so() -> None:
    assert _reason(b"").startswith("empty page")
    assert _reason(b" \r\n ").startswith("empty page")


def test_ten_megabytes_of_junk_is_too_large() -> None:
    junk = random.Random(11).randbytes(10 * 1024 * 1024)
    assert _reason(junk).startswith("too large")


def test_binary_junk_is_not_html() -> None:
    assert _reason(random.Random(5).randbytes(8192)).startswith("not HTML")


STORY_UK = (
    "<p>Київська міська адміністрація повідомила, що міст через Дніпро знову відкрили в понеділок "
    "після року ремонту. Рух транспорту відновлено в обидва боки.</p>"
    "<p>За словами інженерів, роботи тривали довше, ніж планували, через морози взимку.</p>"
)


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251", "koi8-u", "utf-16"])
def test_any_declared_encoding_is_read(encoding: str) -> None:
    charset = "" if encoding == "utf-16" else f'<meta charset="{encoding}">'
    html = (
        f'<html lang="uk"><head>{charset}<meta property="og:type" content="article"></head><body>'
        f"<h1>Міст знову відкрили</h1><article>{STORY_UK}</article></body></html>"
    )
    body = html.encode(encoding)
    if encoding == "utf-16":
        assert body.startswith((b"\xff\xfe", b"\xfe\xff"))  # the BOM tells the encoding
    page = _outcome(body)
    assert isinstance(page, Article), page
    assert page.title == "Міст знову відкрили"
    assert "відкрили в понеділок" in page.body_html


def test_broken_json_ld_is_repaired_or_read_by_pattern() -> None:
    fields = b'"@type": "NewsArticle", "headline": "Bridge reopens", '
    fields += b'"datePublished": "2024-05-03T10:00:00+02:00"'
    trailing_comma = b"{" + fields + b",}"
    unclosed = b"{" + fields + b', "author": {'
    for script in (trailing_comma, unclosed, b"<!-- " + trailing_comma + b" -->"):
        body = (
            b'<html><head><script type="application/ld+json">' + script + b"</script></head><body>"
            b"<h1>Bridge reopens</h1><article><p>The bridge over the river reopened on Monday after a year of"
            b" repairs, the city said.</p></article></body></html>"
        )
        page = _outcome(body)
        assert isinstance(page, Article), (script, page)
        assert page.title == "Bridge reopens"
        assert page.published_machine == "2024-05-03T10:00:00+02:00", script


def test_an_article_without_date_or_author_is_kept_with_problems() -> None:
    body = (
        b'<html><head><meta property="og:type" content="article"></head><body><h1>Bridge reopens</h1>'
        b"<article><p>The bridge over the river reopened on Monday after a year of repairs.</p></article>"
        b"</body></html>"
    )
    page = _outcome(body, "https://news.example.com/local/bridge")
    assert isinstance(page, Article)
    assert set(page.problems) >= {"published", "authors"}


def test_extract_reports_a_page_with_no_article_as_an_error() -> None:
    with pytest.raises(PageError, match="not an article"):
        extract_bytes(
            b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "https://news.example.com/"
        )


# --- `newsbot extract` as a real process over the three real sets -----------------------------------


def _all_real_pages() -> list[tuple[Path, str]]:
    pages: list[tuple[Path, str]] = []
    if (AEB / "ground-truth.json").is_file():
        truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
        pages += [(AEB / "html" / f"{key}.html.gz", item["url"]) for key, item in sorted(truth.items())]
    if (HTMLDATE / "dates.json").is_file():
        dates = json.loads((HTMLDATE / "dates.json").read_text(encoding="utf-8"))
        pages += [(HTMLDATE / "pages" / item["file"], url) for url, item in dates.items()]
    if (FUNDUS / "cases.json").is_file():
        cases = json.loads((FUNDUS / "cases.json").read_text(encoding="utf-8"))
        pages += [(FUNDUS / case["file"], case["url"]) for case in cases]
    return pages


def _run_extract(*args: str) -> subprocess.CompletedProcess:
    return newsbot("extract", *args, timeout=600)


def test_extract_batch_gives_every_real_page_an_object_or_a_clean_error(tmp_path: Path) -> None:
    pages = _all_real_pages()
    if not pages:
        pytest.skip(f"no real page sets under {EXTDATA}: they are read in place from ../shared")
    listing = tmp_path / "pages.tsv"
    missing = tmp_path / "missing.html"
    rows = [f"{path}\t{url}" for path, url in pages] + [f"{missing}\thttps://news.example.com/gone"]
    listing.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = _run_extract("--batch", str(listing), "--now", "2026-11-01T12:00:00Z")
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(rows)  # one line per page, in order
    objects = [json.loads(line) for line in lines]
    errors = [o for o in objects if "error" in o]
    articles = [o for o in objects if "error" not in o]
    assert [o["url"] for o in errors][-1] == "https://news.example.com/gone"
    assert len(errors) == len(done.stderr.splitlines())  # each failure: one stderr line
    assert done.returncode == 1  # the missing file failed
    for obj in articles:
        assert obj["title"] and obj["paragraphs"] and obj["text"], obj["url"]
        assert set(obj) >= {"url", "site", "layout", "authors", "published_utc", "published_date", "lang"}
    assert len(articles) >= 0.97 * len(pages)


def test_extract_one_gzip_file_as_json_and_as_text(tmp_path: Path) -> None:
    path = FUNDUS / "pages" / "at-DerStandard_2024_05_03.html.gz"
    need(path)
    url = "https://www.derstandard.at/story/3000000218734/nach-kalifat-rufen-in-hamburg-sind-wir-zu-sanft-zu-islamisten"
    done = _run_extract(str(path), "--url", url)
    assert done.returncode == 0, done.stderr
    assert (
        json.loads(done.stdout)["title"] == "Nach Kalifat-Rufen in Hamburg: Sind wir zu sanft zu Islamisten?"
    )
    text = _run_extract(str(path), "--url", url, "--format", "text")
    assert text.stdout.startswith("Um seine Botschaft zu unterstreichen")
    bad = tmp_path / "bad.html.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00broken")
    failed = _run_extract(str(bad), "--url", url)
    assert failed.returncode == 1
    assert "not a readable gzip file" in failed.stderr and "Traceback" not in failed.stderr


def test_extract_prints_subheads_marked_and_in_the_story_text() -> None:
    story = "The council voted on the plan after a long debate about the costs of the new line. " * 3
    body = (
        "<html lang='en'><head><title>Council approves tram plan</title></head><body><article>"
        "<h1>Council approves tram plan</h1>"
        f"<p>{story}</p><h2>What happens next</h2><p>Building starts in spring, the mayor said.</p>"
        "</article></body></html>"
    ).encode()
    out = extract_bytes(body, "https://news.example.org/2024/05/03/tram-plan", now=FETCHED)
    assert "What happens next" not in out["paragraphs"]
    assert out["subheads"] == [{"text": "What happens next", "position": 0}]
    last = "Building starts in spring, the mayor said."
    assert out["text"] == f"{story.strip()}\n\nWhat happens next\n\n{last}"


@pytest.mark.parametrize("depth", [300, 500])
def test_a_story_nested_past_libxml2s_default_limit_is_still_read(depth: int) -> None:
    # Without huge_tree libxml2 drops everything past 256 levels, and this story read as "no story text".
    story = "The council met on Monday and agreed the budget for the next year, the mayor said. " * 5
    body = f"<html><head><title>Budget agreed</title></head><body>{'<div>' * depth}<p>{story}</p>"
    page = parse_page(
        f"{body}{'</div>' * depth}</body></html>".encode(), "https://example.com/a", fetched_at=FETCHED
    )
    assert isinstance(page, Article), page
    assert "agreed the budget" in page.body_html


def test_a_page_nested_deeper_than_the_guard_is_quarantined_with_that_reason() -> None:
    body = "<html><body>" + "<div>" * 2000 + "<p>Story.</p>" + "</div>" * 2000 + "</body></html>"
    page = parse_page(body.encode(), "https://example.com/deep", fetched_at=FETCHED)
    assert isinstance(page, QuarantinedPage)
    assert page.reason == "markup nested deeper than 512 levels"
