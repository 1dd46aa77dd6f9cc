"""Write the ru AMP fixture (fixtures/unn/ru-amp-kyiv-water-supply) as real AMP pages print (issue 15).

Run once: `python scripts/unn_real_amp.py`. The text follows ../shared/unn-real-pages.md: an
AMP page prints chrome, the title, the article's counter (` • 19136 переглядiв`: the Ukrainian
word with a Latin i, on ru pages too), the body with subheads and a cross-link whose Ukrainian
title is followed by a space, `DD.MM.YY, HH:MM` and a counter, then author and rubric, then
"Популярные" (each title printed twice, no stamps) and "Новости по теме" (title, then counter).
The markup of real AMP pages is unknown here: it is plain AMP HTML, and the page object reads
its structure, not class names. AMP pages inline all CSS (up to 75 KB) in <style amp-custom>.
"""

# ruff: noqa: E501  (page markup and headlines are data: long lines read better unbroken)

from __future__ import annotations

import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "unn" / "ru-amp-kyiv-water-supply"
SLUG = "v-kieve-na-levom-beregu-vosstanovili-vodosnabzhenie-posle-avarii"
AMP_URL = f"https://unn.ua/ru/amp/news/{SLUG}"
CANONICAL = f"https://unn.ua/ru/news/{SLUG}"
TITLE = "В Киеве на левом берегу восстановили водоснабжение после аварии"
PARAGRAPHS = [
    "Водоснабжение в Днепровском и Деснянском районах столицы восстановлено в полном объеме, сообщили в "
    "«Киевводоканале» утром 25 ноября.",
    "Авария на магистральном водопроводе диаметром 1200 мм произошла накануне вечером на Броварском проспекте. "
    "Без воды оставались около 160 тысяч жителей левого берега.",
    "Ремонтные бригады работали всю ночь: поврежденный участок трубы длиной шесть метров заменили к 06:30.",
    "В ближайшие часы вода может быть мутной, поэтому горожанам советуют дать ей стечь несколько минут.",
    "Ранее в «Киевводоканале» сообщали, что износ магистральных сетей на левом берегу превышает 70%.",
]
LINK = (
    "У Києві на Троєщині замінять три кілометри водогону",
    "/news/u-kyievi-na-troieshchyni-zaminiat-try-kilometry-vodohonu",
    "21.11.25, 14:05",
    6148,
)
POPULAR = [
    (
        "Синоптики предупредили о мокром снеге и гололедице в Киеве",
        "sinoptiki-predupredili-o-mokrom-snege-v-kieve",
    ),
    ("Графики отключений света: что известно на 25 ноября", "grafiki-otklyucheniy-sveta-na-25-noyabrya"),
    ("В Одессе спасатели вытащили из моря собаку", "v-odesse-spasateli-vytashchili-iz-morya-sobaku"),
]
THEME = [
    ("В Киеве на Позняках из-за аварии остановили трамваи", "v-kieve-na-poznyakah-ostanovili-tramvai", 22037),
    ("«Киевводоканал» заменит 40 км сетей до конца года", "kievvodokanal-zamenit-40-km-setey", 20207),
    (
        "Киевлянам напомнили, как получить воду из бюветов",
        "kievlyanam-napomnili-kak-poluchit-vodu-iz-byuvetov",
        18436,
    ),
]


def css() -> str:
    rules = []
    for n, name in enumerate(
        [
            "header",
            "logo",
            "nav",
            "menu",
            "menu-item",
            "lang",
            "lang-item",
            "currency",
            "currency-item",
            "sidebar",
            "sidebar-item",
            "article",
            "article-title",
            "article-views",
            "article-body",
            "article-author",
            "article-rubric",
            "read-also",
            "read-also-title",
            "read-also-date",
            "block",
            "block-title",
            "block-list",
            "block-item",
            "footer",
            "footer-agency",
            "footer-rights",
            "share",
            "share-item",
            "photo",
            "caption",
            "tags",
            "tag",
            "pager",
            "breadcrumbs",
        ]
    ):
        for state in ("", ":hover", ":focus", " a", " p", " span", " img", "--dark", "--wide", "--compact"):
            rules.append(
                f".{name}{state}{{margin:{n % 4 * 4}px {n % 3 * 8}px;padding:{n % 5 * 2}px {n % 6 * 3}px;"
                f"font:{400 + n % 3 * 100} {12 + n % 6}px/1.{4 + n % 4} 'Montserrat',Arial,sans-serif;"
                f"color:#{(n * 2654435) % 0xFFFFFF:06x};background:#{(n * 40503) % 0xFFFFFF:06x};"
                f"border-bottom:1px solid rgba(0,0,0,.{n % 9 + 1});transition:color .2s ease-in-out}}"
            )
        rules.append(
            f"@media (min-width:{600 + n * 20}px){{.{name}{{max-width:{960 + n * 8}px;display:flex;gap:{n % 4 * 8}px}}}}"
        )
    return "".join(rules)


