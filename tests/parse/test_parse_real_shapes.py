"""Shapes seen when speckit was tried on real repositories (#11), one case file each under
tests/cases/formats/, written in our own words: requirement ids beyond ``- **FR-001**:``, tasks
written as headings, lines that mention tasks without defining them, dependency phrases in several
languages, order hints, and stories in tables, bullets and other languages."""

from __future__ import annotations

from parse_helpers import case, tasks_by_id

from speckit.parse import ids


def test_requirement_definitions_in_every_shape() -> None:
    spec = case("spec/requirement-shapes.md").spec
    assert spec is not None
    got = [(r.id, r.line, r.dropped) for r in spec.requirements]
    assert got == [
        ("FR-001", 12, False), ("FR-002", 13, False), ("R003", 14, False), ("NFR004", 15, False),
        ("FR-005", 16, False), ("FR-006", 17, False), ("FR-7.1", 18, False), ("FR-7.2", 19, False),
        ("FR-1006-01", 20, False), ("FR-008", 21, True), ("FR-009", 27, False), ("R010", 31, False),
    ]
    texts = {r.id: r.text for r in spec.requirements}
    assert texts["FR-002"] == "The system MUST import reminders (bold id, no colon)."
    assert texts["FR-005"] == "(privacy): Exports MUST leave out private notes."
    assert texts["FR-009"] == "A requirement written as a heading The body of FR-009 says what it needs."
    assert [(r.id, r.line) for r in spec.success_criteria] == [("SC-001", 39), ("SC-002", 40)]


def test_goals_assumptions_and_cited_ids_are_not_requirements() -> None:
    spec = case("spec/requirement-shapes.md").spec
    assert spec is not None
    defined = {r.id for r in spec.requirements + spec.success_criteria}
    assert not defined & {"G-001", "NG-001", "AC-1", "A-001", "QO-001", "KEP-4639", "S3"}


def test_a_list_that_repeats_ids_defines_nothing_again() -> None:
    """The 'Parity decisions' list names FR-001 and FR-002 again: references, not duplicates."""
    spec = case("spec/requirement-shapes.md").spec
    assert spec is not None
    assert [r.line for r in spec.requirements if r.id in ("FR-001", "FR-002")] == [12, 13]


def test_ids_written_but_not_read_are_known_by_line() -> None:
    spec = case("spec/requirement-shapes.md").spec
    assert spec is not None
    assert spec.unread_definitions == {"FR-011": 35}
    assert spec.mentions["KEP-4639"] == 49 and spec.mentions["FR-011"] == 35


def test_dotted_and_ranged_references() -> None:
    refs = ids.ref_pattern(("FR",))
    assert ids.refs_in("covers FR-7.1 and FR-001.2", refs) == ["FR-7.1", "FR-001.2"]
    assert ids.refs_in("FR-001 through FR-004", refs) == ["FR-001", "FR-002", "FR-003", "FR-004"]
    assert ids.refs_in("(FR-010–FR-012)", refs) == ["FR-010", "FR-011", "FR-012"]


def test_tasks_written_as_headings() -> None:
    feature = case("tasks/heading-tasks.md")
    got = [(t.id, t.line, t.state, t.title, t.phase) for t in feature.tasks]
    assert got == [
        ("T001", 5, "open", "Create the project skeleton", "1"),
        ("T002", 9, "done", "Configure the linter", "1"),
        ("T003", 13, "done", "Write the model", "1"),
        ("MSG-T004", 18, "done", "Add the message type", "1"),
        ("T5", 22, "open", "Build the exporter", "2"),
    ]
    tasks = tasks_by_id(feature)
    assert (tasks["T002"].depends_on, tasks["T002"].dependency_lines) == (["T001"], {"T001": 11})
    assert tasks["T003"].depends_on == ["T001", "T002"]
    assert tasks["T003"].order_hints == ["T004"]  # "**Verify**: ... passes after T004 lands"
    assert tasks["T5"].depends_on == ["T3"]
    assert [p.number for p in feature.task_list.phases] == ["1", "2"]  # type: ignore[union-attr]


