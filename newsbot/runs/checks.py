"""Find misspelled spider arguments and NEWSBOT_* settings before a crawl starts, naming the nearest."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

# Keyword arguments Scrapy and Scrapyd themselves pass to or accept on every spider.
SCRAPY_SPIDER_ARGUMENTS = frozenset({"name", "start_urls", "allowed_domains", "_job"})


def nearest(name: str, known: Iterable[str]) -> str | None:
    """Return the known name closest to `name` (difflib's ratio, at least 0.6), or None."""
    matches = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def spider_arguments(spider_cls: type) -> set[str]:
    """Return the arguments a spider class declares: the named parameters of its __init__ methods.

    Every class in the spider's MRO that defines __init__ contributes its keyword parameters (a
    site spider subclass adds to the generic spider's), plus those Scrapy itself accepts.
    """
    names = set(SCRAPY_SPIDER_ARGUMENTS)
    for klass in spider_cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        for parameter in list(inspect.signature(init).parameters.values())[1:]:
            if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
                names.add(parameter.name)
    return names


def unknown_name_message(what: str, name: str, known: Iterable[str], owner: str = "") -> str:
    """Return "unknown WHAT 'NAME'[ for OWNER] (did you mean 'X'?)", or listing the known names."""
    known = sorted(known)
    suggestion = nearest(name, known)
    hint = f"did you mean {suggestion!r}?" if suggestion else "known: " + ", ".join(known)
    return f"unknown {what} {name!r}{f' for {owner}' if owner else ''} ({hint})"


def unknown_spider_argument(spider_cls: type, args: Mapping[str, Any]) -> str | None:
    """Return the message for the first argument the spider does not declare, or None."""
    known = spider_arguments(spider_cls)
    public = {name for name in known if not name.startswith("_")} - SCRAPY_SPIDER_ARGUMENTS
    for name in args:
        if name not in known:
            spider = getattr(spider_cls, "name", spider_cls.__name__)
            return unknown_name_message("spider argument", name, public, owner=f"spider {spider}")
    return None


def project_setting_names() -> set[str]:
    """Return the NEWSBOT_* settings the project declares (newsbot/settings.py)."""
    from newsbot import settings

    return {name for name in vars(settings) if name.startswith("NEWSBOT_")}


def unknown_setting(names: Iterable[str], known: Iterable[str] | None = None) -> str | None:
    """Return the message for the first NEWSBOT_* setting the project does not declare, or None.

    Scrapy's own settings (any other name) are Scrapy's business and pass unchecked.
    """
    declared = set(project_setting_names() if known is None else known)
    for name in names:
        if name.startswith("NEWSBOT_") and name not in declared:
            return unknown_name_message("setting", name, declared)
    return None


class SettingsCheckAddon:
    """Scrapy add-on: log an error for each undeclared NEWSBOT_* setting a crawl was given.

    `newsbot crawl` and `newsbot worker` refuse such a setting before starting (exit 2); this
    catches the paths that do not go through them, `scrapy crawl -s` and Scrapyd's
    `-d setting=...`, where the setting would otherwise be ignored without a word.
    """

    def update_settings(self, settings: Any) -> None:
        import logging

        declared = project_setting_names()
        for name in sorted(settings):
            if misspelled := unknown_setting([name], declared):
                logging.getLogger(__name__).error("%s: it is ignored", misspelled)
