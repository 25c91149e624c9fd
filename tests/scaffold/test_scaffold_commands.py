"""The scaffolding commands end to end through the real CLI: files written, refusals, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from scaffold_helpers import project as project  # the fixture, re-exported here for pytest to find
from scaffold_helpers import run

from speckit.parse import load_feature

Capsys = pytest.CaptureFixture[str]

# What Spec Kit's own .specify/templates/spec-template.md looks like (FORMATS.md): plain Markdown,
# [PLACEHOLDER] tokens, ACTION REQUIRED comments, and $ARGUMENTS for the user's description.
SPEC_KIT_SPEC = """\
# Feature Specification: [FEATURE NAME]

**Feature Branch**: `[###-feature-name]`  
**Created**: [DATE]  
**Status**: Draft  
**Input**: User description: "$ARGUMENTS"

## User Scenarios & Testing *(mandatory)*

<!--
  IMPORTANT: User stories should be PRIORITIZED as user journeys ordered by importance.
-->

### User Story 1 - [Brief Title] (Priority: P1)

[Describe this user journey in plain language]

**Why this priority**: [Explain the value and why it has this priority level]

**Independent Test**: [Describe how this can be tested independently - e.g., "Can be fully tested by [specific action] and delivers [specific value]"]

**Acceptance Scenarios**:

1. **Given** [initial state], **When** [action], **Then** [expected outcome]
2. **Given** [initial state], **When** [action], **Then** [expected outcome]

---

### Edge Cases

<!--
  ACTION REQUIRED: The content in this section represents placeholders.
-->

- What happens when [boundary condition]?
- How does system handle [error scenario]?

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST [specific capability, e.g., "allow users to create accounts"]
- **FR-002**: System MUST [specific capability, e.g., "validate email addresses"]
- **FR-003**: Users MUST be able to [key interaction, e.g., "reset their password"]

### Key Entities *(include if feature involves data)*

- **[Entity 1]**: [What it represents, key attributes without implementation]

## Success Criteria *(mandatory)*

### Measurable Outcomes

