"""What a real UNN page prints around a story: chrome, datelines, subheads, photo credits.

Pure predicates, read from the visible text of real unn.ua pages of 2024-2026
(../shared/unn-real-pages.md); their words live in newsbot.text.words. The splitter
(newsbot.text.split) uses them so none of it becomes a title, a teaser or a story paragraph, in
HTML bodies and in page text alike.

- chrome: the currency widget (`$42.970.16`: rate and change glued), the language switch
  (`ukenru`), rubric-menu items printed twice (`PoliticsPolitics`), the footer
  ("Information agency «Ukrainian National News»", "All rights reserved. © 2007 — 2024");
- the dateline: `Kyiv • UNN`, `Київ • УНН`, `Киев • УНН` (any place; its name is kept);
- subheads: one-line headings inside bodies (`Details`, `Нагадаємо`, ...);
- photo credits printed as bare links (`facebook.com/...`) or `Photo: ...` lines.
"""

from __future__ import annotations

import re

from newsbot.text.words import DATELINE_AGENCIES, FOOTER_PHRASES, FOOTER_STARTS, FURNITURE_LABELS, SUBHEADS

# --- chrome --------------------------------------------------------------------------------------

# "$42.970.16" / "€50.910.12": a currency sign, the rate and its change glued; a sign may lead the
# change ("$41.25-0.05"). Only digits, separators and signs follow the currency sign.
_CURRENCY = re.compile(r"[$€£₴]\s?\d+[.,]\d+[\d.,+\-−–\s]*")
# The old unn.com.ua widget: "USD: 26,24 -0,0311 EUR: 30,46 0,0518" (rate, then change, per code).
_CURRENCY_CODES = re.compile(r"(?:(?:USD|EUR|RUB|UAH)\s*:?\s*\d+[.,]\d+\s*[-+−]?\d+[.,]\d+\s*){1,4}")
# "ukenru", "UA EN RU", "uk | en | ru": the edition switch, two or three codes and nothing else.
_LANGUAGE_SWITCH = re.compile(r"(?:(?:uk|ua|en|ru|укр|eng|рус)[\s|/·•]*){2,3}", re.IGNORECASE)
_FOOTER_PHRASES = re.compile(FOOTER_PHRASES)
_FOOTER_MAX_CHARS = 200  # a story sentence may mention an agency; a footer line is short
_MENU_ITEM_MAX_CHARS = 30


def doubled_item(text: str) -> bool:
    """Return True for a menu item printed twice: "PoliticsPolitics", "Політика Політика"."""
    size = len(text)
    if size < 4 or size > 2 * _MENU_ITEM_MAX_CHARS + 1:
        return False
    half = size // 2
    if size % 2 == 0 and text[:half] == text[half:]:
        return text[0].isalpha()
    return size % 2 == 1 and text[half] == " " and text[:half] == text[half + 1 :] and text[0].isalpha()


def chrome_kind(text: str) -> str | None:
    """Name the page chrome `text` is ("currency", "language-switch", "menu", "footer"), or None."""
    if not text:
        return None
    first = text[0]
    if first in "$€£₴" and _CURRENCY.fullmatch(text):
        return "currency"
    if first in "UER" and _CURRENCY_CODES.fullmatch(text):
        return "currency"
    if len(text) <= 20 and _LANGUAGE_SWITCH.fullmatch(text):
        return "language-switch"
    if len(text) <= _FOOTER_MAX_CHARS:
        low = text.lower()
        # The agency's name line ("Information agency «Ukrainian National News»") is a name, no
        # sentence: "Information agency Interfax reported that ... ." is story text.
        if (low.startswith(FOOTER_STARTS) and text[-1] not in ".!?…") or _FOOTER_PHRASES.search(low):
            return "footer"
    if doubled_item(text):
        return "menu"
    return None


# --- the dateline ----------------------------------------------------------------------------------

# "Kyiv • UNN" / "Київ • УНН" / "Киев • УНН" / "New York • UNN": a place of up to four words.
_DATELINE = re.compile(
    r"(?P<place>[^\W\d_][\w'’.\-]*(?:\s[\w'’.\-]+){0,3})\s*[•·|]\s*(?:UNN|УНН)",
)


