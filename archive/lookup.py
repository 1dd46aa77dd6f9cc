"""Which stored URLs an analyst's URL may mean: the forms one page is linked and shared under."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

# Query parameters that only say where a click came from; the page is the same without them.
_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|mc_[ce]id|_ga)$", re.IGNORECASE
)


def _tracking(name: str) -> bool:
    name = unquote(name)
    return bool(_TRACKING.match(name)) or name.lower() == "amp"


def normalise_url(url: str) -> str:
    """Return the form the archive keys pages by: https, lower-case host, no fragment, no tracking
    parameters, no AMP segment (an `/amp/` page's canonical is the same path without it), and no
    trailing slash.
    """
    url = url.strip()
    if "://" not in url and not url.startswith("//"):
        url = "https://" + url  # "unn.ua/news/x" as pasted from an address bar
    parts = urlsplit(url)
    scheme = "https" if parts.scheme in ("http", "https", "") else parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    segments = [segment for segment in parts.path.split("/") if segment]
    segments = [segment for segment in segments if segment.lower() != "amp"]
    path = "/" + "/".join(segments)
    # Filter the parameters as written, so the ones kept stay byte for byte as they were.
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _tracking(pair.partition("=")[0])
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def lookup_keys(url: str) -> list[str]:
    """Return the URLs to look for, most literal first: as given, normalised, and its variants.

    The archive stores canonical URLs as pages declare them, which may keep a trailing slash or
    plain http; so the normalised form is tried with and without those too.
    """
    normal = normalise_url(url)
    parts = urlsplit(normal)
    with_slash = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/"))
    forms = [normal, with_slash]
    if parts.hostname and parts.hostname.startswith("www."):  # www.unn.ua serves unn.ua's pages
        forms += [form.replace("://www.", "://", 1) for form in forms]
    keys = [url.strip(), *forms, *(form.replace("https://", "http://", 1) for form in forms)]
    return list(dict.fromkeys(keys))
