"""Shared by tests/build and tests/run: a throwaway git repository holding one feature."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import support

SPECKIT = [sys.executable, "-m", "speckit"]


def speckit(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """support.speckit with a wide terminal, so rich's tables keep their rows on one line."""
    return support.speckit(*args, cwd=cwd, env={"COLUMNS": "200", **(env or {})}, timeout=120)


def repo(tmp_path: Path, plan: str, tasks: str | None = None, name: str = "demo") -> Path:
    """tmp_path/repo (a git repository) with specs/<name>/plan.md (and tasks.md)."""
    root = tmp_path / "repo"
    feature = root / "specs" / name
    feature.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (feature / "plan.md").write_text(plan, encoding="utf-8")
    if tasks is not None:
        (feature / "tasks.md").write_text(tasks, encoding="utf-8")
    return root


def bash(script: Path, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SPECKIT_")}
    full_env.update(env or {})
    return subprocess.run(["bash", str(script), *args], cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
