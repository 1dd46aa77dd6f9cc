"""Rewrite the Next.js-era UNN article fixtures so they print what the real site prints (issue 15).

Run once (it refuses a fixture it has already rewritten): `python scripts/unn_real_chrome.py`.
Listing pages (`*-listing-p*`) get the same chrome and data script; their cards are unchanged.
What it adds to each fixtures/unn/*-next-*/ page, following ../shared/unn-real-pages.md:
- the chrome every real page carries: the currency widget (`$42.970.16`), the language switch
  (`ukenru`), the rubric menu printed twice (desktop and mobile menus), an icon sprite, the
  footer ("Information agency «Ukrainian National News»", "All rights reserved. © 2007 — 2025");
- a page-top "latest news" feed whose cards print label, `date • views`, THEN the title;
- cross-links dated `DD.MM.YY, HH:MM` with the linked story's counter;
- the dateline (`Kharkiv • UNN`), a subhead, a photo whose caption repeats the title and a
  bare-link photo credit inside the body;
- the bottom "Latest news" block renamed "News by theme" (title first);
- the Next.js data script real pages embed (article, feed, menus, messages): real news pages
  weigh 80-250 KB, the old fixtures 9-12 KB.

expected.json is updated from the same card tables the page is written from (what the page
says), never from the extractor's output.
"""

# ruff: noqa: E501  (page markup and headlines are data: long lines read better unbroken)

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "unn"
KYIV = ZoneInfo("Europe/Kyiv")
MARK = "<!-- issue-15 chrome -->"

EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
UK_MONTHS = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
]
RU_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]

WORDS = {
    "en": {
        "views": "views",
        "latest": "Latest news",
        "theme": "News by theme",
        "exclusive": "Exclusive",
        "photo": "Photo",
        "video": "Video",
        "details": "Details",
        "agency": "Information agency «Ukrainian National News»",
        "rights": "All rights reserved. © 2007 — 2025",
        "menu": [
            "Politics",
            "Economy",
            "Society",
            "War",
            "World",
            "Kyiv",
            "Health",
            "Sports",
            "Culture",
            "Technologies",
        ],
        "credit": "facebook.com/UNN.ua",
    },
    "uk": {
        "views": "переглядів",
        "latest": "Останні новини",
        "theme": "Новини за темою",
        "exclusive": "Ексклюзив",
        "photo": "Фото",
        "video": "Відео",
        "details": "Деталі",
        "agency": "Інформаційне агентство «Українські Національні Новини»",
        "rights": "Усі права захищені. © 2007 — 2025",
        "menu": [
            "Політика",
            "Економіка",
            "Суспільство",
            "Війна",
            "Світ",
            "Київ",
            "Здоровʼя",
            "Спорт",
            "Культура",
            "Технології",
        ],
        "credit": "facebook.com/UNN.ua",
    },
    "ru": {
        "views": "просмотров",
        "latest": "Последние новости",
        "theme": "Новости по теме",
        "exclusive": "Эксклюзив",
        "photo": "Фото",
        "video": "Видео",
        "details": "Детали",
        "agency": "Информационное агентство «Украинские Национальные Новости»",
        "rights": "Все права защищены. © 2007 — 2025",
        "menu": [
            "Политика",
            "Экономика",
            "Общество",
            "Война",
            "Мир",
            "Киев",
            "Здоровье",
            "Спорт",
            "Культура",
            "Технологии",
        ],
        "credit": "facebook.com/UNN.ua",
    },
}

