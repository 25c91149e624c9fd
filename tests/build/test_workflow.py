"""``--target github-actions`` runs as exported (#14): the workflow validates against SchemaStore's
github-workflow schema (vendored by check-jsonschema) and passes actionlint; copied into a fresh
clone of a repository that speckit init set up (build/ gitignored, so no run.sh), every file it
names exists when its step needs it and its run steps execute with bash; the toolchain comes from
the repository's files and the commands; paths are relative to the repository; ``--target make``
alone writes the run.sh it calls; a plan with no shell steps says so. About 15 s in all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from build_support import repo, speckit
from ruamel.yaml import YAML
from support import ROOT

from speckit.build.toolchain import detect

BIN = Path(sys.executable).parent
CASES = ROOT / "tests" / "cases" / "build"
PLAN = """# Implementation Plan: demo

## Phase 1: Build

### 1.1 Write one

```bash
echo one > one.txt
```

### 1.2 Release (HITL Required)

```bash
test -f specs/demo/plan.md && echo released > released.txt
```
"""


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed (pip install -e '.[test]' installs it)")
    return path


def validate(workflow: Path) -> None:
    """The published schema, then actionlint (which also runs shellcheck on run: lines when present)."""
    schema = subprocess.run([str(_tool("check-jsonschema")), "--builtin-schema", "vendor.github-workflows",
                             str(workflow)], capture_output=True, text=True, timeout=120, check=False)
    assert schema.returncode == 0, schema.stdout + schema.stderr
    lint = subprocess.run([str(_tool("actionlint")), "-no-color", str(workflow)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize("workflow", sorted(CASES.glob("*/workflow.yml")), ids=lambda p: p.parent.name)
def test_golden_workflows_pass_the_schema_and_actionlint(workflow: Path) -> None:
    validate(workflow)


def test_the_schema_validator_rejects_a_broken_workflow(tmp_path: Path) -> None:
    # The validator is not a formality: a job without runs-on or steps fails it.
    broken = tmp_path / "broken.yml"
    broken.write_text("on: {workflow_dispatch: {}}\njobs:\n  a:\n    name: x\n", encoding="utf-8")
    schema = subprocess.run([str(_tool("check-jsonschema")), "--builtin-schema", "vendor.github-workflows",
                             str(broken)], capture_output=True, text=True, timeout=120, check=False)
    assert schema.returncode == 1


def _expand(value: str) -> str:
    """The expressions the generated workflow may hold, as GitHub evaluates them."""
    value = value.replace("${{ '${{' }}", "\0")
    for expression, result in (("${{ github.run_id }}", "4242"), ("${{ github.run_attempt }}", "1"),
                               ("${{ github.actor }}", "octocat")):
        value = value.replace(expression, result)
    assert "${{" not in value, value
    return value.replace("\0", "${{")


def _order(jobs: dict[str, Any]) -> list[str]:
    done: list[str] = []
    while len(done) < len(jobs):
        ready = [j for j, job in jobs.items() if j not in done and all(n in done for n in job.get("needs", []))]
        assert ready, "the needs of the jobs form a cycle"
        done.extend(ready)
    return done


SETUP_ACTIONS = ("actions/setup-python@", "actions/setup-node@", "oven-sh/setup-bun@", "actions/setup-go@",
                 "pnpm/action-setup@", "astral-sh/setup-uv@")


def run_workflow(workflow: Path, origin: Path, tmp: Path) -> dict[str, Path]:
    """Run every job as a runner would: a fresh clone per job (jobs run on separate machines),
    artifacts handed over through a folder, run steps in bash -eo pipefail (GitHub's default on
    Linux). The install step is checked, not run: speckit is on PATH from this working tree.
    Returns the work tree of each job."""
    data = YAML(typ="safe").load(workflow.read_text(encoding="utf-8"))
    artifacts = tmp / "artifacts"
    shim = tmp / "bin"
    shim.mkdir()
    (shim / "speckit").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m speckit "$@"\n', encoding="utf-8")
    (shim / "speckit").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECKIT_")}
    env.update(PATH=f"{shim}:{env.get('PATH', '')}", PYTHONPATH=str(ROOT), CI="true")
    trees: dict[str, Path] = {}
    for job_id in _order(data["jobs"]):
        work = tmp / "runner" / job_id
        trees[job_id] = work
        for step in data["jobs"][job_id]["steps"]:
            uses, given = step.get("uses", ""), {k: _expand(str(v)) for k, v in step.get("with", {}).items()}
            if uses.startswith("actions/checkout@"):
                subprocess.run(["git", "clone", "-q", str(origin), str(work)], check=True)
            elif uses.startswith("actions/upload-artifact@"):
                source = work / given["path"]
                if not source.exists():
                    assert given.get("if-no-files-found") != "error", f"{job_id}: {given['path']} does not exist"
                    continue
                target = artifacts / given["name"]
                assert not target.exists(), f"artifact {given['name']} uploaded twice"
                if source.is_dir():
                    shutil.copytree(source, target)
                else:
                    target.mkdir(parents=True)
                    shutil.copy2(source, target / source.name)
            elif uses.startswith("actions/download-artifact@"):
                source = artifacts / given["name"]
                assert source.is_dir(), f"{job_id}: no artifact {given['name']} from the jobs it needs"
                shutil.copytree(source, work / given["path"], dirs_exist_ok=True)
            elif uses:
                assert uses.startswith(SETUP_ACTIONS), uses
            elif step.get("name") == "install speckit":
                assert step["run"].startswith("python -m pip install ")
            else:
                step_env = {**env, **{k: _expand(str(v)) for k, v in step.get("env", {}).items()}}
                ran = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _expand(step["run"])],
                                     cwd=work, env=step_env, capture_output=True, text=True, timeout=120,
                                     stdin=subprocess.DEVNULL, check=False)
                assert ran.returncode == 0, (job_id, step, ran.stdout, ran.stderr)
    return trees


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def test_the_workflow_runs_from_a_clean_checkout(tmp_path: Path) -> None:
    root = repo(tmp_path, PLAN)
    assert speckit("init", cwd=root).returncode == 0
    # An absolute --out inside the repository: the workflow still names repository paths.
    out = root / "specs" / "demo" / "build"
    built = speckit("build", "specs/demo", "--target", "all", "--out", str(out), cwd=root)
    assert built.returncode == 0, built.stderr
    workflow = out / "workflow.yml"
    validate(workflow)
    for name in ("workflow.yml", "Makefile", "run.sh", "checklist.json", "checklist.md"):
        assert str(tmp_path) not in (out / name).read_text(encoding="utf-8"), name
    (root / ".github" / "workflows").mkdir(parents=True)
    shutil.copy2(workflow, root / ".github" / "workflows" / "speckit-demo.yml")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "documents and the exported workflow")
    listed = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout
    assert "specs/demo/plan.md" in listed and "run.sh" not in listed  # speckit init ignores build/

    trees = run_workflow(root / ".github" / "workflows" / "speckit-demo.yml", root, tmp_path)
    assert set(trees) == {"build", "step_1_1", "step_1_2"}
    assert (trees["step_1_1"] / "one.txt").read_text() == "one\n"
    assert (trees["step_1_2"] / "released.txt").read_text() == "released\n"
    evidence = tmp_path / "artifacts" / "evidence-step_1_2"
    summary = next(evidence.glob("*/summary.tsv")).read_text()
    assert "\tpass\t" in summary and (evidence / "4242-1" / "approvals.tsv").read_text().count("octocat") == 1


def test_the_toolchain_comes_from_files_and_commands(tmp_path: Path) -> None:
    plan = """# Implementation Plan: tools

