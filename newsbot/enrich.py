"""The article stages (split, timestamps, language) as plain functions: the pipelines, `newsbot split`,
`archive reparse` and the fixture tests all call these, so a page comes out the same wherever it is read.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from newsbot import settings as defaults
from newsbot.items import Article, CrossLink, Teaser, iso_utc
from newsbot.pages.guard import failure_reason
from newsbot.sites import site_zones
from newsbot.text.budget import DEFAULT_PAGE_BUDGET, TimeBudgetExceeded, time_budget
from newsbot.text.language import (
    UNDETERMINED,
    declared_language,
    detect_language,
    normalize_candidates,
)
from newsbot.text.split_html import split_body
from newsbot.text.timestamps import PRECISIONS, TimeResult, parse_timestamp
from newsbot.text.zone_check import check_visible_zone

logger = logging.getLogger(__name__)

# A machine value and the visible text may differ by rounding (seconds dropped); more is a conflict.
AGREEMENT = timedelta(minutes=1)


def enrich_article(article: Article, settings: Mapping[str, Any] | None = None) -> Article:
    """Fill `article`'s derived fields in place and return it.

    `settings` may hold the pipelines' NEWSBOT_TIMEZONES, NEWSBOT_TIMEZONE and
    NEWSBOT_LANGUAGE_CANDIDATES (a Scrapy Settings object works too); defaults otherwise.
    """
    settings = settings or {}
    zones = site_zones({**defaults.NEWSBOT_TIMEZONES, **dict(settings.get("NEWSBOT_TIMEZONES") or {})})
    candidates = language_candidates(settings.get("NEWSBOT_LANGUAGE_CANDIDATES") or None)
    split_article(article)
    normalise_article_times(
        article, tz=zones.get(article.site, settings.get("NEWSBOT_TIMEZONE") or defaults.NEWSBOT_TIMEZONE)
    )
    label_article(article, candidates)
    return article


def language_candidates(raw: Sequence[str] | str | None) -> tuple[str, ...]:
    """Read NEWSBOT_LANGUAGE_CANDIDATES (None: its default); raise ValueError saying what is wrong."""
    candidates = normalize_candidates(defaults.NEWSBOT_LANGUAGE_CANDIDATES if raw is None else raw)
    if isinstance(candidates, str):
        raise ValueError(f"NEWSBOT_LANGUAGE_CANDIDATES: {candidates}")
    return candidates


# --- split -----------------------------------------------------------------------------------------
SPLIT_FAILED = "splitter failed"  # start of the paragraphs problem when the body could not be split


def split_article(article: Article) -> None:
    """Fill `article`'s paragraphs, cross-links, view count and cleaned teasers in place."""
    try:
        with time_budget(DEFAULT_PAGE_BUDGET):
            result = split_body(
                article.body_html,
                views_raw=article.views_raw,
                related=article.related,
                base_url=article.url,
                title=article.title,
            )
    except (RecursionError, TimeBudgetExceeded) as exc:  # hostile markup, not a bug: one line
        logger.warning("split failed for %s: %s", article.url, failure_reason(exc))
        article.problems["paragraphs"] = f"{SPLIT_FAILED}: {failure_reason(exc)}"
        return
    except Exception as exc:  # a splitter bug must not lose the article: keep it, say why
        logger.exception("split failed for %s", article.url)
        article.problems["paragraphs"] = f"{SPLIT_FAILED}: {exc!r}"
        return
    article.paragraphs = result.paragraphs
    article.cross_links = result.cross_links
    article.subheads = result.subheads
    article.dateline = article.dateline or result.dateline
    article.views = result.views
    article.related = result.related
    article.problems.update(result.problems)


# --- timestamps ------------------------------------------------------------------------------------
def normalise_article_times(article: Article, *, tz: str) -> None:
    """Fill `article`'s UTC times and precisions in place, with reasons in `problems`."""
    now = article.fetched_at
    languages = [article.edition] if article.edition and article.edition != "und" else None

    def read(raw: str) -> TimeResult:
        return parse_timestamp(raw, now=now, tz=tz, languages=languages)

    for field in ("published", "modified"):
        machine = getattr(article, f"{field}_machine")
        raw = getattr(article, f"{field}_raw")
        result, problem = _choose(read(machine) if machine else None, read(raw) if raw else None)
        if result is not None:
            setattr(article, f"{field}_utc", result.utc)
            setattr(article, f"{field}_precision", result.precision)
        if problem:
            article.problems[field] = problem

    check = check_visible_zone(
        article.published_raw, article.published_machine, now=now, zone=tz, languages=languages
    )
    if check is not None:
        article.visible_offset_minutes = check.offset_minutes
        if (problem := check.problem()) is not None:
            article.problems["published_zone"] = problem

    holders: tuple[CrossLink | Teaser, ...] = (*article.cross_links, *article.related)
    for holder in holders:
        if holder.published_raw is None:
            continue
        result = read(holder.published_raw)
        if result.ok:
            holder.published_utc = result.utc
            holder.published_precision = result.precision
        else:
            holder.problems["published"] = f"{result.error}: {holder.published_raw!r}"


