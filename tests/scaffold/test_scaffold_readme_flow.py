"""The README's path from an empty repository to a checked feature, in five commands, run exactly as
a user types them (the installed 'speckit' console script, a real 'git init' repository)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIVE_COMMANDS = [
    ["speckit", "init"],
    ["speckit", "specify", "Team reminders: schedule reminders for a team channel"],
    ["speckit", "plan", "001"],
    ["speckit", "tasks", "001"],
    ["speckit", "check"],
]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_empty_repository_to_checked_feature(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    outputs = []
    for command in FIVE_COMMANDS:
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{command}: {done.stderr}"
        assert "Traceback" not in done.stderr
        outputs.append(done.stdout)
    assert outputs[1].strip() == "specs/001-team-reminders-schedule/spec.md"
    assert "0 errors" in outputs[-1]
    assert sorted(p.name for p in (tmp_path / "specs" / "001-team-reminders-schedule").iterdir()) == [
        "plan.md", "spec.md", "tasks.md"]