def test_mentions_in_examples_notes_and_dependency_sections_are_not_tasks() -> None:
    feature = case("tasks/mentions.md")
    assert [t.id for t in feature.tasks] == ["T001", "T002", "T003", "T004"]
    assert not [d for d in feature.diagnostics if d.rule == "parse/duplicate-id"]
    tasks = tasks_by_id(feature)
    assert (tasks["T003"].depends_on, tasks["T003"].dependency_lines) == (["T001"], {"T001": 17})
    # A table whose Task column holds ids is a task table; "| Task | What | Why Reverted |" is not.
    assert (tasks["T004"].line, tasks["T004"].depends_on) == (29, ["T001"])


def test_dependency_phrases_in_several_languages() -> None:
    tasks = tasks_by_id(case("tasks/dependency-languages.md"))
    assert tasks["T004"].depends_on == ["T002"]  # （T002の後に）
    assert tasks["T005"].depends_on == ["T003"]  # （T003完了後）
    assert tasks["T006"].depends_on == ["T001", "T002"]  # (dépend de T001, T002)
    assert tasks["T007"].depends_on == ["T006"]  # "Dépend de T006." on the wrapped line
    assert tasks["T009"].depends_on == ["T003", "T008"]  # après T003; T008 says "avant T009"
    assert tasks["T010"].depends_on == ["T001"]  # （依赖 T001）
    assert (tasks["T011"].depends_on, tasks["T011"].dependency_lines) == (["T009", "T010"], {"T009": 17, "T010": 17})


def test_statements_and_diagrams_under_dependencies_are_constraints_and_suggestions_are_hints() -> None:
    tasks = tasks_by_id(case("tasks/dependency-languages.md"))
    assert (tasks["T014"].depends_on, tasks["T014"].dependency_lines) == (["T013"], {"T013": 26})
    assert tasks["T013"].depends_on == ["T001", "T002"]  # "T001-T002 before T013"
    assert (tasks["T015"].depends_on, tasks["T015"].dependency_lines) == (["T014"], {"T014": 30})
    assert tasks["T012"].depends_on == [] and tasks["T012"].order_hints == ["T011"]  # a Verify note
    # "T015 → T001" under "Suggested order (MVP scope)": a hint, so no cycle T001 -> ... -> T015 -> T001.
    assert tasks["T001"].depends_on == [] and tasks["T001"].order_hints == ["T015"]


def test_stories_in_tables_details_bullets_and_other_languages() -> None:
    spec = case("spec/story-shapes.md").spec
    assert spec is not None
    got = [(s.id, s.title, s.priority, s.line) for s in spec.stories]
    assert got == [
        ("US1", "管理者がエクスポートする", "P1", 7),
        ("US2", "管理者がインポートする", "P2", 8),
        ("US4a", "追加のストーリー", "P3", 24),
        ("US5", "As an auditor, I want a read-only export so that I can review it safely.", "P2", 30),
    ]
    scenarios = {s.id: [(a.given, a.when, a.then) for a in s.acceptance] for s in spec.stories}
    # "**前提条件** ...、**操作** ...、**期待結果** ..." after a "**受け入れシナリオ**" with no colon.
    assert scenarios["US1"] == [("チームにリマインダーが3件ある", "管理者がエクスポートする", "3行のファイルができる")]
    # Three bullets 前提 / 操作 / 期待 make one scenario.
    assert scenarios["US2"] == [("空のチーム", "2行のファイルをインポートする", "リマインダーが2件になる")]
    assert scenarios["US4a"] == [("une équipe vide", "l'admin importe", "l'équipe a deux rappels")]
    assert spec.stories[3].as_a == "auditor"
    assert not spec.requirements  # "US-1" table rows are stories, not requirements


