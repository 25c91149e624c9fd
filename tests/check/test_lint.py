"""speckit check beside ruff and friends (#14): rule selection, exclusions, --statistics, the concise
and gitlab formats, colour, names that are nearly right, shell completion and the hook's files.
Through the real CLI (test_cli.run: the entry point in this process) on real files, and real bash for
completion (a speckit process per Tab); about 8 s on a loaded 2-core machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import test_cli
from support import ROOT
from test_cli import CASES, run

SCHEMAS = Path(__file__).parent / "schemas"
repo = test_cli.repo  # the fixture: a git repository with a clean feature and a cycle


def rules_of(stdout: str) -> list[str]:
    return [line.rsplit("[", 1)[1].rstrip("]") for line in stdout.splitlines() if line.endswith("]") and ": " in line]


def test_select_ignore_and_extend_select(repo: Path) -> None:
    everything = run("check", "--format", "concise", cwd=repo)
    assert set(rules_of(everything.stdout)) == {"graph/cycle", "graph/phase-inversion"}
    only_cycles = run("check", "--format", "concise", "--select", "graph/cycle", cwd=repo)
    assert rules_of(only_cycles.stdout) == ["graph/cycle"] and only_cycles.returncode == 1
    assert rules_of(run("check", "--format", "concise", "--ignore", "graph/cycle", cwd=repo).stdout) == [
        "graph/phase-inversion"]
    # a family name means family/*; lists and repeats add up; --ignore wins over --select
    none = run("check", "--select", "graph,invest/*", "--ignore", "graph", cwd=repo)
    assert none.returncode == 0 and none.stdout.strip() == "0 errors, 0 warnings in 2 features"
    # --extend-select turns on a rule that is off by default, beside those already on
    (repo / "specs" / "001-export" / "tasks.md").write_text(
        (repo / "specs" / "001-export" / "tasks.md").read_text().replace(
            "- [ ] T003 [P] [US1] Write the exporter in src/export/writer.py",
            "- [x] T003 [P] [US1] Write the exporter in src/export/writer.py"))
    assert "evidence/done-without-files" not in run("check", cwd=repo).stdout
    extended = run("check", "--format", "concise", "--extend-select", "evidence/done-without-files", cwd=repo)
    assert "evidence/done-without-files" in rules_of(extended.stdout) and "graph/cycle" in rules_of(extended.stdout)
    # the config's severity is kept for a selected rule
    (repo / "speckit.yaml").write_text("rules:\n  graph/cycle: warning\n")
    assert "warning: task dependency cycle" in run("check", "--select", "graph/cycle", cwd=repo).stdout


def test_a_selection_that_matches_nothing_is_one_line_exit_2(repo: Path) -> None:
    result = run("check", "--select", "graph/cycel", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.strip() == "speckit: error: --select graph/cycel: matches no rule (did you mean graph/cycle?)"


def test_exclude_globs_drop_demo_folders(repo: Path) -> None:
    shutil.copytree(CASES / "graph-cycle" / "bad", repo / "specs" / "_demo-cycle")
    assert "specs/_demo-cycle/" in run("check", cwd=repo).stdout
    (repo / "speckit.yaml").write_text("extend_exclude:\n  - specs/_*\n")
    result = run("check", cwd=repo)
    assert "_demo-cycle" not in result.stdout and result.stdout.rstrip().endswith("in 2 features")
    # a file the commit hook passes is skipped too; a feature named on the command line is checked
    assert run("check", "specs/_demo-cycle/tasks.md", cwd=repo).stdout.strip() == "0 errors, 0 warnings in 0 features"
    assert "specs/_demo-cycle/tasks.md" in run("check", "specs/_demo-cycle", cwd=repo).stdout
    (repo / "speckit.yaml").write_text("exclude: [_demo*, 002-*]\n")  # a name at any depth, as in .gitignore
    assert run("check", cwd=repo).stdout.rstrip().endswith("0 errors, 0 warnings in 1 feature")
    (repo / "speckit.yaml").write_text("exclude: specs/_*\n")
    bad = run("check", cwd=repo)
    assert bad.returncode == 2 and "bad config key 'exclude'" in bad.stderr
    (repo / "speckit.yaml").write_text("extend-exclude: [specs/_*]\n")  # as ruff spells it
    assert run("check", cwd=repo).stderr.strip().endswith(
        "bad config key 'extend-exclude': Extra inputs are not permitted (did you mean extend_exclude?)")


def test_statistics_count_per_rule_as_ruff_prints_them(repo: Path) -> None:
    shutil.copytree(CASES / "graph-cycle" / "bad", repo / "specs" / "003-cycle")
    result = run("check", "--statistics", "--select", "graph", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "2\tgraph/cycle          \t[ ] Tasks depend on each other in a circle, so none of them can start.",
        "2\tgraph/phase-inversion\t[ ] A task depends on a task of a later phase.",
    ]
    data = json.loads(run("check", "--statistics", "--format", "json", cwd=repo).stdout)
    assert [(row["code"], row["count"]) for row in data][:2] == [("evidence/missing-artifact", 1), ("graph/cycle", 2)] \
        or data[0]["count"] >= data[-1]["count"]
    assert run("check", "--statistics", "--format", "sarif", cwd=repo).returncode == 2


def test_concise_prints_each_hint_once(repo: Path) -> None:
    shutil.copytree(CASES / "graph-cycle" / "bad", repo / "specs" / "003-cycle")
    result = run("check", "--format", "concise", "--select", "graph/cycle", cwd=repo)
    assert result.stdout.splitlines() == [
        "specs/002-cycle/tasks.md:15:1: error: task dependency cycle T005 -> T008 -> T005 [graph/cycle]",
        "specs/003-cycle/tasks.md:15:1: error: task dependency cycle T005 -> T008 -> T005 [graph/cycle]",
        "",
        ("[graph/cycle] hint: remove one of these dependencies, or split a task; waves, the critical path and "
         "'speckit next' leave these tasks out"),
        "2 errors, 0 warnings in 3 features",
    ]


def test_gitlab_format_is_valid_code_quality_json(repo: Path) -> None:
    (repo / "specs" / "002-cycle" / "spec.md").write_text(
        (repo / "specs" / "002-cycle" / "spec.md").read_text() + "\nLeft: [NEEDS CLARIFICATION: \x1b[2J how?]\n")
    result = run("check", "--format", "gitlab", cwd=repo)
    assert result.returncode == 1
    issues = json.loads(result.stdout)
    schema = json.loads((SCHEMAS / "gitlab-code-quality.schema.json").read_text())
    jsonschema.validate(issues, schema, cls=jsonschema.Draft202012Validator)
    assert {i["check_name"] for i in issues} >= {"graph/cycle", "graph/phase-inversion"}
    cycle = next(i for i in issues if i["check_name"] == "graph/cycle")
    assert cycle["severity"] == "major" and cycle["location"] == {
        "path": "specs/002-cycle/tasks.md", "lines": {"begin": 15, "end": 15}}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # the fingerprint leaves out the line, so GitLab does not call a moved finding new
    tasks = repo / "specs" / "002-cycle" / "tasks.md"
    tasks.write_text("\n\n" + tasks.read_text())
    moved = json.loads(run("check", "--format", "gitlab", cwd=repo).stdout)
    assert next(i for i in moved if i["check_name"] == "graph/cycle")["fingerprint"] == cycle["fingerprint"]
    # the vendored schema rejects what GitLab rejects (so this test can fail)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**cycle, "severity": "error"}], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**cycle, "location": {"path": "/abs/tasks.md", "lines": {"begin": 1}}}], schema)


def test_colour_flags_and_environment(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\x1b[" not in run("check", cwd=repo).stdout  # not a terminal
    assert "\x1b[31m" in run("check", "--color", "always", cwd=repo).stdout
    assert "\x1b[31m" in run("--color", "always", "check", cwd=repo).stdout
    monkeypatch.setenv("FORCE_COLOR", "1")  # CI logs
    assert "\x1b[31m" in run("check", "--format", "concise", cwd=repo).stdout
    assert "\x1b[" not in run("check", "--color", "never", cwd=repo).stdout
    assert "\x1b[" not in run("check", "--format", "json", cwd=repo).stdout
    monkeypatch.setenv("NO_COLOR", "")  # NO_COLOR wins over FORCE_COLOR
    assert "\x1b[" not in run("check", cwd=repo).stdout
    assert "\x1b[31m" in run("check", "--color", "always", cwd=repo).stdout


def test_feature_names_nearly_right(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    for name in ("20260406-094347-stabilise-daemon", "20260407-101010-aws-sandbox", "20260408-090000-aws-billing"):
        shutil.copytree(CASES / "clean", specs / name)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert run("show", "stabilise", cwd=tmp_path).stdout.startswith("feature 20260406-094347-stabilise-daemon")
    typo = run("show", "aws-sandbx", cwd=tmp_path)
    assert typo.returncode == 2
    assert typo.stderr.strip() == ("speckit: error: aws-sandbx: no feature of that name, number or slug under specs "
                                   "(did you mean 20260407-101010-aws-sandbox?)")
    ambiguous = run("show", "aws", cwd=tmp_path)
    assert ambiguous.returncode == 2 and len(ambiguous.stderr.strip().splitlines()) == 1
    assert ambiguous.stderr.strip() == ("speckit: error: aws: ambiguous, it names 2 features: "
                                        "20260407-101010-aws-sandbox, 20260408-090000-aws-billing")
    assert "[graph/cycle]" not in run("check", "daemon", cwd=tmp_path).stdout
    assert run("check", "daemon", cwd=tmp_path).returncode == 1  # its plan names an artifact of the case folder


def test_a_mistyped_command_suggests_the_right_one() -> None:
    result = run("chek")
    assert result.returncode == 2
    assert "No such command 'chek'. Did you mean 'check' or 'checklist'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_shell_completion_in_real_bash(repo: Path) -> None:
    """The script of 'speckit completion bash', sourced in bash, completes features and rule ids."""
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    script = run("completion", "bash").stdout
    assert "_SPECKIT_COMPLETE" in script
    for shell in ("zsh", "fish"):
        assert "_SPECKIT_COMPLETE" in run("completion", shell).stdout
    bin_dir = tmp = repo / "bin"
    tmp.mkdir()
    launcher = bin_dir / "speckit"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} -m speckit \"$@\"\n")
    launcher.chmod(0o755)
    (repo / "completion.bash").write_text(script)

    def complete(*words: str) -> list[str]:
        line = " ".join(("speckit", *words))
        program = (f"source completion.bash; COMP_WORDS=({line}); COMP_CWORD={len(words)}; "
                   "_speckit_completion speckit; printf '%s\\n' \"${COMPREPLY[@]}\"")
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
        done = subprocess.run(["bash", "-c", program], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return [w for w in done.stdout.splitlines() if w]

    assert complete("che") == ["check", "checklist"]
    assert complete("show", "cyc") == ["002-cycle"]
    assert complete("check", "--explain", "graph/cy") == ["graph/cycle"]
    assert complete("check", "--select", "graph/cycle,invest/sm") == ["graph/cycle,invest/small"]


def test_the_hook_checks_a_feature_when_its_side_documents_change(repo: Path) -> None:
    feature = repo / "specs" / "002-cycle"
    (feature / "research.md").write_text("# Research\n")
    (feature / "contracts" / "v1").mkdir(parents=True)
    (feature / "contracts" / "v1" / "api.yaml").write_text("openapi: 3.1.0\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "quickstart.md").write_text("# not a feature's\n")
    for name in ("specs/002-cycle/research.md", "specs/002-cycle/contracts/v1/api.yaml"):
        result = run("check", "--", name, cwd=repo)
        assert result.returncode == 1 and "[graph/cycle]" in result.stdout, name
    outside = run("check", "--", "docs/quickstart.md", cwd=repo)
    assert outside.returncode == 0 and outside.stdout.strip() == "0 errors, 0 warnings in 0 features"
    import re

    hook = (ROOT / ".pre-commit-hooks.yaml").read_text()
    pattern = re.compile(re.search(r"^  files: (.+)$", hook, re.MULTILINE).group(1))  # type: ignore[union-attr]
    for name in ("specs/002-cycle/research.md", "specs/002-cycle/data-model.md", "specs/002-cycle/quickstart.md",
                 "specs/002-cycle/contracts/v1/api.yaml", "specs/002-cycle/tasks.md"):
        assert pattern.search(name), name
    assert not pattern.search("README.md") and not pattern.search("specs/002-cycle/notes.txt")


def test_output_file_of_the_new_formats_may_be_replaced_by_a_rerun(repo: Path) -> None:
    for args in (["--format", "gitlab"], ["--format", "concise"], ["--statistics"],
                 ["--statistics", "--format", "json"], ["--format", "gitlab", "specs/001-export"]):
        first = run("check", *args, "-o", "report.out", cwd=repo)
        assert first.returncode in (0, 1), (args, first.stderr)
        again = run("check", *args, "-o", "report.out", cwd=repo)
        assert again.returncode == first.returncode and again.stderr == "", (args, again.stderr)
    (repo / "notes.json").write_text('[{"a": 1}]\n')
    assert run("check", "--format", "gitlab", "-o", "notes.json", cwd=repo).returncode == 2


def test_names_from_the_repository_are_shown_escaped(tmp_path: Path) -> None:
    """A folder name is text from the repository: an escape sequence in it never reaches the terminal."""
    specs = tmp_path / "specs"
    for name in ("001-aws-\x1b[2Jsandbox", "002-aws-billing"):
        shutil.copytree(CASES / "clean", specs / name)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    ambiguous = run("show", "aws", cwd=tmp_path)
    assert ambiguous.returncode == 2 and "\x1b" not in ambiguous.stderr
    assert "001-aws-\\x1b[2Jsandbox" in ambiguous.stderr
    typo = run("show", "aws-\x1b[2Jsandbxo", cwd=tmp_path)
    assert typo.returncode == 2 and "did you mean 001-aws-\\x1b[2Jsandbox?" in typo.stderr
