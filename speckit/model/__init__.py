"""The typed model of a feature: frozen dataclasses only, no parsing and no I/O.

Every extracted object carries ``line`` and ``end_line`` (1-based, inclusive) in the document it came
from, so every message can point at ``path:line``. Documents carry their own ``path``.

The models are deliberately flat and few: ``speckit check`` builds them on every commit, and each
extra model class costs start-up time (see docs/performance.md).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1.0"

Severity = Literal["error", "warning", "info"]
TaskState = Literal["open", "done", "partial", "struck"]
DocKind = Literal["spec", "plan", "tasks", "checklist", "other"]
GateKind = Literal["human", "automated", "unmarked"]


def described(description: str, **kwargs: Any) -> Any:
    """``dataclasses.field`` with a description for the JSON Schema (``speckit.serialisation``)."""
    return dataclasses.field(metadata={"description": description}, **kwargs)


@dataclass(frozen=True, slots=True, kw_only=True)
class Located:
    line: int = described("first line, 1-based")
    end_line: int = described("last line, 1-based, inclusive (0: same as line)", default=0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One finding: a parse problem or a rule violation."""

    rule: str = described("stable rule id such as graph/cycle or parse/too-deep")
    severity: Severity
    message: str
    path: str
    line: int = 1
    end_line: int = 0
    column: int = 1
    hint: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Paragraph(Located):
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Code(Located):
    """A fenced or indented code block."""

    language: str = described("first word of the info string, lower-cased", default="")
    info: str = ""
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Row(Located):
    cells: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Table(Located):
    headers: list[str]
    rows: list[Row]
    kind: str | None = described("validation, artifacts, slo, checklist, tasks, dependencies, or None", default=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckItem(Located):
    """A checkbox list item that is not a task: plan checklists, checklists/*.md items."""

    id: str | None = None
    text: str
    state: TaskState = "open"
    tags: list[str] = field(default_factory=list)

    done: bool = field(init=False, default=False)  # computed: state == "done"

    def __post_init__(self) -> None:
        object.__setattr__(self, "done", self.state == "done")


@dataclass(frozen=True, slots=True, kw_only=True)
class Section(Located):
    """A heading and everything up to the next heading of the same or a higher level."""

    level: int
    number: str | None = described("section number as written, e.g. 3.3.3", default=None)
    title: str
    anchor: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    items: list[Paragraph] = described("list items that are not checkboxes", default_factory=list)
    tables: list[Table] = field(default_factory=list)
    code: list[Code] = field(default_factory=list)
    checklist: list[CheckItem] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading(Located):
    level: int
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Marker(Located):
    """An open ``[NEEDS CLARIFICATION: ...]`` or a template leftover such as ``[DATE]``."""

    kind: Literal["clarification", "leftover"]
    text: str
    column: int = 1
    story: str | None = described("id of the user story that holds it", default=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Document(Located):
    path: str
    kind: DocKind
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    outline: list[Heading] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario(Located):
    text: str
    given: str | None = None
    when: str | None = None
    then: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Story(Located):
    id: str = described("US1, US2, ...")
    number: int | None = None
    title: str
    priority: str | None = described("as written, e.g. P1 or DEFERRED", default=None)
    priority_note: str | None = described("what follows the priority: 'Android-only' in (Priority: P1, Android-only)",
                                          default=None)
    narrative: str = ""
    as_a: str | None = None
    i_want: str | None = None
    so_that: str | None = None
    why_priority: str | None = None
    independent_test: str | None = None
    acceptance: list[Scenario] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement(Located):
    id: str
    text: str
    dropped: bool = described("struck out (~~**FR-004**: ...~~): kept, but needs no task", default=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity(Located):
    name: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Clarification(Located):
    session: str | None = None
    question: str
    answer: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Spec(Document):
    kind: DocKind = "spec"
    stories: list[Story] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    success_criteria: list[Requirement] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    edge_cases: list[Paragraph] = field(default_factory=list)
    assumptions: list[Paragraph] = field(default_factory=list)
    clarifications: list[Clarification] = field(default_factory=list)
    checklist: list[CheckItem] = described("checkbox items, e.g. the older template's Review & Acceptance Checklist",
                                           default_factory=list)
    mentions: dict[str, int] = described("every requirement-like id written in spec.md -> the first line it is on",
                                         default_factory=dict)
    unread_definitions: dict[str, int] = described(
        "ids that start a line as a definition would, in a shape not read as one -> that line", default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Step(Located):
    """A plan section whose own body holds fenced shell blocks."""

    id: str = described("section number, or a slug of the title")
    title: str
    phase: str | None = described("number of the enclosing plan phase", default=None)
    commands: list[Code]
    human: bool = described("the title asks for a person: HITL, approval, sign-off", default=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gate(Located):
    """An approval gate: a heading or table row naming a gate, approval or sign-off."""

    id: str
    title: str
    kind: GateKind
    phase: str | None = described("phase the gate closes, when its title names one", default=None)
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanPhase(Located):
    number: str
    title: str
    section: str | None = described("number of the section that heads the phase", default=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Artifact(Located):
    name: str
    path: str
    status: str = ""
    state: TaskState = "open"


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion(Located):
    """A row of a validation-criteria or SLO table."""

    kind: Literal["validation", "slo"]
    name: str
    check: str
    target: str
    cells: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Chain(Located):
    nodes: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan(Document):
    kind: DocKind = "plan"
    technical_context: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    phases: list[PlanPhase] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    chains: list[Chain] = field(default_factory=list)

    critical_path: list[list[str]] = field(init=False, default_factory=list)  # computed from chains

    def __post_init__(self) -> None:
        object.__setattr__(self, "critical_path", [chain.nodes for chain in self.chains])


@dataclass(frozen=True, slots=True, kw_only=True)
class Task(Located):
    id: str | None
    title: str
    text: str = described("the task's text as written, after the checkbox")
    state: TaskState = "open"
    parallel: bool = False
    stories: list[str] = field(default_factory=list)
    labels: list[str] = described("bracketed labels other than [P] and story labels", default_factory=list)
    refs: list[str] = described("requirement and success-criterion ids referenced", default_factory=list)
    files: list[str] = field(default_factory=list)
    depends_on: list[str] = described("explicit dependencies, as task ids", default_factory=list)
    dependency_lines: dict[str, int] = described(
        "line where a dependency was read, when not the task's own line (a sub-bullet, a dependencies section)",
        default_factory=dict)
    order_hints: list[str] = described(
        "tasks a suggested order puts before this one ('MVP scope: T001 → T002', a Verify note): never a "
        "constraint, cycle or wave", default_factory=list)
    phase: str | None = described("number of the tasks.md phase that holds it", default=None)
    commands: list[Code] = field(default_factory=list)
    owner: str | None = described("the Owner cell of a task written as a table row", default=None)

    done: bool = field(init=False, default=False)  # computed: state == "done"

    def __post_init__(self) -> None:
        object.__setattr__(self, "done", self.state == "done")


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase(Located):
    number: str | None
    title: str
    kind: Literal["setup", "foundational", "story", "polish", "other"] = "other"
    stories: list[str] = field(default_factory=list)
    priority: str | None = None
    mvp: bool = False
    checkpoint: str | None = None
    refs: list[str] = described("requirement ids the phase cites in its heading or its own text", default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryDependency(Located):
    story: str
    depends_on: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskList(Document):
    kind: DocKind = "tasks"
    phases: list[Phase] = field(default_factory=list)
    story_dependencies: list[StoryDependency] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Checklist(Document):
    kind: DocKind = "checklist"
    items: list[CheckItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureRef:
    id: str = described("the folder name, e.g. 001-team-reminders")
    path: str
    number: str | None = described("the numeric prefix, e.g. 001", default=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One document's lines as the parser read them: what a rule that reads lines (the config's
    leftover_patterns) and the inline suppressions ask, instead of reading the file again."""

    path: str
    lines: list[str] = described("the lines parsed: line ends normalised, a rendered copy rebuilt",
                                 default_factory=list)
    code_lines: frozenset[int] = described("1-based lines inside fenced or indented code", default_factory=frozenset)
    comment_lines: frozenset[int] = described("1-based lines inside HTML comments", default_factory=frozenset)
    suppressions: dict[int, list[str]] = described(
        "line -> the rule patterns a '<!-- speckit-ignore ... -->' comment on that line names", default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Feature:
    """Everything speckit read about one feature folder."""

    schema_version: str = SCHEMA_VERSION
    feature: FeatureRef
    spec: Spec | None = None
    plan: Plan | None = None
    task_list: TaskList | None = None
    tasks: list[Task] = field(default_factory=list)
    checklists: list[Checklist] = field(default_factory=list)
    documents: list[str] = described("paths of the Markdown documents read", default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict, repr=False, compare=False, metadata={
        "exclude": True, "description": "document path -> its Source; not in the JSON (the documents are)"})
    """Filled by the parser; empty for a Feature from JSON, and on a check-cache hit (which keeps
    only each document's suppressions)."""

