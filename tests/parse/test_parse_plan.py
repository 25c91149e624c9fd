"""plan.md: Spec Kit's template, the seed's release style, the restored seed and its rendered copy."""

from __future__ import annotations

import subprocess
import sys

import pytest
from parse_helpers import case
from support import SEED, SPECS

from speckit.parse import load_document, load_feature

needs_seed = pytest.mark.skipif(not SEED.is_file(), reason=f"the rendered seed {SEED} is not on this machine")


def test_speckit_template_plan() -> None:
    plan = case("plan/speckit-template.md").plan
    assert plan is not None
    assert plan.title == "Team reminders"
    assert plan.metadata["Branch"] == "`001-team-reminders`" and plan.metadata["Date"] == "2026-03-02"
    assert list(plan.technical_context) == [
        "Language/Version", "Primary Dependencies", "Storage", "Testing", "Target Platform",
        "Project Type", "Performance Goals", "Constraints", "Scale/Scope",
    ]
    assert plan.technical_context["Constraints"] == "NEEDS CLARIFICATION"
    (gate,) = plan.gates
    assert (gate.title, gate.line) == ("Constitution Check", 22)
    (top,) = plan.sections
    by_title = {s.title: s for s in top.children}
    assert [(c.text, c.done) for c in by_title["Constitution Check"].checklist] == [
        ("Library-first", True),
        ("Test-first", False),
    ]
    assert by_title["Project Structure"].code[0].language == "text"
    complexity = by_title["Complexity Tracking"]
    assert complexity.tables[0].headers[0] == "Violation" and complexity.tables[0].rows[0].line == 41
    assert complexity.code[0].language == "mermaid"
    assert plan.steps == []  # text and mermaid blocks are not commands


def test_release_style_plan() -> None:
    plan = case("plan/release-style.md").plan
    assert plan is not None
    assert plan.metadata == {"Version": "1.0", "Status": "IN PROGRESS"}
    assert [(p.number, p.title, p.section) for p in plan.phases] == [("1", "PREPARE", "2.1"), ("2", "SHIP", "2.2")]
    assert [(s.id, s.phase, s.human, [c.language for c in s.commands]) for s in plan.steps] == [
        ("2.1.1", "1", False, ["bash"]), ("2.1.2", "1", True, ["bash"]), ("2.2.1", "2", True, ["sh"]),
    ]
    assert plan.steps[0].commands[0].text.startswith("npm ci\n")
    assert [(g.id, g.kind, g.phase) for g in plan.gates] == [
        ("4.1", "human", "1"),
        ("4.2", "automated", "2"),
        ("release-gate", "human", None),
        ("lint-gate", "automated", None),
    ]
    assert plan.critical_path == [["BLOCK-000 (Phase 1)", "BLOCK-001 (Phase 2)", "npm publish"]]
    assert [(c.kind, c.name, c.check, c.target) for c in plan.criteria] == [
        ("validation", "1", "Install", "exit 0"), ("validation", "2", "Publish", "dry run ok"),
        ("slo", "Availability", "uptime", "99.9%"),
    ]
    assert [(a.name, a.path, a.state) for a in plan.artifacts] == [
        ("Install log", "logs/install.log", "done"), ("Approval", "approvals/phase1.md", "open"),
    ]


def test_restored_seed_model() -> None:
    feature = load_feature(SPECS / "aws-sandbox")
    plan = feature.plan
    assert plan is not None
    assert [(p.number, p.section) for p in plan.phases] == [("1", "3.1"), ("2", "3.2"), ("3", "3.3"), ("3.5", "3.3.3")]
    assert [c for c in plan.critical_path] == [
        ["BLOCK-000 (Phase 1)", "BLOCK-001 (Phase 2)", "BLOCK-002 (Phase 3.5)", "npm publish"]
    ]
    # The three gates of section 8; "3.1.4 HITL Approval" is the human step that feeds gate 8.1.
    assert [(g.id, g.kind, g.phase) for g in plan.gates] == [
        ("8.1", "human", "1"),
        ("8.2", "automated", "3.5"),
        ("8.3", "human", None),
    ]
    step = {s.id: s for s in plan.steps}
    assert step["3.1.4"].human and step["3.1.4"].phase == "1"
    assert "npm run build:consumer-app" in step["3.2.1"].commands[0].text
    assert [s.phase for s in plan.steps if s.id.startswith("layer-")] == ["3.5"] * 5
    assert len([c for c in plan.criteria if c.kind == "validation"]) == 5
    assert [a.name for a in plan.artifacts] == ["spec.md", "plan.md", "tasks.md", "HITL approval", "Phase 3.5 evidence"]
    assert feature.diagnostics == []


def test_show_lists_phases_steps_commands_critical_path_criteria_artifacts_and_gates() -> None:
    result = subprocess.run([sys.executable, "-m", "speckit", "show", str(SPECS / "aws-sandbox")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in (
        "Phase 1: PLAN (Complete SPECKIT Deliverables)", "Phase 3.5: Consumer E2E Deploy (CRITICAL)",
        "3.2.1  Build Consumer App", "$ npm run build:consumer-app", "$ npx aws-sandbox --version",
        "3.1.4  HITL Approval  [human]",
        "BLOCK-000 (Phase 1) → BLOCK-001 (Phase 2) → BLOCK-002 (Phase 3.5) → npm publish",
        "validation criteria:", "5: Deploy -> CREATE_COMPLETE status",
        "required artifacts:", "HITL approval: tmp/cdk/approvals/hitl-approval-2026-02-02.md",
        "8.1  Phase 1 Gate (HITL Required)  [human]", "8.2  Phase 3.5 Gate (Automated)  [automated]",
        "8.3  npm Publish Gate (HITL Required)  [human]",
    ):
        assert expected in out, expected
    gates = out.split("approval gates:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(gates) == 3


@needs_seed
def test_rendered_seed_gives_the_best_model_and_says_what_it_could_not_rebuild() -> None:
    feature = load_document(SEED)
    plan = feature.plan
    assert plan is not None
    assert plan.title == "aws-sandbox npm Package Release v0.3.18"
    assert plan.metadata["Status"] == "APPROVED"
    assert [p.number for p in plan.phases] == ["1", "2", "3"]
    assert plan.critical_path == [
        ["BLOCK-000 (Phase 1)", "BLOCK-001 (Phase 2)", "BLOCK-002 (Phase 3.5)", "npm publish"]
    ]
    assert [g.id for g in plan.gates] == ["8.1", "8.2", "8.3"]
    assert [(a.name, a.status) for a in plan.artifacts][:2] == [("spec.md", "✅ Created"), ("plan.md", "✅ Creating")]
    assert len([c for c in plan.criteria if c.kind == "validation"]) == 5
    assert [d.rule for d in feature.diagnostics] == ["parse/rendered-copy"]
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for gate in plan.gates:  # line numbers are the rendered file's own
        assert lines[gate.line - 1].startswith(gate.id)


@needs_seed
def test_show_on_the_rendered_seed_does_not_crash() -> None:
    result = subprocess.run([sys.executable, "-m", "speckit", "show", str(SEED)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "parse/rendered-copy" in result.stdout and "Traceback" not in result.stderr