- **SC-001**: [Measurable metric, e.g., "Users can complete account creation in under 2 minutes"]
"""  # noqa: E501, W291  (Spec Kit's template as it is: two trailing spaces are Markdown line breaks)


def test_specify_plan_tasks_write_documents_that_parse_back(project: Path, capsys: Capsys) -> None:
    made = run(capsys, "specify", "Team reminders: schedule reminders for a team channel")
    assert made.code == 0, made.err
    folder = project / "specs" / "001-team-reminders-schedule"
    assert made.out.strip() == "specs/001-team-reminders-schedule/spec.md"
    assert run(capsys, "plan", "001").code == 0
    assert run(capsys, "tasks", "team-reminders-schedule").code == 0
    feature = load_feature(folder)
    assert feature.spec is not None and feature.plan is not None and feature.task_list is not None
    assert feature.spec.title == "Team reminders"
    assert feature.spec.metadata["Input"] == 'User description: "Team reminders: schedule reminders for a team channel"'
    assert feature.spec.metadata["Created"] == "2026-03-01"
    assert [s.id for s in feature.spec.stories] == ["US1"] and feature.spec.stories[0].priority == "P1"
    assert [g.kind for g in feature.plan.gates] == ["automated", "human"]
    assert feature.plan.technical_context["Storage"] == "NEEDS CLARIFICATION"
    assert [p.kind for p in feature.task_list.phases] == ["setup", "foundational", "story", "polish"]
    assert not [d for d in feature.diagnostics if d.severity == "error"]


def test_second_specify_takes_next_number_and_refuses_overwrite(project: Path, capsys: Capsys) -> None:
    assert run(capsys, "specify", "Export invoices").code == 0
    assert run(capsys, "specify", "Import invoices").out.strip() == "specs/002-import-invoices/spec.md"
    spec = project / "specs" / "002-import-invoices" / "spec.md"
    spec.write_text("# Feature Specification: edited by a person\n", encoding="utf-8")
    again = run(capsys, "specify", "Import invoices", "--number", "2")
    assert again.code == 2 and "already used" in again.err
    plan_first = run(capsys, "plan", "002")
    assert plan_first.code == 0
    refused = run(capsys, "plan", "002")
    assert refused.code == 2 and "already exists" in refused.err and "--force" in refused.err
    plan = project / "specs" / "002-import-invoices" / "plan.md"
    plan.write_text(plan.read_text(encoding="utf-8") + "\nmy notes\n", encoding="utf-8")
    forced = run(capsys, "plan", "002", "--force")
    assert forced.code == 0
    assert (plan.parent / "plan.md.bak").read_text(encoding="utf-8").endswith("my notes\n")
    assert "my notes" not in plan.read_text(encoding="utf-8")


def test_dry_run_prints_and_writes_nothing(project: Path, capsys: Capsys) -> None:
    result = run(capsys, "specify", "Export invoices", "--dry-run")
    assert result.code == 0 and result.out.startswith("# Feature Specification: Export invoices")
    assert "would write specs/001-export-invoices/spec.md" in result.err
    assert not (project / "specs").exists()
    run(capsys, "specify", "Export invoices")
    for command in ("plan", "tasks"):
        if command == "tasks":
            run(capsys, "plan", "001")
        shown = run(capsys, command, "001", "--dry-run")
        assert shown.code == 0 and f"would write specs/001-export-invoices/{command}.md" in shown.err
    assert not (project / "specs" / "001-export-invoices" / "tasks.md").exists()
    init = run(capsys, "init", "--dry-run")
    assert init.code == 0 and "specs_root:" in init.out and not (project / "speckit.yaml").exists()


def test_hostile_descriptions(project: Path, capsys: Capsys) -> None:
    nul = run(capsys, "specify", "bad\x1b[2Jtext")
    assert nul.code == 2 and "control character" in nul.err
    escape = run(capsys, "specify", "Anything", "--name", "../../etc")
    assert escape.code == 2 and "looks like a path" in escape.err
    assert not (project.parent / "etc" / "spec.md").exists()
    tricky = "<!-- hide --> **bold** [x] `code` | pipe # hash ../../x"
    made = run(capsys, "specify", tricky)
    assert made.code == 0, made.err
    folder = Path(made.out.strip()).parent
    assert folder.parent == Path("specs") and folder.name.startswith("001-")
    spec = load_feature(project / folder).spec
    assert spec is not None and len(spec.stories) == 1 and spec.requirements
    from speckit.scaffold.documents import described

    assert described(spec) == tricky


def test_japanese_description_keeps_text_and_numbers_the_folder(project: Path, capsys: Capsys) -> None:
    made = run(capsys, "specify", "チームのリマインダーを設定する")
    assert made.out.strip() == "specs/001-feature-1/spec.md"
    text = (project / "specs" / "001-feature-1" / "spec.md").read_text(encoding="utf-8")
    assert '**Input**: User description: "チームのリマインダーを設定する"' in text


def test_plan_and_tasks_need_their_inputs(project: Path, capsys: Capsys) -> None:
    missing = run(capsys, "plan", "nothing-here")
    assert missing.code == 2 and missing.err.startswith("speckit: error:")
    run(capsys, "specify", "Export invoices")
    no_plan = run(capsys, "tasks", "001")
    assert no_plan.code == 2 and "no plan.md" in no_plan.err
    folder = project / "specs" / "002-only-tasks"
    folder.mkdir(parents=True)
    (folder / "tasks.md").write_text("# Tasks: x\n\n- [ ] T001 something\n", encoding="utf-8")
    no_spec = run(capsys, "plan", "002")
    assert no_spec.code == 2 and "no spec.md" in no_spec.err


def test_a_place_that_cannot_hold_the_document_is_one_line_and_exit_2(project: Path, capsys: Capsys) -> None:
    (project / "specs").write_text("not a folder", encoding="utf-8")
    for args in (("init",), ("specify", "Export invoices")):
        result = run(capsys, *args)
        assert result.code == 2 and "specs root exists but is not a directory" in result.err, result.err
    (project / "specs").unlink()
    (project / "specs").mkdir()
    (project / "specs" / "001-export-invoices").write_text("a file where the folder goes", encoding="utf-8")
    blocked = run(capsys, "specify", "Export invoices")
    assert blocked.code == 2 and "001-export-invoices" in blocked.err and "cannot write" in blocked.err, blocked.err
    assert "internal error" not in blocked.err

def test_init_writes_a_config_that_loads(project: Path, capsys: Capsys) -> None:
    (project / ".gitignore").write_text("node_modules/", encoding="utf-8")
    result = run(capsys, "init")
    assert result.code == 0, result.err
    from speckit import config

    loaded = config.load(path=project / "speckit.yaml")
    assert loaded.specs_root == "specs" and loaded.invest.max_tasks == 15
    text = (project / "speckit.yaml").read_text(encoding="utf-8")
    assert text.count("\n# ") >= 8, "every key is explained by a comment"
    assert (project / "specs").is_dir()
    ignore = (project / ".gitignore").read_text(encoding="utf-8")
    assert ignore.startswith("node_modules/\n") and ".speckit/\n" in ignore and "/specs/**/build/" in ignore
    assert run(capsys, "init").code == 2
    assert run(capsys, "init", "--force").code == 0
    assert (project / "speckit.yaml.bak").is_file()
    assert (project / ".gitignore").read_text(encoding="utf-8") == ignore, "entries are added once"


def test_init_in_a_spec_kit_repository_reuses_its_layout(project: Path, capsys: Capsys) -> None:
    (project / ".specify" / "templates").mkdir(parents=True)
    (project / ".specify" / "templates" / "spec-template.md").write_text(SPEC_KIT_SPEC, encoding="utf-8")
    (project / ".github" / "specs").mkdir(parents=True)
    result = run(capsys, "init")
    assert result.code == 0 and "Spec Kit found" in result.err
    assert run(capsys, "config", "get", "specs_root").out.strip() == ".github/specs"
    listed = run(capsys, "templates", "list").out
    assert "spec.md       spec-kit" in listed and "plan.md       built-in" in listed
    made = run(capsys, "specify", "Export invoices as PDF")
    assert made.out.strip() == ".github/specs/001-export-invoices-pdf/spec.md"
    text = (project / made.out.strip()).read_text(encoding="utf-8")
    assert text.startswith("# Feature Specification: Export invoices as PDF\n")
    assert "**Feature Branch**: `001-export-invoices-pdf`" in text and "**Created**: 2026-03-01" in text
    assert '"Export invoices as PDF"' in text
    assert "[Brief Title]" in text and "[###-feature-name]" not in text and "$ARGUMENTS" not in text
    feature = load_feature(project / ".github" / "specs" / "001-export-invoices-pdf")
    assert feature.spec is not None and [r.id for r in feature.spec.requirements] == ["FR-001", "FR-002", "FR-003"]
    leftovers = {m.text for m in feature.spec.markers if m.kind == "leftover"}
    assert "[Brief Title]" in leftovers and "[DATE]" not in leftovers and "$ARGUMENTS" not in leftovers


def test_project_templates_override_file_by_file(project: Path, capsys: Capsys) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "spec.md").write_text(
        "# Feature Specification: {{ feature }}\n\n**Input**: {{ description }}\n\n## Requirements\n\n"
        "- **FR-001**: System MUST {{ description }}\n", encoding="utf-8")
    listed = run(capsys, "templates", "list", "--format", "json").out
    assert '"origin": "project"' in listed and '"origin": "built-in"' in listed
    assert run(capsys, "specify", "Export *all* invoices").code == 0
    text = (project / "specs" / "001-export-all-invoices" / "spec.md").read_text(encoding="utf-8")
    assert text == ("# Feature Specification: Export \\*all\\* invoices\n\n**Input**: Export \\*all\\* invoices\n\n"
                    "## Requirements\n\n- **FR-001**: System MUST Export \\*all\\* invoices\n")


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("# Spec\n\n{% for x in stories %}\n{{ x.title \n", 4, "template syntax error"),
        ("# Spec\n\nline two\n{{ no_such_variable }}\n", 4, "no_such_variable"),
        ("# Spec\n{% if true %}\n\n{{ feature.missing.deeper }}\n{% endif %}\n", 4, "template error"),
        ("# Spec\n\n{{ feature + 1 }}\n", 3, "can only concatenate"),
        ("# Spec\n{% for x in 5 %}{{ x }}{% endfor %}\n", 2, "not iterable"),
    ],
)
def test_template_errors_name_file_and_line(
    project: Path, capsys: Capsys, source: str, line: int, message: str
) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "spec.md").write_text(source, encoding="utf-8")
    result = run(capsys, "specify", "Export invoices")
    assert result.code == 2
    assert f"templates/spec.md:{line}:" in result.err and message in result.err
    assert "Traceback" not in result.err
    assert not (project / "specs" / "001-export-invoices").exists()


def test_config_get_and_set_keep_comments_and_order(project: Path, capsys: Capsys) -> None:
    run(capsys, "init")
    path = project / "speckit.yaml"
    before = path.read_text(encoding="utf-8")
    assert run(capsys, "config", "get", "invest.max_tasks").out == "15\n"
    assert run(capsys, "config", "set", "invest.max_tasks", "20").code == 0
    assert run(capsys, "config", "set", "rules.graph/cycle", "warning").code == 0
    assert run(capsys, "config", "set", "gates", "[Security Review Gate (HITL Required)]").code == 0
    after = path.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    keys = [line.split(":")[0] for line in after.splitlines() if line and line[0].isalpha()]
    assert keys == [line.split(":")[0] for line in before.splitlines() if line and line[0].isalpha()]
    assert "  max_tasks: 20\n" in after and "gates: [Security Review Gate (HITL Required)]\n" in after
    assert run(capsys, "config", "get", "rules.graph/cycle").out == "warning\n"
    from speckit import config

    assert config.load(path=path).gates == ["Security Review Gate (HITL Required)"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "nope", "1"), "unknown config key 'nope'"),
        (("set", "invest.max_tasks", "many"), "bad value for invest.max_tasks"),
        (("set", "--", "invest.max_tasks", "-3"), "bad value for invest.max_tasks"),
        (("set", "rules.graph/cycle", "loud"), "bad value for rules.graph/cycle"),
        (("set", "invest.nope", "1"), "unknown config key"),
        (("set", "specs_root.deeper", "x"), "has no sub-keys"),
        (("set", "gates", "[unclosed"), "cannot set gates"),
        (("get", "invest..max"), "bad config key"),
    ],
)
def test_config_errors_are_one_line(project: Path, capsys: Capsys, args: tuple[str, ...], message: str) -> None:
    run(capsys, "init")
    before = (project / "speckit.yaml").read_bytes()
    result = run(capsys, "config", *args)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1, result.err
    assert (project / "speckit.yaml").read_bytes() == before


def test_config_errors_keep_the_wording_of_the_pydantic_model(project: Path, capsys: Capsys) -> None:
    # Config is a dataclass validated by a TypeAdapter (#7): pydantic words a dataclass's errors
    # differently from a model's; the messages stay as they were.
    run(capsys, "init")
    result = run(capsys, "config", "set", "invest", "3")
    assert result.code == 2 and "Input should be a valid dictionary or instance of InvestConfig" in result.err, (
        result.err
    )
    (project / "speckit.yaml").write_text("invest: 3\n", encoding="utf-8")
    result = run(capsys, "check")
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert (
        "speckit.yaml:1: bad config key 'invest': Input should be a valid dictionary or instance of InvestConfig"
        in result.err
    )
    (project / "speckit.yaml").write_text("invest:\n  nope: 1\n", encoding="utf-8")
    result = run(capsys, "check")
    assert "speckit.yaml:2: bad config key 'invest.nope': Extra inputs are not permitted" in result.err, result.err


def test_config_set_without_a_file(project: Path, capsys: Capsys) -> None:
    result = run(capsys, "config", "set", "specs_root", "docs/specs")
    assert result.code == 2 and "speckit init" in result.err


@pytest.mark.parametrize(
    ("manifest", "language"),
    [
        ('{"devDependencies": {"typescript": "5", "vitest": "1"}}', "TypeScript (Node.js)"),
        ('{"dependencies": ["left-pad"], "devDependencies": null}', "JavaScript (Node.js)"),
        ("[1, 2]", "JavaScript (Node.js)"),
        ("not json", "JavaScript (Node.js)"),
    ],
)
def test_technical_context_from_odd_package_json(tmp_path: Path, manifest: str, language: str) -> None:
    from speckit.scaffold import detect

    (tmp_path / "package.json").write_text(manifest, encoding="utf-8")
    assert detect.technical_context(tmp_path)["Language/Version"] == language