# Page-top feed headlines (title, slug, label): label "x" = Exclusive line, "p"/"v"/"pv" = glued.
FEED = {
    "en": [
        (
            "Zelensky holds talks with European leaders on air defense for the winter",
            "zelensky-holds-talks-with-european-leaders-on-air-defense",
            "x",
        ),
        (
            "Energy workers restored power to 200 thousand families in Kharkiv region",
            "energy-workers-restored-power-to-200-thousand-families",
            "p",
        ),
        (
            "Night attack on Odesa: drones hit port infrastructure",
            "night-attack-on-odesa-drones-hit-port-infrastructure",
            "",
        ),
        ("NBU keeps the key policy rate at 15.5%", "nbu-keeps-the-key-policy-rate", ""),
        (
            "Rada passes the 2026 budget in the first reading",
            "rada-passes-the-2026-budget-in-the-first-reading",
            "",
        ),
        ("Fire at a warehouse in Dnipro: rescuers worked all night", "fire-at-a-warehouse-in-dnipro", "pv"),
        (
            "How frontline schools prepare for winter: a report from Zaporizhzhia",
            "how-frontline-schools-prepare-for-winter",
            "x",
        ),
        ("Ukrainian boxer wins the European title in Madrid", "ukrainian-boxer-wins-the-european-title", "v"),
        ("Kyiv city council approves new public transport fares", "kyiv-city-council-approves-new-fares", ""),
        (
            "Poland extends its grain import ban: what it means for farmers",
            "poland-extends-its-grain-import-ban",
            "",
        ),
        ("Forecasters warn of fog and black ice on the roads", "forecasters-warn-of-fog-and-black-ice", ""),
        (
            "Prosecutors expose a scheme to embezzle funds for fortifications",
            "prosecutors-expose-a-scheme-for-fortifications",
            "",
        ),
    ],
    "uk": [
        (
            "Зеленський провів переговори з лідерами Європи про ППО на зиму",
            "zelenskyi-provil-perehovory-z-lideramy-yevropy",
            "x",
        ),
        (
            "Енергетики повернули світло 200 тисячам родин на Харківщині",
            "enerhetyky-povernuly-svitlo-na-kharkivshchyni",
            "p",
        ),
        (
            "Нічна атака на Одесу: дрони влучили в портову інфраструктуру",
            "nichna-ataka-na-odesu-drony-vluchyly-v-port",
            "",
        ),
        ("НБУ зберіг облікову ставку на рівні 15,5%", "nbu-zberih-oblikovu-stavku", ""),
        (
            "Рада ухвалила бюджет-2026 у першому читанні",
            "rada-ukhvalyla-biudzhet-2026-u-pershomu-chytanni",
            "",
        ),
        ("Пожежа на складі у Дніпрі: рятувальники працювали всю ніч", "pozhezha-na-skladi-u-dnipri", "pv"),
        (
            "Як прифронтові школи готуються до зими: репортаж із Запоріжжя",
            "yak-pryfrontovi-shkoly-hotuiutsia-do-zymy",
            "x",
        ),
        (
            "Український боксер виграв титул чемпіона Європи в Мадриді",
            "ukrainskyi-bokser-vyhrav-tytul-chempiona-yevropy",
            "v",
        ),
        (
            "Київрада затвердила нові тарифи на проїзд у громадському транспорті",
            "kyivrada-zatverdyla-novi-taryfy-na-proizd",
            "",
        ),
        (
            "Польща продовжила заборону на ввезення зерна: що це означає для аграріїв",
            "polshcha-prodovzhyla-zaboronu-na-vvezennia-zerna",
            "",
        ),
        (
            "Синоптики попередили про туман і ожеледицю на дорогах",
            "synoptyky-poperedyly-pro-tuman-i-ozheledytsiu",
            "",
        ),
        (
            "Прокурори викрили схему розкрадання коштів на фортифікації",
            "prokurory-vykryly-skhemu-na-fortyfikatsii",
            "",
        ),
    ],
    "ru": [
        (
            "Зеленский провел переговоры с лидерами Европы о ПВО на зиму",
            "zelenskiy-provel-peregovory-s-liderami-evropy",
            "x",
        ),
        (
            "Энергетики вернули свет 200 тысячам семей на Харьковщине",
            "energetiki-vernuli-svet-na-harkovshchine",
            "p",
        ),
        (
            "Ночная атака на Одессу: дроны попали в портовую инфраструктуру",
            "nochnaya-ataka-na-odessu-drony-popali-v-port",
            "",
        ),
        ("НБУ сохранил учетную ставку на уровне 15,5%", "nbu-sohranil-uchetnuyu-stavku", ""),
        ("Рада приняла бюджет-2026 в первом чтении", "rada-prinyala-byudzhet-2026-v-pervom-chtenii", ""),
        ("Пожар на складе в Днепре: спасатели работали всю ночь", "pozhar-na-sklade-v-dnepre", "pv"),
        (
            "Как прифронтовые школы готовятся к зиме: репортаж из Запорожья",
            "kak-prifrontovye-shkoly-gotovyatsya-k-zime",
            "x",
        ),
        (
            "Украинский боксер выиграл титул чемпиона Европы в Мадриде",
            "ukrainskiy-bokser-vyigral-titul-chempiona-evropy",
            "v",
        ),
        (
            "Киевсовет утвердил новые тарифы на проезд в общественном транспорте",
            "kievsovet-utverdil-novye-tarify-na-proezd",
            "",
        ),
        (
            "Польша продлила запрет на ввоз зерна: что это значит для аграриев",
            "polsha-prodlila-zapret-na-vvoz-zerna",
            "",
        ),
        (
            "Синоптики предупредили о тумане и гололедице на дорогах",
            "sinoptiki-predupredili-o-tumane-i-gololeditse",
            "",
        ),
        (
            "Прокуроры разоблачили схему хищения средств на фортификации",
            "prokurory-razoblachili-shemu-na-fortifikatsii",
            "",
        ),
    ],
}

