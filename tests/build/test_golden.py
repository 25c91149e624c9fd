"""Golden files: the generated checklist.md, checklist.json, run.sh, Makefile and workflow.yml of the
bundled features, as reviewers read them. Regenerate after an intended change with

    SPECKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/build/test_golden.py

and review the diff of tests/cases/build/. workflow.yml names the speckit release its build job
installs (speckit-compiler==<version>), so a version bump regenerates the two workflows too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import ROOT, SPECS

from speckit import build
from speckit.parse import load_feature

CASES = ROOT / "tests" / "cases" / "build"
FILES = ("checklist.md", "checklist.json", "run.sh", "Makefile", "workflow.yml")


@pytest.mark.parametrize("name", ["aws-sandbox", "001-team-reminders"])
def test_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    feature = load_feature(Path("specs") / name)
    result = build.prepare(feature, ROOT, build.default_out(feature))
    files = build.outputs(result, tuple(build.TARGETS))
    assert sorted(files) == sorted(FILES)
    folder = CASES / name
    if os.environ.get("SPECKIT_UPDATE_GOLDEN"):
        folder.mkdir(parents=True, exist_ok=True)
        for file, text in files.items():
            (folder / file).write_text(text, encoding="utf-8")
    for file, text in files.items():
        expected = (folder / file).read_text(encoding="utf-8")
        assert text == expected, f"{name}/{file} differs from the golden file (see the module docstring)"


def test_golden_is_independent_of_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    feature = load_feature(SPECS / "aws-sandbox")
    result = build.prepare(feature, ROOT, SPECS / "aws-sandbox" / "build")
    assert build.outputs(result, ("sh",))["run.sh"] == (CASES / "aws-sandbox" / "run.sh").read_text(encoding="utf-8")
