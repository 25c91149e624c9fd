"""``speckit check --current``: the feature Spec Kit works on, found as its scripts find it
(SPECIFY_FEATURE_DIRECTORY, .specify/feature.json, then SPECIFY_FEATURE and the git branch of older
releases). Real CLI in a subprocess, real git. ~5 s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# A template leftover in every spec: the finding's path tells which feature was checked.
SPEC = (
    "# Feature Specification: [FEATURE NAME]\n\n## User Scenarios & Testing\n\n## Requirements\n\n## Success Criteria\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for name in ("001-export", "002-import", "003-schedule"):
        (root / "specs" / name).mkdir(parents=True)
        (root / "specs" / name / "spec.md").write_text(SPEC, encoding="utf-8")
    (root / ".specify").mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    return root


def current(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SPECIFY_")}
    return subprocess.run([sys.executable, "-m", "speckit", "check", "--current", "--format", "json"], cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
                          env={**base, **env})


def which(done: subprocess.CompletedProcess[str]) -> set[str]:
    assert done.returncode in (0, 1), done.stderr
    return {Path(d["path"]).parent.name for d in json.loads(done.stdout)["diagnostics"]}


def test_feature_json_then_the_environment_override(project: Path) -> None:
    (project / ".specify" / "feature.json").write_text('{"feature_directory":"specs/002-import"}\n')
    assert which(current(project)) == {"002-import"}
    assert which(current(project / "specs")) == {"002-import"}  # from below the project, as an agent's shell may be
    override = current(project, SPECIFY_FEATURE_DIRECTORY=str(project / "specs" / "003-schedule"))
    assert which(override) == {"003-schedule"}
    assert which(current(project, SPECIFY_FEATURE="001-export")) == {"002-import"}  # feature.json comes first


def test_spec_kit_feature_name_then_the_git_branch(project: Path) -> None:
    assert which(current(project, SPECIFY_FEATURE="002-import")) == {"002-import"}
    # Spec Kit lets several branches work on one numbered spec: a name matches by its number too.
    assert which(current(project, SPECIFY_FEATURE="003-another-branch")) == {"003-schedule"}
    subprocess.run(["git", "checkout", "-q", "-b", "001-export-fixes"], cwd=project, check=True)
    assert which(current(project)) == {"001-export"}
    assert which(current(project, SPECIFY_FEATURE="002-import")) == {"002-import"}  # the variable before the branch


def test_no_current_feature_or_one_outside_is_one_line_and_exit_2(project: Path, tmp_path: Path) -> None:
    none = current(project)
    assert none.returncode == 2 and none.stdout == ""
    assert none.stderr.startswith("speckit: error: no current feature:") and none.stderr.count("\n") == 1
    (tmp_path / "elsewhere").mkdir()
    (project / ".specify" / "feature.json").write_text(json.dumps({"feature_directory": str(tmp_path / "elsewhere")}))
    outside = current(project)
    assert outside.returncode == 2 and "outside the project" in outside.stderr
    (project / ".specify" / "feature.json").write_text("{not json")
    broken = current(project)
    assert broken.returncode == 2 and "feature.json: not readable JSON" in broken.stderr
    for value, needle in (("specs/001-export\u0000x", "holds a NUL byte"), (5, "feature_directory is int")):
        (project / ".specify" / "feature.json").write_text(json.dumps({"feature_directory": value}))
        bad = current(project)
        assert bad.returncode == 2 and needle in bad.stderr and bad.stderr.count("\n") == 1, bad.stderr
    (project / ".specify" / "feature.json").unlink()
    missing = current(project, SPECIFY_FEATURE="042-nothing")
    assert missing.returncode == 2 and "SPECIFY_FEATURE=042-nothing: no feature" in missing.stderr
