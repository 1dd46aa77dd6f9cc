"""Test helper: a downloader middleware that holds each request a while, as a network would.

Replayed fixtures answer instantly, so one worker could take a whole crawl before a second one
has started; the multi-worker tests add this before ReplayMiddleware to make fetching take time.
"""

from __future__ import annotations

import asyncio
from typing import Any


class LatencyMiddleware:
    """Wait TEST_LATENCY seconds (default 0.2) before each request goes on.

    (Not NEWSBOT_*: that prefix is for the settings newsbot/settings.py declares; the CLI refuses others.)
    """

    def __init__(self, delay: float) -> None:
        self.delay = delay

    @classmethod
    def from_crawler(cls, crawler: Any) -> LatencyMiddleware:
        return cls(crawler.settings.getfloat("TEST_LATENCY", 0.2))

    async def process_request(self, request: Any) -> None:
        await asyncio.sleep(self.delay)
