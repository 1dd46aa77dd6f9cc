"""Which links a crawl may follow and which canonical URL a page may claim (pure).

A link is followed only over http or https, to a host that is one of the allowed domains or a
subdomain of one: `file://unn.ua/etc/passwd`, `ftp://unn.ua/`, `s3://unn.ua/` and
`javascript:` are refused however they are spelled. A page's canonical URL becomes its archive
key only when it is on the site the page was fetched from (see accept_canonical).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2048  # longer URLs are junk or attacks; browsers and servers cap near this too


def host_of(url: str) -> str | None:
    """Return the lowercased host of `url`, or None when it has none or cannot be parsed."""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # "http://[::1" and other malformed netlocs
        return None
    return host.rstrip(".").lower() if host else None


def on_hosts(host: str | None, allowed: Iterable[str]) -> bool:
    """Tell whether `host` is one of `allowed` or a subdomain of one (empty `allowed`: any host)."""
    domains = [d.strip().lower().rstrip(".") for d in allowed if d and d.strip()]
    if not domains:
        return host is not None
    return host is not None and any(host == d or host.endswith("." + d) for d in domains)


def refuse_url(url: str, allowed: Iterable[str] = ()) -> str | None:
    """Return why `url` must not be fetched (one line), or None when it may be.

    `allowed`: the crawl's allowed domains (a spider's allowed_domains); empty allows any host.
    """
    if not isinstance(url, str) or not url:
        return "not a URL"
    if len(url) > MAX_URL_LENGTH:
        return f"URL longer than {MAX_URL_LENGTH} characters"
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in url):
        return "control character in URL"
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return "unparsable URL"
    if scheme not in SCHEMES:
        return f"scheme {scheme or 'none'!r} is never followed (http and https only)"
    host = host_of(url)
    if host is None:
        return "no host in URL"
    if not on_hosts(host, allowed):
        return f"offsite: host {host} is not an allowed domain"
    return None


def followable(url: str, allowed: Iterable[str] = ()) -> bool:
    """Tell whether a crawl may fetch `url` (see refuse_url)."""
    return refuse_url(url, allowed) is None


def same_site(url: str, other: str, sites: Iterable[str] = ()) -> bool:
    """Tell whether two URLs are on one site: the same host, or both under one of `sites`' domains."""
    a, b = host_of(url), host_of(other)
    if a is None or b is None:
        return False
    if a == b:
        return True
    return any(on_hosts(a, [d]) and on_hosts(b, [d]) for d in sites)


def accept_canonical(
    canonical: str | None,
    fetched_url: str,
    *,
    sites: Iterable[str] = (),
    taken: frozenset[str] | set[str] = frozenset(),
) -> tuple[str, str | None]:
    """Return (archive key, reason it is not the canonical) for a page fetched at `fetched_url`.

    The canonical URL is accepted only over http(s), on the page's own site (the fetched URL's
    host, or another host under one of the `sites` domains), and only when it is not a URL
    fetched in its own right in this crawl (`taken`): a page cannot overwrite another fetched
    URL's article. Otherwise the fetched URL is the key and the reason says why.
    """
    if not canonical or canonical == fetched_url:
        return fetched_url, None
    refusal = refuse_url(canonical)
    if refusal:
        return fetched_url, f"canonical {canonical!r} refused: {refusal}"
    site_domains = list(sites)
    if not same_site(canonical, fetched_url, site_domains) or (
        site_domains and not on_hosts(host_of(canonical), site_domains)
    ):
        return fetched_url, f"canonical {canonical!r} refused: not on the site of {fetched_url}"
    if canonical in taken:
        return fetched_url, f"canonical {canonical!r} refused: another fetched page's URL"
    return canonical, None