def dateline_place(text: str) -> str | None:
    """Return the place of a dateline line ("Kyiv" for "Kyiv • UNN"), or None."""
    if len(text) > 60 or not text.endswith(DATELINE_AGENCIES):
        return None
    match = _DATELINE.fullmatch(text)
    return match["place"] if match else None


# --- subheads ------------------------------------------------------------------------------------


def is_subhead(text: str) -> bool:
    """Return True for a subhead line such as "Details" or "Нагадаємо:"."""
    return len(text) <= 20 and text.rstrip(":. ").lower() in SUBHEADS


# --- photo credits and article furniture -----------------------------------------------------------

# "facebook.com/kyivpolice", "Photo: t.me/unn", "https://www.instagram.com/p/x": a bare link.
_PHOTO_CREDIT = re.compile(
    r"(?:(?:photo|фото|source|джерело|источник)\s*[:\-–—]?\s*)?(?:https?://)?(?:www\.)?"
    r"(?:[a-z0-9\-]+\.)+[a-z]{2,}(?:/\S*)?",
    re.IGNORECASE,
)


# "Photo: State Customs Service", "Фото: Львівська міська рада": a credit line under a photo.
_CREDIT_LINE = re.compile(r"(?:photo|фото|photos|джерело фото|источник фото)\s*:\s*\S.{0,80}", re.IGNORECASE)


# Where a bare-link credit points: the social and photo services a picture is credited to
# ("facebook.com/kyivpolice", "t.me/unn"). A bare link to anything else (a shop, a short link in a
# list of offers) is story text unless a "Photo:"/"Source:" label says it is a credit.
_CREDIT_HOSTS = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?(?:facebook\.com|fb\.com|t\.me|telegram\.me|instagram\.com"
    r"|twitter\.com|x\.com|youtube\.com|youtu\.be|tiktok\.com|flickr\.com|vk\.com|unsplash\.com"
    r"|gettyimages\.\w+)(?:/|$)",
    re.IGNORECASE,
)
_CREDIT_LABEL = re.compile(r"(?:photo|фото|source|джерело|источник)\s*[:\-–—]", re.IGNORECASE)


def is_photo_credit(text: str) -> bool:
    """Return True for a photo credit: a bare link to a social/photo service, or a "Photo: ..." line."""
    if len(text) > 120:
        return False
    if " " not in text.split(":")[-1].strip() and _PHOTO_CREDIT.fullmatch(text):
        return _CREDIT_LABEL.match(text) is not None or _CREDIT_HOSTS.match(text) is not None
    return _CREDIT_LINE.fullmatch(text) is not None and text[-1] not in ".!?"


_FURNITURE_MAX_WORDS = 5
_FURNITURE_MAX_CHARS = 50
_SENTENCE_END = set(".!?:;…\"'»”’)")


def furniture_shaped(text: str) -> bool:
    """Return True for a short line that is no sentence: an author, rubric or tag line."""
    return (
        0 < len(text) <= _FURNITURE_MAX_CHARS
        and len(text.split()) <= _FURNITURE_MAX_WORDS
        and text[-1] not in _SENTENCE_END
        and not text.startswith(("-", "—", "–"))
        and not any(ch.isdigit() for ch in text)
    )


def is_labelled_line(text: str) -> bool:
    """Return True for a tag or source line: "Tags: Kyiv, weather", "Джерело: УНН"."""
    return len(text) <= 200 and text.lower().startswith(FURNITURE_LABELS)


_NAME_WORD = re.compile(r"[A-ZА-ЯІЇЄҐЁ][a-zа-яіїєґё'’]+(?:-[A-ZА-ЯІЇЄҐЁ]?[a-zа-яіїєґё'’]+)?")


def name_shaped(text: str) -> bool:
    """Return True for a person's name: two or three capitalised words ("Anna Murashko")."""
    words = text.split()
    return 2 <= len(words) <= 3 and all(_NAME_WORD.fullmatch(w) for w in words)
