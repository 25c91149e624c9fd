"""Golden files for the default templates' output, in tests/cases/scaffold/<case>/.

- skeleton/: 'speckit specify' on an empty repository, then 'plan' and 'tasks' on the skeleton.
- team-reminders/: 'plan' and 'tasks' on the repository's own specs/001-team-reminders/spec.md
  (tasks.md after the plan's Language/Version is set to Python 3.12, so test files get names).
- init/: the speckit.yaml 'speckit init' writes.

Regenerate after an intended change with:  SPECKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/scaffold
and read the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from scaffold_helpers import project as project  # the fixture, re-exported here for pytest to find
from scaffold_helpers import run
from support import ROOT, SPECS

CASES = ROOT / "tests" / "cases" / "scaffold"
UPDATE = os.environ.get("SPECKIT_UPDATE_GOLDEN") == "1"


def _compare(case: str, name: str, actual: str) -> None:
    golden = CASES / case / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run with SPECKIT_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8"), f"{golden} differs (SPECKIT_UPDATE_GOLDEN=1 regenerates)"


def test_skeleton(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "specify", "Team reminders: schedule reminders for a team channel").code == 0
    assert run(capsys, "plan", "001").code == 0
    assert run(capsys, "tasks", "001").code == 0
    folder = project / "specs" / "001-team-reminders-schedule"
    for name in ("spec.md", "plan.md", "tasks.md"):
        _compare("skeleton", name, (folder / name).read_text(encoding="utf-8"))


def test_team_reminders(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = project / "specs" / "001-team-reminders"
    folder.mkdir(parents=True)
    shutil.copy(SPECS / "001-team-reminders" / "spec.md", folder / "spec.md")
    assert run(capsys, "plan", "001").code == 0
    plan = folder / "plan.md"
    _compare("team-reminders", "plan.md", plan.read_text(encoding="utf-8"))
    text = plan.read_text(encoding="utf-8").replace("**Language/Version**: NEEDS CLARIFICATION",
                                                   "**Language/Version**: Python 3.12")
    plan.write_text(text, encoding="utf-8")
    assert run(capsys, "tasks", "001").code == 0
    _compare("team-reminders", "tasks.md", (folder / "tasks.md").read_text(encoding="utf-8"))


def test_init(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init").code == 0
    _compare("init", "speckit.yaml", (project / "speckit.yaml").read_text(encoding="utf-8"))
