"""The server's model of a feature, in-process: the same Feature and findings as ``speckit check``,
from the editor's text, with parses reused only where nothing they depend on changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsp_feature import SPEC, TASKS, write_feature
from support import ROOT

from speckit.check import check_target
from speckit.config import load
from speckit.discover import Target
from speckit.errors import InputError
from speckit.lsp.session import Session, Unit, normal
from speckit.parse import build_feature, feature_ref, walk_features

CASES = sorted({*walk_features(ROOT / "tests" / "cases"), *walk_features(ROOT / "specs")})


@pytest.mark.parametrize("folder", CASES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_findings_as_check(folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "repo" / "specs" / folder.name
    shutil.copytree(folder, copy)
    (tmp_path / "repo" / ".git").mkdir()
    session = Session()
    snapshot = session.snapshot(Unit(normal(copy)))
    try:
        feature, expected = check_target(Target(normal(copy)), load(start=copy))
    except InputError as error:
        # speckit check gives up on the feature; the editor shows the error and checks the rest.
        assert [d.message for d in snapshot.diagnostics if d.rule == "input/unreadable"] == [str(error)]
        return
    assert snapshot.feature == feature
    assert snapshot.diagnostics == expected


def test_memo_reparses_only_what_changed(tmp_path: Path) -> None:
    folder = normal(write_feature(tmp_path))
    paths = [folder / "spec.md", folder / "tasks.md"]
    texts = {p: p.read_text() for p in paths}
    memo: dict = {}  # type: ignore[type-arg]
    first = build_feature(feature_ref(folder), [(p, None) for p in paths], texts=texts, memo=memo)
    spec_parse = next(v for k, v in memo.items() if k[1] == "spec")
    edited = {**texts, paths[1]: TASKS.replace("Create the project", "Create the whole project")}
    second = build_feature(feature_ref(folder), [(p, None) for p in paths], texts=edited, memo=memo)
    assert next(v for k, v in memo.items() if k[1] == "spec" and k[2] == texts[paths[0]]) is spec_parse
    assert second == build_feature(feature_ref(folder), [(p, None) for p in paths], texts=edited)
    assert second.tasks[0].title != first.tasks[0].title
    # A spec with other requirement prefixes changes what a task's '(R001)' is: tasks.md is parsed again.
    tasks_r = TASKS.replace("(FR-002)", "(R001)")
    spec_r = SPEC.replace("- **FR-002**", "- **R001**: The system MUST log.\n- **FR-002**")
    without = build_feature(feature_ref(folder), [(p, None) for p in paths], texts={paths[0]: SPEC, paths[1]: tasks_r},
                            memo=memo)
    with_r = build_feature(feature_ref(folder), [(p, None) for p in paths], texts={paths[0]: spec_r, paths[1]: tasks_r},
                           memo=memo)
    assert "R001" not in without.tasks[-1].refs and "R001" in with_r.tasks[-1].refs


def test_buffers_win_over_disk_and_unsaved_documents_count(tmp_path: Path) -> None:
    folder = normal(write_feature(tmp_path))
    (folder / "tasks.md").unlink()
    session = Session()
    unit = session.unit_of(folder / "spec.md")
    assert unit == Unit(folder)
    assert session.snapshot(unit).feature.task_list is None  # type: ignore[union-attr]
    # tasks.md open in the editor, never saved: part of the feature.
    session.set_buffer(folder / "tasks.md", TASKS.replace("(FR-002)", "(FR-404)"))
    snapshot = session.snapshot(unit)
    assert [d.rule for d in snapshot.diagnostics if d.rule == "trace/unknown-ref"] == ["trace/unknown-ref"]
    assert not (folder / "tasks.md").exists()
    session.close_buffer(folder / "tasks.md")
    assert session.snapshot(unit).feature.task_list is None  # type: ignore[union-attr]
    # A file changed on disk by another program is read again.
    (folder / "spec.md").write_text(SPEC.replace("FR-001", "FR-101"))
    assert "FR-101" in [r.id for r in session.snapshot(unit).feature.spec.requirements]  # type: ignore[union-attr]


def test_bad_config_is_one_finding_and_defaults_meanwhile(tmp_path: Path) -> None:
    folder = normal(write_feature(tmp_path))
    (tmp_path / "speckit.yaml").write_text("rules:\n  graph/cycles: error\n")
    snapshot = Session().snapshot(Unit(folder))
    config = [d for d in snapshot.diagnostics if d.rule == "input/unreadable"]
    assert len(config) == 1 and "unknown rule 'graph/cycles'" in config[0].message
    assert any(d.rule == "invest/independent" for d in snapshot.diagnostics)  # still checked


def test_which_documents_belong_to_a_feature(tmp_path: Path) -> None:
    folder = normal(write_feature(tmp_path))
    (folder / "checklists").mkdir()
    (folder / "checklists" / "ux.md").write_text("# UX Checklist\n\n- [ ] CHK001 Is it clear?\n")
    (folder / "tasks-v2.md").write_text(TASKS)
    (folder / "notes.md").write_text("# Notes\n\nNothing here.\n")
    (folder / "contracts").mkdir()
    (folder / "contracts" / "api-spec.md").write_text(SPEC)
    session = Session()
    assert session.unit_of(folder / "checklists" / "ux.md") == Unit(folder)
    assert session.unit_of(folder / "tasks-v2.md") == Unit(folder, folder / "tasks-v2.md")
    assert session.unit_of(folder / "notes.md") is None
    assert session.unit_of(folder / "contracts" / "api-spec.md") is None  # Spec Kit's contracts are no specs
    assert session.unit_of(folder / "spec.txt") is None
    alone = session.snapshot(Unit(folder, folder / "tasks-v2.md"))
    assert [t.id for t in alone.feature.tasks] == ["T001", "T002", "T003", "T004", "T005"]  # type: ignore[union-attr]
    assert list(alone.texts) == [folder / "tasks-v2.md"]
