"""Contain a page object: whatever a hostile page makes it raise, the page ends quarantined.

A body nested a thousand deep (RecursionError), a control byte in an attribute name (lxml's
ValueError), a lone surrogate, a page that takes longer than its time budget: each becomes a
QuarantinedPage with the reason and the bytes, never an exception that loses the page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from newsbot.items import Article, QuarantinedPage, RawPage
from newsbot.text.budget import DEFAULT_PAGE_BUDGET, TimeBudgetExceeded, time_budget

logger = logging.getLogger(__name__)

# What hostile input makes parsers and page objects raise; anything else is a bug, logged with
# its traceback (and the page still quarantined).
EXPECTED = (RecursionError, ValueError, UnicodeError, OverflowError, TimeBudgetExceeded, MemoryError)

Parser = Callable[..., Article | QuarantinedPage]


def failure_reason(error: BaseException) -> str:
    """Return a one-line reason for a contained failure."""
    if isinstance(error, TimeBudgetExceeded):
        return f"extraction {error}"
    if isinstance(error, RecursionError):
        return "extraction failed: markup nested too deep (RecursionError)"
    text = str(error).splitlines()[0][:200] if str(error) else ""
    return f"extraction failed: {type(error).__name__}: {text}".rstrip(": ")


def contained(
    parse: Parser,
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
    budget: float = DEFAULT_PAGE_BUDGET,
    **extra: Any,
) -> Article | QuarantinedPage:
    """Run `parse` on one page within `budget` seconds; quarantine the page if it raises.

    `extra` keyword arguments (a page module's `site`) are passed on to `parse`.
    """
    try:
        with time_budget(budget):
            return parse(body, url, fetched_at=fetched_at, headers=headers, status=status, **extra)
    except EXPECTED as error:
        reason = failure_reason(error)
        logger.warning("%s quarantined: %s", url, reason)
    except Exception as error:
        reason = failure_reason(error)
        logger.exception("%s quarantined: page object bug", url)
    page = RawPage(url=url, status=status, headers=dict(headers or {}), body=body, fetched_at=fetched_at)
    return QuarantinedPage(url, reason, page)


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(value: Any) -> Any:
    """Return decoded JSON with every lone surrogate ("\\ud800" escapes) replaced by U+FFFD.

    json.loads pairs valid surrogate escapes into one character and leaves lone ones, which no
    UTF-8 text (SQLite, a terminal, a JSON file) can hold.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    return value


MAX_DEPTH = 512  # element nesting a page may have; real article pages nest 20-40 deep


def nesting_depth(root: Any, limit: int = MAX_DEPTH) -> int:
    """Return how deep elements nest under an lxml `root`, counting no further than `limit` + 1.

    One pass over the tree (lxml's iterwalk start/end events). XPath steps like //a//b cost the
    elements times the depth, so a page nested thousands deep (thousands of unclosed <article>
    tags) would stall in C code where no time budget can interrupt it.
    """
    from lxml import etree

    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest
