"""Where the repository, its fixtures and ../shared live, for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbot.replay import Fixture, load_fixtures

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "unn"
TIMELINE = REPO / "fixtures" / "scenarios" / "unn-timeline"  # one site at three fetch times


def find_shared() -> Path:
    """Return the `shared` folder beside the checkout (or beside any parent, for worktrees)."""
    for folder in REPO.parents:
        if (folder / "shared").is_dir():
            return folder / "shared"
    return REPO.parent / "shared"


SHARED = find_shared()
EXTDATA = SHARED / "extdata"
UNN_RU_2020 = EXTDATA / "unn" / "ru-2020-12-03-1906059.html"


def need(path: Path) -> Path:
    """Return `path`, or skip the test when third-party material is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"{path} is absent: third-party test material is read in place from ../shared")
    return path


def fixtures_of_kind(*kinds: str) -> list[Fixture]:
    """Return the fixtures whose expected.json has one of the given kinds."""
    return [f for f in load_fixtures(FIXTURES) if (f.expected() or {}).get("kind") in kinds]
