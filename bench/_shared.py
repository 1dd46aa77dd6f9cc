"""Where the benchmarks find ../shared/extdata (third-party material, read in place, never copied)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def extdata() -> Path:
    """Return ../shared/extdata next to the checkout (a worktree may sit one level deeper)."""
    for folder in REPO.parents:
        if (folder / "shared" / "extdata").is_dir():
            return folder / "shared" / "extdata"
    return REPO.parent / "shared" / "extdata"
