"""Saved-page fixtures: the on-disk format, and a downloader middleware that replays them.

Replay answers every request from fixture folders instead of the network, inside Scrapy's real
engine, so a whole crawl (feed or listing -> article -> pipelines -> SQLite) runs offline. The
fetch time of each response is the fixture's own `fetched_at`, never the wall clock.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Coroutine, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from newsbot import settings as defaults
from newsbot.items import iso_utc, parse_iso

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

FETCHED_AT = "newsbot_fetched_at"  # request/response meta key: aware datetime of the fetch
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Fixture:
    """One saved response: a folder holding body.html, meta.json and expected.json."""

    path: Path
    url: str
    status: int
    headers: dict[str, str]
    fetched_at: datetime

    @property
    def name(self) -> str:
        return self.path.name

    def body(self) -> bytes:
        return (self.path / "body.html").read_bytes()

    def expected(self) -> dict[str, Any] | None:
        path = self.path / "expected.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def load_fixture(path: Path) -> Fixture:
    """Read one fixture folder's meta.json."""
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    fetched_at = parse_iso(meta["fetched_at"])
    return Fixture(
        path=path,
        url=meta["url"],
        status=int(meta.get("status", 200)),
        headers={str(k): str(v) for k, v in meta.get("headers", {}).items()},
        fetched_at=fetched_at.astimezone(UTC),
    )


def load_fixtures(*dirs: Path | str) -> list[Fixture]:
    """Return every fixture under the given folders (recursively), sorted by folder name."""
    return list(iter_fixtures(*dirs))


def iter_fixtures(*dirs: Path | str) -> Iterator[Fixture]:
    """Yield every fixture under the given folders (recursively), sorted by folder name, one at a time."""
    for root in dirs:
        for folder in _fixture_folders(str(root)):
            yield load_fixture(Path(folder))


def _fixture_folders(folder: str) -> Iterator[str]:
    """Yield the folders under `folder` that hold meta.json and body.html, in the order sorting their
    meta.json paths gives (names sorted at each level), as strings: a replay of 20,000 fixtures
    builds no list of 20,000 Path objects."""
    try:
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    names = {e.name for e in entries}
    for entry in entries:
        if entry.name == "meta.json" and "body.html" in names and entry.is_file():
            yield folder
        elif entry.is_dir(follow_symlinks=False):  # as Path.rglob: symlinked folders are not entered
            yield from _fixture_folders(entry.path)


def save_fixture(
    root: Path,
    *,
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    fetched_at: datetime,
    name: str | None = None,
    expected: Mapping[str, Any] | None = None,
    origin: str = "recorded with `newsbot fixture save`",
) -> Path:
    """Write a fixture folder and return its path; refuses to overwrite an existing one."""
    folder = root / (name or fixture_name(url))
    folder.mkdir(parents=True, exist_ok=False)
    (folder / "body.html").write_bytes(body)
    meta = {
        "url": url,
        "status": status,
        "headers": dict(headers),
        "fetched_at": iso_utc(fetched_at),
        "origin": origin,
    }
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8")
    if expected is not None:
        text = json.dumps(dict(expected), ensure_ascii=False, indent=2) + "\n"
        (folder / "expected.json").write_text(text, "utf-8")
    return folder


def fixture_name(url: str) -> str:
    """Derive a folder name from a URL: its path as a lowercase slug, at most 80 characters."""
    tail = url.split("://", 1)[-1].split("/", 1)[-1]
    return (_SLUG.sub("-", tail.lower()).strip("-") or "index")[:80]


# One fetch in a FixtureIndex: (folder, url, status, headers, fetched_at).
_Fetch = tuple[str, str, int, tuple[tuple[str, str], ...], datetime]


class FixtureIndex:
    """Fixtures by canonical URL; several fetches of one URL are kept in time order.

    A replay holds its index for the whole crawl (20,000 fixtures: 28 MiB as Fixture objects), so
    each fetch is kept as a tuple, identical headers and fetch times shared, one URL string where
    the canonical URL is the fixture's own; lookup() makes the Fixture it returns.
    """

    def __init__(self, fixtures: Iterable[Fixture]) -> None:
        self._by_url: dict[str, _Fetch | list[_Fetch]] = {}
        shared: dict[Any, Any] = {}  # one object per distinct headers tuple and fetch time
        for fixture in fixtures:
            key = canonicalize_url(fixture.url)
            headers = tuple(fixture.headers.items())
            fetch: _Fetch = (
                str(fixture.path),
                key if key == fixture.url else fixture.url,
                fixture.status,
                shared.setdefault(headers, headers),
                shared.setdefault(fixture.fetched_at, fixture.fetched_at),
            )
            known = self._by_url.get(key)
            if known is None:
                self._by_url[key] = fetch
            elif isinstance(known, list):
                known.append(fetch)
            else:
                self._by_url[key] = [known, fetch]
        for versions in self._by_url.values():
            if isinstance(versions, list):
                versions.sort(key=lambda f: f[4])

    def __len__(self) -> int:
        return sum(len(v) if isinstance(v, list) else 1 for v in self._by_url.values())

    def urls(self) -> list[str]:
        return [(v[-1] if isinstance(v, list) else v)[1] for v in self._by_url.values()]

    def lookup(self, url: str, at: datetime | None = None) -> Fixture | None:
        """Return the newest fetch of `url` not after `at` (the newest of all when `at` is None)."""
        # A URL found as it is is its own canonical form (canonicalize_url gives a canonical URL
        # back unchanged): most requests skip the canonicalization.
        versions = self._by_url.get(url)
        if versions is None:
            versions = self._by_url.get(canonicalize_url(url))
        if versions is None:
            return None
        if not isinstance(versions, list):
            versions = [versions]
        if at is None:
            fetch = versions[-1]
        else:
            i = bisect.bisect_right([f[4] for f in versions], at)
            if not i:
                return None
            fetch = versions[i - 1]
        folder, fixture_url, status, headers, fetched_at = fetch
        return Fixture(Path(folder), fixture_url, status, dict(headers), fetched_at)


