"""docs/scheduling.md works as written: its systemd units pass `systemd-analyze verify`, they and the
crontab use only the user, folders and PATH the page's set-up creates, and that PATH finds newsbot."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import REPO

PAGE = (REPO / "docs" / "scheduling.md").read_text(encoding="utf-8")
VENV_NEWSBOT = "/opt/newsbot/venv/bin/newsbot"


def block_after(marker: str, lang: str) -> str:
    """Return the first ```lang block that follows `marker` on the page."""
    start = PAGE.index(marker)
    match = re.compile(rf"```{lang}\n(.*?)```", re.DOTALL).search(PAGE, start)
    assert match, f"no ```{lang} block after {marker!r}"
    return match.group(1)


SERVICE = block_after("`/etc/systemd/system/newsbot-crawl.service`", "ini")
TIMER = block_after("`/etc/systemd/system/newsbot-crawl.timer`", "ini")
SETUP = block_after("## Setting up a host", "sh")
CRONTAB = block_after("## cron", "cron")


def unit_values(unit: str, key: str) -> list[str]:
    return re.findall(rf"^{key}=(.*)$", unit, re.MULTILINE)


def installed_newsbot() -> str:
    found = shutil.which("newsbot")
    if not found:
        pytest.skip("no newsbot command on PATH to point the units at")
    return found


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed here")
def test_the_documented_units_pass_systemd_analyze_verify(tmp_path):
    service = SERVICE.replace(VENV_NEWSBOT, installed_newsbot())
    assert service != SERVICE, "ExecStart runs the newsbot of the documented virtual environment"
    (tmp_path / "newsbot-crawl.service").write_text(service)
    (tmp_path / "newsbot-crawl.timer").write_text(TIMER)
    result = subprocess.run(
        ["systemd-analyze", "verify", "newsbot-crawl.service", "newsbot-crawl.timer"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).strip() == ""  # no unknown key, no bad value, no missing file


def test_the_service_runs_as_the_user_and_in_the_folders_the_setup_creates():
    (user,) = unit_values(SERVICE, "User")
    assert re.search(rf"^useradd .* {user}$", SETUP, re.MULTILINE)
    (exec_start,) = unit_values(SERVICE, "ExecStart")
    db = re.search(r"--db (\S+)", exec_start).group(1)
    log = re.search(r"--log-file (\S+)", exec_start).group(1)
    created = re.search(r"^install -d -o (\S+) -g \S+ -m \S+ (.*)$", SETUP, re.MULTILINE)
    assert created and created.group(1) == user
    folders = created.group(2).split()
    assert str(Path(db).parent) in folders and str(Path(log).parent) in folders
    # ... and systemd makes them itself where the set-up was skipped
    assert f"/var/lib/{unit_values(SERVICE, 'StateDirectory')[0]}" == str(Path(db).parent)
    assert f"/var/log/{unit_values(SERVICE, 'LogsDirectory')[0]}" == str(Path(log).parent)
    assert exec_start.split()[0] == VENV_NEWSBOT
    assert f"python3 -m venv {Path(VENV_NEWSBOT).parent.parent}" in SETUP
    assert unit_values(SERVICE, "Environment") == ["NEWSBOT_CONTACT=ops@example.org"]


def test_the_crontab_path_finds_newsbot_where_cron_s_own_path_would_not():
    (path_line,) = re.findall(r"^PATH=(.*)$", CRONTAB, re.MULTILINE)
    entries = path_line.split(":")
    assert entries[0] == str(Path(VENV_NEWSBOT).parent)
    assert re.search(r"^NEWSBOT_CONTACT=\S+$", CRONTAB, re.MULTILINE)
    for folder in ("/var/log/newsbot", "/var/lib/newsbot"):
        assert folder in CRONTAB and folder in SETUP
    # The same PATH with this machine's newsbot folder in the virtual environment's place.
    here = str(Path(installed_newsbot()).parent)
    path = ":".join([here, *entries[1:]])
    found = subprocess.run(
        [
            "/usr/bin/env",
            "-i",
            f"PATH={path}",
            "HOME=" + os.environ.get("HOME", "/"),
            "sh",
            "-c",
            "newsbot --version",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.returncode == 0, found.stderr
    assert "newsbot, version" in found.stdout
    if not any(Path(folder, "newsbot").exists() for folder in ("/usr/bin", "/bin")):
        bare = subprocess.run(
            ["/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "sh", "-c", "newsbot --version"], capture_output=True
        )
        assert bare.returncode == 127  # what the crontab's PATH line is for
