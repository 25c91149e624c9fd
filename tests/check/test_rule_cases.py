"""Every rule against a document that breaks it (``bad``) and the nearest one it must let pass (``good``),
with the findings written out exactly: pylint's functional tests and ruff's fixture snapshots are the model.

Layout and how to regenerate the expectations: tests/cases/rules/README.md. In short, a case folder
``tests/cases/rules/<family>/<name>/{bad,good}/`` holds only the documents it changes relative to the
clean feature in ``_base/``; the test builds a repository in tmp_path (base + the case's documents, its
``speckit.yaml`` and ``files/``), runs the real CLI in this process and compares the findings, one
``path:line:col: severity: message [rule]`` line each, with the case's ``expected.txt``. A case holding
``input.txt`` runs ``speckit import input.txt`` instead and compares its notes (``path:line: severity:
message [rule]``, the import's own format).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support import ROOT, invoke

from speckit.check import BUG, UNREADABLE
from speckit.check.rules import RULES
from speckit.report import printable

CASES = ROOT / "tests" / "cases" / "rules"
BASE = CASES / "_base"
FEATURE = "001-team-export"
NOT_DOCUMENTS = {"expected.txt", "case.toml", "README.md", "speckit.yaml", "files", "specs"}
"""What a case folder holds besides the documents that replace or join the base feature's."""
STDERR_ONLY = {UNREADABLE, BUG}
"""The text format reports these on standard error as 'speckit: error: MESSAGE' (JSON lists them)."""
_TEXT_LINE = re.compile(r"^(?P<path>.+?):(?P<rest>\d+:\d+: (?:error|warning|info): .* \[[^\]\s]+\])$")
_IMPORT_LINE = re.compile(r"^(?P<path>.+?):(?P<rest>\d+: (?:error|warning|info): .* \[import/[^\]\s]+\])$")


def import_codes() -> set[str]:
    """The importer's import/* codes, from the one catalogue (speckit/model/rules.py). Never empty: an
    empty set would make every check pass."""
    from speckit.model.rules import IMPORT_RULES

    assert IMPORT_RULES, "the catalogue has no import/* codes"
    return set(IMPORT_RULES)


def known_rules() -> set[str]:
    """Every id a case can stand for: the catalogue, the two ids of features that were not checked
    (unreadable, a bug), and the importer's codes."""
    return set(RULES) | STDERR_ONLY | import_codes()


@dataclass(frozen=True)
class Case:
    folder: Path

    @property
    def rule(self) -> str:
        return self.folder.parent.relative_to(CASES).as_posix()

    @property
    def kind(self) -> str:
        return self.folder.name

    @property
    def name(self) -> str:
        return self.folder.relative_to(CASES).as_posix()

    @property
    def settings(self) -> dict[str, Any]:
        path = self.folder / "case.toml"
        return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def all_cases() -> list[Case]:
    return [Case(folder) for folder in sorted(CASES.glob("*/*/*"))
            if folder.is_dir() and folder.name in ("bad", "good") and not folder.parts[-3].startswith("_")]


# --- running a case --------------------------------------------------------------------------------


def speckit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real entry point (``speckit.cli.main``: its exit codes, its error lines) in this process
    (support.invoke); the check cache is off so that cases never share it."""
    return invoke(*args, cwd=cwd, env={"SPECKIT_CACHE": "0", "NO_COLOR": "1", "SPECKIT_DEBUG": None})


def _copy_over(source: Path, dest: Path) -> None:
    for item in sorted(source.iterdir()):
        if item.name in NOT_DOCUMENTS:
            continue
        if item.is_dir():
            shutil.copytree(item, dest / item.name, dirs_exist_ok=True)
        else:
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item, dest / item.name)


def _bytes_name(name: str) -> str:
    r"""A file name written with ``\xNN`` escapes (TOML cannot hold a name that is not UTF-8)."""
    raw = re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), name.encode("utf-8"))
    return os.fsdecode(raw)


def assemble(case: Case, tmp_path: Path) -> tuple[Path, list[str]]:
    """The case's repository: base feature(s) with the case's documents over them, its config and files;
    then the moves a folder of this repository cannot hold (links out of it, names that are not UTF-8)."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)  # the top level: config lookup and evidence paths stop here
    settings = case.settings
    features = settings.get("features", [FEATURE])
    for name in features:
        dest = repo / "specs" / name
        shutil.copytree(BASE, dest)
        own = case.folder / "specs" / name if len(features) > 1 else case.folder
        if own.is_dir():
            _copy_over(own, dest)
    if (case.folder / "speckit.yaml").is_file():
        shutil.copyfile(case.folder / "speckit.yaml", repo / "speckit.yaml")
    if (case.folder / "files").is_dir():
        shutil.copytree(case.folder / "files", repo, dirs_exist_ok=True)
    feature = repo / "specs" / features[0]
    for name in settings.get("remove", []):
        (feature / name).unlink()
    for at, to in settings.get("link", {}).items():
        # The document moves to `to` (relative to the repository; '../' leaves it) and a link stays.
        target = (repo / to).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(feature / at, target)
        (feature / at).symlink_to(os.path.relpath(target, (feature / at).parent))
    for old, new in settings.get("rename", {}).items():
        (feature / old).rename(feature / _bytes_name(new))
    return repo, features


def _relative(path: str, prefix: str) -> str:
    return path.removeprefix(prefix)