class ReplayMiddleware:
    """Answer requests from fixture folders (NEWSBOT_REPLAY_DIRS); unknown URLs get a 404.

    NEWSBOT_REPLAY_AT (ISO 8601) sets the replay clock: each URL is served as it was at that moment,
    which is how tests replay the same site at several points in time. A conditional request whose
    If-None-Match / If-Modified-Since matches the fixture's ETag / Last-Modified gets a 304, as a
    server would; its fetch time is the replay clock. NEWSBOT_REPLAY_DELAY (seconds) holds each
    response back, to make a replayed crawl last long enough to interrupt it.
    """

    def __init__(
        self, index: FixtureIndex, at: datetime | None, crawler: Crawler, delay: float = 0.0
    ) -> None:
        self.index = index
        self.at = at
        self.stats = crawler.stats
        self.delay = max(0.0, delay)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        from scrapy.exceptions import NotConfigured

        dirs = crawler.settings.getlist("NEWSBOT_REPLAY_DIRS")
        if not dirs:
            raise NotConfigured
        at_text = crawler.settings.get("NEWSBOT_REPLAY_AT")
        at = parse_iso(at_text) if at_text else None
        delay = crawler.settings.getfloat("NEWSBOT_REPLAY_DELAY", defaults.NEWSBOT_REPLAY_DELAY)
        return cls(FixtureIndex(iter_fixtures(*dirs)), at, crawler, delay)

    def process_request(self, request: Request) -> Response | Coroutine[Any, Any, Response]:
        response = self._answer(request)
        return self._later(response) if self.delay else response

    async def _later(self, response: Response) -> Response:
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        await maybe_deferred_to_future(deferLater(reactor, self.delay, lambda: None))
        return response

    def _answer(self, request: Request) -> Response:
        from scrapy.http import Headers
        from scrapy.responsetypes import responsetypes

        fixture = self.index.lookup(request.url, self.at)
        assert self.stats is not None
        if fixture is None:
            # A site without robots.txt answers 404, which allows everything: not a missing page.
            robots = urlsplit(request.url).path == "/robots.txt"
            self.stats.inc_value("newsbot/replay/" + ("robots_absent" if robots else "miss"))
            return responsetypes.from_args(url=request.url)(
                url=request.url, status=404, body=b"", request=request, flags=["replay"]
            )
        headers = Headers(fixture.headers)
        if not_modified(_header(request, "If-None-Match"), _header(request, "If-Modified-Since"), fixture):
            self.stats.inc_value("newsbot/replay/not_modified")
            request.meta[FETCHED_AT] = self.at or fixture.fetched_at
            return responsetypes.from_args(url=request.url)(
                url=request.url, status=304, headers=headers, body=b"", request=request, flags=["replay"]
            )
        self.stats.inc_value("newsbot/replay/hit")
        body = fixture.body()
        cls = responsetypes.from_args(headers=headers, url=fixture.url, body=body)
        request.meta[FETCHED_AT] = fixture.fetched_at
        return cls(
            url=request.url,
            status=fixture.status,
            headers=headers,
            body=body,
            request=request,
            flags=["replay"],
        )


def not_modified(if_none_match: str | None, if_modified_since: str | None, fixture: Fixture) -> bool:
    """Tell whether a server holding `fixture` would answer the conditional request with 304.

    If-None-Match wins when both are sent (RFC 9110, 13.2.2); "W/" weak tags compare equal to
    strong ones, as GET allows.
    """
    headers = {name.lower(): value for name, value in fixture.headers.items()}
    if fixture.status != 200:
        return False
    if if_none_match:
        etag = headers.get("etag")
        if not etag:
            return False
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in wanted or etag.strip().removeprefix("W/") in wanted
    if if_modified_since and headers.get("last-modified"):
        try:
            since = parsedate_to_datetime(if_modified_since)
            modified = parsedate_to_datetime(headers["last-modified"])
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False


def _header(request: Request, name: str) -> str | None:
    value = request.headers.get(name)
    return value.decode("latin-1") if value else None