def _choose(machine: TimeResult | None, visible: TimeResult | None) -> tuple[TimeResult | None, str | None]:
    """Pick the machine value over the visible text; say why when one fails or they disagree."""
    if machine is not None and machine.ok:
        if visible is None:
            return machine, None
        if not visible.ok:
            return machine, f"visible text unreadable ({visible.error}): {visible.raw!r}"
        if _disagree(machine, visible):
            return machine, (
                f"machine value {machine.raw!r} ({_iso(machine.utc)}) and visible text "
                f"{visible.raw!r} ({_iso(visible.utc)}) disagree; kept the machine value"
            )
        return machine, None
    if visible is not None and visible.ok:
        if machine is not None:
            return visible, f"machine value unreadable ({machine.error}): {machine.raw!r}"
        return visible, None
    reasons = [f"{r.error}: {r.raw!r}" for r in (machine, visible) if r is not None]
    return None, "; ".join(reasons) or None


def _disagree(first: TimeResult, second: TimeResult) -> bool:
    """Tell whether two readings name different moments, compared at the coarser precision.

    "9 квітня 2024" and "2024-04-09T14:35" agree (same local day); "14:35" and "14:37" do not.
    A relative reading ("2 години тому") says only roughly when, so it never disagrees.
    """
    if first.approximate or second.approximate:
        return False
    assert first.utc and second.utc and first.local and second.local
    assert first.precision and second.precision
    coarser = max(first.precision, second.precision, key=PRECISIONS.index)
    if coarser in ("second", "minute"):
        return abs(first.utc - second.utc) > AGREEMENT
    return _truncate(first.local, coarser) != _truncate(second.local, coarser)


def _truncate(moment: datetime, precision: str) -> tuple[int, ...]:
    size = {"year": 1, "month": 2, "day": 3, "hour": 4}[precision]
    return (moment.year, moment.month, moment.day, moment.hour)[:size]


def _iso(moment: datetime | None) -> str:
    return iso_utc(moment) if moment else "?"


# --- language --------------------------------------------------------------------------------------
def with_declared(candidates: tuple[str, ...], declared: str) -> tuple[str, ...]:
    """Return `candidates` with the page's declared language added when it is not among them.

    A German page of a site crawled with the default uk/ru/en set would otherwise be "detected" as
    English and reported as a mismatch; with its declared language among the candidates, the
    detector can confirm or contradict the declaration.
    """
    if declared == UNDETERMINED or declared in candidates:
        return candidates
    widened = normalize_candidates((*candidates, declared))
    return candidates if isinstance(widened, str) else widened


def label_article(article: Article, candidates: tuple[str, ...]) -> None:
    """Fill the language fields of `article` in place; record what could not be told."""
    declared = declared_language(edition=article.edition, hints=article.lang_hints)
    article.lang_declared = declared.lang
    if declared.lang == UNDETERMINED:
        article.problems["lang_declared"] = declared.reason or "undetermined"
    widened = with_declared(candidates, declared.lang)
    # A language outside the configured set gets lingua's low-accuracy models only: they cost
    # 10 ms and 1-2 MiB per language to build, the high-accuracy ones 0.4-0.9 s and ~50 MiB each,
    # which a crawl meeting many page languages would pay once per language (docs/language.md).
    precise = None if widened == candidates else candidates
    detect = functools.partial(detect_language, candidates=widened, precise_among=precise)

    title = detect(article.title or "")
    body_text = "\n".join(article.paragraphs)
    if body_text.strip():
        body = detect(body_text)
    else:
        article.problems["lang_detected"] = "no paragraphs: language told from the title"
        body = title
    article.lang_detected = body.lang
    article.lang_confidence = body.confidence
    article.lang_method = body.method
    if body.lang == UNDETERMINED and "lang_detected" not in article.problems:
        article.problems["lang_detected"] = body.reason or "undetermined"
    article.lang_mismatch = UNDETERMINED not in (declared.lang, body.lang) and (declared.lang != body.lang)

    segments = {"title": title.lang, "body": body.lang}
    if article.lead and article.lead.strip():
        segments["lead"] = detect(article.lead).lang
    article.segment_langs = segments

    units: list[CrossLink | Teaser] = [*article.cross_links, *article.related]
    for unit in units:
        found = detect(unit.title or "")
        unit.lang = found.lang
        if found.lang == UNDETERMINED:
            unit.problems["lang"] = found.reason or "undetermined"
