"""Re-extract archived raw pages with the current page objects and stages, and store what changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    quarantined: bool = False,
) -> list[dict[str, Any]]:
    """Re-extract the stored pages (all, or those of `url` / `edition`), `batch_size` per commit.

    Return one row per page: url, outcome (what the archive did, or "unparseable" / "failed"),
    the fields that changed and the reason. Raise LookupError when `url` has no stored page.

    `quarantined` retries the quarantined pages instead: one that now parses is stored as an
    article under the canonical URL it declares (its stored bytes become the article's raw page)
    and leaves the quarantine; one that still fails stays there.
    """
    targets: Sequence[tuple[int | None, str, int]]
    if quarantined:
        targets = archive.quarantined_pages(url=url)[:limit]
        if url and not targets:
            raise LookupError(f"no quarantined page with stored bytes at {url}")
    else:
        stored = archive.stored_pages(url=url, edition=edition)[:limit]
        targets = [(None, page_url, page_id) for page_url, page_id in stored]
        if url and not targets:
            raise LookupError(f"no archived article with a stored page at {url}")
    results: list[dict[str, Any]] = []
    for start in range(0, len(targets), batch_size):
        with archive.transaction():
            for quarantine_id, page_url, raw_page_id in targets[start : start + batch_size]:
                row = reparse_one(archive, page_url, raw_page_id, settings, keep_url=quarantine_id is None)
                if quarantine_id is not None and row["outcome"] in STORED:
                    archive.release_quarantined(quarantine_id)
                results.append(row)
    return results


STORED = ("new", "changed", "unchanged")  # outcomes that mean the page is archived as an article


def reparse_one(
    archive: Archive,
    article_url: str,
    raw_page_id: int,
    settings: Mapping[str, Any],
    *,
    keep_url: bool = True,
) -> dict[str, Any]:
    """Re-extract one stored page and store the result; return what happened to it.

    `keep_url` stores the result under `article_url` (an archived article's key); otherwise under
    the canonical URL the page declares (a quarantined page's fetch URL may differ from it).
    """
    result: dict[str, Any] = {"url": article_url, "outcome": "", "changed": None, "reason": None}
    try:
        page = archive.load_raw_page(raw_page_id)
        parsed = parse_page(
            page.body, page.url, fetched_at=page.fetched_at, headers=page.headers, status=page.status
        )
        if isinstance(parsed, QuarantinedPage):
            # Kept as it is: the archived article (or quarantine entry) stays; the report says why.
            result.update(outcome="unparseable", reason=parsed.reason)
            return result
        article = enrich_article(parsed, settings)
        if keep_url:
            article.url = article_url  # the archive's key, even if canonicalisation has changed since
        result["url"] = article.url
        result["outcome"], changed = archive.store_reparsed(article, raw_page_id)
        result["changed"] = ", ".join(changed) or None
    except Exception as error:  # one bad page must not stop the rest
        result.update(outcome="failed", reason=f"{type(error).__name__}: {error}")
    return result
