"""Run `newsbot crawl` (or any `newsbot` command) as cron would, in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.paths import REPO


def crawl(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `python -m newsbot crawl ...` as cron would: a process of its own, this checkout's code."""
    return newsbot("crawl", *args, timeout=timeout)


def newsbot(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `python -m newsbot ...` in a process of its own with this checkout's code."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "newsbot", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
