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


def highlights(db: Database) -> dict[str, dict[str, Any] | None]:
    """Return one article worth each analyst command, for a demo's closing suggestions.

    `edited`: the article with the most versions (over one); `counted`: the one with the most view
    counts (own page and teasers); `linked`: the one with the most links to other archived
    articles; `uk_title`: the title of the most viewed Ukrainian article. None where nothing fits.
    """
    conn = db.conn

    def first(sql: str, names: tuple[str, ...]) -> dict[str, Any] | None:
        row = conn.execute(sql).fetchone()
        return dict(zip(names, row, strict=True)) if row else None

    return {
        "edited": first(
            "SELECT url, title, version FROM articles WHERE version > 1 ORDER BY version DESC, id LIMIT 1",
            ("url", "title", "versions"),
        ),
        "counted": first(
            "SELECT a.url, a.title, count(*) AS n FROM view_observations o"
            " JOIN articles a ON a.id = o.article_id"
            " GROUP BY a.id HAVING n > 1 ORDER BY n DESC, a.id LIMIT 1",
            ("url", "title", "observations"),
        ),
        "linked": first(
            "SELECT a.url, a.title, count(*) AS n FROM links l JOIN articles a ON a.id = l.from_article_id"
            " WHERE l.target_article_id IS NOT NULL GROUP BY a.id ORDER BY n DESC, a.id LIMIT 1",
            ("url", "title", "links"),
        ),
        "uk_title": first(
            "SELECT title FROM articles WHERE lang = 'uk' ORDER BY views DESC, id LIMIT 1",
            ("title",),
        ),
    }