## 1.1 Bundle

```bash
bun install && bun run build
```

## 1.2 Services

```bash
docker compose up -d db
go test ./...
```
"""
    root = repo(tmp_path, plan)
    (root / "package.json").write_text(json.dumps({"packageManager": "bun@1.1.30", "engines": {"node": ">=20"}}))
    (root / "go.mod").write_text("module example.com/x\n\ngo 1.22\n")
    (root / "Cargo.toml").write_text("[package]\nname = 'x'\n")
    built = speckit("build", "specs/demo", "--target", "github-actions", cwd=root)
    assert built.returncode == 0, built.stderr
    workflow = root / "specs" / "demo" / "build" / "workflow.yml"
    validate(workflow)
    text = workflow.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("# - ")]
    assert header == [
        "# - node (actions/setup-node@v4): package.json; package.json engines.node >=20",
        "# - bun (oven-sh/setup-bun@v2): package.json packageManager bun@1.1.30; the commands of 1.1 call bun",
        "# - go (actions/setup-go@v5): go.mod; the commands of 1.2 call go",
        "# - rust (preinstalled on ubuntu-latest through rustup, which honours rust-toolchain.toml): Cargo.toml",
        "# - docker (Docker and Compose v2 are preinstalled on ubuntu-latest): the commands of 1.2 call docker",
    ]
    steps = YAML(typ="safe").load(text)["jobs"]["step_1_1"]["steps"]
    setup = [s for s in steps if str(s.get("uses", "")).startswith(("actions/setup", "oven-sh/"))]
    assert setup == [{"uses": "actions/setup-node@v4", "with": {"node-version": ">=20"}},
                     {"uses": "oven-sh/setup-bun@v2", "with": {"bun-version": "1.1.30"}},
                     {"uses": "actions/setup-go@v5", "with": {"go-version-file": "go.mod"}}]


def test_detect_reads_pnpm_python_and_uv(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"packageManager": "pnpm@9.12.0+sha512.abc"}))
    (tmp_path / ".nvmrc").write_text("20\n")
    (tmp_path / "uv.lock").write_text("")
    tools = {t.name: t for t in detect(tmp_path, [("1", "# npm run x is a comment\npytest -q\nuv sync")])}
    assert list(tools) == ["pnpm", "node", "python", "uv"]
    assert tools["pnpm"].steps == ({"uses": "pnpm/action-setup@v4"},)  # the action reads packageManager
    assert tools["node"].steps[0]["with"] == {"node-version-file": ".nvmrc"}
    assert tools["python"].reasons == ("the commands of 1 call pytest",)
    assert detect(tmp_path / "nothing", [("1", "echo npm")]) == []  # a word is not a command


def test_an_out_folder_outside_the_repository_gives_repository_paths(tmp_path: Path) -> None:
    root = repo(tmp_path, PLAN)
    out = tmp_path / "elsewhere"
    assert speckit("build", "specs/demo", "--target", "github-actions", "--out", str(out), cwd=root).returncode == 0
    text = (out / "workflow.yml").read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    assert "--out specs/demo/build" in text and '"bash specs/demo/build/run.sh --only 1.1"' in text


def test_make_alone_writes_the_run_sh_it_calls(tmp_path: Path) -> None:
    root = repo(tmp_path, PLAN.split("### 1.2")[0])
    built = speckit("build", "specs/demo", "--target", "make", cwd=root)
    assert built.returncode == 0, built.stderr
    out = root / "specs" / "demo" / "build"
    assert sorted(p.name for p in out.iterdir()) == ["Makefile", "run.sh"]
    made = subprocess.run(["make", "-s", "-C", str(out)], cwd=root, capture_output=True, text=True, timeout=120,
                          check=False, env={k: v for k, v in os.environ.items() if not k.startswith("MAKE")})
    assert made.returncode == 0, made.stdout + made.stderr
    assert (root / "one.txt").read_text() == "one\n"


def test_a_plan_without_shell_steps_says_so(tmp_path: Path) -> None:
    root = repo(tmp_path, "# Implementation Plan: empty\n\n## 1.1 Think\n\nNo commands here.\n")
    built = speckit("build", "specs/demo", "--target", "all", cwd=root)
    assert built.returncode == 0, built.stderr
    message = "demo has no shell steps: no plan section or task holds a fenced bash/sh/shell/console block"
    assert f"speckit: note: {message}" in built.stderr
    dry = speckit("run", "specs/demo", "--dry-run", cwd=root)
    assert dry.returncode == 0 and dry.stdout.startswith(f"nothing to run: {message}"), dry.stdout
    script = root / "specs" / "demo" / "build" / "run.sh"
    ran = subprocess.run(["bash", str(script), "--dry-run"], cwd=root, capture_output=True, text=True, timeout=60,
                         check=False)
    assert ran.returncode == 0 and message in ran.stdout
    workflow = root / "specs" / "demo" / "build" / "workflow.yml"
    validate(workflow)
    jobs = YAML(typ="safe").load(workflow.read_text(encoding="utf-8"))["jobs"]
    assert list(jobs) == ["no_steps"] and message in jobs["no_steps"]["steps"][0]["run"]