DATELINES = {
    "en-next-kharkiv-drone-attack": "Kharkiv • UNN",
    "en-next-new-years-eve-air-alert": "Kyiv • UNN",
    "en-next-poland-cargo-checkpoint": "Kyiv • UNN",
    "ru-next-kyiv-electric-bus-route": "Киев • УНН",
    "ru-next-summer-time-switch": "Киев • УНН",
    "uk-next-kharkiv-drone-attack": "Харків • УНН",
    "uk-next-lviv-children-hospital": "Львів • УНН",
    "uk-next-uz-autumn-trains": "Київ • УНН",
}
# The linked stories' counters, as the cross-links print them (one per read-also block, in order).
LINK_VIEWS = {
    "en-next-kharkiv-drone-attack": [18166, 6148],
    "en-next-new-years-eve-air-alert": [9034],
    "en-next-poland-cargo-checkpoint": [4471, 2208],
    "ru-next-kyiv-electric-bus-route": [3315, 1290],
    "ru-next-summer-time-switch": [27540],
    "uk-next-kharkiv-drone-attack": [21904, 8810],
    "uk-next-lviv-children-hospital": [5077],
    "uk-next-uz-autumn-trains": [12093],
}


def card_stamp(moment: datetime, now: datetime, edition: str) -> str:
    """The stamp a feed card prints: the clock alone for today, else the date and the clock."""
    local, today = moment.astimezone(KYIV), now.astimezone(KYIV)
    if edition == "en":
        clock = local.strftime("%I:%M %p")
        if local.date() == today.date():
            return clock
        return f"{EN_MONTHS[local.month - 1]} {local.day}, {clock}"
    clock = local.strftime("%H:%M")
    if local.date() == today.date():
        return clock
    months = UK_MONTHS if edition == "uk" else RU_MONTHS
    return f"{local.day} {months[local.month - 1]}, {clock}"


def numeric_stamp(utc_iso: str) -> str:
    """`DD.MM.YY, HH:MM` on the Kyiv clock, the form current cross-links print."""
    local = datetime.fromisoformat(utc_iso.replace("Z", "+00:00")).astimezone(KYIV)
    return local.strftime("%d.%m.%y, %H:%M")


