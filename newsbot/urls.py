"""Which links a crawl may follow and which canonical URL a page may claim (pure).

A link is followed only over http or https, to a host that is one of the allowed domains or a
subdomain of one: `file://unn.ua/etc/passwd`, `ftp://unn.ua/`, `s3://unn.ua/` and
`javascript:` are refused however they are spelled. A page's canonical URL becomes its archive
key only when it is on the site the page was fetched from (see accept_canonical).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2048  # longer URLs are junk or attacks; browsers and servers cap near this too
_CONTROL = re.compile("[\x00-\x1f\x7f]")  # one regex scan: 1 us a URL instead of 7 (twice per request)


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
    if _CONTROL.search(url):
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
    """Tell whether two URLs are on one site: both on the `sites` domains (a site may have
    several, as UNN has unn.ua and unn.com.ua), or without `sites` the same host."""
    a, b = host_of(url), host_of(other)
    if a is None or b is None:
        return False
    domains = list(sites)
    if domains:
        return on_hosts(a, domains) and on_hosts(b, domains)
    return a == b


def same_page(url: str, other: str) -> bool:
    """Tell whether two URLs name one page: the same path (a trailing slash aside), whatever the
    query, fragment, scheme or host."""
    try:
        a, b = urlsplit(url).path.rstrip("/"), urlsplit(other).path.rstrip("/")
    except ValueError:
        return False
    return a == b


def accept_canonical(
    canonical: str | None, fetched_url: str, *, sites: Iterable[str] = ()
) -> tuple[str, str | None]:
    """Return (archive key, reason it is not the canonical) for a page fetched at `fetched_url`.

    The canonical URL is accepted only over http(s), on the page's own site (the fetched URL's
    host, or another host under one of the `sites` domains), and only when it names the same page
    (the same path: it may drop a query, a fragment, a trailing slash, or move to the site's
    other host). A canonical naming another path would make this page overwrite that page's
    article, whichever of the two is fetched first; the fetched URL is the key then, and the
    reason says why.
    """
    if not canonical or canonical == fetched_url:
        return fetched_url, None
    refusal = refuse_url(canonical)
    if refusal:
        return fetched_url, f"canonical {canonical!r} refused: {refusal}"
    if not same_site(canonical, fetched_url, sites):
        return fetched_url, f"canonical {canonical!r} refused: not on the site of {fetched_url}"
    if not same_page(canonical, fetched_url):
        return fetched_url, f"canonical {canonical!r} refused: another page's URL"
    return canonical, None
