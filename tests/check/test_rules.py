"""Every rule has a case that triggers it and one that does not.

Cases live in tests/cases/check/<rule id with '/' as '-'>/bad/ (must report the rule) and good/
(must not); the shared tests/cases/check/clean/ feature must report nothing at all. A case folder may
hold a speckit.yaml for its config (evidence/done-without-files is off by default).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT

from speckit import config as config_module
from speckit.check import RULES, check_feature, check_features
from speckit.discover import Target
from speckit.parse import load_feature, walk_features

CASES = ROOT / "tests" / "cases" / "check"
# input/* rules are about links and file names that a case folder of this repository cannot hold:
# tests/hostile/ makes them on disk (test_boundary.py, test_exit_codes.py); internal/bug is a bug.
# tests/check/test_catalogue.py holds every catalogued rule to a case.
CHECKED = sorted(r for r, rule in RULES.items() if rule.configurable and (
    not r.startswith(("parse/", "input/")) or (CASES / r.replace("/", "-")).is_dir()))


def _config(folder: Path) -> config_module.Config:
    path = folder / "speckit.yaml"
    return config_module.load(start=ROOT, path=path if path.exists() else None).model_copy(update={"root": ROOT})


def _rules_found(folder: Path, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    monkeypatch.chdir(ROOT)
    config = _config(folder)
    if (folder / "specs").is_dir():
        targets = [Target(f.relative_to(ROOT)) for f in walk_features(folder / "specs")]
        return {d.rule for _, _, found in check_features(targets, config, repo_root=ROOT) for d in found}
    feature = load_feature(folder.relative_to(ROOT))
    return {d.rule for d in check_feature(feature, config, repo_root=ROOT)}


def test_clean_case_reports_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _rules_found(CASES / "clean", monkeypatch) == set()


@pytest.mark.parametrize("rule", CHECKED)
def test_rule_fires_on_its_bad_case(rule: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = CASES / rule.replace("/", "-") / "bad"
    assert folder.is_dir(), f"no case for {rule}: add {folder.relative_to(ROOT)}"
    assert rule in _rules_found(folder, monkeypatch)


@pytest.mark.parametrize("rule", CHECKED)
def test_rule_quiet_on_its_good_case(rule: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = CASES / rule.replace("/", "-") / "good"
    if not folder.is_dir():
        folder = CASES / "clean"
    assert rule not in _rules_found(folder, monkeypatch)


def test_bundled_examples_have_no_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    config = config_module.load(start=ROOT)
    for folder in walk_features(ROOT / "specs"):
        found = check_feature(load_feature(folder.relative_to(ROOT)), config)
        assert [d for d in found if d.severity == "error"] == []
        # The only warnings: stories that really wait for US1 (both tasks.md files say so).
        assert {d.rule for d in found} <= {"invest/independent"}


def test_duplicate_task_id_reported_once_as_graph_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    feature = load_feature((CASES / "graph-duplicate-id" / "bad").relative_to(ROOT))
    assert any(d.rule == "parse/duplicate-id" for d in feature.diagnostics)
    found = check_feature(feature, _config(CASES / "clean"), repo_root=ROOT)
    assert [d.rule for d in found].count("graph/duplicate-id") == 1
    assert not any(d.rule == "parse/duplicate-id" for d in found)