def iso_z(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_cards(edition: str, now: datetime, seed: int) -> list[dict]:
    """Twelve page-top cards, newest first, all before the fetch time."""
    cards = []
    moment = now - timedelta(minutes=7 + seed % 11)
    for n, (title, slug, label) in enumerate(FEED[edition]):
        moment -= timedelta(minutes=19 + (seed * 7 + n * 13) % 37)
        moment = moment.replace(second=0, microsecond=0)
        prefix = "" if edition == "uk" else f"/{edition}"
        cards.append(
            {
                "title": title,
                "url": f"https://unn.ua{prefix}/news/{slug}",
                "published_raw": card_stamp(moment, now, edition),
                "published_utc": iso_z(moment),
                "views": 900 + (seed * 131 + n * 2417) % 30000,
                "label": label,
            }
        )
    return cards


def card_labels(card: dict, edition: str) -> list[str]:
    w = WORDS[edition]
    return {
        "x": [w["exclusive"]],
        "p": [w["photo"]],
        "v": [w["video"]],
        "pv": [w["photo"], w["video"]],
        "": [],
    }[card["label"]]


def card_html(card: dict, edition: str) -> str:
    """A stamp-first card: optional Exclusive line, `date • views`, then the title (labels glued)."""
    w = WORDS[edition]
    path = card["url"].removeprefix("https://unn.ua")
    exclusive = (
        f'<div class="news-card_exclusive__P0qAs">{w["exclusive"]}</div>' if card["label"] == "x" else ""
    )
    glued = "".join(
        f'<span class="news-card_label__Z1vBn">{label}</span>'
        for label in card_labels(card, edition)
        if card["label"] != "x"
    )
    return (
        f'<a class="news-card_root__k2JdQ news-card_feed__Lq7mB" href="{path}">{exclusive}'
        f'<div class="news-card_info__Xo2vB"><span class="news-card_date__Q7wEr">{card["published_raw"]}</span>'
        f'<span class="news-card_views__R3tYu"> • {card["views"]}<!-- --> <!-- -->{w["views"]}</span></div>'
        f'<div class="news-card_image__Nw0sK"><img alt="" src="https://unn.ua/img/feed/{path.rsplit("/", 1)[-1]}-small.webp"'
        f' width="120" height="68" loading="lazy" decoding="async"/></div>'
        f'<p class="news-card_title__M2xTr">{card["title"]}{glued}</p></a>'
    )


def header_html(edition: str, alternates: dict[str, str]) -> str:
    """Currency widget, language switch, the rubric menu printed twice, an icon sprite."""
    w = WORDS[edition]
    icons = "".join(
        f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path d="M{n + 2} {n + 3}h{14 - n % 5}a2 2 0 0 1 2 2v{9 + n % 4}'
        f"a2 2 0 0 1-2 2H{n + 4}l-{2 + n % 3}.{n % 9}-{1 + n % 2}.{n % 7}A2 2 0 0 1 {n}.{n % 5} {12 + n % 3}V{5 + n % 2}"
        f'a2 2 0 0 1 2-2z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/></symbol>'
        for n, name in enumerate(
            [
                "search",
                "menu",
                "close",
                "arrow-left",
                "arrow-right",
                "arrow-up",
                "arrow-down",
                "eye",
                "clock",
                "calendar",
                "share",
                "facebook",
                "telegram",
                "twitter",
                "viber",
                "whatsapp",
                "youtube",
                "instagram",
                "tiktok",
                "rss",
                "mail",
                "phone",
                "photo",
                "video",
                "play",
                "pause",
                "bookmark",
                "print",
                "copy",
                "link",
                "user",
                "globe",
                "sun",
                "moon",
            ]
        )
    )
    prefix = {"uk": "", "en": "/en", "ru": "/ru"}[edition]
    slugs = ["politics", "economics", "society", "war", "world", "kyiv", "health", "sport", "culture", "tech"]
    desktop = "".join(
        f'<li class="header_menuItem__p0Xc1"><a href="{prefix}/{slug}"><span class="header_menuText__Gh2k">{name}</span>'
        f'<span class="header_menuHover__Rt5q" aria-hidden="true">{name}</span></a></li>'
        for name, slug in zip(w["menu"], slugs, strict=True)
    )
    mobile = "".join(
        f'<li class="mobile-menu_item__Yw3e"><a href="{prefix}/{slug}">{name}</a></li>'
        for name, slug in zip(w["menu"], slugs, strict=True)
    )
    langs = "".join(
        f'<a class="lang-switcher_item__Qa1s" href="{alternates.get(code, "/")}">{code}</a>'
        for code in ("uk", "en", "ru")
    )
    currency = "".join(
        f'<div class="currency_item__Pq1dA"><span class="currency_sign__Ad3f">{sign}</span>'
        f'<span class="currency_rate__Bs8k">{rate}</span><span class="currency_change__Ce2m">{change}</span></div>'
        for sign, rate, change in (("$", "42.97", "0.16"), ("€", "50.91", "0.12"))
    )
    return (
        f'{MARK}<svg xmlns="http://www.w3.org/2000/svg" style="display:none">{icons}</svg>'
        f'<div class="top-bar_root__Vn2c"><div class="currency_root__Hk2s9">{currency}</div>'
        f'<div class="lang-switcher_root__W2eRt">{langs}</div></div>'
        f'<nav class="header_rubrics__Mn3b"><ul>{desktop}</ul></nav>'
        f'<div class="mobile-menu_root__Zz8p"><ul class="mobile-menu_list__Pp0o">{mobile}</ul></div>'
    )


def footer_html(edition: str) -> str:
    w = WORDS[edition]
    return (
        f'<footer class="footer_root__Vb8Nm"><div class="footer_about__Hq1n"><p class="footer_agency__Kd2s">{w["agency"]}</p>'
        f'<p class="footer_copyright__X2cZa">{w["rights"]}</p></div><a href="/rss/news_{edition}.xml">RSS</a></footer>'
    )


def next_data(edition: str, expected: dict, cards: list[dict], now: datetime) -> str:
    """The data script a Next.js page embeds: article, feed pages, menus and UI messages."""
    feed_items = []
    for page in range(6):  # the feed's first pages, preloaded for infinite scroll
        for n, card in enumerate(cards):
            feed_items.append(
                {
                    "id": 1_400_000 + page * 100 + n,
                    "title": card["title"],
                    "slug": card["url"].rsplit("/", 1)[-1] + (f"-{page}" if page else ""),
                    "lang": edition,
                    "publishedAt": card["published_utc"],
                    "views": card["views"] - page * 17,
                    "isExclusive": card["label"] == "x",
                    "hasPhoto": "p" in card["label"],
                    "hasVideo": "v" in card["label"],
                    "image": {
                        "src": f"https://unn.ua/img/feed/{card['url'].rsplit('/', 1)[-1]}-small.webp",
                        "srcSet": " ".join(
                            f"https://unn.ua/img/feed/{card['url'].rsplit('/', 1)[-1]}-{size}.webp {size}w,"
                            for size in (120, 240, 320, 480, 640, 800)
                        ),
                        "alt": card["title"],
                        "width": 800,
                        "height": 450,
                    },
                    "rubric": {"id": 3 + n % 7, "slug": "society", "title": WORDS[edition]["menu"][n % 10]},
                }
            )
    messages = {
        f"{section}.{key}": f"{WORDS[edition]['menu'][n % 10]} {key.replace('_', ' ')}"
        for n, (section, key) in enumerate(
            (section, key)
            for section in ("header", "footer", "article", "feed", "search", "subscribe", "errors", "cookies")
            for key in (
                "title",
                "subtitle",
                "more",
                "less",
                "open",
                "close",
                "share",
                "copy_link",
                "copied",
                "read_also",
                "views",
                "published",
                "updated",
                "author",
                "tags",
                "rubric",
                "next_page",
                "prev_page",
                "load_more",
                "empty",
                "retry",
                "error_404",
                "error_500",
                "accept",
                "decline",
                "settings",
                "privacy",
                "terms",
            )
        )
    }
    data = {
        "props": {
            "pageProps": {
                "article": {
                    "title": expected["title"],
                    "lead": expected.get("lead"),
                    "publishedAt": expected.get("published_machine"),
                    "paragraphs": expected["paragraphs"],
                    "views": expected.get("views"),
                    "tags": expected.get("tags"),
                    "alternates": expected.get("alternates"),
                },
                "feed": {"items": feed_items, "page": 1, "hasMore": True},
                "menu": [
                    {"title": name, "slug": name.lower(), "children": []} for name in WORDS[edition]["menu"]
                ],
                "messages": messages,
                "serverTime": iso_z(now),
            },
            "__N_SSP": True,
        },
        "page": "/news/[slug]",
        "buildId": "b7Qz1xK3mN9pL2sV4rT6w",
        "isFallback": False,
        "gssp": True,
        "locale": edition,
        "locales": ["uk", "en", "ru"],
        "defaultLocale": "uk",
        "scriptLoader": [],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def rewrite(folder: Path, seed: int) -> None:
    body_path, expected_path = folder / "body.html", folder / "expected.json"
    html = body_path.read_text(encoding="utf-8")
    if MARK in html:
        sys.exit(f"{folder.name}: already rewritten")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    now = datetime.fromisoformat(meta["fetched_at"].replace("Z", "+00:00"))
    edition = expected["edition"]
    w = WORDS[edition]

    # Chrome: the old menu and switch give way to the real ones; footer replaced.
    html = re.sub(r'<nav class="header_menu__\w+">.*?</nav>', "", html, count=1, flags=re.S)
    html = re.sub(r'<div class="lang-switcher_root__\w+">.*?</div>', "", html, count=1, flags=re.S)
    html = re.sub(
        r'(<header class="header_root__\w+">)',
        lambda m: m.group(1) + header_html(edition, expected["alternates"]),
        html,
        count=1,
    )
    html = re.sub(r"<footer.*?</footer>", lambda m: footer_html(edition), html, count=1, flags=re.S)

    # Cross-links: DD.MM.YY dates and the linked story's counter.
    views = iter(LINK_VIEWS[folder.name])
    links = iter(expected["cross_links"])

    def dated(match: re.Match[str]) -> str:
        link, count = next(links), next(views)
        link["published_raw"] = numeric_stamp(link["published_utc"])
        link["views"] = count
        return (
            f"{match.group(1)}{link['published_raw']}</span>"
            f'<span class="read-also_views__T4mXc"> • {count} {w["views"]}</span>'
        )

    html = re.sub(r'(<span class="read-also_date__\w+">)[^<]*</span>', dated, html)

    # Body furniture: dateline, a photo whose caption repeats the title, a bare-link credit, a subhead.
    dateline = DATELINES[folder.name]
    html = html.replace("</h1>", f'</h1><p class="single-news-card_dateline__Dl3Kx">{dateline}</p>', 1)
    authors = re.findall(r'<a class="single-news-card_author__\w+"[^>]*>.*?</a>', html)
    for author in authors:
        html = html.replace(author, "", 1)
    if authors:  # real pages print the author after the body, then rubric and tags
        tags = html.index('<div class="single-news-card_tags__')
        byline = "".join(f'<div class="single-news-card_byline__Rb2q">{author}</div>' for author in authors)
        html = html[:tags] + byline + html[tags:]
    photo = (
        f'<figure class="single-news-card_photo__Fg4h"><img alt="{expected["title"]}" src="https://unn.ua/img/body/{seed}.webp" '
        f'width="800" height="450"/><figcaption>{expected["title"]}</figcaption></figure><p>{w["credit"]}</p>'
    )
    html = re.sub(r'(<div class="single-news-card_body__\w+">)', lambda m: m.group(1) + photo, html, count=1)
    first_link = html.index('<div class="read-also_root__')
    close = html.index("</a></div>", first_link) + len("</a></div>")
    html = html[:close] + f"<p><strong>{w['details']}</strong></p>" + html[close:]
    expected["dateline"] = dateline.split(" • ")[0]
    expected["subheads"] = [{"text": w["details"], "position": expected["cross_links"][0]["position"]}]

    # Bottom "Latest news" is a "News by theme" list (title first); a page-top feed comes first.
    html = re.sub(
        r'(<h2 class="news-block_title__\w+">)(Latest news|Останні новини|Последние новости)</h2>',
        lambda m: f"{m.group(1)}{w['theme']}</h2>",
        html,
    )

    def bottom(match: re.Match[str]) -> str:
        section = match.group(0)
        popular = "news-by-theme" not in section and w["theme"] not in section
        cards = []
        for card in re.findall(r'<a class="news-card_root__.*?</a>', section, flags=re.S):
            card = re.sub(r'<p class="(news-card_views__\w+)">', r'<span class="\1"> • ', card)
            card = re.sub(r'<p class="(news-card_date__\w+)">(.*?)</p>', r'<span class="\1">\2</span>', card)
            card = card.replace("</p></a>", "</span></a>")
            if popular:  # title, date and counter glued on one line; each card a block of its own
                card = re.sub(
                    r'<p class="(news-card_title__\w+)">(.*?)</p>', r'<span class="\1">\2</span>', card
                )
                card = f'<div class="news-block_item__Lp3s">{card}</div>'
            else:  # title first, then a `date • views` line
                card = re.sub(
                    r'(<span class="news-card_date__)',
                    r'<span class="news-card_info__Xo2vB">\1',
                    card,
                    count=1,
                )
                card = card.replace("</span></a>", "</span></span></a>")
            cards.append(card)
        head = section[: section.index('<a class="news-card_root__')]
        return head + "".join(cards) + "</section>"

    html = re.sub(r'<section class="news-block_root__\w+">.*?</section>', bottom, html, flags=re.S)
    for teaser in expected["related"]:
        if teaser["block"] == "latest":
            teaser["block"] = "news-by-theme"
    cards = feed_cards(edition, now, seed)
    feed = (
        f'<section class="news-block_root__Ab3dF news-block_feed__T0p1x"><h2 class="news-block_title__K0sLp">{w["latest"]}</h2>'
        + "".join(card_html(card, edition) for card in cards)
        + "</section>"
    )
    html = re.sub(r'(<main class="layout_main__\w+">)', lambda m: m.group(1) + feed, html, count=1)
    expected["related"][:0] = [
        {
            "title": card["title"],
            "block": "latest",
            "url": card["url"],
            "published_raw": card["published_raw"],
            "published_utc": card["published_utc"],
            "views": card["views"],
            "labels": card_labels(card, edition),
        }
        for card in cards
    ]

    # The data script: replace the small one with what a real page embeds.
    html = re.sub(
        r'(<script id="__NEXT_DATA__" type="application/json">).*?(</script>)',
        lambda m: m.group(1) + next_data(edition, expected, cards, now) + m.group(2),
        html,
        count=1,
        flags=re.S,
    )
    body_path.write_text(html, encoding="utf-8")
    expected_path.write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{folder.name}: {len(html.encode('utf-8'))} bytes")


def rewrite_listing(folder: Path, seed: int) -> None:
    """Listing pages: the same chrome and data script; their cards (inside <main>) are unchanged."""
    body_path = folder / "body.html"
    html = body_path.read_text(encoding="utf-8")
    if MARK in html:
        sys.exit(f"{folder.name}: already rewritten")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    now = datetime.fromisoformat(meta["fetched_at"].replace("Z", "+00:00"))
    edition = folder.name.split("-")[0]
    alternates = dict(re.findall(r'<link rel="alternate" hrefLang="(uk|en|ru)" href="([^"]*)"', html))
    html = re.sub(r'<nav class="header_menu__\w+">.*?</nav>', "", html, count=1, flags=re.S)
    html = re.sub(r'<div class="lang-switcher_root__\w+">.*?</div>', "", html, count=1, flags=re.S)
    html = re.sub(
        r'(<header class="header_root__\w+">)',
        lambda m: m.group(1) + header_html(edition, alternates),
        html,
        count=1,
    )
    html = re.sub(r"<footer.*?</footer>", lambda m: footer_html(edition), html, count=1, flags=re.S)
    listing = {"title": "", "paragraphs": [], "alternates": alternates}
    html = re.sub(
        r'(<script id="__NEXT_DATA__" type="application/json">).*?(</script>)',
        lambda m: m.group(1) + next_data(edition, listing, feed_cards(edition, now, seed), now) + m.group(2),
        html,
        count=1,
        flags=re.S,
    )
    body_path.write_text(html, encoding="utf-8")
    print(f"{folder.name}: {len(html.encode('utf-8'))} bytes")


def main() -> None:
    for seed, folder in enumerate(sorted(ROOT.glob("*-next-*")), start=3):
        rewrite(folder, seed)
    for seed, folder in enumerate(sorted(ROOT.glob("*-listing-p*")), start=20):
        rewrite_listing(folder, seed)


if __name__ == "__main__":
    main()
