"""The User-Agent names the bot and the operator's contact (NEWSBOT_CONTACT); a live crawl without a
contact warns. A real `newsbot crawl` process fetches through a local HTTP proxy that records what
it was sent (no request leaves the machine)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsbot import __version__
from newsbot.contact import user_agent
from tests.test_cli_checks import newsbot


def test_user_agent_names_the_distribution_version_and_contact_never_an_invented_url():
    assert (
        user_agent("ops@example.org", "1.2.3")
        == "newsbot-archiver/1.2.3 (news archiver; contact: ops@example.org)"
    )
    assert user_agent(None, "1.2.3") == "newsbot-archiver/1.2.3 (news archiver; operator contact not set)"
    assert user_agent("  ", "1.2.3").endswith("(news archiver; operator contact not set)")


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """An HTTP proxy on 127.0.0.1 that answers every request 404 and records (path, User-Agent)."""
    seen: list[tuple[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("User-Agent", "")))
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


def live_crawl(tmp_path: Path, proxy_url: str, *extra: str, contact: str | None = None):
    """Crawl one article URL live, through `proxy_url`; NEWSBOT_CONTACT in the environment if given."""
    env = {"http_proxy": proxy_url, **({"NEWSBOT_CONTACT": contact} if contact else {})}
    args = ["-a", "urls=http://unn.ua/news/some-article", "-a", "discover=none"]
    quick = ["-s", "RETRY_ENABLED=False", "-s", "AUTOTHROTTLE_ENABLED=False"]
    return newsbot(
        "crawl", "unn", "--db", str(tmp_path / "a.db"), *args, *quick, *extra, cwd=tmp_path, env=env
    )


def test_a_live_crawl_sends_the_contact_from_the_environment(tmp_path, proxy):
    proxy_url, seen = proxy
    result = live_crawl(tmp_path, proxy_url, contact="ops@example.org")
    assert "Traceback" not in result.stderr
    agents = {agent for path, agent in seen if path.endswith("/news/some-article")}
    assert agents == {f"newsbot-archiver/{__version__} (news archiver; contact: ops@example.org)"}
    assert "without NEWSBOT_CONTACT" not in result.stderr


def test_a_live_crawl_without_a_contact_warns_and_says_so_in_the_user_agent(tmp_path, proxy):
    proxy_url, seen = proxy
    result = live_crawl(tmp_path, proxy_url)
    assert "WARNING: live crawl without NEWSBOT_CONTACT" in result.stderr
    assert seen and all(agent.endswith("(news archiver; operator contact not set)") for _, agent in seen)
    assert not any("github.com" in agent for _, agent in seen)


def test_a_contact_given_with_set_and_a_users_own_user_agent_win(tmp_path, proxy):
    proxy_url, seen = proxy
    live_crawl(tmp_path, proxy_url, "-s", "NEWSBOT_CONTACT=https://example.org/me")
    assert {agent for _, agent in seen} == {
        f"newsbot-archiver/{__version__} (news archiver; contact: https://example.org/me)"
    }
    seen.clear()
    live_crawl(tmp_path, proxy_url, "-s", "USER_AGENT=my-own-bot/1")
    assert {agent for _, agent in seen} == {"my-own-bot/1"}
