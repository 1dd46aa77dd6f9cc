"""What an archive holds, in the shape a crawl's closing summary prints."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database


def archive_summary(db: Database, *, examples: int = 3) -> dict[str, Any]:
    """Return article counts per edition and layout, quarantine counts by reason, and examples."""
    conn = db.conn
    by_edition_layout = [
        {"edition": edition, "layout": layout, "articles": count}
        for edition, layout, count in conn.execute(
            "SELECT edition, layout, count(*) FROM articles GROUP BY edition, layout ORDER BY edition, layout"
        )
    ]
    quarantine = [
        {"reason": reason, "pages": count}
        for reason, count in conn.execute(
            "SELECT reason, count(*) FROM quarantine GROUP BY reason ORDER BY count(*) DESC, reason"
        )
    ]
    # One example per layout first, so the three layouts show side by side.
    sample = [
        dict(zip(("url", "edition", "layout", "title", "published_utc", "views"), row, strict=True))
        for row in conn.execute(
            "SELECT url, edition, layout, title, published_utc, views FROM articles"
            " WHERE id IN (SELECT min(id) FROM articles GROUP BY layout)"
            " ORDER BY layout LIMIT ?",
            (examples,),
        )
    ]
    return {
        "articles": sum(row["articles"] for row in by_edition_layout),
        "by_edition_layout": by_edition_layout,
        "quarantined": sum(row["pages"] for row in quarantine),
        "quarantine": quarantine,
        "examples": sample,
    }
