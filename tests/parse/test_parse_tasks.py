"""tasks.md variations of FORMATS.md, one case file each under tests/cases/formats/tasks/."""

from __future__ import annotations

from parse_helpers import case, tasks_by_id

from speckit.parse import ids


def test_every_id_form_and_state() -> None:
    feature = case("tasks/ids.md")
    got = [(t.id, t.state, t.line) for t in feature.tasks]
    assert got == [
        ("T001", "open", 5), ("T1001", "open", 6), ("T002", "open", 7), ("T003", "done", 8),
        ("T-004", "done", 9), ("T004a", "open", 10), ("T010.1", "open", 11), ("T1.3.10", "open", 12),
        ("SET-T001", "open", 13), (None, "open", 14), ("T005", "open", 15), ("T005", "open", 16),
        ("T006", "partial", 17), ("T007", "struck", 18), ("T008", "struck", 19), ("T009", "open", 20),
    ]
    titles = {t.line: t.title for t in feature.tasks}
    assert titles[8] == "Bold id with colon"
    assert titles[14] == "Task with no id at all"
    assert titles[19] == "Struck and done"
    assert [t.phase for t in feature.tasks] == ["1"] * 16


def test_duplicated_ids_are_both_kept_and_reported() -> None:
    feature = case("tasks/ids.md")
    assert [t.title for t in feature.tasks if t.id == "T005"] == [
        "First copy of a duplicated id", "Second copy of a duplicated id",
    ]
    assert [(d.rule, d.line) for d in feature.diagnostics] == [("parse/duplicate-id", 16)]


def test_labels_stories_refs_and_route_parameters() -> None:
    tasks = tasks_by_id(case("tasks/labels.md"))
    t = tasks["T010"]
    assert (t.parallel, t.stories, t.labels, t.files) == (True, ["US1"], [], ["src/models/user.py"])
    assert (tasks["T011"].parallel, tasks["T011"].labels) == (True, ["A"])
    assert tasks["T012"].labels == ["UI-GATE"]
    assert tasks["T013"].labels == ["GAP"]
    assert tasks["T014"].stories == ["US1", "US2"]
    assert tasks["T015"].stories == ["US1", "US2"]
    assert tasks["T016"].stories == ["US1"]
    assert (tasks["T017"].refs, tasks["T017"].labels) == (["FR-001"], [])
    route = tasks["T018"]
    assert route.labels == [] and route.files == ["app/courses/[courseId]/page.tsx"]
    assert route.title == "Page at app/courses/[courseId]/page.tsx"
    assert tasks["T019"].refs == ["FR-001", "SC-002"]
    assert tasks["T020"].refs == ["R001", "R002"]
    assert tasks["T021"].refs == ["FR-003"]
    assert tasks["T022"].stories == ["US2"]


def test_story_phase_heading() -> None:
    (phase,) = case("tasks/labels.md").task_list.phases  # type: ignore[union-attr]
    assert (phase.number, phase.kind, phase.stories, phase.priority, phase.mvp) == ("3", "story", ["US1"], "P1", True)


def test_every_dependency_phrase() -> None:
    feature = case("tasks/dependencies.md")
    deps = {t.id: t.depends_on for t in feature.tasks}
    assert deps["T004"] == ["T001", "T002"]            # (depends on T001, T002)
    assert deps["T005"] == ["T1.3.9"]                  # (dep: T1.3.9)
    assert deps["T006"] == ["T005"]                    # (after T005 — same file)
    assert deps["T007"] == ["T001", "T003"]            # sub-bullet - **Depends on T001, T003**
    assert deps["T009"] == ["T008"]                    # T008 blocks T009 (prose)
    assert deps["T010"] == ["T009"]                    # T009 → T010
    assert deps["T011"] == ["T010"]                    # T010 -> T011
    for task_id in ("T012", "T013", "T014", "T015"):   # ranges: - – — 〜
        assert deps[task_id] == ["T001", "T002", "T003"], task_id
    assert deps["T017"] == ["T016"]                    # (blocks T017) on T016
    assert deps["T018"] == ["T001"]                    # Requires T001
    assert deps["T019"] == [] and deps["T001"] == []
    titles = {t.id: t.title for t in feature.tasks}
    assert titles["T004"] == "Waits" and titles["T006"] == "After form"


def test_unparseable_dependency_phrase_is_a_diagnostic() -> None:
    feature = case("tasks/dependencies.md")
    assert [(d.rule, d.line) for d in feature.diagnostics] == [("parse/dependency-phrase", 24)]
    assert "the API team" in feature.diagnostics[0].message


def test_story_dependency_table() -> None:
    task_list = case("tasks/dep-table.md").task_list
    assert task_list is not None
    assert [(d.story, d.depends_on, d.line) for d in task_list.story_dependencies] == [
        ("US1", [], 17), ("US2", ["US1"], 18), ("US3", ["US1", "US2"], 19),
    ]


def test_tasks_written_as_table_rows() -> None:
    feature = case("tasks/task-table.md")
    got = [(t.id, t.title, t.state, t.depends_on, t.owner, t.line) for t in feature.tasks]
    assert got == [
        ("T001", "Create repo layout in src/", "done", [], "Ana", 7),
        ("T002", "Add CI workflow .github/workflows/ci.yml", "open", ["T001"], "Bo", 8),
        ("T003", "Write README.md (FR-001)", "partial", ["T001", "T002"], "Ana", 9),
        ("T004", "Publish", "done", ["T001", "T002", "T003"], "Bo", 10),
    ]
    t003 = feature.tasks[2]
    assert (t003.parallel, t003.stories, t003.refs, t003.files) == (True, ["US1"], ["FR-001"], ["README.md"])


def test_code_fences_comments_and_template_notes_are_not_tasks() -> None:
    feature = case("tasks/not-tasks.md")
    assert [(t.id, t.line) for t in feature.tasks] == [("T001", 19), ("T002", 20)]
    assert feature.tasks[0].title == "Real task"
    assert feature.task_list is not None and feature.task_list.markers == []
    (phase,) = feature.task_list.phases
    assert phase.checkpoint == "Setup ready - the skeleton builds"
    assert feature.diagnostics == []


def test_range_and_id_helpers() -> None:
    assert ids.expand_range("T012", "T015") == ["T012", "T013", "T014", "T015"]
    assert ids.expand_range("T015", "T012") is None
    assert ids.expand_range("T004a", "T006") is None
    assert ids.id_list_at("T029–T031, T040", 0)[0] == ["T029", "T030", "T031", "T040"]
    assert ids.TASK_ID.findall("SET-T001 and T-002, T1.3.10") == ["SET-T001", "T-002", "T1.3.10"]
    assert ids.story_ids("AUTH-US1/US2") == ["US1", "US2"]


def test_dependency_ids_after_words_in_the_same_clause_are_read():
    """'(depends on the writer, T003)' waits for T003; a phrase with no id in its clause is reported
    without the closing bracket (found by the exact rule cases, #12)."""
    from speckit.parse.ids import dependencies

    assert dependencies("Add the command (depends on the writer, T003)") == (["T003"], [], [])
    assert dependencies("Add the command (depends on the writer) in T009.md") == (
        [], [], ["no task id after 'depends on the writer'"])
    assert dependencies("Ship it (blocked by review; T004 is separate)")[0] == []
