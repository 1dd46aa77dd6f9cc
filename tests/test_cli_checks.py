"""Misspelled spider arguments and NEWSBOT_* settings stop `crawl` and `worker` with exit 2 and the
nearest valid name, before anything is crawled or any file is created."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsbot.runs.checks import nearest, spider_arguments
from newsbot.spiders.unn import UnnSpider
from tests.support.paths import REPO


def newsbot(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m newsbot ARGS` as a process of its own, with this checkout's code.

    The environment is this one plus `env`; NEWSBOT_CONTACT only when `env` gives it.
    """
    full = {name: value for name, value in os.environ.items() if name != "NEWSBOT_CONTACT"}
    full.update(PYTHONPATH=str(REPO), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "newsbot", *args],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_unn_spider_declares_its_arguments():
    names = spider_arguments(UnnSpider)
    assert {"lang", "since", "until", "max_articles", "discover", "max_pages", "urls"} <= names
    assert "_job" in names  # Scrapyd passes it to every spider


def test_nearest_names_a_close_spelling_and_nothing_for_a_stranger():
    assert nearest("max_article", ["max_articles", "max_pages"]) == "max_articles"
    assert nearest("langs", ["lang", "since"]) == "lang"
    assert nearest("colour", ["lang", "since"]) is None


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        (
            ["crawl", "unn"],
            ["--arg", "max_article=1"],
            "unknown spider argument 'max_article' for spider unn (did you mean 'max_articles'?)",
        ),
        (["crawl", "unn"], ["--arg", "lang=en", "--arg", "langs=en"], "(did you mean 'lang'?)"),
        (["crawl", "unn"], ["--arg", "colour=red"], "for spider unn (known: discover, "),
        (
            ["crawl", "unn"],
            ["--set", "NEWSBOT_MAX_EROR_RATE=0.5"],
            "unknown setting 'NEWSBOT_MAX_EROR_RATE' (did you mean 'NEWSBOT_MAX_ERROR_RATE'?)",
        ),
        (
            ["worker", "unn", "--redis", "redis://127.0.0.1:1/0"],
            ["--arg", "max_article=1"],
            "(did you mean 'max_articles'?)",
        ),
        (
            ["worker", "unn", "--redis", "redis://127.0.0.1:1/0"],
            ["-s", "NEWSBOT_REDIS_IDLE_CLOS=1"],
            "(did you mean 'NEWSBOT_REDIS_IDLE_CLOSE'?)",
        ),
    ],
)
def test_a_misspelled_name_is_a_usage_error_naming_the_nearest(tmp_path, command, args, message):
    result = (
        newsbot(*command, "--db", str(tmp_path / "a.db"), *args, cwd=tmp_path)
        if command[0] == "crawl"
        else (newsbot(*command, *args, cwd=tmp_path))
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no archive, no lock, no log


def test_scrapy_settings_and_valid_arguments_pass_the_check(tmp_path):
    replay = REPO / "fixtures" / "scenarios" / "unn-timeline"
    result = newsbot(
        "crawl",
        "unn",
        "--db",
        str(tmp_path / "a.db"),
        "--replay",
        str(replay),
        "--replay-at",
        "2025-11-20T10:30:00Z",
        "-a",
        "lang=en",
        "-a",
        "discover=rss",
        "-a",
        "max_articles=1",
        "-s",
        "DOWNLOAD_TIMEOUT=30",
        "-s",
        "NEWSBOT_MAX_ERROR_RATE=0.5",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "NEWSBOT_CONTACT" not in result.stderr  # a replay sends nothing to a site: no contact needed
    assert "-> ok" in result.stdout
    assert ", 1 new," in result.stdout


def test_plain_scrapy_crawl_logs_an_undeclared_newsbot_setting(tmp_path):
    """`scrapy crawl` and Scrapyd jobs do not go through newsbot's CLI: the add-on says it in the log."""
    replay = REPO / "fixtures" / "scenarios" / "unn-timeline"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "unn",
            "-a",
            "lang=en",
            "-a",
            "discover=rss",
            "-s",
            f"NEWSBOT_REPLAY_DIRS={replay}",
            "-s",
            f"NEWSBOT_ARCHIVE_PATH={tmp_path / 'a.db'}",
            "-s",
            "NEWSBOT_MAX_EROR_RATE=1",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    message = "unknown setting 'NEWSBOT_MAX_EROR_RATE' (did you mean 'NEWSBOT_MAX_ERROR_RATE'?)"
    assert f"ERROR: {message}: it is ignored" in result.stderr
    assert result.stderr.count("unknown setting") == 1  # the declared ones pass
