"""The generated scripts are valid for the real tools: bash -n, shellcheck, make -n, a YAML parser;
and document text never executes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from build_support import bash, repo, speckit
from ruamel.yaml import YAML
from support import ROOT

CASES = ROOT / "tests" / "cases" / "build"
GOLDEN_SCRIPTS = sorted(CASES.glob("*/run.sh"))


@pytest.mark.parametrize("script", GOLDEN_SCRIPTS, ids=lambda p: p.parent.name)
def test_run_sh_passes_bash_n_and_shellcheck(script: Path) -> None:
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is not installed (Debian package shellcheck): CI must install it")
    result = subprocess.run(["shellcheck", "--severity=style", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("makefile", sorted(CASES.glob("*/Makefile")), ids=lambda p: p.parent.name)
def test_makefile_dry_run_follows_the_plan(makefile: Path, tmp_path: Path) -> None:
    shutil.copy(makefile, tmp_path / "Makefile")
    shutil.copy(makefile.parent / "run.sh", tmp_path / "run.sh")
    result = subprocess.run(
        ["make", "-n", "-C", str(tmp_path)], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    assert result.returncode == 0, result.stderr
    ids = [line.split("--only ")[1].strip().strip("'") for line in result.stdout.splitlines() if "--only" in line]
    listed = subprocess.run(["bash", str(tmp_path / "run.sh"), "--list"], capture_output=True, text=True).stdout
    assert ids == [line.split("\t")[0] for line in listed.splitlines()]  # every step once, in run order


@pytest.mark.parametrize("workflow", sorted(CASES.glob("*/workflow.yml")), ids=lambda p: p.parent.name)
def test_workflow_parses_and_every_need_names_a_job(workflow: Path) -> None:
    data = YAML(typ="safe").load(workflow.read_text(encoding="utf-8"))
    jobs = data["jobs"]
    assert jobs and "workflow_dispatch" in data["on"]
    for job in jobs.values():
        for need in job.get("needs", []):
            assert need in jobs
        assert any("run" in step for step in job["steps"])


def test_aws_sandbox_workflow_gates_use_an_environment() -> None:
    jobs = YAML(typ="safe").load((CASES / "aws-sandbox" / "workflow.yml").read_text(encoding="utf-8"))["jobs"]
    assert jobs["gate_8_1"]["environment"] == "speckit-approval"
    assert "environment" not in jobs["step_3_2_1"]
    assert jobs["step_3_3_4"]["needs"] == ["gate_8_3"]


HOSTILE = """# Tasks: hostile

## Phase 1: Setup

- [ ] T001 [P] Title with $(touch {pwn}/dollar) and `touch {pwn}/backtick` and 'single' "double" \\ end
  ```bash
  echo safe-one > one.txt
  ```
- [ ] T002 [P] Another ${{{{ secrets.TOKEN }}}} $((1+1)) '; touch {pwn}/semi; '
  ```bash
  echo safe-two > two.txt
  ```
- [ ] T003 Last (depends on T001, T002)
  ```bash
  cat one.txt two.txt > both.txt
  ```
"""


def test_document_text_never_executes(tmp_path: Path) -> None:
    pwn = tmp_path / "pwned"
    pwn.mkdir()
    root = repo(tmp_path, "# Implementation Plan: hostile\n", HOSTILE.format(pwn=pwn))
    built = speckit("build", "specs/demo", "--target", "all", cwd=root)
    assert built.returncode == 0, built.stderr
    out = root / "specs" / "demo" / "build"
    script = out / "run.sh"
    assert subprocess.run(["shellcheck", str(script)], capture_output=True).returncode == 0
    assert subprocess.run(["make", "-n", "-C", str(out)], capture_output=True).returncode == 0
    listed = bash(script, "--list", cwd=root)
    assert f"$(touch {pwn}/dollar)" in listed.stdout and f"`touch {pwn}/backtick`" in listed.stdout
    assert bash(script, "--dry-run", cwd=root).returncode == 0
    ran = bash(script, cwd=root)
    assert ran.returncode == 0, ran.stderr
    assert (root / "both.txt").read_text() == "safe-one\nsafe-two\n"
    assert speckit("run", "specs/demo", "--jobs", "2", cwd=root).returncode == 0
    assert speckit("checklist", "specs/demo", "--verify", cwd=root).returncode == 0
    assert list(pwn.iterdir()) == []
    workflow = (out / "workflow.yml").read_text(encoding="utf-8")
    assert "${{ secrets" not in workflow
    YAML(typ="safe").load(workflow)
