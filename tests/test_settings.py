"""Every NEWSBOT_* setting the code reads is declared once in newsbot/settings.py, with its default."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from newsbot import settings

ROOT = Path(__file__).resolve().parents[1]
_NAME = re.compile(r"\bNEWSBOT_[A-Z0-9_]+\b")


def settings_named_in_code() -> dict[str, str]:
    """Return NEWSBOT_* names found in string literals of newsbot/ and archive/, with one place each."""
    found: dict[str, str] = {}
    for path in sorted([*ROOT.joinpath("newsbot").rglob("*.py"), *ROOT.joinpath("archive").rglob("*.py")]):
        if path.name == "settings.py" and path.parent.name == "newsbot":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in _NAME.findall(node.value):
                    found.setdefault(name.rstrip("_"), f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.keyword) and node.arg and node.arg.startswith("NEWSBOT_"):
                found.setdefault(node.arg, f"{path.relative_to(ROOT)}:{node.value.lineno}")
    return found


def test_every_setting_the_code_names_is_declared() -> None:
    declared = {name for name in vars(settings) if name.startswith("NEWSBOT_")}
    missing = {name: where for name, where in settings_named_in_code().items() if name not in declared}
    assert not missing, f"NEWSBOT_* settings used but not declared in newsbot/settings.py: {missing}"


def test_the_scan_sees_settings_in_the_code() -> None:
    # The check above can fail: the scan finds the settings the stages read.
    found = settings_named_in_code()
    assert {"NEWSBOT_SPLIT_ENABLED", "NEWSBOT_TIMEZONE", "NEWSBOT_REDIS_URL"} <= set(found)