def check_lines(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Findings of ``speckit check`` (or ``speckit show``) as ``path:line:col: severity: message [rule]``."""
    repo, features = assemble(case, tmp_path)
    prefix = f"specs/{features[0]}/" if len(features) == 1 else "specs/"
    settings = case.settings
    if "raise" in settings:
        # internal/bug: no document makes speckit fail (one that did would be a bug to fix), so a
        # planted fault stands for one, raised where a rule would raise it.
        module, _, attribute = settings["raise"].partition(":")

        def planted(*args: object, **kwargs: object) -> None:
            raise RuntimeError("planted by the rule case")

        monkeypatch.setattr(f"{module}.{attribute}", planted)
    if settings.get("command") == "show":
        # Diagnostics that speckit check replaces (parse/duplicate-id) are what 'speckit show' reports.
        shown = speckit("show", f"specs/{features[0]}", "--format", "json", cwd=repo)
        assert shown.returncode == 0, shown.stderr
        diagnostics = json.loads(shown.stdout)["diagnostics"]
        return [_line(d, prefix) for d in diagnostics]
    as_json = speckit("check", "--format", "json", cwd=repo)
    assert "Traceback" not in as_json.stderr, as_json.stderr
    diagnostics = json.loads(as_json.stdout)["diagnostics"]
    lines = [_line(d, prefix) for d in diagnostics]
    rules = {d["rule"] for d in diagnostics}
    expected_code = 3 if BUG in rules else 2 if UNREADABLE in rules else 1 if any(
        d["severity"] == "error" for d in diagnostics) else 0
    assert as_json.returncode == expected_code, (as_json.returncode, as_json.stderr)
    # The concise text format prints the same lines (and the ids it sends to stderr, on stderr).
    as_text = speckit("check", cwd=repo)
    assert as_text.returncode == expected_code, (as_text.returncode, as_text.stderr)
    printed = [m.group("path").removeprefix(prefix) + ":" + m.group("rest")
               for m in map(_TEXT_LINE.match, as_text.stdout.splitlines()) if m]
    assert printed == [line for line, d in zip(lines, diagnostics, strict=True) if d["rule"] not in STDERR_ONLY]
    for d in diagnostics:
        if d["rule"] in STDERR_ONLY:
            assert f"speckit: error: {printable(d['message'])}" in as_text.stderr.splitlines()
    return lines


def _line(d: dict[str, Any], prefix: str) -> str:
    return printable(f"{_relative(d['path'], prefix)}:{d['line']}:{d['column']}: {d['severity']}: "
                     f"{d['message']} [{d['rule']}]", line=False)


def import_lines(case: Case, tmp_path: Path) -> list[str]:
    """The notes of ``speckit import input.txt``, as it prints them on standard error."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(case.folder / "input.txt", tmp_path / "input.txt")
    run = speckit("import", "input.txt", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip(), "the import wrote no Markdown"
    return [line for line in run.stderr.splitlines() if _IMPORT_LINE.match(line)]


def rule_of(line: str) -> str:
    return line.rsplit("[", 1)[1].rstrip("]")


# --- the tests -------------------------------------------------------------------------------------


def test_base_feature_reports_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(BASE, repo / "specs" / FEATURE)
    run = speckit("check", "--format", "json", cwd=repo)
    assert (run.returncode, json.loads(run.stdout)["diagnostics"]) == (0, [])


@pytest.mark.parametrize("case", all_cases(), ids=lambda case: case.name)
def test_rule_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    if (case.folder / "input.txt").is_file():
        lines = import_lines(case, tmp_path / "work")
    else:
        lines = check_lines(case, tmp_path, monkeypatch)
    expected_file = case.folder / "expected.txt"
    if request.config.getoption("update_expected") or os.environ.get("SPECKIT_UPDATE_GOLDEN"):
        expected_file.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    assert expected_file.is_file(), f"{case.name}: no expected.txt (run with --update-expected and read it)"
    assert lines == expected_file.read_text(encoding="utf-8").splitlines()
    found = {rule_of(line) for line in lines}
    if case.kind == "bad":
        assert case.rule in found, f"{case.name}: the case does not make {case.rule} fire"
    else:
        assert case.rule not in found, f"{case.name}: {case.rule} fires on the document it must let pass"


def test_check_reports_the_parsers_duplicate_id_as_graph_rule() -> None:
    """parse/duplicate-id/bad (what 'speckit show' reads) and graph/duplicate-id/bad (what 'speckit check'
    reports: graph/duplicate-id once, parse/duplicate-id never) must be the same document."""
    parse, graph = CASES / "parse" / "duplicate-id" / "bad", CASES / "graph" / "duplicate-id" / "bad"
    assert (parse / "tasks.md").read_bytes() == (graph / "tasks.md").read_bytes()
    reported = (graph / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [rule_of(line) for line in reported] == ["graph/duplicate-id"]


def _rules_with(kind: str) -> set[str]:
    return {case.rule for case in all_cases() if case.kind == kind}


def test_every_rule_has_a_bad_and_a_good_case() -> None:
    known = known_rules()
    for kind in ("bad", "good"):
        missing = sorted(known - _rules_with(kind))
        assert not missing, f"no {kind} case for: {', '.join(missing)} (add tests/cases/rules/<rule>/{kind}/)"


def test_every_case_folder_names_a_rule() -> None:
    known = known_rules()
    strays = [str(p.relative_to(CASES)) for p in _folders() if p.relative_to(CASES).as_posix() not in known]
    assert not strays, f"case folders that name no catalogued rule: {strays}"
    for folder in _folders():
        inside = sorted(p.name for p in folder.iterdir())
        assert inside == ["bad", "good"], f"{folder.relative_to(CASES)} holds {inside}, not bad/ and good/"


def _folders() -> Iterator[Path]:
    for family in sorted(CASES.iterdir()):
        if family.is_dir() and not family.name.startswith("_"):
            yield from sorted(p for p in family.iterdir() if p.is_dir())
