"""speckit build: writing, --check, hand-edit protection, --force, cycles; checklist --verify on the
user's aws-sandbox plan."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from build_support import repo, speckit
from support import SPECS

PLAN = """# Implementation Plan: demo

## Phase 1: Build

### 1.1 Write one

```bash
echo one > one.txt
```

### 1.2 Write two

```bash
echo two > two.txt
```
"""


def test_build_writes_then_check_and_protects_hand_edits(tmp_path: Path) -> None:
    root = repo(tmp_path, PLAN)
    out = root / "specs" / "demo" / "build"
    first = speckit("build", "specs/demo", cwd=root)
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in out.iterdir()) == ["checklist.json", "checklist.md", "run.sh"]
    assert (out / "run.sh").stat().st_mode & 0o111
    assert speckit("build", "specs/demo", "--check", cwd=root).returncode == 0
    assert "unchanged" in speckit("build", "specs/demo", cwd=root).stdout
    # The documents change: outputs are stale, and a plain build refreshes them.
    plan = root / "specs" / "demo" / "plan.md"
    plan.write_text(PLAN.replace("Write two", "Write 2"), encoding="utf-8")
    stale = speckit("build", "specs/demo", "--check", cwd=root)
    assert stale.returncode == 1 and "run.sh" in stale.stdout
    assert speckit("build", "specs/demo", cwd=root).returncode == 0
    # A hand edit is refused without --force, and kept as .bak with it.
    script = out / "run.sh"
    script.write_text(script.read_text() + "echo hand-edited\n")
    plan.write_text(PLAN, encoding="utf-8")
    refused = speckit("build", "specs/demo", cwd=root)
    assert refused.returncode == 2 and "edited by hand" in refused.stderr and "Traceback" not in refused.stderr
    assert "hand-edited" in script.read_text()
    assert speckit("build", "specs/demo", "--force", cwd=root).returncode == 0
    assert "hand-edited" not in script.read_text() and "hand-edited" in (out / "run.sh.bak").read_text()


def test_build_refuses_a_file_it_did_not_write(tmp_path: Path) -> None:
    root = repo(tmp_path, PLAN)
    out = tmp_path / "out"
    out.mkdir()
    (out / "Makefile").write_text("all:\n\techo mine\n")
    result = speckit("build", "specs/demo", "--out", str(out), "--target", "make", cwd=root)
    assert result.returncode == 2 and "not written by speckit" in result.stderr
    assert (out / "Makefile").read_text() == "all:\n\techo mine\n"


def test_build_names_the_cycle_and_exits_1(tmp_path: Path) -> None:
    tasks = """# Tasks: cycle

## Phase 1: Setup

- [ ] T001 First (depends on T002)
  ```bash
  true
  ```
- [ ] T002 Second (depends on T001)
  ```bash
  true
  ```
