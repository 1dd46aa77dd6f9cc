"""A per-call time budget: stop a page's extraction after N seconds instead of hanging the crawl.

Python code running past its budget gets TimeBudgetExceeded raised inside it (SIGALRM, an
interval timer). Only the main thread can take signals, so elsewhere, or with a budget of 0, the
code runs unbounded; nested budgets keep the outer one. A C call (a regex, a parse) is interrupted
when it returns to Python, which is why every text function is also kept linear.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

DEFAULT_PAGE_BUDGET = 30.0  # seconds per page: a 5 MB page takes about 2 s to extract


class TimeBudgetExceeded(Exception):
    """The call ran past its time budget."""


def _usable(seconds: float) -> bool:
    return (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # no budget already running
    )


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise TimeBudgetExceeded inside the block once it has run `seconds` (wall clock)."""
    if not _usable(seconds):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TimeBudgetExceeded(f"over its time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