def test_scenario_split_is_linear_and_reads_when_then_without_given() -> None:
    from speckit.parse.spec import split_gwt

    assert split_gwt("When the admin exports, Then the file has 3 rows") == (
        "",
        "the admin exports",
        "the file has 3 rows",
    )
    assert split_gwt("Given a, when b when c, then d") == ("a", "b when c", "d")
    assert split_gwt("Given " + "when " * 20000) is None  # was a 27 s regex at 10 KB (#16)


def test_lettered_phases_and_phases_naming_their_stories() -> None:
    from speckit.parse import blocks
    from speckit.parse.tasks import extract

    text = ("# Tasks: x\n\n## Phase U: Utilities\n\n- [ ] T001 Helper\n\n## Phase FIN\n\n- [ ] T002 Wrap up\n\n"
            "## Phase 3: Resolver (US1, US2, US3)\n\n- [ ] T003 Resolve\n")
    task_list, tasks, _ = extract(blocks.parse(text), "tasks.md")
    assert [(p.number, p.stories) for p in task_list.phases] == [("U", []), ("FIN", []), ("3", ["US1", "US2", "US3"])]
    assert [t.phase for t in tasks] == ["U", "FIN", "3"]


def test_code_spans_keep_their_text() -> None:
    from speckit.parse.common import clean

    assert clean("**Add** `src/core/__tests__/x.test.ts` and `__init__.py`") == \
        "Add `src/core/__tests__/x.test.ts` and `__init__.py`"


def test_resolved_or_quoted_clarification_markers_are_not_open() -> None:
    from speckit.parse import blocks
    from speckit.parse.common import markers

    text = ("# Spec\n\n- [x] No [NEEDS CLARIFICATION] markers remain\n- [ ] No [NEEDS CLARIFICATION] markers remain\n"
            "\nWrite `[NEEDS CLARIFICATION: question]` for open questions.\n\n"
            "- **FR-004**: Keep logs for [NEEDS CLARIFICATION: how long?]\n")
    found = [(m.line, m.text) for m in markers(blocks.parse(text)) if m.kind == "clarification"]
    assert found == [(8, "how long?")]


def test_tasks_numbered_without_a_t_and_their_dependencies() -> None:
    from speckit.parse import blocks
    from speckit.parse.tasks import extract

    text = ("# Tasks: x\n\n## Phase 1: Setup\n\n- [ ] T001 [TASK-US6] Label with a prefix\n- [ ] **D010** Build\n"
            "- [ ] **D011** Deploy (after D010)\n- [ ] R051 [P] Audit the docs\n- [ ] FR-001 is no task id\n"
            "### T-003-P1-001-001 : A dashed id with a phase segment\n")
    _, tasks, _ = extract(blocks.parse(text), "tasks.md")
    assert [(t.id, t.stories, t.parallel, t.depends_on) for t in tasks] == [
        ("T001", ["US6"], False, []), ("D010", [], False, []), ("D011", [], False, ["D010"]),
        ("R051", [], True, []), (None, [], False, []), ("T-003-P1-001-001", [], False, []),
    ]


def test_ranges_and_comments_about_ids_define_nothing_again() -> None:
    from speckit.parse import blocks
    from speckit.parse.spec import extract

    text = ("# Feature Specification: x\n\n## Requirements\n\n- **FR-001**: one\n- **FR-002**: two\n"
            "- **SC-006**: six\n- **SC-P-001**: a two-part prefix\n\n## Testing\n\n"
            "- **FR-001 to FR-002**: tested together\n- **SC-006 export**: measured by the export job\n"
            "- **FR-002 — no overflow menu.** an accepted deviation\n### FR-001 到 FR-002: 概要\n"
            "- **FR-022's gate moved** to the page\n")
    spec, _ = extract(blocks.parse(text), "spec.md")
    assert [(r.id, r.line) for r in spec.requirements] == [("FR-001", 5), ("FR-002", 6)]
    assert [(r.id, r.line) for r in spec.success_criteria] == [("SC-006", 7), ("SC-P-001", 8)]


