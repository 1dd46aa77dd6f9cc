"""What several benchmarks share: where ../shared/extdata is (third-party material, read in place,
never copied) and this process's resident memory."""

import resource
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def extdata() -> Path:
    """Return ../shared/extdata next to the checkout (a worktree may sit one level deeper)."""
    for folder in REPO.parents:
        if (folder / "shared" / "extdata").is_dir():
            return folder / "shared" / "extdata"
    return REPO.parent / "shared" / "extdata"


def rss_mib() -> float:
    """Return this process's resident set size now (not the peak) in MiB, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
