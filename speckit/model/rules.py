"""The rule catalogue: every rule id speckit can report, with what it looks for and the fix.

Rule ids are public interface (config keys, suppressions, baselines, SARIF). The catalogue is the only
way to make a Diagnostic (:func:`emit`): severity and hint come from here, and :data:`RuleId` is a
closed type, so mypy rejects an id that is not catalogued (tests/check/test_catalogue.py checks the
rest: every id the code names is here, every rule here has a case). It lives beside Diagnostic, below
every stage: the parser, the importer and the check all emit through it, and none of them may import
a later stage. docs/rules.md and the code list
of docs/import.md are generated from this table (``python -m speckit.check.docs``;
tests/check/test_docs.py fails when a page drifts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from speckit.model import Diagnostic, Severity

RuleId = Literal[
    "graph/cycle", "graph/unknown-ref", "graph/duplicate-id", "graph/self-dependency", "graph/parallel-conflict",
    "graph/status-inversion", "graph/phase-inversion",
    "spec/duplicate-id", "spec/needs-clarification", "spec/template-leftover", "spec/missing-section",
    "spec/duplicate-feature-number",
    "invest/independent", "invest/negotiable", "invest/valuable", "invest/estimable", "invest/small",
    "invest/testable",
    "trace/uncovered-requirement", "trace/coverage-untraceable", "trace/unknown-ref", "trace/unknown-story",
    "trace/story-without-tasks",
    "evidence/missing-artifact", "evidence/done-without-files",
    "input/outside-link", "input/bad-name",
    "parse/duplicate-id", "parse/dependency-phrase", "parse/unread-definition", "parse/rendered-copy",
    "parse/story-priority", "parse/broken-table", "parse/too-deep", "parse/no-headings",
    "input/unreadable", "internal/bug",
    "import/mojibake", "import/split-check", "import/heading", "import/table", "import/code", "import/list",
    "import/metadata", "import/diagram", "import/unrecoverable",
]
"""Every rule id there is. A new rule is added here and in CATALOGUE (the test checks they agree)."""

Stage = Literal["check", "import"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    id: RuleId
    severity: Severity
    summary: str
    explain: str
    example: str
    fix: str
    hint: str | None = ""
    """The hint each finding carries: "" for the fix, None for none (the message says it all). A
    finding may carry its own where it differs per finding (a missing section names the section)."""
    enabled: bool = True
    """False: off unless the config gives it a severity (evidence/done-without-files)."""
    configurable: bool = True
    """False for input/unreadable and internal/bug: they say a check did not happen, and decide the
    exit code (2, 3), so no config key or inline comment can turn them off."""
    stage: Stage = "check"
    """Which command reports it: ``speckit check`` (and show, site) or ``speckit import``."""
    warning_when: str = ""
    """For a rule that reports at two levels (import/code): when a finding is a warning instead."""

    @property
    def default_hint(self) -> str | None:
        return self.fix if self.hint == "" else self.hint


def emit(rule: RuleId, message: str, path: str, line: int = 1, *, column: int = 1, end_line: int | None = None,
         hint: str | None = None, severity: Severity | None = None) -> Diagnostic:
    """A Diagnostic of ``rule`` at its catalogued severity (the config's is applied later by the
    check), with the catalogue's hint unless this finding has a more specific one. ``severity``
    only for a rule whose entry says when it reports at another level (``warning_when``)."""
    entry = CATALOGUE[rule]
    if severity is not None and severity != entry.severity and not entry.warning_when:
        raise ValueError(f"{rule} is catalogued at {entry.severity}, not {severity}")
    return Diagnostic(rule=rule, severity=severity or entry.severity, message=message, path=path, line=line,
                      end_line=line if end_line is None else end_line, column=column,
                      hint=hint if hint is not None else entry.default_hint)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def order(diagnostic: Diagnostic) -> tuple[str, int, int, int, str, str]:
    """The one order of findings in every report: by place, then errors first, then rule and message."""
    d = diagnostic
    return d.path, d.line, d.column, _SEVERITY_ORDER[d.severity], d.rule, d.message


def _rules(*rules: Rule) -> dict[RuleId, Rule]:
    return {rule.id: rule for rule in rules}


CATALOGUE: dict[RuleId, Rule] = _rules(
    # -- task graph ------------------------------------------------------------------------------
    Rule(id="graph/cycle", severity="error",
         summary="Tasks depend on each other in a circle, so none of them can start.",
         explain="Follows the explicit dependencies of tasks.md (depends on, after, blocks, arrows, "
                 "ranges, dependency tables) and reports each circle once, with the whole path in "
                 "before -> after order, at the line of its first task. Long circles are shortened in "
                 "the middle and give their length. Waves, the critical path and 'speckit next' leave "
                 "the tasks of a circle out and say so.",
         example="- [ ] T021 Build the exporter (depends on T022)\n- [ ] T022 Test the exporter (depends on T021)",
         fix="Remove one of the dependencies on the path, or split a task so the work flows one way.",
         hint="remove one of these dependencies, or split a task; waves, the critical path and 'speckit "
              "next' leave these tasks out"),
    Rule(id="graph/unknown-ref", severity="error",
         summary="A task depends on a task id that tasks.md does not define.",
         explain="Every id in a dependency phrase must be the id of a task in the same tasks.md (task "
                 "ids restart in every feature, so ids of other features never count).",
         example="- [ ] T005 Wire the API (depends on T099)",
         fix="Correct the id, or add the missing task."),
    Rule(id="graph/duplicate-id", severity="error",
         summary="Two tasks share one id, so dependencies on it are ambiguous.",
         explain="Reported at every later copy. Dependencies on the id are read as the first copy; "
                 "the later copies get a line key (line:41) in the graph. Replaces parse/duplicate-id.",
         example="- [ ] T004 Create the model\n- [ ] T004 Create the service",
         fix="Renumber one of the tasks (and the dependencies that meant it).",
         hint="renumber one of the tasks; dependencies on the id mean the first one"),
    Rule(id="graph/self-dependency", severity="error",
         summary="A task depends on itself.",
         explain="A dependency phrase of a task names the task's own id, often a typo for a neighbour.",
         example="- [ ] T007 Add the endpoint (depends on T007)",
         fix="Name the task it really waits for, or remove the phrase."),
    Rule(id="graph/parallel-conflict", severity="warning",
         summary="Two [P] tasks of one phase touch the same file, or a [P] task waits for its own phase.",
         explain="[P] promises 'different files, no dependencies' so the task can run beside the other "
                 "[P] tasks of its phase. Two [P] tasks naming one file would edit it at the same "
                 "time; a [P] task that depends on another task of its phase cannot start with them.",
         example="- [ ] T010 [P] Create the model in src/models/user.py\n"
                 "- [ ] T011 [P] Add validation in src/models/user.py",
         fix="Drop [P] from one of the tasks, or move the work to different files.",
         hint="drop [P] from one of them, or move the work to different files"),
    Rule(id="graph/status-inversion", severity="warning",
         summary="A done task depends on a task that is still open.",
         explain="Looks at explicit dependencies only. Either the done mark is premature or the "
                 "dependency is stale.",
         example="- [ ] T004 Create the database schema\n- [x] T005 Seed the database (depends on T004)",
         fix="Tick the dependency if it is done, untick the task, or remove the stale dependency."),
    Rule(id="graph/phase-inversion", severity="warning",
         summary="A task depends on a task of a later phase.",
         explain="Phases run in order (Setup, Foundational, the stories, Polish), so an explicit "
                 "dependency on a later phase contradicts the document's own order. Implied phase "
                 "order then yields to the explicit dependency in waves and 'speckit next'.",
         example="## Phase 1: Setup\n- [ ] T002 Configure CI (depends on T030)\n"
                 "## Phase 6: Polish\n- [ ] T030 Write the docs",
         fix="Move one of the tasks to the right phase, or remove the dependency."),
    # -- spec ------------------------------------------------------------------------------------
    Rule(id="spec/duplicate-id", severity="error",
         summary="A requirement or success-criterion id is defined twice.",
         explain="Covers FR-, NFR-, SC- and any other prefixed id defined as '- **FR-001**: ...'.",
         example="- **FR-003**: System MUST send reminders\n- **FR-003**: System MUST log deliveries",
         fix="Give the second definition its own id (FR-003a is fine) and update the references."),
    Rule(id="spec/needs-clarification", severity="warning",
         summary="An open [NEEDS CLARIFICATION] marker outside any user story.",
         explain="Markers inside a story are reported by invest/estimable instead. Markers in code "
                 "blocks and HTML comments are examples, not questions.",
         example="- **FR-004**: Reminders MUST be kept for [NEEDS CLARIFICATION: how long?]",
         fix="Answer the question (speckit keeps the answer under ## Clarifications) and replace the marker."),
    Rule(id="spec/template-leftover", severity="warning",
         summary="Text of the Spec Kit template was left in a document.",
         explain="Looks for placeholders such as [DATE], [FEATURE NAME], [e.g., ...], TXXX, $ARGUMENTS "
                 "and 'ACTION REQUIRED' notes, plus the regexes in the config's leftover_patterns.",
         example="**Created**: [DATE]",
         fix="Fill in the value or delete the template text."),
    Rule(id="spec/missing-section", severity="warning",
         summary="A mandatory section of the spec template is absent.",
         explain="The config's mandatory_sections (default: User Scenarios, Requirements, Success "
                 "Criteria) must each appear as a heading of spec.md, matched as words. For the "
                 "defaults, extracted content counts too (stories, FR ids, SC ids), so a spec written "
                 "in another language is not flagged for its headings.",
         example="# Feature Specification: Export\n## User Scenarios & Testing\n...\n## Requirements\n...",
         fix="Add the section (here: ## Success Criteria with measurable SC-001 items)."),
    Rule(id="spec/duplicate-feature-number", severity="warning",
         summary="Two feature folders share a number prefix.",
         explain="Compared among the feature folders of one parent folder. A warning, since Spec "
                 "Kit's older numbering made repeats common.",
         example="specs/004-audit-log/\nspecs/004-export/",
         fix="Renumber one folder (and its branch) if the numbers are meant to be unique."),
    # -- INVEST ----------------------------------------------------------------------------------
    Rule(id="invest/independent", severity="warning",
         summary="A user story depends on another story, or has no independent test.",
         explain="Fails when a task of the story (labelled with it, or in its phase) depends on a task "
                 "of another story, when tasks.md's story-dependency table makes it wait for another "
                 "story, or when the story has no 'Independent Test' paragraph (a structural check "
                 "that works in every language).",
         example="- [ ] T020 [US2] Extend the dispatcher (depends on T014)   # T014 is a US1 task",
         fix="Move the shared work to the Foundational phase, or merge the stories; add an "
             "'**Independent Test**:' paragraph.",
         hint="move the shared work to the Foundational phase or merge the stories; if the order is "
              "intended, say why in '<!-- speckit-ignore invest/independent -- why -->'"),
    Rule(id="invest/negotiable", severity="info",
         summary="A user story prescribes its implementation.",
         explain="Looks in an English story's title, narrative and acceptance scenarios for the "
                 "config's implementation_words (frameworks, databases, 'endpoint', 'database table', "
                 "...), matched as whole words. Stories in other languages are not read for wording. "
                 "Info by default: judged on the real-repository corpus, 4 of 23 findings were right (17%); most "
                 "'implementation words' were the product's own subject (a story about importing CSS or pasting "
                 "JSON). Turn it on with 'rules: {invest/negotiable: warning}'.",
         example="### User Story 1 - Store reminders in a Postgres table (Priority: P1)",
         fix="Say what the user needs and leave the technology to plan.md."),
    Rule(id="invest/valuable", severity="info",
         summary="A user story does not say why it matters, or has no priority.",
         explain="Needs a value clause ('so that ...', 'in order to ...', or a 'Why this priority' "
                 "paragraph in any language) and a priority in the heading. "
                 "Info by default: on the corpus 9 of 20 judged findings were right (45%) before value clauses in "
                 "Spanish, French, German, Chinese, Japanese and Korean and list-form 'why this priority' labels "
                 "were read; it stays info until measured again.",
         example="### User Story 2 - Export reminders\n\nUsers can export reminders.",
         fix="Add '(Priority: P2)' and a '**Why this priority**:' paragraph or a 'so that' clause."),
    Rule(id="invest/estimable", severity="warning",
         summary="A user story still holds an open [NEEDS CLARIFICATION] marker.",
         explain="A story with an open question cannot be estimated. Markers outside stories are "
                 "spec/needs-clarification.",
         example="1. **Given** a reminder, **When** it fails, **Then** [NEEDS CLARIFICATION: retry how often?]",
         fix="Answer the question and write the answer into the story."),
    Rule(id="invest/small", severity="warning",
         summary="A user story has more tasks or acceptance scenarios than the configured limits.",
         explain="A story's tasks are those labelled with it or in its phase. Limits: invest.max_tasks "
                 "(default 15) and invest.max_scenarios (default 8) in the config.",
         example="### User Story 1 - Everything (Priority: P1)   # with 40 tasks",
         fix="Split the story into smaller stories that each deliver value."),
    Rule(id="invest/testable", severity="info",
         summary="A user story has no Given/When/Then scenario, or uses vague words without a number.",
         explain="Needs at least one acceptance scenario with a Then and a Given or When. In English "
                 "stories, a sentence that uses one of the config's vague_words ('fast', 'easy', "
                 "'intuitive', ...) must also give a number. "
                 "Info by default: on the corpus 5 of 17 judged findings were right (29%): Korean scenario labels,"
                 " and vague words that were not vague ('how many', 'fail fast', a proper name).",
         example="1. **Given** a reminder, **When** it is due, **Then** it is posted quickly",
         fix="Write scenarios as Given/When/Then and replace vague words with a measure "
             "('within 60 seconds')."),
    # -- traceability ----------------------------------------------------------------------------
    Rule(id="trace/uncovered-requirement", severity="warning",
         summary="A requirement or success criterion that no task references.",
         explain="Every FR/NFR/SC id of spec.md should be named by at least one task of tasks.md, "
                 "e.g. '(FR-001, SC-002)', a range ('FR-001 through FR-004', 'FR-001–FR-004') or a "
                 "phase's heading or purpose line ('this phase satisfies FR-003'). Checked only when "
                 "the feature has a tasks.md that cites at least half of the ids of that kind (else "
                 "trace/coverage-untraceable). Struck requirements (~~**FR-004**~~) need no task.",
         example="- **FR-009**: System MUST export reminders as CSV   # no task names FR-009",
         fix="Reference the id from the task that implements or measures it, or add such a task."),
    Rule(id="trace/coverage-untraceable", severity="info",
         summary="tasks.md cites too few requirement (or success-criterion) ids for coverage to be traced.",
         explain="Spec Kit's tasks template labels tasks with stories ([US1]) rather than FR ids, and "
                 "most real tasks.md files never cite one; others cite a few in passing. Per-requirement "
                 "coverage (trace/uncovered-requirement) is checked for a kind of id (requirements, "
                 "success criteria) only when tasks.md cites at least half of them; otherwise this one "
                 "line per feature says how many are cited and names the others.",
         example="- [ ] T010 [US1] Create the reminder model   # no task names any FR-xxx",
         fix="Cite the requirement ids in the tasks that implement them, e.g. '(FR-001, FR-002)', "
             "or in a phase's purpose line."),
    Rule(id="trace/unknown-ref", severity="error",
         summary="A task references a requirement id that spec.md does not mention anywhere.",
         explain="Checked when the feature has a spec.md. An id written anywhere in spec.md's text is "
                 "never reported here, even when speckit cannot read its definition (that is "
                 "parse/unread-definition, at the definition's line).",
         example="- [ ] T012 Implement export (FR-019)   # spec.md stops at FR-009",
         fix="Correct the id, or define the requirement in spec.md."),
    Rule(id="trace/unknown-story", severity="error",
         summary="A task or phase is labelled with a user story the spec does not have.",
         explain="Checked when spec.md defines at least one user story.",
         example="- [ ] T030 [US7] Add the audit view   # spec.md has US1 to US3",
         fix="Correct the label, or add the story to spec.md."),
    Rule(id="trace/story-without-tasks", severity="info",
         summary="A user story has no tasks.",
         explain="No task is labelled with the story and no phase is dedicated to it. Checked when "
                 "the feature has a tasks.md. "
                 "Info by default: on the corpus 6 of 14 judged findings were right (43%), and 11 more were "
                 "stories deferred or out of scope; tasks.md often ties work to stories by labels speckit cannot "
                 "know ([UI], [ARCH]).",
         example="### User Story 3 - Manage reminders (Priority: P3)   # no [US3] task",
         fix="Add the story's phase and tasks, or drop the story."),
    # -- evidence --------------------------------------------------------------------------------
    Rule(id="evidence/missing-artifact", severity="error",
         summary="plan.md marks a required artifact done or created, but its path does not exist.",
         explain="Reads the plan's required-artifacts table (Artifact | Path | Status). Paths resolve "
                 "against the repository root: the git top level, else the folder that holds the "
                 "specs root. Glob patterns (phase3.5-*.log) match any file.",
         example="| HITL approval | tmp/approvals/hitl.md | ✅ Created |   # no such file",
         fix="Create or commit the artifact, correct the path, or set its status back to Pending."),
    Rule(id="evidence/done-without-files", severity="warning", enabled=False,
         summary="A done task names files that do not exist.",
         explain="Off by default, since task paths are often relative to other roots; turn it on "
                 "with 'rules: {evidence/done-without-files: warning}'. Paths resolve against the "
                 "repository root.",
         example="- [x] T010 Create the model in src/models/reminder.py   # no such file",
         fix="Commit the file, correct the path, or untick the task."),
    # -- input -----------------------------------------------------------------------------------
    Rule(id="input/outside-link", severity="warning",
         summary="A document is a symbolic link to a file outside the repository, so it was not read.",
         explain="Documents are read only inside the repository (the git top level, else the folder "
                 "that holds the specs root): a committed link such as specs/x/plan.md -> ~/.env would "
                 "otherwise be published in the site and its search index. The message names neither "
                 "the target nor where the repository lives. Tested in tests/hostile/test_boundary.py "
                 "(a case folder cannot hold a link out of the repository).",
         example="specs/001-x/plan.md -> /home/me/.env",
         fix="Commit the document itself, not a link to a file elsewhere.",
         hint="commit the document itself, not a link to a file elsewhere"),
    Rule(id="input/bad-name", severity="warning",
         summary="A document's file name is not valid UTF-8, so it was not read.",
         explain="Such a name cannot be shown or published safely; it is shown with \\xNN escapes. "
                 "Tested in tests/hostile/test_exit_codes.py (git can hold such names, a case folder "
                 "of this repository should not).",
         example="specs/001-x/checklists/caf\\xff.md",
         fix="Rename the file with a UTF-8 name.",
         hint="rename the file"),
    # -- reading ---------------------------------------------------------------------------------
    Rule(id="parse/duplicate-id", severity="warning",
         summary="Two tasks share one id (reported as graph/duplicate-id by speckit check).",
         explain="Reported by the parser ('speckit show'); speckit check reports graph/duplicate-id "
                 "at the same line instead.",
         example="- [ ] T004 Create the model\n- [ ] T004 Create the service",
         fix="Renumber one of the tasks.",
         hint="renumber one of them"),
    Rule(id="parse/dependency-phrase", severity="warning", enabled=False,
         summary="A dependency phrase names no task id that could be read.",
         explain="'depends on', 'dep:' or 'blocked by' promise task ids; none followed, or a range "
                 "could not be expanded. "
                 "Off by default: on the corpus none of 17 judged findings was a missing task id: 'dependencies' "
                 "were packages ('Install dependencies: react'), prose ('blocked by a plugin'), or ids written "
                 "after bold markup, which is now read. Turn it on with "
                 "'rules: {parse/dependency-phrase: warning}'.",
         example="- [ ] T008 Deploy (depends on the build)",
         fix="Name the tasks by id: '(depends on T006, T007)'.",
         hint="name the tasks by id, e.g. '(depends on T012, T013)'"),
    Rule(id="parse/unread-definition", severity="warning",
         summary="A task cites an id that spec.md writes in a shape speckit does not read as a definition.",
         explain="The id starts a line of spec.md (a list item, heading or table row) but not in any "
                 "definition shape speckit knows, so it has no requirement to trace to. The reference "
                 "itself is not broken: this is a reading gap, reported where the definition is.",
         example="* FR-009 — exports reminders   (a shape speckit does not read)",
         fix="Write it as '- **FR-009**: ...' (or report the shape to speckit)."),
    Rule(id="parse/rendered-copy", severity="warning",
         summary="A document is a copy of a rendered page: its Markdown was rebuilt line by line.",
         explain="Headings became numbered lines, tables lost their separator rows and code fences "
                 "are gone. speckit rebuilds headings and tables to read the document, but code "
                 "blocks cannot be recovered, so plan steps have no commands.",
         example="3.3.3 Phase 3.5 Consumer E2E Deploy (CRITICAL) β",
         fix="Run 'speckit import FILE -o plan.md' and review the Markdown it writes.",
         hint="run 'speckit import FILE -o plan.md' and review the Markdown it writes"),
    Rule(id="parse/story-priority", severity="warning",
         summary="A user story heading has no priority.",
         explain="Spec Kit's template writes '(Priority: P1)' in every story heading.",
         example="### User Story 2 - Export reminders",
         fix="Add '(Priority: P2)' to the heading.",
         hint="write it as '(Priority: P1)' at the end of the heading"),
    Rule(id="parse/broken-table", severity="warning",
         summary="A table row could not be read as part of its table.",
         explain="Usually a separator row cut short or a row with a different number of cells.",
         example="| Artifact | Path |\n|---|\n| spec.md | specs/x/spec.md |",
         fix="Repair the table so every row has the header's cells and the separator is complete.",
         hint="write one '---' cell per column, or run 'speckit import' on a rendered copy"),
    Rule(id="parse/too-deep", severity="warning",
         summary="Nesting deeper than the parser reads; the content was kept flat.",
         explain="Markdown nested deeper than the limit is read as if written at that depth, so "
                 "nothing vanishes, but its structure below that depth is lost.",
         example="(lists or quotes nested more than 48 levels deep)",
         fix="Flatten the nesting.",
         hint="flatten the nesting; content was kept, its structure below that depth was not"),
    Rule(id="parse/no-headings", severity="warning",
         summary="A document has no Markdown headings (a copy of a rendered page?).",
         explain="Without headings no sections, phases or stories can be found.",
         example="3.3.3 Phase 3.5 Consumer E2E Deploy (CRITICAL)",
         fix="Restore the Markdown: 'speckit import FILE -o plan.md'.",
         hint="run 'speckit import FILE -o plan.md' to rebuild the Markdown"),
    Rule(id="input/unreadable", severity="error", configurable=False, hint=None,
         summary="A feature (or a document named on the command line) could not be read.",
         explain="A missing path, a directory where a document should be, a FIFO or device, bytes that "
                 "are not UTF-8 (the message gives the byte offset), or a folder with no spec.md, plan.md "
                 "or tasks.md. The other features are still checked; the run exits 2. It appears in the "
                 "machine formats (json, sarif, github, junit) and as one line on standard error. It "
                 "cannot be turned off or suppressed: it says the check did not happen.",
         example="specs/004-x/spec.md: not valid UTF-8 at byte offset 120 (byte 0xff)",
         fix="Make the document readable (UTF-8, a regular file), or leave the path out."),
    Rule(id="internal/bug", severity="error", configurable=False, hint=None,
         summary="speckit failed on a feature: a bug in speckit, not in the documents.",
         explain="The other features are still checked; the run exits 3. 'speckit --debug check PATH' "
                 "(or SPECKIT_DEBUG=1) lets the error raise with its traceback. It cannot be turned off "
                 "or suppressed.",
         example="speckit failed on this feature: RecursionError: ... (a bug: please report it)",
         fix="Report it with the traceback of 'speckit --debug check PATH'."),
    # -- speckit import ------------------------------------------------------------------------
    Rule(id="import/mojibake", severity="info", stage="import", hint=None,
         summary="a character repaired: by ftfy (the message names the encodings it went through) or "
                 "from context (`β³` was ⏳)",
         explain="Reversible mojibake (every byte survived: `âœ…` for ✅) is undone by ftfy, line by line; "
                 "lossy mojibake of a copy read as Greek is repaired from the surviving last byte, only in "
                 "a copy that shows that pattern, so a Greek text keeps its β.",
         example="Status: âœ… Done",
         fix="Nothing to do; review the line if the repair looks wrong."),
    Rule(id="import/split-check", severity="info", stage="import", hint=None,
         summary="`β` plus a line break was ✅; the two lines were joined",
         explain="✅ is E2 9C 85, and 0x85 is NEL, a line break: in a table row left without its closing "
                 "`|` or inside an open parenthesis, `β` at the end of a line and the next line are one.",
         example="| spec.md | specs/x/spec.md | β\nCreated |",
         fix="Nothing to do."),
    Rule(id="import/heading", severity="info", stage="import", hint=None,
         summary="a numbered line became a heading at the depth of its number; the first line became the "
                 "title; a title line above shell commands became a sub-heading",
         explain="A number must continue the outline (after 5.1 come 5.1.1, 5.2 or 6), must not end like a "
                 "sentence and must not continue a numbered list; when most numbered lines end in the "
                 "anchor remnant `β`, that mark decides.",
         example="3.3.3 Phase 3.5 Consumer E2E Deploy (CRITICAL) β",
         fix="Check the heading's level if the outline looks wrong."),
    Rule(id="import/table", severity="info", stage="import", hint=None,
         summary="a table's separator row was rebuilt (or added) with one cell per column",
         explain="A copy cuts the separator row to `|---|`; it gets one `---` per header column.",
         example="| Artifact | Path | Status |\n|---|",
         fix="Nothing to do."),
    Rule(id="import/code", severity="info", stage="import", hint=None,
         summary="shell lines became a `bash` block; JSON became a `json` block (re-indented: whitespace "
                 "only); a diagram drawn with intact glyphs became a `text` block",
         warning_when="a line that starts with a command word but reads as a sentence stayed a paragraph; a "
                      "run of shell lines where some read as sentences became a `text` block: never `bash`, "
                      "since `speckit run` runs bash blocks. Review it",
         explain="A line counts as shell only when it reads as a command: its arguments parse with shlex, "
                 "it does not end like a sentence, and it has fewer than two sentence words. What is in "
                 "doubt is never made a bash block, since 'speckit run' runs bash blocks.",
         example="npm ci\nnpm run build",
         fix="Review the blocks reported as warnings; fence them as bash only if every line is a command."),
    Rule(id="import/list", severity="info", stage="import", hint=None,
         summary="`name - description` lines became list items",
         explain="A run of 'name - description' lines is a list a copy flattened.",
         example="lint - runs the linters",
         fix="Nothing to do."),
    Rule(id="import/metadata", severity="info", stage="import", hint=None,
         summary="`Key: value` lines under the title (and a closing run of them) became `**Key**: value`",
         explain="Only metadata lines get bold keys: those under the title and a closing run; a single "
                 "'Key: value' line in the body stays plain.",
         example="Status: Draft",
         fix="Nothing to do."),
    Rule(id="import/diagram", severity="warning", stage="import",
         hint="redraw it (ASCII or a mermaid block)",
         summary="a box-drawing diagram whose glyphs cannot be recovered: kept as it is in a `text` block",
         explain="Inside a diagram the surviving tails are box glyphs as well as symbols (`β€` is ┤ as well "
                 "as ≤), so nothing is repaired there.",
         example="βββββββ\nβ API β\nβββββββ",
         fix="Redraw the diagram (ASCII or a mermaid block)."),
    Rule(id="import/unrecoverable", severity="warning", stage="import", hint=None,
         summary="a `β` that no rule could settle, or `[email protected]` (a CDN's e-mail protection "
                 "replaced the original text)",
         explain="What a copy lost cannot be guessed: the character a bare `β` stood for, or the address "
                 "(or name@version) a web page hid behind its e-mail protection.",
         example="Contact [email protected] for access",
         fix="Write back the original text by hand."),
)

RULES: dict[str, Rule] = {rule_id: rule for rule_id, rule in CATALOGUE.items() if rule.stage == "check"}
"""What ``speckit check`` can report: ``--list-rules``, ``--explain``, docs/rules.md, SARIF."""
IMPORT_RULES: dict[str, Rule] = {rule_id: rule for rule_id, rule in CATALOGUE.items() if rule.stage == "import"}
"""What ``speckit import`` reports: the code list of docs/import.md."""
CONFIGURABLE = frozenset(rule_id for rule_id, rule in RULES.items() if rule.configurable)
"""Rule ids a config key, a glob or an inline suppression may name."""
