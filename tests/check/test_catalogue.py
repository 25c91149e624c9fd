"""The catalogue (speckit/model/rules.py) is the only way to make a Diagnostic, and it is complete:
every rule id the code names is catalogued, every catalogued rule has a case, and the check never
reads a document a second time (suppressions and leftover patterns ask what the parser read).

flake8's test_all_pyflakes_messages_have_flake8_codes_assigned and sphinx-needs' WarningSubTypes
are the models. Runtime: about 2 s.
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any, get_args

import pytest
from support import ROOT, invoke

from speckit.check import check_feature
from speckit.config import Config
from speckit.model.rules import CATALOGUE, RULES, RuleId, emit
from speckit.parse import load_feature

FAMILY = re.compile(r"^(graph|spec|invest|trace|evidence|input|parse|import|internal)/[a-z][a-z-]*$")
CASES = ROOT / "tests" / "cases"



def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point in this process (support.invoke); the check cache is off unless ``env``
    names a cache folder."""
    return invoke(*args, cwd=cwd, env={"SPECKIT_CACHE": "1" if env else "0", **(env or {})})


def _case(rule: str) -> Path | None:
    """tests/cases/rules/<family>/<name>/ with its bad and good halves (tests/check/test_rule_cases.py
    runs them and holds each to its expected findings)."""
    folder = CASES / "rules" / rule
    return folder if (folder / "bad").is_dir() and (folder / "good").is_dir() else None


def test_rule_id_type_and_catalogue_agree() -> None:
    assert set(get_args(RuleId)) == set(CATALOGUE)
    assert all(rule.id == key for key, rule in CATALOGUE.items())


def test_every_rule_id_in_the_code_is_catalogued() -> None:
    """Any string shaped like a rule id, anywhere in speckit's source, and no Diagnostic made with a
    rule id outside emit (mypy checks the rest: emit takes a RuleId)."""
    unknown, direct = [], []
    for path in sorted((ROOT / "speckit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and FAMILY.match(node.value)
                    and node.value not in CATALOGUE):
                unknown.append(f"{where}:{node.lineno}: {node.value}")
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Diagnostic"
                    and any(keyword.arg == "rule" for keyword in node.keywords)):
                direct.append(f"{where}:{node.lineno}")
    assert unknown == []
    assert direct == [f"speckit/model/rules.py:{_emit_line()}"], "make Diagnostics with emit(), not Diagnostic(rule=)"


def _emit_line() -> int:
    tree = ast.parse((ROOT / "speckit" / "model" / "rules.py").read_text(encoding="utf-8"))
    emit_def = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "emit")
    return next(n.lineno for n in ast.walk(emit_def) if isinstance(n, ast.Call)
                and getattr(n.func, "id", "") == "Diagnostic")


def test_every_catalogued_rule_has_a_case() -> None:
    missing = sorted(rule for rule in CATALOGUE if _case(rule) is None)
    assert missing == [], "add tests/cases/rules/<rule>/bad and good"


def test_emit_takes_severity_and_hint_from_the_catalogue() -> None:
    found = emit("graph/cycle", "task dependency cycle T1 -> T2 -> T1", "tasks.md", 4)
    assert (found.severity, found.hint, found.end_line) == ("error", CATALOGUE["graph/cycle"].hint, 4)
    assert emit("spec/duplicate-id", "x", "spec.md", 2).hint == CATALOGUE["spec/duplicate-id"].fix
    assert emit("internal/bug", "x", "specs/a").hint is None
    assert emit("import/code", "kept as text", "copy.txt", 3, severity="warning").severity == "warning"
    with pytest.raises(ValueError, match="catalogued at error"):
        emit("graph/cycle", "x", "tasks.md", 1, severity="info")


def test_parse_rendered_copy_can_be_explained_and_configured(tmp_path: Path) -> None:
    """#12 defect 1: the parser's warning was not in the catalogue, so it could not be configured."""
    assert "speckit import" in run("check", "--explain", "parse/rendered-copy").stdout
    feature = tmp_path / "specs" / "001-copy"
    feature.mkdir(parents=True)
    lines = ["Implementation Plan β", *(f"{n}. Section {n} β" for n in range(1, 6)), "", "Some text."]
    (feature / "plan.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = json.loads(run("check", "specs", "--format", "json", cwd=tmp_path).stdout)["diagnostics"]
    assert "parse/rendered-copy" in {d["rule"] for d in found}
    (tmp_path / "speckit.yaml").write_text("rules:\n  parse/rendered-copy: off\n", encoding="utf-8")
    done = run("check", "specs", "--format", "json", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "parse/rendered-copy" not in {d["rule"] for d in json.loads(done.stdout)["diagnostics"]}


def test_unreadable_and_bug_ids_are_no_config_keys(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "speckit.yaml").write_text("rules:\n  internal/bug: off\n", encoding="utf-8")
    done = run("check", "--format", "json", cwd=tmp_path)
    assert done.returncode == 2 and "unknown rule 'internal/bug'" in done.stderr
    assert "internal/bug" in RULES and not RULES["internal/bug"].configurable
    explained = run("check", "--explain", "internal/bug")
    assert explained.returncode == 0 and "cannot be turned off" in explained.stdout


def _feature(tmp_path: Path) -> Path:
    folder = tmp_path / "specs" / "001-x"
    folder.mkdir(parents=True)
    (folder / "spec.md").write_text(
        "# Feature Specification: x\n\n## User Scenarios\n\nTODO-TEAM here\n\n"
        "<!-- speckit-ignore spec/template-leftover -->\nTODO-TEAM silenced\n\n"
        "<!-- TODO-TEAM in a comment -->\n\n    TODO-TEAM indented\n\n````text\nTODO-TEAM fenced\n```\n````\n",
        encoding="utf-8")
    return folder


def test_the_check_reads_no_file_after_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """#12 item 2: suppressions and leftover_patterns ask Feature.sources, not the files."""
    feature = load_feature(_feature(tmp_path))
    config = Config(leftover_patterns=["TODO-TEAM"])

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a document was read again: {args[:1]}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    found = check_feature(feature, config, repo_root=tmp_path)
    monkeypatch.undo()
    lines = [d.line for d in found if d.rule == "spec/template-leftover"]
    assert lines == [5, 10]  # not the silenced line 8, nor the indented block or the four-backtick fence


def test_a_suppressed_cross_feature_finding_stays_suppressed_on_a_cache_hit(tmp_path: Path) -> None:
    """A cache hit has no parse: the suppressions of its documents come from the cache entry."""
    for name, first in (("001-a", "# Feature Specification: a"),
                        ("001-b", "# Feature Specification: b <!-- speckit-ignore spec/duplicate-feature-number -->")):
        folder = tmp_path / "specs" / name
        folder.mkdir(parents=True)
        (folder / "spec.md").write_text(first + "\n\nText.\n", encoding="utf-8")
    env = {"SPECKIT_CACHE_DIR": str(tmp_path / "cache")}
    for _ in ("cold", "warm"):
        found = json.loads(run("check", "specs", "--format", "json", cwd=tmp_path, env=env).stdout)["diagnostics"]
        assert "spec/duplicate-feature-number" not in {d["rule"] for d in found}
    assert any((tmp_path / "cache").rglob("*.json"))


def test_the_depth_limit_the_catalogue_names_is_the_parsers() -> None:
    from speckit.parse.blocks import MAX_DEPTH

    assert f"more than {MAX_DEPTH} levels" in CATALOGUE["parse/too-deep"].example
