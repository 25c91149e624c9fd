"""Inputs that ended in "internal error" (exit 3) now give one line and exit 2 (issue 16, item 1):
a folder name that is not valid UTF-8 (in every command that reads the whole repository, shown
escaped), ``tool = "x"`` in pyproject.toml, a NUL in specs_root, a bad leftover_patterns regex in
``docs build``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hostile_cli import TASKS, feature, git_repo, one_line
from support import speckit

BAD = b"002-caf\xff"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = git_repo(tmp_path / "repo")
    feature(root)
    feature(root, BAD)
    return root


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_check_of_the_whole_repository_with_a_name_that_is_not_utf8(repo: Path, fmt: str, cache: bool) -> None:
    run = speckit("check", "--format", fmt, cwd=repo, cache=cache)
    one_line(run, "specs/002-caf\\xff", "not valid UTF-8")
    if fmt in ("json", "sarif"):
        json.loads(run.stdout)
    if fmt == "json":
        report = json.loads(run.stdout)
        assert [d["path"] for d in report["diagnostics"] if d["severity"] == "error"] == ["specs/002-caf\\xff"]
        assert report["summary"]["features"] == 1  # the other feature is still checked


@pytest.mark.timeout(120)
@pytest.mark.parametrize("command", [("show", "002", "--format", "json"), ("show", "002"),
                                     ("build", "002"), ("checklist", "002")])
def test_commands_on_a_feature_whose_name_is_not_utf8(repo: Path, command: tuple[str, ...]) -> None:
    one_line(speckit(*command, cwd=repo), "002-caf\\xff")
    assert not (repo / os.fsdecode(b"specs/" + BAD) / "build").exists()


@pytest.mark.timeout(300)
def test_docs_build_with_a_name_that_is_not_utf8(repo: Path) -> None:
    run = speckit("docs", "build", cwd=repo, timeout=300)
    one_line(run, "specs/002-caf\\xff", "not valid UTF-8")
    assert (repo / ".speckit" / "site" / "site" / "features" / "001-demo" / "index.html").is_file()
    index = (repo / ".speckit" / "site" / "site" / "index.html").read_text(encoding="utf-8")
    assert "002-caf\\xff" in index  # listed as unreadable, escaped


@pytest.mark.timeout(120)
def test_checklist_whose_name_is_not_utf8_is_skipped_with_a_warning(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    folder = feature(root)
    (folder / "checklists").mkdir()
    Path(os.fsdecode(os.fsencode(folder / "checklists") + b"/sec\xfe.md")).write_text("# Checklist\n", encoding="utf-8")
    run = speckit("check", "--format", "json", cwd=root)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)["diagnostics"]
    assert [(d["rule"], d["path"]) for d in found if d["rule"].startswith("input/")] == [
        ("input/bad-name", "specs/001-demo/checklists/sec\\xfe.md")]


@pytest.mark.timeout(120)
def test_tool_that_is_not_a_table_in_pyproject(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    feature(root)
    (root / "pyproject.toml").write_text('# [tool.speckit] is configured below\ntool = "x"\n', encoding="utf-8")
    one_line(speckit("check", cwd=root), "pyproject.toml", "[tool] must be a table")
    one_line(speckit("check", "--config", "pyproject.toml", cwd=root), "[tool] must be a table")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("command", [("check",), ("show", "001"), ("docs", "build"), ("next", "001")])
def test_nul_in_specs_root(tmp_path: Path, command: tuple[str, ...]) -> None:
    root = git_repo(tmp_path / "repo")
    feature(root)
    (root / "speckit.yaml").write_text('specs_root: "spe\\0cs"\n', encoding="utf-8")
    one_line(speckit(*command, cwd=root), "specs_root", "NUL")


@pytest.mark.timeout(300)
def test_bad_leftover_pattern_in_docs_build(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo")
    feature(root, tasks=TASKS)
    (root / "speckit.yaml").write_text('leftover_patterns: ["([unclosed"]\n', encoding="utf-8")
    one_line(speckit("docs", "build", cwd=root), "leftover_patterns", "bad regex")
    assert not (root / ".speckit" / "site" / "site").exists()
