"""What the benchmarks share: where ../shared/extdata is (third-party material, read in place,
never copied), which checkout's newsbot they time, and this process's resident memory."""

import os
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def extdata() -> Path:
    """Return ../shared/extdata next to the checkout (a worktree may sit one level deeper)."""
    for folder in REPO.parents:
        if (folder / "shared" / "extdata").is_dir():
            return folder / "shared" / "extdata"
    return REPO.parent / "shared" / "extdata"


def timed_checkout(variable: str) -> str:
    """Return the checkout whose newsbot package a bench times ($VARIABLE, else this one), first on sys.path.

    Call it again after importing a bench module that puts this checkout first (bench_crawl does).
    """
    code = os.environ.get(variable, str(REPO))
    sys.path.insert(0, code)
    return code


def check_timed(bench: str, code: str) -> None:
    """Exit unless newsbot is (or, not yet imported, will be) imported from checkout `code`."""
    import newsbot

    if not str(Path(newsbot.__file__).resolve()).startswith(str(Path(code).resolve())):
        sys.exit(f"{bench}: newsbot was imported from {newsbot.__file__}, not {code}")


def rss_mib() -> float:
    """Return this process's resident set size now (not the peak) in MiB, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
