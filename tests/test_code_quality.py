"""The repository lints clean: ``ruff check .`` with the rule set named in pyproject.toml (E, F, W, I,
B, UP; lines of 120), and ``mypy speckit``. The ruff tests take about a second; mypy about 20 s
from a cold cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT


def test_ruff_finds_nothing() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", ".", "--no-cache", "--output-format", "concise"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr  # 1: findings; anything else: ruff itself failed
    assert done.returncode == 0, "ruff check . (fix these, or `ruff check . --fix` the fixable ones):\n" + done.stdout


def test_ruff_uses_the_projects_rules(tmp_path: Path) -> None:
    # The check can fail: pyproject.toml's rules and line length are the ones in force.
    module = tmp_path / "mod.py"
    module.write_text(f"PAIRS = list(zip([1], [2]))\nLONG = {'x' * 116!r}\n", encoding="utf-8")
    config = str(ROOT / "pyproject.toml")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--config", config,
                           "--output-format", "concise", str(module)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "B905" in done.stdout and "E501" in done.stdout, done.stdout


@pytest.mark.timeout(660)  # beyond the suite's 300 s: a cold mypy on a slow machine
def test_mypy_finds_nothing() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "speckit"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, "mypy speckit:\n" + done.stdout + done.stderr
