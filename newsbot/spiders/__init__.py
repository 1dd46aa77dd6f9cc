"""Spiders: what to fetch, nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.http import Response


def response_headers(response: Response) -> dict[str, str]:
    """Return a response's headers as plain strings (repeated headers joined with ", ")."""
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
