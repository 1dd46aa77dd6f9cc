"""The distribution name is the project's own, and nothing tells a user to install someone else's."""

from __future__ import annotations

import re
import subprocess
import tomllib

from newsbot import DISTRIBUTION, install_hint
from tests.support.paths import REPO

# `pip install newsbot`, `pip install 'newsbot[chart]'`, `pip install "newsbot[redis]"`: the
# `newsbot` on the package index is an unrelated project.
FOREIGN = re.compile(r"""pip3? install\s+(-U\s+)?['"]?newsbot(\[|['"\s]|$)""", re.MULTILINE)


def test_the_distribution_is_named_newsbot_archiver_and_the_command_stays_newsbot():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION == "newsbot-archiver"
    assert project["scripts"] == {"newsbot": "newsbot.cli:main"}


def test_no_file_tells_a_user_to_pip_install_the_foreign_newsbot():
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    offenders = []
    for name in tracked:
        path = REPO / name
        if path.suffix not in {".py", ".md", ".toml", ".yml", ".cfg", ".txt", ".service", ".timer", ""}:
            continue
        if not path.is_file() or name.startswith("fixtures/") or name == "tests/test_packaging.py":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}: {m.group(0)}" for m in FOREIGN.finditer(text)]
    assert offenders == []
    assert not FOREIGN.search(install_hint("chart"))
    assert "pip install -e '.[chart]'" in install_hint("chart")


def test_the_pattern_catches_the_forms_it_is_for():
    for bad in ("pip install 'newsbot[chart]'", 'pip install "newsbot[redis]"', "pip install newsbot\n"):
        assert FOREIGN.search(bad), bad
    for good in ("pip install -e '.[chart]'", "pip install newsbot-archiver", "pip install scrapyd"):
        assert not FOREIGN.search(good), good