"""
    root = repo(tmp_path, "# Implementation Plan: cycle\n", tasks)
    result = speckit("build", "specs/demo", cwd=root)
    assert result.returncode == 1
    assert "T001 -> T002 -> T001" in result.stderr or "T002 -> T001 -> T002" in result.stderr
    assert not (root / "specs" / "demo" / "build").exists()


def test_critical_path_orders_steps_against_document_order(tmp_path: Path) -> None:
    plan = PLAN + "\n## Critical Path\n\n1.2 → 1.1\n"
    root = repo(tmp_path, plan)
    assert speckit("build", "specs/demo", cwd=root).returncode == 0
    listed = speckit("run", "specs/demo", "--list", cwd=root).stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["1.2", "1.1"]


def test_checklist_verify_on_aws_sandbox_reports_artifacts_and_waiting_gates(tmp_path: Path) -> None:
    feature = tmp_path / "repo" / "specs" / "aws-sandbox"
    shutil.copytree(SPECS / "aws-sandbox", feature, ignore=shutil.ignore_patterns("build"))
    root = feature.parent.parent
    (root / ".git").mkdir()  # the repository root, as far as artifact paths are concerned
    result = speckit("checklist", "specs/aws-sandbox", "--verify", "--format", "json", cwd=root)
    assert result.returncode == 1  # two required artifacts are missing
    data = json.loads(result.stdout)
    status = {i["id"]: i["result"]["status"] for i in data["items"]}
    assert status["artifact-spec.md"] == status["artifact-plan.md"] == status["artifact-tasks.md"] == "pass"
    assert status["artifact-hitl-approval"] == "fail"
    assert status["artifact-phase-3.5-evidence"] == "fail"
    assert [i for i, s in status.items() if s == "waiting"] == ["step-3.1.4", "gate-8.1", "gate-8.3"]
    assert data["summary"] == {"phase1_complete": False, "phase2_complete": False, "phase3_5_pass": False,
                               "hitl_approved": False, "ready_for_publish": False}
    # The glob-aware artifact check sees an evidence log once one exists.
    logs = root / "tmp" / "cdk" / "release-logs"
    logs.mkdir(parents=True)
    (logs / "phase3.5-consumer-20260202-101010.log").write_text("ok\n")
    again = json.loads(speckit("checklist", "specs/aws-sandbox", "--verify", "--format", "json", cwd=root).stdout)
    assert {i["id"]: i["result"]["status"] for i in again["items"]}["artifact-phase-3.5-evidence"] == "pass"
    # checklist.md was updated with the results, and the state file and evidence logs exist.
    out = feature / "build"
    text = (out / "checklist.md").read_text(encoding="utf-8")
    assert "- [x] **artifact-phase-3.5-evidence**" in text and "✋ waiting for a human" in text
    assert json.loads((out / "checklist-state.json").read_text())["results"]["gate-8.1"]["status"] == "waiting"
    assert list((out / "evidence").glob("verify-*/artifact-spec.md.log"))
    # The build agrees with the verified checklist (no spurious staleness).
    assert speckit("build", "specs/aws-sandbox", "--target", "checklist", "--check", cwd=root).returncode == 0


def test_checklist_approve_records_who_and_when(tmp_path: Path) -> None:
    feature = tmp_path / "repo" / "specs" / "aws-sandbox"
    shutil.copytree(SPECS / "aws-sandbox", feature, ignore=shutil.ignore_patterns("build"))
    root = feature.parent.parent
    (root / ".git").mkdir()
    result = speckit("checklist", "specs/aws-sandbox", "--verify", "--approve", "8.1", "--format", "json", cwd=root,
                     env={"SPECKIT_APPROVER": "hitl-manager"})
    item = next(i for i in json.loads(result.stdout)["items"] if i["id"] == "gate-8.1")
    assert item["result"]["status"] == "pass" and "approved by hitl-manager at 20" in item["result"]["detail"]
    bad = speckit("checklist", "specs/aws-sandbox", "--verify", "--approve", "3.2.1", cwd=root)
    assert bad.returncode == 2 and "not a human gate" in bad.stderr


def test_a_hand_broken_state_file_is_read_as_far_as_it_goes(tmp_path: Path) -> None:
    # checklist-state.json is plain JSON next to the outputs: people edit it, and a wrong shape
    # must not turn every later build or checklist into an internal error.
    root = repo(tmp_path, PLAN)
    out = root / "specs" / "demo" / "build"
    out.mkdir()
    (out / "checklist-state.json").write_text(
        json.dumps({"results": {"step-1.1": "oops", "step-1.2": {"status": "weird"}}, "approvals": [1]}),
        encoding="utf-8")
    for args in (("checklist", "specs/demo", "--format", "json"), ("build", "specs/demo"),
                 ("checklist", "specs/demo", "--verify")):
        result = speckit(*args, cwd=root)
        assert result.returncode == 0, (args, result.stderr)
        assert "internal error" not in result.stderr


def test_an_unwritable_output_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    root = repo(tmp_path, PLAN)
    (root / "afile").write_text("")
    built = speckit("build", "specs/demo", "--out", "afile/build", cwd=root)
    assert built.returncode == 2 and "cannot write" in built.stderr, built.stderr
    ran = speckit("run", "specs/demo", "--evidence", "afile/evidence", "--only", "1.1", cwd=root)
    assert ran.returncode == 2 and "cannot write evidence" in ran.stderr, ran.stderr


def test_speckit_run_reads_speckit_evidence_like_run_sh(tmp_path: Path) -> None:
    root = repo(tmp_path, PLAN)
    ran = speckit("run", "specs/demo", "--only", "1.1", cwd=root, env={"SPECKIT_EVIDENCE": "proof"})
    assert ran.returncode == 0, ran.stderr
    assert (root / "proof" / "latest").is_file() and not (root / "specs" / "demo" / "build" / "evidence").exists()
