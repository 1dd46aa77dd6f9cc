"""Re-extract archived raw pages with the current page objects and stages, and store what changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archive.db import Archive
from newsbot.enrich import enrich_article
from newsbot.items import QuarantinedPage
from newsbot.pages import parse_page


def reparse_archive(
    archive: Archive,
    settings: Mapping[str, Any],
    *,
    url: str | None = None,
    edition: str | None = None,
    limit: int | None = None,
    batch_size: int = 500,
) -> list[dict[str, Any]]:
    """Re-extract the stored pages (all, or those of `url` / `edition`), `batch_size` per commit.

    Return one row per page: url, outcome (what the archive did, or "unparseable" / "failed"),
    the fields that changed and the reason. Raise LookupError when `url` has no stored page.
    """
    targets = archive.stored_pages(url=url, edition=edition)[:limit]
    if url and not targets:
        raise LookupError(f"no archived article with a stored page at {url}")
    results: list[dict[str, Any]] = []
    for start in range(0, len(targets), batch_size):
        with archive.transaction():
            for article_url, raw_page_id in targets[start : start + batch_size]:
                results.append(reparse_one(archive, article_url, raw_page_id, settings))
    return results


def reparse_one(
    archive: Archive, article_url: str, raw_page_id: int, settings: Mapping[str, Any]
) -> dict[str, Any]:
    """Re-extract one stored page and store the result; return what happened to it."""
    result: dict[str, Any] = {"url": article_url, "outcome": "", "changed": None, "reason": None}
    try:
        page = archive.load_raw_page(raw_page_id)
        parsed = parse_page(
            page.body, page.url, fetched_at=page.fetched_at, headers=page.headers, status=page.status
        )
        if isinstance(parsed, QuarantinedPage):
            # Kept as it is: the archived article stays, the report says why it no longer parses.
            result.update(outcome="unparseable", reason=parsed.reason)
            return result
        article = enrich_article(parsed, settings)
        article.url = article_url  # the archive's key, even if canonicalisation has changed since
        result["outcome"], changed = archive.store_reparsed(article, raw_page_id)
        result["changed"] = ", ".join(changed) or None
    except Exception as error:  # one bad page must not stop the rest
        result.update(outcome="failed", reason=f"{type(error).__name__}: {error}")
    return result