def test_arrow_pairs_and_prose_that_contradicts_the_tasks_own_lines() -> None:
    from speckit.parse import blocks
    from speckit.parse.tasks import extract

    assert ids.arrow_chains("T011→T019, T012→T020") == [[["T011"], ["T019"]], [["T012"], ["T020"]]]
    text = ("# Tasks: x\n\n## Phase 1: Setup\n\n- [ ] T004 Types\n- [ ] T005 Client\n"
            "- [ ] T006 Provider (depends on T004)\n\n## Dependencies\n\n- T006→T004,T005\n")
    _, tasks, _ = extract(blocks.parse(text), "tasks.md")
    # "T006→T004,T005" means "T006 needs T004 and T005" here; read as written it would make T004
    # wait for T006 against T006's own line: that edge is dropped instead of becoming a cycle.
    assert {t.id: t.depends_on for t in tasks} == {"T004": [], "T005": ["T006"], "T006": ["T004"]}


def test_status_emoji_and_blocked_boxes_before_ids() -> None:
    from speckit.parse import blocks
    from speckit.parse.tasks import extract

    text = "# Tasks: x\n\n## Phase 1: Setup\n\n- [x] ✅ T018 Done thing\n- [!] T010 Blocked thing\n"
    _, tasks, _ = extract(blocks.parse(text), "tasks.md")
    assert [(t.id, t.state, t.title) for t in tasks] == [
        ("T018", "done", "Done thing"),
        ("T010", "open", "Blocked thing"),
    ]


def test_markers_quoted_by_the_template_or_a_checklist_are_not_open(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from speckit.check import check_feature
    from speckit.config import Config
    from speckit.parse import load_feature

    (tmp_path / "spec.md").write_text(
        "# Feature Specification: x\n\nUse [NEEDS CLARIFICATION: specific question] for every guess.\n\n"
        "- No quedan marcadores [NEEDS CLARIFICATION] en la especificación\n\n"
        "**Language**: [NEEDS CLARIFICATION]\n", encoding="utf-8")
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "requirements.md").write_text(
        "# Checklist\n\n- [ ] [NEEDS CLARIFICATION: how long?] answered\n", encoding="utf-8")
    found = [(d.path.rsplit("/", 1)[-1], d.line) for d in check_feature(load_feature(tmp_path), Config(), tmp_path)
             if d.rule == "spec/needs-clarification"]
    assert found == [("spec.md", 7)]


def test_a_step_is_human_only_when_it_says_so() -> None:
    """'E3 — Full Check Gate' running 'bun run check' made run.sh wait for a person in CI (#11)."""
    from speckit.parse import blocks
    from speckit.parse.plan import extract

    text = (
        "# Implementation Plan: x\n\n## Phase 1: Build\n\n### E3 — Full Check Gate\n\n```bash\nbun run check\n```\n\n"
        "### 2.2 After the gate\n\n```bash\nbun test\n```\n\n### 3.1 HITL sign-off\n\n```bash\necho ready\n```\n"
    )
    plan, _ = extract(blocks.parse(text), "plan.md")
    assert [(s.title, s.human) for s in plan.steps] == [
        ("E3 — Full Check Gate", False), ("After the gate", False), ("HITL sign-off", True),
    ]
    assert [s.id for s in plan.steps][0] == "e3-full-check-gate"  # one dash for the em dash


def test_evidence_paths_resolve_against_the_folder_that_holds_specs_without_git(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from speckit.check import repo_root_for
    from speckit.config import Config

    feature = tmp_path / "repo" / "specs" / "001-x"
    feature.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # never the directory speckit happens to run in
    root = repo_root_for(feature, Config())
    assert root == (tmp_path / "repo").resolve() or (root / ".git").exists()
