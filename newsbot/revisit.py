"""Old import path of the revisit policy, kept only for the UNN spider until the site-driven spider lands.

The policy lives in newsbot.runs.revisit; import from there. (reshape-sites rewrites newsbot/spiders/ and
switches its import; this module goes then.)
"""

from newsbot.runs.revisit import (
    DEFAULT_SCHEDULE,
    PageStateStore,
    build_state_store,
    conditional_headers,
    is_due,
    parse_schedule,
    revisit_now,
)

__all__ = [
    "DEFAULT_SCHEDULE",
    "PageStateStore",
    "build_state_store",
    "conditional_headers",
    "is_due",
    "parse_schedule",
    "revisit_now",
]
