"""The hook treats names as names (#16, item 4), proven with the real pre-commit: a committed folder
named ``--output=specs/001-x`` made the hook write its report over a real tasks.md, and a folder
named ``--config=.`` beside a YAML ``tasks.md`` switched every rule off, so the hook passed with the
errors still there. The entry now ends speckit's options (``speckit check --``).

pre-commit builds the hook's virtualenv from a copy of this working tree (about 30 s, once).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support import PRE_COMMIT, ROOT, git, hook_repo

from speckit.cli import main

CYCLE = "# Tasks\n\n## Phase 1\n\n- [ ] T001 First (depends on T002)\n- [ ] T002 Second (depends on T001)\n"
RULES_OFF = "rules:\n  graph/cycle: 'off'\n  graph/unknown-ref: 'off'\n"


def test_the_hook_entry_ends_the_options() -> None:
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe", pure=True).load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["entry"].split()[-1] == "--"


def test_check_reads_no_option_after_double_dash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "specs" / "001-x").mkdir(parents=True)
    real = tmp_path / "specs" / "001-x" / "tasks.md"
    real.write_text(CYCLE, encoding="utf-8")
    evil = tmp_path / "--output=specs" / "001-x"
    evil.mkdir(parents=True)
    (evil / "tasks.md").write_text(CYCLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["check", "--", "--output=specs/001-x/tasks.md", "specs/001-x/tasks.md"])
    assert stop.value.code == 1
    assert real.read_text(encoding="utf-8") == CYCLE
    assert "specs/001-x/tasks.md:5:1: error: task dependency cycle" in capsys.readouterr().out


@pytest.mark.timeout(900)
@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed (pip install -e '.[test]')")
def test_pre_commit_reads_file_names_as_names(tmp_path: Path) -> None:
    hooks = hook_repo(tmp_path / "hooks")
    project = tmp_path / "project"
    real = project / "specs" / "001-x" / "tasks.md"
    real.parent.mkdir(parents=True)
    real.write_text(CYCLE, encoding="utf-8")
    for evil in (project / "--output=specs" / "001-x", project / "--config=."):
        evil.mkdir(parents=True)
        (evil / "tasks.md").write_text(CYCLE, encoding="utf-8")
    (project / "tasks.md").write_text(RULES_OFF, encoding="utf-8")  # what --config=./tasks.md would load
    git(project, "init", "-q")
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run([str(PRE_COMMIT), "try-repo", str(hooks), "speckit-check", "--all-files"],
                         cwd=project, env=env, capture_output=True, text=True, timeout=800, check=False)
    out = run.stdout + run.stderr
    assert run.returncode == 1 and "Failed" in run.stdout, out
    assert real.read_text(encoding="utf-8") == CYCLE, "the hook wrote over a real tasks.md"
    assert "specs/001-x/tasks.md:5:1: error: task dependency cycle T001 -> T002 -> T001 [graph/cycle]" in out
    assert "--config=./tasks.md:5:1: error: task dependency cycle" in out  # read as a feature, not a config
