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
