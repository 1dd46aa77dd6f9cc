"""The User-Agent a crawl sends: the bot's name and version and the operator's contact (NEWSBOT_CONTACT)."""

from __future__ import annotations

import logging
from typing import Any

from newsbot import DISTRIBUTION, __version__

logger = logging.getLogger(__name__)

NO_CONTACT = "operator contact not set"


def user_agent(contact: str | None, version: str = __version__) -> str:
    """Return the User-Agent header: `newsbot-archiver/VERSION (news archiver; contact: CONTACT)`.

    The contact is whatever lets a site's operator reach whoever runs the crawl: an e-mail
    address or a URL of the operator's own. Without one the header says so rather than invent one.
    """
    who = f"contact: {contact.strip()}" if contact and contact.strip() else NO_CONTACT
    return f"{DISTRIBUTION}/{version} (news archiver; {who})"


class ContactAddon:
    """Scrapy add-on: put NEWSBOT_CONTACT into the User-Agent, and warn when a live crawl has none.

    A USER_AGENT given on the command line or by a spider wins. Replays (NEWSBOT_REPLAY_DIRS)
    send nothing to any site, so they need no contact.
    """

    def update_settings(self, settings: Any) -> None:
        contact = settings.get("NEWSBOT_CONTACT")
        if settings.getpriority("USER_AGENT") <= settings.getpriority("BOT_NAME"):  # not overridden
            settings.set("USER_AGENT", user_agent(contact), priority="project")
        if not contact and not settings.getlist("NEWSBOT_REPLAY_DIRS"):
            logger.warning(
                "live crawl without NEWSBOT_CONTACT: the User-Agent gives site operators no one to"
                " reach; set it to your e-mail or URL (-s NEWSBOT_CONTACT=... or the environment)"
            )
