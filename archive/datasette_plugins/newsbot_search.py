"""Datasette plugin: explain a malformed full-text search instead of a bare "Invalid SQL" page.

Load it with `datasette archive.db --metadata archive/datasette.yml --plugins-dir
archive/datasette_plugins`. The search box of `articles` and `articles_list` passes what is typed
to SQLite FTS5 as it is (so Україн* finds a prefix); typing FTS5 syntax wrong, such as an
unclosed quote or a dangling AND, ends in an SQLite error, which this turns into a 400 page that
says what the syntax is and offers the same words searched as plain text.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

SYNTAX = (
    'The search box takes SQLite full-text syntax: every word must match; "two words" in double'
    " quotes match as a phrase (close every quote); a trailing * matches a prefix (Україн*);"
    " AND, OR, NOT in capitals and ( ) are operators and need a word on each side."
)
# What SQLite says when an FTS5 MATCH expression cannot be parsed.
_FTS_ERRORS = ("fts5: syntax error", "unterminated string", "no such column", "unknown special query")


def plain_words(text: str) -> str:
    """Return the search as plain words: each one quoted, operators and stray quotes dropped."""
    words = [word.replace('"', "") for word in text.split()]
    words = [word for word in words if word and word not in ("AND", "OR", "NOT", "NEAR")]
    return " ".join(
        '"' + word.rstrip("*").strip("()") + '"' + (" *" if word.endswith("*") else "")
        for word in words
        if word.rstrip("*").strip("()")
    )


def explanation(search: str, error: str) -> str:
    """Return the one-paragraph message a malformed search gets."""
    return f"Cannot search for {search!r} (SQLite: {error}). {SYNTAX}"


@hookimpl(tryfirst=True)
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    search = request.args.get("_search") if request is not None else None
    message = str(getattr(exception, "message", exception))
    if not search or not any(marker in message for marker in _FTS_ERRORS):
        return None  # not a search error: Datasette's own handler

    async def respond() -> Response:
        info: dict[str, Any] = {
            "ok": False,
            "status": 400,
            "title": "Search syntax error",
            "error": explanation(search, message),
        }
        suggestion = plain_words(search)
        if suggestion:
            info["search_as_plain_words"] = suggestion
            info["plain_words_url"] = request.path + "?" + urlencode({"_search": suggestion})
        if request.path.endswith(".json"):
            return Response.json(info, status=400)
        link = (
            f'<p><a href="{html.escape(info["plain_words_url"])}">Search for the same words as plain'
            f" text</a> (<code>{html.escape(suggestion)}</code>)</p>"
            if suggestion
            else ""
        )
        page = await datasette.render_template(
            ["400.html", "error.html"], {**info, "error": info["error"]}, request=request
        )
        return Response.html(page.replace("</h1>", "</h1>" + link, 1) if link else page, status=400)

    return respond
