"""Run the real CLI in-process (speckit.cli.main, with its exit codes) inside a temporary folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from support import invoke

# 2026-03-01 00:00:00 UTC: the scaffolds' dates and timestamps come from SOURCE_DATE_EPOCH.
EPOCH = "1772323200"


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *args: str, cwd: Path | None = None) -> Result:
    """support.invoke, with its result named as these tests read it (``capsys`` is kept for callers)."""
    done = invoke(*args, cwd=cwd)
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git repository (its top level is where config and specs resolve)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)
    return tmp_path
