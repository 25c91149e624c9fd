"""Property tests (hypothesis) over the parser, every extractor and the importer.

Three kinds of input: arbitrary text; Markdown built from the constructs FORMATS.md lists (task lines
in every seen shape, story headings, requirement lines, tables, fences, comments, front matter,
rendered-copy lines); and mutations of the example features in ``specs/``. Properties: nothing
raises; every object with a span (the model's ``line``/``end_line``, diagnostics too) lies inside
the document it came from; every id is written on the line the model gives for it (tasks,
requirements, success criteria, stories, checklist items, plan and tasks.md phases, steps, gates,
section numbers) and every requirement a task references is written in that task's lines.

CI runs the derandomised ``ci`` profile of tests/conftest.py (CI=1); the example counts below keep
the whole file under two minutes there. Every failing example hypothesis found is kept as an
``@example`` on the test that found it, with what it broke.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from conftest import SPECS
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from speckit import serialisation
from speckit.importer import import_text
from speckit.model import Feature
from speckit.parse import blocks, load_feature

# SPECKIT_FUZZ_SCALE=20 multiplies the example counts for a long local hunt.
SCALE = float(os.environ.get("SPECKIT_FUZZ_SCALE", "1"))
SETTINGS = settings(max_examples=int(1000 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEATURE_SETTINGS = settings(max_examples=int(300 * SCALE), deadline=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- strategies ------------------------------------------------------------------------------------

WORD = st.text(alphabet=st.sampled_from("abcxyzABC019 -_/.é日本()[]*`|→:"), min_size=0, max_size=12)
NUM = st.integers(min_value=0, max_value=120)
ID = st.integers(min_value=0, max_value=1200).map(lambda n: f"{n:03d}")

TEMPLATES = [
    # headings, every document kind
    "# Feature Specification: {w}", "# Implementation Plan: {w}", "# Tasks: {w}", "# {w} Checklist",
    "## Phase {n}: Setup (Shared Infrastructure)", "## Phase {n}: Foundational (Blocking Prerequisites)",
    "## Phase {n}: User Story {n} - {w} (Priority: P{n}) 🎯 MVP", "## Phase {n}: Polish & Cross-Cutting Concerns",
    "### User Story {n} - {w} (Priority: P{n})", "### User Story {n} — {w} (Priority: P{n}, Android-only)",
    "### US{n} (P{n}) — {w}", "### ユーザーストーリー{n} - {w}（優先度: P{n}）",
    "### User Story {n} - {w} (Priority: DEFERRED)",
    "## User Scenarios & Testing", "### Edge Cases", "## Requirements", "### Functional Requirements",
    "### Key Entities", "## Success Criteria", "### Measurable Outcomes", "## Assumptions", "## Clarifications",
    "### Session 2026-03-01", "## Dependencies & Execution Order", "## Technical Context", "## Constitution Check",
    "## {n}. {w}", "### {n}.{n} {w}", "#### {n}.{n}.{n} Phase {n}.{n} {w} (CRITICAL)", "### {n}.{n} Critical Path",
    "### {n}.{n} Phase {n} Gate (HITL Required)", "### {n}.{n} Phase {n} Gate (Automated)", "##### Layer {n}: {w}",
    "## Phase {n}: {w}", "{n}.{n} {w}β", "{n}. {w}β", "## Execution Flow (main)", "## Review & Acceptance Checklist",
    # tasks in every seen shape
    "- [ ] T{i} [P] [US{n}] {w} in src/{w}.py", "- [x] T{i} {w} (depends on T{i}, T{i})", "- [X] **T{i}**: {w}",
    "- [~] T{i} {w}", "- [ ] ~~T{i}~~ {w}", "- [ ] T-{i} {w} (dep: T{i})", "- [ ] T{i}a {w} (after T{i} — same file)",
    "- [ ] T{n}.{n}.{n} {w} (dep: T{n}.{n}.{n})", "- [ ] SET-T{i} {w}", "- [ ] {w}", "  - **Depends on T{i}, T{i}**",
    "T{i} blocks T{i}", "T{i} → T{i} -> T{i}", "- [ ] T{i} {w} after T{i}-T{i}",
    "- [ ] T{i} needs T{i}–T{i} and T{i}〜T{i}",
    "- [P] tasks = different files",
    "- [ ] T{i} [P][A] `[UI-GATE]` **[GAP]** [US1/US2] [US1,US2] [AUTH-US1] [courseId] {w}",
    "- [ ] T{i} {w} (FR-{i}, SC-{i}) | R001, R002 per FR-{i}", "- [ ] T{i} [US{n}] {w} [FR-{i}]", "**Checkpoint**: {w}",
    "* [ ] T{i} {w}", "1. [ ] T{i} {w}", "- [ ] T{i}", "- [ ]", "- [x]T{i} glued", "- [ ] T{i} {w} T{i} T{i}",
    # spec lines
    "- **FR-{i}**: System MUST {w}", "- **FR-{i}a**: Users MUST {w} [NEEDS CLARIFICATION: {w}]", "- **NFR-{i}**: {w}",
    "- **SC-{i}**: {w}", "- **{w}**: {w}", "**Why this priority**: {w}", "**Independent Test**: {w}",
    "**Acceptance Scenarios**:", "1. **Given** {w}, **When** {w}, **Then** {w}", "2. Given {w} when {w} then {w}",
    "As a {w}, I want {w} so that {w}", "[NEEDS CLARIFICATION: {w}]", "- Q: {w} → A: {w}", "[DATE] [FEATURE NAME]",
    "[e.g., {w}]", "TXXX", "<!-- ACTION REQUIRED {w} -->", "**Feature Branch**: `{i}-{w}`  ", "**Status**: Draft",
    "**Input**: User description: \"{w}\"", "---",
    # plan lines
    "**Branch**: `{i}` | **Date**: {w} | **Spec**: [link](spec.md)", "**Language/Version**: {w}",
    "**Primary Dependencies**: NEEDS CLARIFICATION", "*GATE: {w}*", "BLOCK-{i} (Phase {n}) → BLOCK-{i} → npm publish",
    "A -> B -> {w}", "| Layer | Check | Pass Criteria |", "|---|---|---|", "|---|", "| {n} | {w} | {w} |",
    "| Artifact | Path | Status |", "| {w} | specs/{w}.md | ✅ Created |", "| {w} | {w} | ⏳ Pending |",
    "| ID | Task | Depends | Owner | Status |", "| T{i} | {w} | T{i}, T{i} | {w} | Done |",
    "| Story | Depends On | Notes |", "| US{n} | US{n} | {w} |", "| SLO | Target | Measurement Method |",
    "| Gate | Approver | Status |", "| {w} | | |", "| a | b", "|", "| β", "Status: {w}",
    "```bash", "```", "```mermaid", "~~~", "````", "```json", "npm run {w}", "# Expected output: {w}", "<!--", "-->",
    "<!-- - [ ] T{i} hidden -->", "> {w}", "> - [ ] T{i} {w}", "    - [ ] T{i} indented code", "\t- [ ] T{i} {w}",
    "- [ ] CHK{i} Are all requirements testable? [Completeness, Spec §FR-{i}]", "CHK{i} - {w}", "",
    "{w}", "ββββββββ", "β {w} β", "β³ Pending", "┌────┐", "│ {w} │────▶│", "└────┘", "+------+", "       v",
    "<details>", "</details>", "<br>", "***", "===", "\\", "    ",
]
INDENT = st.sampled_from(["", "", "", "  ", "    ", "> ", "> > ", "\t", "  - ", "1. ", "- "])


@st.composite
def construct_line(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(TEMPLATES))
    line = re.sub(r"\{([win])\}", lambda m: str(draw({"w": WORD, "i": ID, "n": NUM}[m.group(1)])), template)
    return draw(INDENT) + line


FRONT = st.sampled_from(["", "", "---\ntitle: x\nstatus: draft\n---\n", "---\n", "---\nbad: [\n---\n"])
MARKDOWN = st.builds(lambda front, lines, end: front + "\n".join(lines) + end,
                     FRONT, st.lists(construct_line(), max_size=60), st.sampled_from(["", "\n", "\r\n", "\n\n"]))
ARBITRARY = st.one_of(
    st.text(max_size=600),
    st.text(alphabet=st.sampled_from("#-*+>|[]()`~ \n\t\r:.!<>/\\_=TUSFRC0123456789xX→β\x00"), max_size=800),
)


# --- invariants ------------------------------------------------------------------------------------


def doc_lines(text: str) -> list[str]:
    return blocks.normalize(text).split("\n")


def alnum(text: str) -> str:
    return re.sub(r"[\W_]", "", text).lower()


def check_spans(node: Any, count: int, where: str) -> None:
    """Every ``line``/``end_line`` pair under ``node`` lies in 1..count (iterative walk)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            line = item.get("line")
            if isinstance(line, int) and not isinstance(line, bool):
                end = item.get("end_line") or line
                assert 1 <= line <= count, (where, item)
                assert line <= end <= count, (where, item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_feature(feature: Feature, texts: dict[str, str]) -> None:
    lines = {path: doc_lines(text) for path, text in texts.items()}
    dump = serialisation.dump(feature)
    for key in ("spec", "plan", "task_list"):
        if dump[key] is not None:
            check_spans(dump[key], len(lines[dump[key]["path"]]), key)
    for checklist in dump["checklists"]:
        check_spans(checklist, len(lines[checklist["path"]]), "checklist")
    if feature.tasks:
        assert feature.task_list is not None
        task_lines = lines[feature.task_list.path]
        check_spans(dump["tasks"], len(task_lines), "tasks")
        for task in feature.tasks:
            if task.id:
                written = task_lines[task.line - 1]
                assert alnum(task.id) in alnum(written), (task.id, task.line, written)
        for task in feature.tasks:  # a referenced requirement is written in the task's own lines
            written = alnum(" ".join(task_lines[task.line - 1 : task.end_line]))
            assert all(alnum(ref) in written for ref in task.refs), (task.refs, task.line)
    for diagnostic in dump["diagnostics"]:
        if diagnostic["path"] in lines:
            check_spans(diagnostic, len(lines[diagnostic["path"]]), diagnostic["rule"])
    if feature.task_list is not None:
        task_lines = lines[feature.task_list.path]
        for phase in feature.task_list.phases:
            assert phase.number is None or phase.number in task_lines[phase.line - 1], phase
    if feature.spec is not None:
        spec_lines = lines[feature.spec.path]
        for requirement in feature.spec.requirements + feature.spec.success_criteria:
            assert alnum(requirement.id) in alnum(spec_lines[requirement.line - 1]), requirement
        for story in feature.spec.stories:  # "User Story 2" is US2: its number is what is written
            line = spec_lines[story.line - 1]
            assert alnum(story.id) in alnum(line) or str(story.number) in line, (story.id, line)
    for checklist in feature.checklists:
        for item in checklist.items:
            if item.id:
                assert alnum(item.id) in alnum(lines[checklist.path][item.line - 1]), item
    if feature.plan is not None:
        plan_lines = lines[feature.plan.path]
        for heading in feature.plan.outline:
            number = heading.title.split()[0] if heading.title[:1].isdigit() else ""
            assert number.rstrip(".") in plan_lines[heading.line - 1], heading
        for phase in feature.plan.phases:
            assert phase.number in plan_lines[phase.line - 1], phase
        for item in feature.plan.steps + feature.plan.gates:  # a section number, or a slug of the title
            assert alnum(item.id) in alnum(plan_lines[item.line - 1]), (item.id, plan_lines[item.line - 1])


def load(texts: dict[str, str], checklist: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "001-fuzz"
        folder.mkdir()
        written: dict[str, str] = {}
        for name, text in texts.items():
            path = folder / name
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            written[str(path)] = text
        if checklist is not None:
            (folder / "checklists").mkdir()
            path = folder / "checklists" / "requirements.md"
            path.write_text(checklist, encoding="utf-8")
            written[str(path)] = checklist
        check_feature(load_feature(folder), written)


# --- the block parser -------------------------------------------------------------------------------


@SETTINGS
@given(ARBITRARY | MARKDOWN)
@example("- " * 60 + "[ ] T001 deep\n")  # nesting past the budget: the task must keep its item
@example("> " * 3000 + "x\n")
@example("- [ ] T001 " + "[" * 5000)  # quadratic file-path pattern (a 1 MB line took 170 s)
def test_block_parser_never_raises_and_spans_stay_inside(text: str) -> None:
    parsed = blocks.parse(text)
    count = len(parsed.lines)
    assert count == len(doc_lines(text))
    for section in parsed.sections():
        assert 1 <= section.line <= section.end_line <= count or (section.level == 0 and section.line == 1)
        stack: list[blocks.Block] = list(section.blocks)
        while stack:
            block = stack.pop()
            assert 1 <= block.line <= block.end_line <= count, block
            if isinstance(block, blocks.ListBlock):
                stack.extend(block.items)
            elif isinstance(block, (blocks.Item, blocks.Quote)):
                stack.extend(block.blocks)
            elif isinstance(block, blocks.TableBlock):
                assert all(block.line <= line <= block.end_line for line, _ in block.rows), block
    assert all(1 <= n <= count for n in parsed.code_lines | parsed.comment_lines)
    assert all(1 <= first <= last <= count for first, last in parsed.flattened)


# --- every extractor, through load_feature on files --------------------------------------------------


@FEATURE_SETTINGS
@given(spec=ARBITRARY | MARKDOWN, plan=ARBITRARY | MARKDOWN, tasks=ARBITRARY | MARKDOWN, checklist=MARKDOWN)
# A checkbox alone on its line with the text below: ids were reported on the checkbox's line.
@example(spec="", plan="", tasks="- [ ] \nT001 x\n", checklist="- [ ] \nCHK000 - ")
def test_extractors_on_generated_documents(spec: str, plan: str, tasks: str, checklist: str) -> None:
    load({"spec.md": spec, "plan.md": plan, "tasks.md": tasks}, checklist)


@cache
def examples() -> list[tuple[str, str]]:
    """(document name, text) of every example feature's documents."""
    out = []
    for path in sorted(SPECS.glob("*/*.md")) + sorted(SPECS.glob("*/checklists/*.md")):
        out.append((path.name if path.parent.name != "checklists" else "checklist", path.read_text(encoding="utf-8")))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    name, text = draw(st.sampled_from(examples()))
    lines = text.split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "char", "indent", "truncate", "join"]))
        at = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        if not lines:
            lines = [""]
        if op == "delete" and len(lines) > 1:
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "insert":
            lines.insert(at, draw(construct_line()))
        elif op == "char":
            pos = draw(st.integers(min_value=0, max_value=len(lines[at])))
            noise = st.sampled_from(list("`|[]()#>*-~\t\x00\r→β<!") + ["```", "<!--", "-->"])
            lines[at] = lines[at][:pos] + draw(noise) \
                + lines[at][pos + draw(st.integers(min_value=0, max_value=2)):]
        elif op == "indent":
            lines[at] = draw(INDENT) + lines[at]
        elif op == "truncate":
            lines = lines[: at + 1]
        elif op == "join" and at + 1 < len(lines):
            lines[at : at + 2] = [lines[at] + lines[at + 1]]
    return name, "\n".join(lines)


@FEATURE_SETTINGS
@given(st.lists(mutated(), min_size=1, max_size=3))
def test_extractors_on_mutated_example_features(docs: list[tuple[str, str]]) -> None:
    texts: dict[str, str] = {}
    checklist = None
    for name, text in docs:
        if name == "checklist":
            checklist = text
        else:
            texts[name] = text
    if not texts:
        texts["tasks.md"] = ""
    load(texts, checklist)


# --- the importer -----------------------------------------------------------------------------------


@SETTINGS
@given(ARBITRARY | MARKDOWN)
def test_import_never_raises_and_reports_lines_inside_the_input(text: str) -> None:
    result = import_text(text)
    count = len(text.replace("\r\n", "\n").replace("\r", "\n").removesuffix("\n").split("\n"))
    assert all(1 <= d.line <= count for d in result.diagnostics)
    assert result.markdown.endswith("\n")
    blocks.parse(result.markdown)
