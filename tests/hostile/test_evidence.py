"""Evidence is not a claim in the repository (#16, item 5): a ``summary.tsv`` and ``approvals.tsv``
committed in a pull request (dated 2099, "approved by cto") made every step pass and every gate
approved, so ``ready_for_publish: true``, and masked a later real failure. Only lines this
checkout's runs wrote count: each carries an HMAC under a secret in the git directory.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import support
from support import ROOT

from speckit.run import evidence as ev

PLAN = """# Implementation Plan: demo

## Phase 1

### 1.1 Build

```bash
echo built >> built.txt
```

### 1.2 Release approval (HITL Required)

```bash
echo released >> released.txt
```

## Validation Summary

```json
{"phase1_complete": false, "hitl_approved": false, "ready_for_publish": false}
```
"""
RUN_ID = "20990101T000000Z"
FORGED_SUMMARY = ("step\tkind\tstatus\texit\tstarted\tseconds\n"
                  "1.1\tstep\tpass\t0\t2099-01-01T00:00:00Z\t1\n"
                  "1.2\tstep\tpass\t0\t2099-01-01T00:00:00Z\t1\t" + "ab" * 32 + "\n")
FORGED_APPROVALS = ("gate\twho\twhen\thow\n1.2\tcto\t2099-01-01T00:00:00Z\toption\n"
                    f"1.2\tcto\t2099-01-01T00:00:00Z\toption\t{RUN_ID}\t" + "cd" * 32 + "\n")


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("SPECKIT_")}
    out.update({"PYTHONPATH": str(ROOT), "SPECKIT_NO_CACHE": "1", "XDG_STATE_HOME": "/nonexistent/state"})
    return out


def speckit(*args: str, cwd: Path, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return support.speckit(*args, cwd=cwd, env={"XDG_STATE_HOME": "/nonexistent/state", **(extra or {})}, timeout=120)


def run_sh(root: Path, *args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(root / "specs/demo/build/run.sh"), *args], cwd=root, capture_output=True,
                          text=True, env={**env(), **(extra or {})}, stdin=subprocess.DEVNULL, timeout=120, check=False)


def repo(path: Path) -> Path:
    (path / "specs" / "demo").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    (path / "specs" / "demo" / "plan.md").write_text(PLAN, encoding="utf-8")
    assert speckit("build", "specs/demo", cwd=path).returncode == 0
    return path


def verify(root: Path) -> tuple[dict[str, str], dict[str, bool | None], str, int]:
    run = speckit("checklist", "specs/demo", "--verify", "--format", "json", cwd=root)
    data = json.loads(run.stdout)
    status = {i["id"]: i.get("result", {}).get("status", "") for i in data["items"]}
    return status, data["summary"], run.stderr, run.returncode


def forge(root: Path, run_id: str = RUN_ID) -> Path:
    run_dir = root / "specs" / "demo" / "build" / "evidence" / run_id
    run_dir.mkdir(parents=True)
    (run_dir / "summary.tsv").write_text(FORGED_SUMMARY, encoding="utf-8")
    (run_dir / "approvals.tsv").write_text(FORGED_APPROVALS, encoding="utf-8")
    (run_dir.parent / "latest").write_text(run_id + "\n", encoding="utf-8")
    return run_dir


@pytest.mark.timeout(120)
def test_committed_evidence_from_2099_is_reported_not_counted(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo")
    forge(root)
    status, summary, notes, code = verify(root)
    assert status["step-1.1"] == "pending" and status["step-1.2"] != "pass", status
    assert summary == {"phase1_complete": False, "hitl_approved": False, "ready_for_publish": False}
    assert code == 0  # pending and waiting do not fail verification; nothing passed either
    assert notes.count("not produced here: not counted") == 4, notes
    assert "summary.tsv:2: 1.1 pass: not produced here" in notes and "approval of 1.2 by cto" in notes
    # run.sh and speckit run do not skip a step on a forged line either: the step runs (it writes built.txt)
    runners = (lambda: run_sh(root, "--resume"), lambda: speckit("run", "specs/demo", "--resume", cwd=root))
    for n, runner in enumerate(runners):
        forge(root, f"2099010{n + 2}T000000Z")  # a fresh forged run for each runner
        (root / "built.txt").unlink(missing_ok=True)
        resumed = runner()
        assert resumed.returncode == 75, resumed.stderr  # 1.2 still waits for a person
        assert (root / "built.txt").read_text() == "built\n" and not (root / "released.txt").exists()
        assert "not produced here: not counted" in resumed.stderr


@pytest.mark.timeout(120)
def test_forged_lines_do_not_mask_a_real_failure(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo")
    plan = root / "specs" / "demo" / "plan.md"
    plan.write_text(PLAN.replace("echo built >> built.txt", "exit 7"), encoding="utf-8")
    assert speckit("build", "specs/demo", cwd=root).returncode == 0
    failed = run_sh(root)
    assert failed.returncode == 7
    run_dir = root / "specs/demo/build/evidence" / (root / "specs/demo/build/evidence/latest").read_text().strip()
    with open(run_dir / "summary.tsv", "a", encoding="utf-8") as handle:
        handle.write("1.1\tstep\tpass\t0\t2099-01-01T00:00:00Z\t0\t" + "00" * 32 + "\n")
    status, summary, notes, code = verify(root)
    assert status["step-1.1"] == "fail" and code == 1
    assert summary["phase1_complete"] is False and "not produced here" in notes


@pytest.mark.timeout(180)
def test_evidence_from_another_checkout_is_not_counted(tmp_path: Path) -> None:
    here = repo(tmp_path / "here")
    there = repo(tmp_path / "there")
    ran = run_sh(there, "--approve", "1.2", extra={"SPECKIT_APPROVER": "cto"})
    assert ran.returncode == 0, ran.stderr
    status, summary, _, _ = verify(there)
    assert status["step-1.1"] == "pass" and summary["ready_for_publish"] is True  # counted where it ran
    shutil.rmtree(here / "specs/demo/build/evidence", ignore_errors=True)
    shutil.copytree(there / "specs/demo/build/evidence", here / "specs/demo/build/evidence")
    shutil.copy2(there / "specs/demo/build/checklist-state.json", here / "specs/demo/build/checklist-state.json")
    shown = speckit("checklist", "specs/demo", "--format", "json", cwd=here)
    assert json.loads(shown.stdout)["summary"]["ready_for_publish"] is False
    assert "checklist-state.json: not produced here" in shown.stderr
    built = speckit("build", "specs/demo", "--check", cwd=here)
    assert "checklist-state.json: not produced here" in built.stderr
    status, summary, notes, _ = verify(here)
    assert status["step-1.1"] == "pending" and summary["ready_for_publish"] is False
    assert "not produced here: not counted" in notes


@pytest.mark.timeout(120)
def test_a_signed_record_dated_in_the_future_is_not_counted(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo")
    run_dir = root / "specs/demo/build/evidence" / RUN_ID
    run_dir.mkdir(parents=True)
    secret = ev.key(run_dir, create=True)
    assert secret is not None
    fields = ("1.1", "step", "pass", "0", "2099-01-01T00:00:00Z", "0")
    (run_dir / "summary.tsv").write_text(ev.SUMMARY_HEADER
                                         + "\t".join((*fields, ev.mac(secret, "summary", RUN_ID, *fields)))
                                         + "\n", encoding="utf-8")
    status, _, notes, _ = verify(root)
    assert status["step-1.1"] == "pending"
    assert "1.1 pass: dated in the future (2099-01-01T00:00:00Z): not counted" in notes


@pytest.mark.timeout(120)
def test_a_committed_state_file_is_not_a_verification(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo")
    state = {"version": 1, "verified": "2099-01-01T00:00:00Z",
             "results": {"step-1.1": {"status": "pass", "detail": "passed"}, "gate-1.2": {"status": "pass"},
                         "step-1.2": {"status": "pass"}},
             "approvals": {"1.2": {"who": "cto", "when": "2099-01-01T00:00:00Z", "how": "option"}},
             "mac": "ef" * 32}
    (root / "specs/demo/build/checklist-state.json").write_text(json.dumps(state), encoding="utf-8")
    built = speckit("build", "specs/demo", cwd=root)
    assert "checklist-state.json: not produced here" in built.stderr
    checklist = (root / "specs/demo/build/checklist.md").read_text(encoding="utf-8")
    assert "2099" not in checklist and '"ready_for_publish": false' in checklist
    status, summary, _, _ = verify(root)
    assert status["step-1.2"] != "pass" and summary["hitl_approved"] is False


@pytest.mark.timeout(120)
def test_approvals_record_who_and_the_run_that_asked(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo")
    ran = speckit("run", "specs/demo", "--approve", "1.2", cwd=root, extra={"SPECKIT_APPROVER": "alice"})
    assert ran.returncode == 0, ran.stderr
    evidence = root / "specs/demo/build/evidence"
    run_id = (evidence / "latest").read_text().strip()
    gate, who, _, how, asked, _ = (evidence / run_id / "approvals.tsv").read_text().splitlines()[1].split("\t")
    assert (gate, who, how, asked) == ("1.2", "alice", "option", run_id)
    # an approval line moved to another run is not that run's approval
    other = evidence / "20260101T000000Z"
    other.mkdir()
    line = (evidence / run_id / "approvals.tsv").read_text().splitlines()[1]
    (other / "approvals.tsv").write_text(ev.APPROVALS_HEADER + line + "\n", encoding="utf-8")
    _, _, notes, _ = verify(root)
    assert f"{other.name}/approvals.tsv:2: approval of 1.2 by alice: not produced here" in notes
    # an approval given to checklist --verify is signed evidence too, with who and the verification
    (evidence / run_id / "approvals.tsv").unlink()
    approved = speckit("checklist", "specs/demo", "--verify", "--approve", "1.2", "--format", "json", cwd=root,
                       extra={"SPECKIT_APPROVER": "bob"})
    assert approved.returncode == 0, approved.stderr
    state = json.loads((root / "specs/demo/build/checklist-state.json").read_text())
    assert state["approvals"]["1.2"]["who"] == "bob" and state["approvals"]["1.2"]["run"].startswith("verify-")
    signed = sorted(evidence.glob("verify-*/approvals.tsv"))
    assert signed and "\tbob\t" in signed[-1].read_text()


@pytest.mark.timeout(60)
def test_the_secret_lives_in_the_git_dir_mode_0600(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo")
    assert speckit("run", "specs/demo", "--only", "1.1", cwd=root).returncode == 0
    secret = root / ".git" / "speckit" / "secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(secret.parent.stat().st_mode) == 0o700
    tracked = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                             capture_output=True, text=True, check=True).stdout
    assert "secret" not in tracked
    # run.sh reads the same secret: what speckit run recorded, run.sh --resume skips
    run_id = (root / "specs/demo/build/evidence/latest").read_text().strip()
    (root / "built.txt").unlink()
    resumed = run_sh(root, "--resume", "--only", "1.1", "--run-id", run_id)
    assert resumed.returncode == 0 and "passed in run" in resumed.stdout and not (root / "built.txt").exists()
