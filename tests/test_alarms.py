"""Fill rates per site and layout, the layout alarm rule, the run verdict, and the fill-rate stage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from archive.db import open_archive
from archive.revisit import FILL_RATES_STAT, fill_rate_history
from newsbot.items import FILL_FIELDS, NotModified, filled_fields
from newsbot.pipelines.fill_rate import ALARMS_STAT, FillRatePipeline
from newsbot.runs.alarms import (
    AlarmRule,
    FillCounter,
    error_rate,
    generic_articles,
    layout_alarms,
    run_failures,
)
from tests.support.factories import make_article

T0 = datetime(2025, 11, 20, 10, 0, tzinfo=UTC)


def _article(n: int = 0, **fields: Any):
    fields = {"published_utc": T0, "views": 100, **fields}
    article = make_article(f"https://unn.ua/en/news/story-{n}", **fields)
    article.layout = "next"
    return article


def _history(rate: float, runs: int, articles: int = 20, field: str = "views") -> list[dict[str, Any]]:
    return [{"unn/next": {"articles": articles, "rates": {field: rate}}} for _ in range(runs)]


def _now(rate: float, articles: int = 20, field: str = "views") -> dict[str, Any]:
    return {"unn/next": {"articles": articles, "rates": {field: rate}}}


# --- fill rates -----------------------------------------------------------------------------------


def test_filled_fields_reads_what_the_pipelines_filled() -> None:
    article = _article(lead=None, tags=["Kyiv"])
    filled = filled_fields(article)
    assert (
        filled["title"] and filled["text"] and filled["views"] and filled["published_utc"] and filled["tags"]
    )
    assert not filled["lead"] and not filled["rubric"] and not filled["modified_utc"]
    assert set(filled) == set(FILL_FIELDS)  # the fields `archive stats` counts, no more, no fewer


def test_fill_counter_gives_shares_per_site_and_layout() -> None:
    counter = FillCounter()
    counter.add(_article(1))
    counter.add(_article(2, views=None))
    legacy = _article(3)
    legacy.layout = "legacy"
    counter.add(legacy)
    rates = counter.rates()
    assert rates["unn/next"]["articles"] == 2
    assert rates["unn/next"]["rates"]["views"] == 0.5
    assert rates["unn/next"]["rates"]["title"] == 1.0
    assert rates["unn/legacy"] == {"articles": 1, "rates": rates["unn/legacy"]["rates"]}
    assert rates["unn/legacy"]["rates"]["views"] == 1.0


# --- the alarm rule -------------------------------------------------------------------------------


def test_a_field_that_empties_raises_an_alarm() -> None:
    (alarm,) = layout_alarms(_now(0.0), _history(0.95, 5))
    assert (alarm.site_layout, alarm.field, alarm.rate, alarm.median, alarm.runs) == (
        "unn/next",
        "views",
        0.0,
        0.95,
        5,
    )
    assert "layout alarm: unn/next field 'views' filled in 0% of 20 articles" in alarm.message()


def test_rates_recorded_under_the_former_field_names_are_history() -> None:
    # Runs before the field list was shared with `archive stats` recorded "body", not "text".
    (alarm,) = layout_alarms(_now(0.0, field="text"), _history(1.0, 5, field="body"))
    assert (alarm.field, alarm.median) == ("text", 1.0)


def test_a_small_dip_is_no_alarm() -> None:
    assert layout_alarms(_now(0.6), _history(0.95, 5)) == []  # above half the median


def test_the_drop_is_a_setting() -> None:
    assert layout_alarms(_now(0.6), _history(0.95, 5), AlarmRule(drop=0.3)) != []


def test_the_median_ignores_one_odd_past_run() -> None:
    history = [*_history(0.9, 4), {"unn/next": {"articles": 20, "rates": {"views": 0.0}}}]
    assert len(layout_alarms(_now(0.1), history)) == 1


def test_small_samples_never_alarm() -> None:
    assert layout_alarms(_now(0.0, articles=9), _history(1.0, 5)) == []  # this run too small
    assert layout_alarms(_now(0.0), _history(1.0, 5, articles=9)) == []  # past runs too small
    assert layout_alarms(_now(0.0), _history(1.0, 2)) == []  # too few past runs


def test_only_the_last_history_runs_count() -> None:
    # Newest first: two recent runs at 0.1 (the layout changed a while ago), older runs at 1.0.
    history = _history(0.1, 3) + _history(1.0, 20)
    assert layout_alarms(_now(0.1), history, AlarmRule(history_runs=3)) == []
    assert layout_alarms(_now(0.1), history, AlarmRule(history_runs=23)) != []


def test_a_new_layout_has_no_history_and_no_alarm() -> None:
    current = {"unn/y2026": {"articles": 50, "rates": {"views": 0.0}}}
    assert layout_alarms(current, _history(1.0, 5)) == []


def test_a_site_that_moved_to_the_generic_layout_raises_an_alarm() -> None:
    # Its own layout has no key at all this run: only the fallback share can see the change.
    current = {"unn/generic": {"articles": 30, "rates": {"views": 0.0}}}
    alarms = layout_alarms(current, _history(1.0, 5))
    found = [(a.site_layout, a.field, a.rate, a.median) for a in alarms]
    assert found == [("unn/generic", "layout", 0.0, 1.0)]
    assert "unn/generic" in alarms[0].message()


def test_generic_articles_are_counted_over_every_site() -> None:
    rates = {
        "unn/next": {"articles": 8},
        "unn/generic": {"articles": 2},
        "example.com/generic": {"articles": 5},
    }
    assert generic_articles(rates) == 7
    assert generic_articles({}) == 0


def test_a_few_generic_pages_or_a_generic_only_site_raise_no_alarm() -> None:
    mixed = {"unn/next": {"articles": 18, "rates": {}}, "unn/generic": {"articles": 2, "rates": {}}}
    assert layout_alarms(mixed, _history(1.0, 5)) == []
    other = [{"example.com/generic": {"articles": 20, "rates": {}}} for _ in range(5)]
    assert layout_alarms({"example.com/generic": {"articles": 20, "rates": {}}}, other) == []


# --- the run verdict ------------------------------------------------------------------------------


def _stats(**extra: Any) -> dict[str, Any]:
    stats = {
        "finish_reason": "finished",
        "downloader/request_count": 10,
        "downloader/response_status_count/200": 9,
        "downloader/response_status_count/304": 1,
    }
    return {**stats, **extra}


def test_a_clean_run_passes() -> None:
    assert run_failures(_stats(), max_error_rate=0.2) == []


def test_a_run_with_no_answered_page_fails() -> None:
    stats = {
        "finish_reason": "finished",
        "downloader/request_count": 3,
        "downloader/response_status_count/404": 3,
    }
    (reason, *_) = run_failures(stats, max_error_rate=1.0)
    assert reason.startswith("no pages")


def test_error_rate_counts_final_failures_not_retries() -> None:
    stats = _stats(**{"retry/count": 4, "newsbot/article_fetch_failed": 2, "newsbot/quarantined": 1})
    stats["downloader/request_count"] = 14  # 10 pages, 4 of them retried
    assert error_rate(stats) == (3, 10)
    assert run_failures(stats, max_error_rate=0.3) == []
    (reason,) = run_failures(stats, max_error_rate=0.2)
    assert reason == "error rate 30% (3 of 10 pages) is above 20%"


def test_a_run_stopped_early_fails() -> None:
    (reason,) = run_failures(_stats(finish_reason="shutdown"), max_error_rate=0.2)
    assert reason == "the crawl stopped early: shutdown"


def test_a_layout_alarm_fails_the_run() -> None:
    alarm = {
        "site_layout": "unn/next",
        "field": "views",
        "rate": 0.0,
        "median": 1.0,
        "articles": 20,
        "runs": 5,
    }
    (reason,) = run_failures(_stats(**{ALARMS_STAT: [alarm]}), max_error_rate=0.2)
    assert reason.startswith("layout alarm: unn/next field 'views'")


# --- the fill-rate stage, built the way Scrapy builds it ------------------------------------------


def _past_runs(db: Path, rates: list[float]) -> None:
    with open_archive(db) as archive:
        for i, rate in enumerate(rates):
            run_id = archive.start_run("unn", {}, T0 + timedelta(hours=i))
            stats = {FILL_RATES_STAT: _now(rate, articles=12)}
            archive.finish_run(
                run_id, finished_at=T0 + timedelta(hours=i, minutes=5), stats=stats, finish_reason="finished"
            )
        archive.start_run("unn", {}, T0 + timedelta(days=1))  # a run that never finished: ignored
        run_id = archive.start_run("other", {}, T0)
        stats = {FILL_RATES_STAT: _now(0.0, articles=12)}
        archive.finish_run(run_id, finished_at=T0, stats=stats, finish_reason="finished")


def test_history_reads_finished_runs_of_the_spider_newest_first(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _past_runs(db, [0.7, 0.8, 0.9])
    with open_archive(db, readonly=True) as archive:
        history = fill_rate_history(archive.conn, "unn", runs=2)
    assert [run["unn/next"]["rates"]["views"] for run in history] == [0.9, 0.8]


def _run_stage(db: Path, items: list[Any], **settings: Any):
    crawler = get_crawler(
        settings_dict={"NEWSBOT_ARCHIVE_PATH": str(db), "NEWSBOT_ALARM_MIN_ARTICLES": 10, **settings}
    )
    crawler.spider = type("Spider", (), {"name": "unn"})()
    crawler.stats.open_spider()
    stage = build_from_crawler(FillRatePipeline, crawler)
    stage.open_spider()
    passed = [stage.process_item(item) for item in items]
    stage.close_spider()
    return crawler.stats, passed


def test_stage_records_rates_and_raises_an_alarm_against_past_runs(tmp_path: Path, caplog) -> None:
    db = tmp_path / "a.db"
    _past_runs(db, [1.0, 1.0, 1.0])
    articles = [_article(n, views=None) for n in range(12)]
    other = NotModified("https://unn.ua/en/news/x", T0)
    stats, passed = _run_stage(db, [*articles, other])
    assert passed == [*articles, other]  # every item passes through untouched
    assert stats.get_value(FILL_RATES_STAT)["unn/next"]["rates"]["views"] == 0.0
    (alarm,) = stats.get_value(ALARMS_STAT)
    assert (alarm["field"], alarm["median"]) == ("views", 1.0)
    assert "layout alarm: unn/next field 'views'" in caplog.text


def test_stage_without_an_archive_records_rates_and_no_alarm(tmp_path: Path) -> None:
    stats, _ = _run_stage(tmp_path / "none.db", [_article(n, views=None) for n in range(12)])
    assert stats.get_value(FILL_RATES_STAT)["unn/next"]["articles"] == 12
    assert stats.get_value(ALARMS_STAT) == []
    assert not (tmp_path / "none.db").exists()


def test_stage_is_off_when_disabled(tmp_path: Path) -> None:
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        build_from_crawler(FillRatePipeline, get_crawler(settings_dict={"NEWSBOT_FILL_RATE_ENABLED": False}))


def test_stage_raises_the_zone_alarm_when_visible_clocks_disagree(tmp_path: Path, caplog) -> None:
    from newsbot.enrich import normalise_article_times
    from newsbot.runs.alarms import ZONE_ALARM_STAT

    articles = []
    for n in range(20):  # every page prints a UTC clock while the site's zone says Kyiv
        article = _article(n)
        article.published_raw, article.published_machine = "09.04.24, 14:12", "2024-04-09T14:12:00Z"
        normalise_article_times(article, tz="Europe/Kyiv")
        articles.append(article)
    stats, _ = _run_stage(tmp_path / "none.db", articles)
    assert "20 of 20" in stats.get_value(ZONE_ALARM_STAT)
    assert "visible-time zone" in caplog.text
