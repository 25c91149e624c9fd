"""The real pre-commit tool runs the speckit-check hook of .pre-commit-hooks.yaml (pre-commit try-repo).

pre-commit builds the hook's own virtualenv from a copy of this working tree (about 30 s with a warm
pip cache; the environment is reused between the two runs below).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support import PRE_COMMIT, ROOT, git, hook_repo


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed (pip install -e '.[test]')")
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    hooks = hook_repo(tmp_path / "hooks")
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    cases = ROOT / "tests" / "cases" / "check"
    clean = project / "specs" / "001-export"
    shutil.copytree(cases / "clean", clean)
    plan = clean / "plan.md"
    plan.write_text(plan.read_text().replace("tests/cases/check/clean/", "specs/001-export/"))
    (project / "README.md").write_text("not a spec document\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        which = ["--files", *files] if files else ["--all-files"]
        return subprocess.run([str(PRE_COMMIT), "try-repo", str(hooks), "speckit-check", *which],
                              cwd=project, env=env, capture_output=True, text=True, timeout=600)

    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "speckit check" in passed.stdout and "Passed" in passed.stdout

    broken = project / "specs" / "002-cycle"
    shutil.copytree(cases / "graph-cycle" / "bad", broken)
    plan = broken / "plan.md"
    plan.write_text(plan.read_text().replace("tests/cases/check/graph-cycle/bad/", "specs/002-cycle/"))
    git(project, "add", "-A")
    failed = try_repo()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert (
        "specs/002-cycle/tasks.md:15:1: error: task dependency cycle T005 -> T008 -> T005 [graph/cycle]"
        in failed.stdout
    )

    # A change to research.md alone (or data-model.md, quickstart.md, contracts/) checks its feature (#14).
    (broken / "research.md").write_text("# Research\n")
    git(project, "add", "-A")
    research = try_repo("specs/002-cycle/research.md")
    assert research.returncode == 1 and "Failed" in research.stdout, research.stdout + research.stderr
    assert "specs/002-cycle/tasks.md:15:1: error: task dependency cycle" in research.stdout
