"""End to end, for run.sh and for ``speckit run`` alike: a generated plan whose steps write files in a
temporary repository; one step fails, the run stops there with its exit code and a log holding its
output; after the cause is fixed, --resume runs only the remaining steps. Gates, --only, --from,
--dry-run and --jobs on the same plan."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import ROOT

PLAN = """# Implementation Plan: demo

## Phase 1: Build

### 1.1 Write one

```bash
echo one >> one.txt
echo "step one ran"
```

### 1.2 Needs the fix

```bash
echo "checking fixed.txt"
test -f fixed.txt || exit 7
echo two >> two.txt
```

### 1.3 Write three

```bash
echo three >> three.txt
```

## Approval Gates

### Release Gate (HITL Required)

A person signs off before the release step.

### Release

```bash
echo released >> released.txt
```
"""

Runner = Callable[..., subprocess.CompletedProcess[str]]


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECKIT_")}
    env.update({"PYTHONPATH": str(ROOT), **extra})
    return env


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "specs" / "demo").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "specs" / "demo" / "plan.md").write_text(PLAN, encoding="utf-8")
    built = subprocess.run([sys.executable, "-m", "speckit", "build", "specs/demo"], cwd=root, env=_env({}),
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return root


def run_sh(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Started from a subfolder: the script finds the repository root itself.
    return subprocess.run(["bash", str(root / "specs/demo/build/run.sh"), *args], cwd=root / "specs",
                          env=_env(env or {}), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def speckit_run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "speckit", "run", "demo/", *args], cwd=root / "specs",
                          env=_env(env or {}), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


RUNNERS = pytest.mark.parametrize("runner", [run_sh, speckit_run], ids=["run.sh", "speckit-run"])


def evidence(root: Path) -> Path:
    base = root / "specs" / "demo" / "build" / "evidence"
    return base / (base / "latest").read_text().strip()


def summary(root: Path) -> list[tuple[str, str, str]]:
    lines = (evidence(root) / "summary.tsv").read_text().splitlines()
    assert lines[0] == "step\tkind\tstatus\texit\tstarted\tseconds\tmac"
    return [tuple(line.split("\t")[:4][i] for i in (0, 2, 3)) for line in lines[1:]]  # type: ignore[misc]


@RUNNERS
def test_fail_stop_fix_resume(root: Path, runner: Runner) -> None:
    first = runner(root)
    assert first.returncode == 7
    assert (root / "one.txt").read_text() == "one\n" and not (root / "three.txt").exists()
    log = (evidence(root) / "1.2.log").read_text()
    assert "checking fixed.txt" in log and "== exit 7" in log
    assert "step one ran" in (evidence(root) / "1.1.log").read_text()
    assert summary(root) == [("1.1", "pass", "0"), ("1.2", "fail", "7")]

    (root / "fixed.txt").write_text("")
    second = runner(root, "--resume")
    assert second.returncode == 75  # the release gate waits for a person; stdin is not a terminal
    assert "waiting for a human approval" in second.stderr
    assert (root / "one.txt").read_text() == "one\n"  # step 1.1 did not run again
    assert (root / "two.txt").read_text() == "two\n" and (root / "three.txt").read_text() == "three\n"
    assert not (root / "released.txt").exists()

    third = runner(root, "--resume", env={"SPECKIT_APPROVE": "release-gate-hitl-required",
                                          "SPECKIT_APPROVER": "rm@example.com"})
    assert third.returncode == 0, third.stderr
    assert (root / "released.txt").read_text() == "released\n"
    assert (root / "three.txt").read_text() == "three\n"
    assert summary(root) == [("1.1", "pass", "0"), ("1.2", "fail", "7"), ("1.2", "pass", "0"),
                             ("1.3", "pass", "0"), ("release-gate-hitl-required", "waiting", "75"),
                             ("release-gate-hitl-required", "approved", "0"), ("release", "pass", "0")]
    approvals = (evidence(root) / "approvals.tsv").read_text().splitlines()
    assert approvals[0] == "gate\twho\twhen\thow\trun\tmac"
    gate, who, when, how, run_id, mac = approvals[1].split("\t")
    assert (gate, who, how) == ("release-gate-hitl-required", "rm@example.com", "option") and when.endswith("Z")
    assert (
        run_id == evidence(root).name and len(mac) == 64
    )  # the run that asked; signed (tests/hostile/test_evidence.py)


@RUNNERS
def test_dry_run_list_only_from(root: Path, runner: Runner) -> None:
    dry = runner(root, "--dry-run")
    assert (
        dry.returncode == 0 and "| echo one >> one.txt" in dry.stdout and "would stop here for approval" in dry.stdout
    )
    assert not (root / "one.txt").exists() and not (root / "specs/demo/build/evidence").exists()
    listed = runner(root, "--list").stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["1.1", "1.2", "1.3", "release-gate-hitl-required", "release"]
    assert listed[3].endswith("[approval]")
    only = runner(root, "--only", "1.3")
    assert only.returncode == 0 and (root / "three.txt").exists() and not (root / "one.txt").exists()
    start = runner(root, "--from", "1.3", "--approve", "release-gate-hitl-required")
    assert start.returncode == 0 and (root / "released.txt").exists() and not (root / "one.txt").exists()
    bad = runner(root, "--only", "9.9")
    assert bad.returncode == 2 and "9.9" in bad.stderr


@RUNNERS
def test_commands_run_from_the_root_option(root: Path, runner: Runner, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "fixed.txt").write_text("")
    result = runner(root, "--root", str(other), "--only", "1.1,1.2")
    assert result.returncode == 0, result.stderr
    assert (other / "one.txt").exists() and (other / "two.txt").exists() and not (root / "one.txt").exists()


PARALLEL_TASKS = """# Tasks: parallel

## Phase 1: Setup

- [ ] T001 Prepare
  ```bash
  mkdir -p out
  ```

## Phase 2: Work

- [ ] T002 [P] Meet B
  ```bash
  touch out/a.started; for _ in $(seq 300); do [ -e out/b.started ] && break; sleep 0.1; done
  test -e out/b.started; echo a > out/a.txt; echo from-a
  ```
- [ ] T003 [P] Meet A
  ```bash
  touch out/b.started; for _ in $(seq 300); do [ -e out/a.started ] && break; sleep 0.1; done
  test -e out/a.started; echo b > out/b.txt; echo from-b
  ```
- [ ] T004 Join (depends on T002, T003)
  ```bash
  cat out/a.txt out/b.txt > out/ab.txt
  ```
"""


def test_speckit_run_jobs_runs_parallel_steps_together(tmp_path: Path) -> None:
    # T002 and T003 each wait (up to 30 s) for the other to have started: they pass only when they
    # run at the same time, which proves the overlap without timing anything.
    root = tmp_path / "repo"
    (root / "specs" / "demo").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "specs" / "demo" / "tasks.md").write_text(PARALLEL_TASKS, encoding="utf-8")
    result = speckit_run(root, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert (root / "out" / "ab.txt").read_text() == "a\nb\n"
    run_dir = evidence(root)
    assert "from-a" in (run_dir / "T002.log").read_text() and "from-b" not in (run_dir / "T002.log").read_text()
    assert "from-b" in (run_dir / "T003.log").read_text()
    assert [s for s, status, _ in summary(root) if status == "pass"][-1] == "T004"
