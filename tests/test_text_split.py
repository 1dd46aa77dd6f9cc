"""Tests for newsbot.text.split and newsbot.text.split_html: the body splitter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbot.items import Teaser
from newsbot.text import language, timestamps
from newsbot.text.split import (
    clean_teaser,
    split_label_tail,
    split_text,
    split_timestamp_tail,
)
from newsbot.text.split_html import html_blocks, split_body, split_html
from tests.support.paths import SHARED

SEED = SHARED / "seeds" / "000_8530ec2091bce858.txt"
OLD_LAYOUT_PAGE = SHARED / "extdata" / "unn" / "ru-2020-12-03-1906059.html"

BIDEN = (
    "Байден говорив телефон із Сі: висловив занепокоєння з приводу підтримки Китаєм росії та "
    '"несправедливої" торговельної політики КНР'
)
BANKS = "Кілька найбільших банків КНР перестали приймати платежі з рф"


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed {SEED} is absent (it lives in the shared folder next to the checkout)")
    return SEED.read_text(encoding="utf-8")


# --- the seed --------------------------------------------------------------------------------


def test_seed_title_and_views(seed_text: str) -> None:
    result = split_text(seed_text)
    assert result.title == (
        "Chinese foreign minister meets with Lavrov: they discuss strengthening cooperation "
        "between China and russia"
    )
    assert result.views == 23713
    assert "views" not in result.problems


def test_seed_cross_links(seed_text: str) -> None:
    result = split_text(seed_text)
    assert [(c.title, c.published_raw) for c in result.cross_links] == [
        (BIDEN, "02.04.24, 19:59"),
        (BANKS, "21.02.24, 10:16"),
    ]
    # The first follows "...the two peoples." (5th story paragraph), the second "- China is
    # confident." (10th).
    positions = [c.position for c in result.cross_links]
    assert result.paragraphs[positions[0]].endswith("interests of the two peoples.")
    assert result.paragraphs[positions[1]] == "- China is confident."
    assert all(not c.problems for c in result.cross_links)


def test_seed_teasers(seed_text: str) -> None:
    result = split_text(seed_text)
    assert [(t.title, t.views, t.block) for t in result.related] == [
        (
            "Russia fails to launch a rocket into space for the second time in a month",
            22037,
            "news-by-theme",
        ),
        (
            '"Serpukhov" missile ship was considered for deployment to the Black Sea - DIU',
            20207,
            "news-by-theme",
        ),
        ("Rescuers found 20 kg of mercury in a forest plantation in Lviv", 18436, "news-by-theme"),
    ]


def test_seed_paragraphs_are_story_text_only(seed_text: str) -> None:
    result = split_text(seed_text)
    text = "\n".join(result.paragraphs)
    for leftover in (
        BIDEN,
        BANKS,
        "02.04.24",
        "21.02.24",
        "23713",
        "22037",
        "переглядiв",
        "News by theme",
        "Rescuers found",
        "Serpukhov",
    ):
        assert leftover not in text
    assert result.paragraphs[0].startswith("The foreign ministers of russia and China met")
    assert result.paragraphs[-1].startswith("Bloomberg reported that China is supporting")
    # Attributions are story text, kept where they stand.
    for attribution in (
        "- the Chinese Foreign Ministry said in a statement.",
        "- China is confident.",
        "- reads the final statement of the Chinese Foreign Ministry.",
    ):
        assert attribution in result.paragraphs
    assert len(result.paragraphs) == 15


def test_seed_with_invisible_characters_splits_the_same(seed_text: str) -> None:
    noisy = (
        seed_text.replace("23713", "23\u200b713")
        .replace("з рф21.02.24", "з\u00a0рф\u00ad21.02.24")
        .replace("• 22037", "•\u00a022\u202f037")
        .replace("News by theme", "News\u00a0by theme\u200b")
    )
    clean, dirty = split_text(seed_text), split_text(noisy)
    assert dirty.views == clean.views
    assert [c.title for c in dirty.cross_links] == [c.title for c in clean.cross_links]
    assert [(t.title, t.views, t.block) for t in dirty.related] == [
        (t.title, t.views, t.block) for t in clean.related
    ]


def test_seed_cross_links_get_time_and_language_from_the_other_stages(seed_text: str) -> None:
    now = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)
    result = split_text(seed_text)
    utc = [timestamps.parse_timestamp(c.published_raw, now=now).utc for c in result.cross_links]
    assert utc == [
        datetime(2024, 4, 2, 16, 59, tzinfo=UTC),  # 19:59 Kyiv summer time (UTC+3)
        datetime(2024, 2, 21, 8, 16, tzinfo=UTC),  # 10:16 Kyiv winter time (UTC+2)
    ]
    detect = language.detect_language
    langs = [detect(c.title, candidates=("uk", "ru", "en")).lang for c in result.cross_links]
    assert langs == ["uk", "uk"]


# --- timestamps, labels, counters inside titles --------------------------------------------


@pytest.mark.parametrize(
    ("text", "head", "stamp"),
    [
        ("Title02.04.24, 19:59", "Title", "02.04.24, 19:59"),
        ("Title 02.04.24, 19:59", "Title", "02.04.24, 19:59"),
        ("з рф21.02.24, 10:16", "з рф", "21.02.24, 10:16"),
        ("Top 1002.04.2024, 19:59", "Top 10", "02.04.2024, 19:59"),
        ("...resultsDecember 9, 04:18 PM", "...results", "December 9, 04:18 PM"),
        ("Заголовок30 жовтня, 22:19", "Заголовок", "30 жовтня, 22:19"),
        ("Заголовок 3 декабря 2020, 18:47", "Заголовок", "3 декабря 2020, 18:47"),
        ("Headline04:13 AM", "Headline", "04:13 AM"),
        ("Headline 04:13 AM", "Headline", "04:13 AM"),
        ("Заголовок19:59", "Заголовок", "19:59"),
        ("Заголовок Сьогодні, 10:15", "Заголовок", "Сьогодні, 10:15"),
        # A bare clock time after a space is running text, not a stamp.
        ("The meeting starts at 19:59", "The meeting starts at 19:59", None),
        ("Parliament met on Tuesday.", "Parliament met on Tuesday.", None),
        ("Score was 2:1", "Score was 2:1", None),
        ("", "", None),
    ],
)
def test_split_timestamp_tail(text: str, head: str, stamp: str | None) -> None:
    assert split_timestamp_tail(text) == (head, stamp)


@pytest.mark.parametrize(
    ("text", "head", "labels"),
    [
        ("Dog rescued from the riverPhoto", "Dog rescued from the river", ["Photo"]),
        ("Dog rescued from the riverPhotoVideo", "Dog rescued from the river", ["Photo", "Video"]),
        ('Zelensky: "we will win"Video', 'Zelensky: "we will win"', ["Video"]),
        ("Рятувальники врятували собакуФото", "Рятувальники врятували собаку", ["Фото"]),
        ("Обстріл Києва: наслідкиВідео", "Обстріл Києва: наслідки", ["Відео"]),
        ("Спасатели нашли собакуФотоВидео", "Спасатели нашли собаку", ["Фото", "Видео"]),
        ("PhotoVideo", "", ["Photo", "Video"]),
        # Rule: with a space, or after a capital, the last word belongs to the title.
        ("Apple shows its new Video", "Apple shows its new Video", []),
        ("Ukraine joins NATOVideo", "Ukraine joins NATOVideo", []),
        ("Exclusive", "", ["Exclusive"]),
    ],
)
def test_split_label_tail(text: str, head: str, labels: list[str]) -> None:
    assert split_label_tail(text) == (head, labels)


def test_clean_teaser_splits_glued_date_and_counter_off_popular_news_title() -> None:
    raw = Teaser(
        title="Election day in the US: first resultsDecember 9, 04:18 PM • 3562 views",
        block="popular",
        url="https://unn.ua/en/news/1",
    )
    teaser = clean_teaser(raw)
    assert teaser.title == "Election day in the US: first results"
    assert teaser.published_raw == "December 9, 04:18 PM"
    assert teaser.views == 3562
    assert teaser.block == "popular" and teaser.url == "https://unn.ua/en/news/1"
    assert teaser.problems == {}


def test_clean_teaser_keeps_page_object_fields_and_merges_labels() -> None:
    raw = Teaser(
        title="Firefighters rescued a catPhotoVideo",
        block="latest",
        views_raw="35469<!-- --> <!-- -->views",
        published_raw="04:13 AM",
        labels=["Exclusive"],
    )
    teaser = clean_teaser(raw)
    assert teaser.title == "Firefighters rescued a cat"
    assert teaser.labels == ["Exclusive", "Photo", "Video"]
    assert teaser.views == 35469
    assert teaser.published_raw == "04:13 AM"


def test_clean_teaser_records_unreadable_counter_and_keeps_the_rest() -> None:
    teaser = clean_teaser(Teaser(title="Some headline", block="latest", views_raw="переглядів"))
    assert teaser.title == "Some headline"
    assert teaser.views is None
    assert "no digits" in teaser.problems["views"]


# --- plain text in the Next.js rendering ---------------------------------------------------

NEXT_TEXT = """\
Explosions in Kyiv: air defense at work
November 13, 09:46 PM • 35469 views
Air defense forces are repelling an attack on the capital, the city administration said.
Читайте також: Kyiv region under drone attack
Residents are asked to stay in shelters.
Popular news
Exclusive
Interview with the mayor: the city is readyVideo
04:13 AM • 7168 views
US election: first resultsDecember 9, 04:18 PM • 3562 views
Latest news
Rescuers pulled a dog out of the riverPhoto
30 жовтня, 22:19 • 12588 перегляди
"""


def test_next_layout_text_rendering() -> None:
    result = split_text(NEXT_TEXT)
    assert result.title == "Explosions in Kyiv: air defense at work"
    assert result.views == 35469
    assert result.published_raw == "November 13, 09:46 PM"
    assert result.paragraphs == [
        "Air defense forces are repelling an attack on the capital, the city administration said.",
        "Residents are asked to stay in shelters.",
    ]
    [link] = result.cross_links
    assert link.title == "Kyiv region under drone attack"
    assert link.position == 0
    assert link.published_raw is None and "published_raw" in link.problems
    assert [(t.block, t.title, t.labels, t.published_raw, t.views) for t in result.related] == [
        (
            "popular",
            "Interview with the mayor: the city is ready",
            ["Exclusive", "Video"],
            "04:13 AM",
            7168,
        ),
        ("popular", "US election: first results", [], "December 9, 04:18 PM", 3562),
        ("latest", "Rescuers pulled a dog out of the river", ["Photo"], "30 жовтня, 22:19", 12588),
    ]


def test_text_that_is_only_teasers_has_no_paragraphs_and_says_why() -> None:
    result = split_text("Title\n• 10 views\nNews by theme\nA\n• 1 view\nB\n• 2 views\n")
    assert result.paragraphs == []
    assert "paragraphs" in result.problems
    assert [(t.title, t.views) for t in result.related] == [("A", 1), ("B", 2)]


def test_empty_text() -> None:
    result = split_text("")
    assert result.title is None and result.paragraphs == [] and result.related == []
    assert set(result.problems) == {"paragraphs", "views"}


def test_teaser_with_counter_without_digits_is_kept_with_a_reason() -> None:
    result = split_text("Title\n• 5 views\nStory text.\nNews by theme\nHeadline A\n• views\n")
    [teaser] = result.related
    assert teaser.title == "Headline A"
    assert teaser.views is None and "views" in teaser.problems


# --- HTML ----------------------------------------------------------------------------------

BASE = "https://unn.ua/en/news/1000-story"


def test_inline_link_in_running_text_is_story_text() -> None:
    html = '<p>The ministry said so, <a href="https://mfa.gov.cn/x">reports</a> the agency.</p>'
    result = split_html(html, base_url=BASE)
    assert result.paragraphs == ["The ministry said so, reports the agency."]
    assert result.cross_links == []


def test_html_cross_link_forms() -> None:
    html = (
        "<p>First paragraph.</p>"
        '<p><strong>ЧИТАЙТЕ ТАКОЖ:</strong> <a href="/news/1-old">Old layout story</a></p>'
        "<p>Second paragraph.</p>"
        '<div class="read-also"><a href="/news/2-new"><span>Байден говорив з Сі</span>'
        "<span>02.04.24, 19:59</span></a></div>"
        '<p><a href="https://unn.ua/news/3-x">Кілька банків КНР</a>21.02.24, 10:16</p>'
        "<p>Third paragraph.</p>"
    )
    result = split_html(html, base_url=BASE)
    assert result.paragraphs == ["First paragraph.", "Second paragraph.", "Third paragraph."]
    assert [(c.title, c.url, c.published_raw, c.position) for c in result.cross_links] == [
        ("Old layout story", "https://unn.ua/news/1-old", None, 0),
        ("Байден говорив з Сі", "https://unn.ua/news/2-new", "02.04.24, 19:59", 1),
        ("Кілька банків КНР", "https://unn.ua/news/3-x", "21.02.24, 10:16", 1),
    ]
    assert "published_raw" in result.cross_links[0].problems


def test_html_cross_link_with_a_marked_but_unknown_date_keeps_it_raw() -> None:
    html = '<p>Text.</p><p><a href="/news/9">Title</a> <time>вчора ввечері</time></p>'
    [link] = split_html(html, base_url=BASE).cross_links
    assert link.title == "Title" and link.published_raw == "вчора ввечері"


def test_lone_external_link_paragraph_is_story_text() -> None:
    html = '<p>Text.</p><p><a href="https://t.me/unn">Telegram channel</a></p>'
    result = split_html(html, base_url=BASE)
    assert result.paragraphs == ["Text.", "Telegram channel"]
    assert result.cross_links == []


def test_html_blocks_drop_scripts_comments_and_invisible_characters() -> None:
    html = (
        "<p>One\u00a0two\u200b <!-- --> three\u00adfour</p><script>var x = 1;</script>"
        "loose text<br>after break"
    )
    assert [b.text for b in html_blocks(html)] == [
        "One two threefour",
        "loose text",
        "after break",
    ]


@pytest.mark.parametrize("html", ["", "   ", "<!-- -->", "<script>x</script>", "<p></p>"])
def test_empty_bodies(html: str) -> None:
    result = split_body(html, views_raw=None)
    assert result.paragraphs == []
    assert "paragraphs" in result.problems and "views" in result.problems


def test_old_layout_real_page() -> None:
    if not OLD_LAYOUT_PAGE.exists():
        pytest.skip(f"third-party page {OLD_LAYOUT_PAGE} is absent")
    from lxml import html as lxml_html

    root = lxml_html.parse(str(OLD_LAYOUT_PAGE)).getroot()
    [body] = root.cssselect("div.b-news-text")
    inner = (body.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in body)
    [view] = root.cssselect("span.view")
    result = split_body(inner, views_raw=view.text, base_url="https://www.unn.com.ua/ru/news/1906059")
    assert result.views == 3375
    assert len(result.paragraphs) == 5
    assert result.paragraphs[0].startswith("КИЕВ. 3 декабря. УНН. Парламент Молдовы")
    # Both links there sit inside running text ("со ссылкой на местное издание Cotidianul").
    assert result.cross_links == []
    assert "ссылкой на местное издание Cotidianul" in result.paragraphs[0]


# --- never raise -----------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "\n",
        " ",
        "\u00a0",
        "\u200b",
        "\u00ad",
        "• 23713 переглядiв",
        "02.04.24, 19:59",
        "December 9, 04:18 PM",
        "News by theme",
        "Photo",
        "Video",
        "Читайте також:",
        "<p>",
        "</p>",
        '<a href="/news/1">',
        "</a>",
        "<br>",
        "<!-- -->",
        "<time>",
        ".",
    ]
)
_MIXED = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=30).map("".join)


@given(_MIXED)
def test_split_text_never_raises(text: str) -> None:
    result = split_text(text)
    for link in result.cross_links:
        assert -1 <= link.position < max(len(result.paragraphs), 1)


@given(_MIXED, st.one_of(st.none(), _MIXED))
def test_split_body_never_raises(html: str, views_raw: str | None) -> None:
    teaser = Teaser(title=html[:40], block="latest", views_raw=views_raw)
    result = split_body(html, views_raw=views_raw, related=[teaser], base_url=BASE)
    assert result.views is None or result.views >= 0
    assert len(result.related) >= 1


def test_a_list_of_bare_shop_links_is_story_text_a_social_link_is_a_credit() -> None:
    body = (
        "<p>Here are the deals we picked for this week, one link per item.</p>"
        "<p>1) A toy robot with a remote</p><p><a href='http://amzn.to/abc'>http://amzn.to/abc</a></p>"
        "<p>2) A board game for four players</p><p>http://shop.example.org/item/42</p>"
        "<figure><img src='/x.jpg'><figcaption>facebook.com/cityfirebrigade</figcaption></figure>"
    )
    result = split_html(body, base_url="https://news.example.com/2024/01/deals")
    assert "http://amzn.to/abc" in result.paragraphs
    assert "http://shop.example.org/item/42" in result.paragraphs
    assert ("photo-credit", "facebook.com/cityfirebrigade") in result.dropped


def test_spaces_between_words_survive_in_every_script() -> None:
    # CJK next to Latin, around inline elements, NBSP and the ideographic space: a space that the
    # markup has between two words is never lost (it may only fold to one ASCII space).
    body = (
        "<p>今回はその <a href='/x'>Kindle for PC</a> に関する話。</p>"
        "<p>ソフト<b> KeePass </b>の起動&nbsp;と\u3000同じ</p>"
        "<p>Слово <i>word</i>\n\tслово</p>"
    )
    assert [b.text for b in html_blocks(body)] == [
        "今回はその Kindle for PC に関する話。",
        "ソフト KeePass の起動 と 同じ",
        "Слово word слово",
    ]
    # and none is invented where the markup has none (a browser shows none either)
    assert [b.text for b in html_blocks("<p>アプリ<a href='/x'>Kindle</a>に</p>")] == ["アプリKindleに"]


def test_a_sentence_starting_like_the_agency_footer_is_story_text() -> None:
    from newsbot.text.furniture import chrome_kind

    assert chrome_kind("Information agency «Ukrainian National News»") == "footer"
    assert chrome_kind("Information agency Interfax-Ukraine reported the strike on Monday.") is None
    sentence = "Информационное агентство Интерфакс сообщило об этом в понедельник."
    assert split_html(f"<p>{sentence}</p>").paragraphs == [sentence]
