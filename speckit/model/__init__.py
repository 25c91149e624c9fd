"""The typed model of a feature: pydantic models only, no parsing and no I/O.

Every extracted object carries ``line`` and ``end_line`` (1-based, inclusive) in the document it came
from, so every message can point at ``path:line``. Documents carry their own ``path``.

The models are deliberately flat and few: ``speckit check`` builds them on every commit, and each
extra model class costs start-up time (see docs/performance.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

SCHEMA_VERSION = "1.0"

Severity = Literal["error", "warning", "info"]
TaskState = Literal["open", "done", "partial", "struck"]
DocKind = Literal["spec", "plan", "tasks", "checklist", "other"]
GateKind = Literal["human", "automated", "unmarked"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


class Located(_Model):
    line: int = Field(description="first line, 1-based")
    end_line: int = Field(0, description="last line, 1-based, inclusive (0: same as line)")


class Diagnostic(_Model):
    """One finding: a parse problem or a rule violation."""

    rule: str = Field(description="stable rule id such as graph/cycle or parse/too-deep")
    severity: Severity
    message: str
    path: str
    line: int = 1
    end_line: int = 0
    column: int = 1
    hint: str | None = None


class Paragraph(Located):
    text: str


class Code(Located):
    """A fenced or indented code block."""

    language: str = Field("", description="first word of the info string, lower-cased")
    info: str = ""
    text: str


class Row(Located):
    cells: list[str]


class Table(Located):
    headers: list[str]
    rows: list[Row]
    kind: str | None = Field(
        None, description="validation, artifacts, slo, checklist, tasks, dependencies, or None"
    )


class CheckItem(Located):
    """A checkbox list item that is not a task: plan checklists, checklists/*.md items."""

    id: str | None = None
    text: str
    state: TaskState = "open"
    tags: list[str] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def done(self) -> bool:
        return self.state == "done"


class Section(Located):
    """A heading and everything up to the next heading of the same or a higher level."""

    level: int
    number: str | None = Field(None, description="section number as written, e.g. 3.3.3")
    title: str
    anchor: str
    paragraphs: list[Paragraph] = []
    items: list[Paragraph] = Field([], description="list items that are not checkboxes")
    tables: list[Table] = []
    code: list[Code] = []
    checklist: list[CheckItem] = []
    children: list[Section] = []


class Heading(Located):
    level: int
    title: str


class Marker(Located):
    """An open ``[NEEDS CLARIFICATION: ...]`` or a template leftover such as ``[DATE]``."""

    kind: Literal["clarification", "leftover"]
    text: str
    column: int = 1
    story: str | None = Field(None, description="id of the user story that holds it")


class Document(Located):
    path: str
    kind: DocKind
    title: str | None = None
    metadata: dict[str, str] = {}
    outline: list[Heading] = []
    markers: list[Marker] = []


class Scenario(Located):
    text: str
    given: str | None = None
    when: str | None = None
    then: str | None = None


class Story(Located):
    id: str = Field(description="US1, US2, ...")
    number: int | None = None
    title: str
    priority: str | None = Field(None, description="as written, e.g. P1 or DEFERRED")
    priority_note: str | None = Field(None, description="what follows the priority: 'Android-only' in (Priority: P1, Android-only)")
    narrative: str = ""
    as_a: str | None = None
    i_want: str | None = None
    so_that: str | None = None
    why_priority: str | None = None
    independent_test: str | None = None
    acceptance: list[Scenario] = []


class Requirement(Located):
    id: str
    text: str


class Entity(Located):
    name: str
    text: str


class Clarification(Located):
    session: str | None = None
    question: str
    answer: str | None = None


class Spec(Document):
    kind: DocKind = "spec"
    stories: list[Story] = []
    requirements: list[Requirement] = []
    success_criteria: list[Requirement] = []
    entities: list[Entity] = []
    edge_cases: list[Paragraph] = []
    assumptions: list[Paragraph] = []
    clarifications: list[Clarification] = []
    checklist: list[CheckItem] = Field(
        [], description="checkbox items, e.g. the older template's Review & Acceptance Checklist"
    )


class Step(Located):
    """A plan section whose own body holds fenced shell blocks."""

    id: str = Field(description="section number, or a slug of the title")
    title: str
    phase: str | None = Field(None, description="number of the enclosing plan phase")
    commands: list[Code]
    human: bool = Field(False, description="the title asks for a person: HITL, approval, sign-off")


class Gate(Located):
    """An approval gate: a heading or table row naming a gate, approval or sign-off."""

    id: str
    title: str
    kind: GateKind
    phase: str | None = Field(None, description="phase the gate closes, when its title names one")
    text: str = ""


class PlanPhase(Located):
    number: str
    title: str
    section: str | None = Field(None, description="number of the section that heads the phase")


class Artifact(Located):
    name: str
    path: str
    status: str = ""
    state: TaskState = "open"


class Criterion(Located):
    """A row of a validation-criteria or SLO table."""

    kind: Literal["validation", "slo"]
    name: str
    check: str
    target: str
    cells: dict[str, str] = {}


class Chain(Located):
    nodes: list[str]


class Plan(Document):
    kind: DocKind = "plan"
    technical_context: dict[str, str] = {}
    sections: list[Section] = []
    phases: list[PlanPhase] = []
    steps: list[Step] = []
    gates: list[Gate] = []
    artifacts: list[Artifact] = []
    criteria: list[Criterion] = []
    chains: list[Chain] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def critical_path(self) -> list[list[str]]:
        return [chain.nodes for chain in self.chains]


class Task(Located):
    id: str | None
    title: str
    text: str = Field(description="the task's text as written, after the checkbox")
    state: TaskState = "open"
    parallel: bool = False
    stories: list[str] = []
    labels: list[str] = Field([], description="bracketed labels other than [P] and story labels")
    refs: list[str] = Field([], description="requirement and success-criterion ids referenced")
    files: list[str] = []
    depends_on: list[str] = Field([], description="explicit dependencies, as task ids")
    phase: str | None = Field(None, description="number of the tasks.md phase that holds it")
    commands: list[Code] = []
    owner: str | None = Field(None, description="the Owner cell of a task written as a table row")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def done(self) -> bool:
        return self.state == "done"


class Phase(Located):
    number: str | None
    title: str
    kind: Literal["setup", "foundational", "story", "polish", "other"] = "other"
    stories: list[str] = []
    priority: str | None = None
    mvp: bool = False
    checkpoint: str | None = None


class StoryDependency(Located):
    story: str
    depends_on: list[str]


class TaskList(Document):
    kind: DocKind = "tasks"
    phases: list[Phase] = []
    story_dependencies: list[StoryDependency] = []


class Checklist(Document):
    kind: DocKind = "checklist"
    items: list[CheckItem] = []


class FeatureRef(_Model):
    id: str = Field(description="the folder name, e.g. 001-team-reminders")
    path: str
    number: str | None = Field(None, description="the numeric prefix, e.g. 001")


class Feature(_Model):
    """Everything speckit read about one feature folder."""

    schema_version: str = SCHEMA_VERSION
    feature: FeatureRef
    spec: Spec | None = None
    plan: Plan | None = None
    task_list: TaskList | None = None
    tasks: list[Task] = []
    checklists: list[Checklist] = []
    documents: list[str] = Field([], description="paths of the Markdown documents read")
    diagnostics: list[Diagnostic] = []


def json_schema() -> dict[str, object]:
    """The JSON Schema of ``speckit show --format json``, versioned by SCHEMA_VERSION."""
    schema = Feature.model_json_schema(mode="serialization")
    schema["$id"] = f"https://speckit.invalid/schema/feature-{SCHEMA_VERSION}.json"
    schema["version"] = SCHEMA_VERSION
    return schema
