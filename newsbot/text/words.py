"""The vocabulary several text and page modules share: invisible characters and view-count words."""

from __future__ import annotations

# Zero-width space/non-joiner/joiner, word joiner, BOM and soft hyphen: invisible on the page, and
# they break matching, so text is read with them removed.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# str.translate table that removes them.
REMOVE_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS), None)

# The words that name a view count, in the three editions (a regex, no groups). UNN writes
# "переглядiв" with a Latin "i" (seed 000_8530ec2091bce858), so the Ukrainian stem accepts either.
VIEW_WORD = r"(?:views?|перегляд[a-zа-яіїєґ]*|просмотр[а-я]*)"

# --- what real unn.ua pages print around a story (issue 15; predicates in newsbot.text.furniture) ---

# One-line subheads inside bodies, lower-cased, without a final colon or full stop.
SUBHEADS = frozenset(
    {
        *("details", "recall", "addition", "addendum", "reminder", "background"),
        *("деталі", "подробиці", "нагадаємо", "доповнення", "довідка"),
        *("детали", "подробности", "напомним", "дополнение", "справка"),
    }
)
# Footer lines, lower-cased: how they start, and phrases inside them (a regex, no groups).
FOOTER_STARTS = ("information agency", "інформаційне агентство", "информационное агентство")
FOOTER_PHRASES = r"©|\(c\) 20|rights reserved|права захищені|права защищены"
# The agency's name in a dateline: "Kyiv • UNN", "Київ • УНН".
DATELINE_AGENCIES = ("UNN", "УНН")
# Lines after a body that name what follows: tag and source lines.
FURNITURE_LABELS = ("tags:", "теги:", "теґи:", "source:", "джерело:", "источник:")