def page() -> str:
    menu = ["Политика", "Экономика", "Общество", "Война", "Мир", "Киев", "Здоровье", "Спорт", "Культура"]
    sidebar = "".join(
        f'<li class="sidebar-item"><a href="/ru/{n}">{name}</a></li>' for n, name in enumerate(menu)
    )
    nav = "".join(f'<a class="menu-item" href="/ru/{n}">{name}</a>' for n, name in enumerate(menu))
    json_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": TITLE,
        "inLanguage": "ru",
        "datePublished": "2025-11-25T10:12:00+02:00",
        "dateModified": "2025-11-25T10:40:00+02:00",
        "author": [{"@type": "Person", "name": "Ольга Коваленко"}],
        "mainEntityOfPage": CANONICAL,
        "publisher": {
            "@type": "Organization",
            "name": "УНН",
            "logo": {"@type": "ImageObject", "url": "https://unn.ua/img/logo.png"},
        },
    }
    p = [f"<p>{text}</p>" for text in PARAGRAPHS]
    body = (
        p[0]
        + f'<figure class="photo"><amp-img alt="{TITLE}" src="https://unn.ua/img/2025/11/25/water.webp" width="800" height="450" layout="responsive"></amp-img>'
        f'<figcaption class="caption">{TITLE}</figcaption></figure>'
        + "<p><strong>Детали</strong></p>"
        + p[1]
        + p[2]
        + f'<div class="read-also"><a href="{LINK[1]}"><span class="read-also-title">{LINK[0]}</span> '
        f'<span class="read-also-date">{LINK[2]}</span><span> • {LINK[3]} просмотров</span></a></div>'
        + p[3]
        + "<p><strong>Напомним</strong></p>"
        + p[4]
    )
    popular = "".join(
        f'<li class="block-item"><div class="block-item-image"><a href="/ru/news/{slug}"><span>{title}</span></a></div>'
        f'<a class="block-item-title" href="/ru/news/{slug}">{title}</a></li>'
        for title, slug in POPULAR
    )
    theme = "".join(
        f'<li class="block-item"><a href="/ru/news/{slug}">{title}</a><span class="views"> • {views} переглядiв</span></li>'
        for title, slug, views in THEME
    )
    return (
        '<!doctype html><html ⚡ lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">'
        f"<title>{TITLE} | УНН</title>"
        f'<link rel="canonical" href="{CANONICAL}">'
        '<script async src="https://cdn.ampproject.org/v0.js"></script>'
        '<script async custom-element="amp-sidebar" src="https://cdn.ampproject.org/v0/amp-sidebar-0.1.js"></script>'
        '<script async custom-element="amp-analytics" src="https://cdn.ampproject.org/v0/amp-analytics-0.1.js"></script>'
        f'<script type="application/ld+json">{json.dumps(json_ld, ensure_ascii=False)}</script>'
        "<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;"
        "animation:-amp-start 8s steps(1,end) 0s 1 normal both}@keyframes -amp-start{from{visibility:hidden}"
        "to{visibility:visible}}</style><noscript><style amp-boilerplate>body{-webkit-animation:none;animation:none}"
        f"</style></noscript><style amp-custom>{css()}</style></head><body>"
        f'<amp-sidebar id="sidebar" layout="nodisplay" side="left"><ul class="sidebar">{sidebar}</ul></amp-sidebar>'
        '<header class="header"><div class="currency"><div class="currency-item"><span>$</span><span>41.62</span>'
        '<span>0.08</span></div><div class="currency-item"><span>€</span><span>48.15</span><span>0.21</span></div></div>'
        '<div class="lang"><a href="https://unn.ua/amp/news/u-kyievi-na-livomu-berezi-vidnovyly-vodopostachannia">uk</a>'
        '<a href="https://unn.ua/en/amp/news/water-supply-restored-on-kyivs-left-bank">en</a><a href="'
        + AMP_URL
        + '">ru</a></div>'
        f'<nav class="nav">{nav}</nav></header>'
        f'<main><article class="article"><h1 class="article-title">{TITLE}</h1>'
        '<div class="article-views"> • 19136 переглядiв</div>'
        f'<div class="article-body">{body}</div>'
        '<div class="article-author">Ольга Коваленко</div><div class="article-rubric"><a href="/ru/kyiv">Киев</a></div>'
        "</article>"
        f'<section class="block"><h2 class="block-title">Популярные</h2><ul class="block-list">{popular}</ul></section>'
        f'<section class="block"><h2 class="block-title">Новости по теме</h2><ul class="block-list">{theme}</ul></section>'
        "</main>"
        '<footer class="footer"><p class="footer-agency">Информационное агентство «Украинские Национальные Новости»</p>'
        '<p class="footer-rights">Все права защищены. © 2007 — 2025</p></footer>'
        '<amp-analytics type="gtag" data-credentials="include"><script type="application/json">'
        '{"vars":{"gtag_id":"G-UNN0000000","config":{"G-UNN0000000":{"groups":"default"}}}}</script></amp-analytics>'
        "</body></html>"
    )


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    html = page()
    (FOLDER / "body.html").write_text(html, encoding="utf-8")
    meta = {
        "url": AMP_URL,
        "status": 200,
        "headers": {"Content-Type": "text/html; charset=utf-8", "Vary": "Accept-Encoding"},
        "fetched_at": "2025-11-25T09:40:00Z",
        "origin": "written by the newsbot team from the text real unn.ua AMP pages print "
        "(../shared/unn-real-pages.md); the markup is plain AMP HTML, real AMP markup is unknown",
    }
    (FOLDER / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{FOLDER.name}: {len(html.encode('utf-8'))} bytes")


if __name__ == "__main__":
    main()
