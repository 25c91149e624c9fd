"""spec.md variations of FORMATS.md, one case file each under tests/cases/formats/spec/."""

from __future__ import annotations

from parse_helpers import case


def test_story_heading_variants() -> None:
    spec = case("spec/story-headings.md").spec
    assert spec is not None
    got = [(s.id, s.title, s.priority) for s in spec.stories]
    assert got == [
        ("US1", "Plain hyphen title", "P1"),
        ("US2", "Em dash title", "P2"),
        ("US3", "En dash title", "P1"),
        ("US4", "Deferred story", "DEFERRED"),
        ("US5", "Full-width parentheses", "P1"),
        ("US6", "Short form title", "P0"),
        ("US7", "Colon title", "P8"),
        ("US8", "通知を受け取る", "P1"),
        ("US9", "接收提醒", "P2"),
        ("US10", "Recevoir un rappel", "P3"),
        ("US11", "No priority here", None),
        ("US12", "Title with MVP marker", "P1"),
    ]
    assert spec.stories[2].priority_note == "Android-only"
    assert spec.stories[0].priority_note is None
    assert [s.line for s in spec.stories[:3]] == [5, 9, 13]


def test_story_without_priority_is_a_diagnostic_at_its_heading() -> None:
    feature = case("spec/story-headings.md")
    found = [(d.rule, d.line) for d in feature.diagnostics]
    assert found == [("parse/story-priority", 45)]


def test_story_parts_why_independent_test_and_narrative() -> None:
    story = case("spec/acceptance.md").spec.stories[0]  # type: ignore[union-attr]
    assert (story.as_a, story.i_want, story.so_that) == ("team lead", "schedule a reminder", "the team sees it")
    assert story.why_priority == "It is the core value."
    assert story.independent_test == "Create one reminder and see it delivered."


def test_acceptance_scenarios_bold_plain_unstructured_and_japanese() -> None:
    stories = case("spec/acceptance.md").spec.stories  # type: ignore[union-attr]
    bold, plain, loose, japanese = stories
    assert [(s.given, s.when, s.then, s.line) for s in bold.acceptance] == [
        ("a team with two members", "the lead creates a reminder", "both members see it", 15),
        ("a reminder", "it is deleted", "nobody sees it", 16),
    ]
    assert [(s.given, s.when, s.then) for s in plain.acceptance] == [
        ("a muted member", "a reminder fires", "the member gets nothing"),
        ("no network", "the app opens", "a banner says so"),
    ]
    assert [(s.text, s.given) for s in loose.acceptance] == [("The reminder shows within one minute.", None)]
    assert [(s.given, s.when, s.then) for s in japanese.acceptance] == [
        ("ユーザーがログインしている", "通知を開く", "一覧が表示される")
    ]


def test_older_template_primary_story_and_review_checklist() -> None:
    spec = case("spec/older-template.md").spec
    assert spec is not None
    assert spec.metadata["Feature Branch"] == "`003-legacy`" and spec.metadata["Created"] == "2025-09-01"
    (story,) = spec.stories
    assert (story.id, story.title, story.priority, story.line) == ("US1", "Primary User Story", None, 19)
    assert story.as_a == "shopper"
    assert [s.then for s in story.acceptance] == ["the cart is kept", "I see the items"]
    # The Review & Acceptance Checklist is a checklist, not acceptance scenarios.
    assert [(c.text, c.state) for c in spec.checklist] == [
        ("No implementation details (languages, frameworks, APIs)", "open"),
        ("Focused on user value and business needs", "done"),
    ]
    # The "Execution Flow (main)" block is code: its "→ If empty: ERROR" line is nothing else.
    assert [r.id for r in spec.requirements] == ["FR-001", "FR-002"]
    assert [e.text for e in spec.edge_cases][0] == "What happens when the cart is empty?"
    assert [(m.kind, m.line, m.text) for m in spec.markers] == [
        ("clarification", 28, "expired sessions"),
        ("clarification", 34, "sync across devices?"),
    ]


def test_requirement_ids_entities_criteria_assumptions_and_clarifications() -> None:
    spec = case("spec/requirements.md").spec
    assert spec is not None
    assert [(r.id, r.line) for r in spec.requirements] == [
        ("FR-001", 11), ("FR-012a", 12), ("FR-012b", 13), ("NFR-001", 14), ("FR-020", 15), ("FR-030", 46),
    ]
    assert spec.requirements[1].text == "System MUST do a suffixed thing."
    assert [c.id for c in spec.success_criteria] == ["SC-001", "SC-002"]
    assert [(e.name, e.text) for e in spec.entities] == [
        ("Reminder", "a message with a time and a team."), ("Team", "members who receive reminders."),
    ]
    assert [a.text for a in spec.assumptions] == ["Teams are small (under 50 people)."]
    assert [(c.session, c.question, c.answer) for c in spec.clarifications] == [
        ("2026-03-01", "How long are reminders kept?", "30 days."),
        ("2026-03-01", "Who can delete?", "The author."),
    ]


def test_markers_and_template_leftovers_but_not_in_code() -> None:
    spec = case("spec/requirements.md").spec
    assert spec is not None
    got = [(m.kind, m.line, m.text) for m in spec.markers]
    assert got == [
        ("leftover", 4, "[DATE]"),
        ("leftover", 27, '[Measurable metric, e.g., "Users complete X in under 2 minutes"]'),
        ("leftover", 40, "ACTION REQUIRED"),
        ("clarification", 46, "what format?"),
        ("leftover", 47, "[FEATURE NAME]"),
        ("leftover", 47, "[e.g., Alice]"),
        ("leftover", 47, "TXXX"),
    ]
    assert spec.markers[3].column == 26
