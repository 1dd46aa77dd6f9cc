"""Run `newsbot crawl` as cron would, in a process of its own, for the scheduled-run tests."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.paths import REPO


def crawl(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `python -m newsbot crawl ...` as cron would: a process of its own, this checkout's code."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "newsbot", "crawl", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
