"""Downloader middlewares: fetch-time stamping and retries with exponential backoff."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future

from newsbot.replay import FETCHED_AT

if TYPE_CHECKING:
    from scrapy.http import Response
    from scrapy.settings import BaseSettings


class FetchTimeMiddleware:
    """Record the fetch time in `request.meta` unless replay already set the fixture's own."""

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta.setdefault(FETCHED_AT, datetime.now(UTC))
        return response


def backoff_delay(attempt: int, base: float, cap: float, retry_after: str | None = None) -> float:
    """Return seconds to wait before retry number `attempt` (1-based): base * 2^(attempt-1), capped.

    A numeric Retry-After header (429, 503) wins when it asks for longer, still within the cap.
    """
    delay = base * 2 ** max(attempt - 1, 0)
    if retry_after and retry_after.strip().isdigit():
        delay = max(delay, float(retry_after.strip()))
    return min(delay, cap)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (5xx, 429, timeouts) plus a growing wait before each retry."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("NEWSBOT_RETRY_BACKOFF_BASE")
        self.cap = settings.getfloat("NEWSBOT_RETRY_BACKOFF_MAX")

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request) and self.base > 0:
            retry_after = response.headers.get("Retry-After")
            delay = backoff_delay(
                result.meta.get("retry_times", 1),
                self.base,
                self.cap,
                retry_after.decode("latin-1") if retry_after else None,
            )
            from twisted.internet import reactor
            from twisted.internet.task import deferLater

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return result
