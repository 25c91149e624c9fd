"""Seeded generator of benchmark corpora: Spec Kit feature folders, an equivalent OpenSpec tree, and
large dependency graphs.

Features follow the shapes in ``../shared/FORMATS.md``: a current-template spec.md (stories with
why / independent test / Given-When-Then scenarios, FR and SC ids, entities, edge cases,
clarifications), a plan.md in Spec Kit's style or in the seed's table-heavy numbered style (phases
with fenced bash steps, a critical path, validation and artifact tables, approval gates), and a
tasks.md with Setup / Foundational / story / Polish phases, ``[P]`` and ``[USn]`` labels, file paths,
requirement references and dependency phrases. Sizes vary around the survey's mean (4.4 MB over 227
folders, about 19 KB a feature). The same seed gives the same bytes.

    python benchmarks/corpus.py OUT --features 1000 --seed 7
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

WORDS = (
    "account audit batch billing cache channel cluster config consumer dashboard deadline delivery "
    "deploy device digest domain draft event export feed file filter gateway group import index "
    "invoice job ledger limit lock log member message metric notice order owner page partition "
    "payment policy profile queue quota record region release report request retry role rule "
    "schedule schema search secret session setting share snapshot source stage status stream "
    "subscription summary sync team template tenant ticket token topic trace upload usage user "
    "version view webhook window workspace zone"
).split()
VERBS = (
    "create update archive export import list review approve reject schedule cancel retry publish "
    "sync merge split rotate restore validate notify filter rank search tag share pin assign"
).split()
ROLES = ("team member", "workspace admin", "billing owner", "support agent", "auditor", "release manager")
DIRS = (
    "src/models",
    "src/services",
    "src/api",
    "src/cli",
    "src/jobs",
    "tests/unit",
    "tests/contract",
    "tests/integration",
)


def words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    text = words(rng, low, high)
    return text[0].upper() + text[1:] + "."


def slug(rng: random.Random) -> str:
    return "-".join(rng.sample(WORDS, 3))


@dataclass
class Shape:
    """How big one feature is."""

    stories: int = 4
    scenarios: int = 3  # per story
    requirements: int = 12
    criteria: int = 5
    tasks_per_story: int = 7
    setup_tasks: int = 4
    polish_tasks: int = 4
    seed_plan: bool = False
    plan_steps: int = 6
    prose: int = 3  # paragraphs of free text per section
    extra: dict[str, int] = field(default_factory=dict)


def random_shape(rng: random.Random) -> Shape:
    """Sizes around the survey's mean, with a long tail (a few features with ~300 tasks)."""
    big = rng.random() < 0.03
    stories = rng.randint(2, 6) if not big else rng.randint(8, 12)
    return Shape(
        stories=stories,
        scenarios=rng.randint(2, 5),
        requirements=rng.randint(6, 18) if not big else rng.randint(30, 50),
        criteria=rng.randint(3, 7),
        tasks_per_story=rng.randint(4, 9) if not big else rng.randint(20, 28),
        setup_tasks=rng.randint(3, 6),
        polish_tasks=rng.randint(3, 7),
        seed_plan=rng.random() < 0.3,
        plan_steps=rng.randint(3, 9),
        prose=rng.randint(1, 3),
    )


HOOK_SHAPE = Shape(stories=6, scenarios=4, requirements=18, criteria=6, tasks_per_story=8, plan_steps=8, prose=3)
"""The hook figure's feature: three documents, about 30 KB (issue #7)."""


def spec_md(rng: random.Random, name: str, folder: str, shape: Shape) -> str:
    out = [f"# Feature Specification: {name.replace('-', ' ').title()}", "",
           f"**Feature Branch**: `{folder}`", "", f"**Created**: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "",
           "**Status**: Draft", "", f'**Input**: User description: "{sentence(rng)}"', "",
           "## User Scenarios & Testing *(mandatory)*", ""]
    for number in range(1, shape.stories + 1):
        role = rng.choice(ROLES)
        out += [
            f"### User Story {number} - {rng.choice(VERBS).title()} {words(rng, 2, 4)} (Priority: P{min(number, 3)})",
            "",
            f"As a {role}, I want to {rng.choice(VERBS)} the {words(rng, 2, 3)}, so that {words(rng, 6, 12)}. "
            + " ".join(sentence(rng) for _ in range(shape.prose)),
            "",
            f"**Why this priority**: {sentence(rng, 12, 24)}",
            "",
            f"**Independent Test**: {sentence(rng, 10, 20)} Confirm it within {rng.randint(2, 60)} seconds.",
            "",
            "**Acceptance Scenarios**:",
            "",
        ]
        for scenario in range(1, shape.scenarios + 1):
            out.append(f"{scenario}. **Given** a {role} with {rng.randint(1, 500)} {rng.choice(WORDS)} records, "
                       f"**When** they {rng.choice(VERBS)} the {words(rng, 2, 4)}, **Then** {words(rng, 6, 12)} within "
                       f"{rng.randint(1, 30)} seconds.")
        out += ["", "---", ""]
    out += ["### Edge Cases", ""] + [f"- {sentence(rng)} {sentence(rng)}" for _ in range(rng.randint(3, 6))]
    out += ["", "## Requirements *(mandatory)*", "", "### Functional Requirements", ""]
    out += [f"- **{rid}**: System MUST {rng.choice(VERBS)} {words(rng, 8, 20)}." for rid in requirement_ids(shape)]
    out += ["", "### Key Entities", ""] + [f"- **{w.title()}**: {sentence(rng)}" for w in rng.sample(WORDS, 4)]
    out += ["", "## Success Criteria *(mandatory)*", "", "### Measurable Outcomes", ""]
    out += [
        f"- **SC-{i:03d}**: {rng.randint(90, 99)}% of {words(rng, 3, 6)} complete within {rng.randint(1, 10)} seconds."
        for i in range(1, shape.criteria + 1)
    ]
    out += ["", "## Assumptions", ""] + [f"- {sentence(rng)}" for _ in range(rng.randint(2, 5))]
    out += ["", "## Clarifications", "", "### Session 2026-03-01", ""]
    out += [f"- Q: {sentence(rng, 6, 10)[:-1]}? → A: {sentence(rng, 4, 10)}" for _ in range(rng.randint(1, 4))]
    return "\n".join(out) + "\n"


def requirement_ids(shape: Shape) -> list[str]:
    return [f"FR-{i:03d}" for i in range(1, shape.requirements + 1)]


def plan_md(rng: random.Random, name: str, folder: str, shape: Shape) -> str:
    return (seed_plan_md if shape.seed_plan else speckit_plan_md)(rng, name, folder, shape)


def speckit_plan_md(rng: random.Random, name: str, folder: str, shape: Shape) -> str:
    keys = ("Language/Version", "Primary Dependencies", "Storage", "Testing", "Target Platform", "Project Type",
            "Performance Goals", "Constraints", "Scale/Scope")
    out = [f"# Implementation Plan: {name.replace('-', ' ').title()}", "",
           f"**Branch**: `{folder}` | **Date**: 2026-03-02 | **Spec**: [spec.md](./spec.md)", "",
           "## Summary", ""] + [sentence(rng, 20, 40) for _ in range(shape.prose)]
    out += ["", "## Technical Context", ""]
    for key in keys:
        out += [f"**{key}**: {words(rng, 3, 10)}", ""]
    out += [
        "## Constitution Check",
        "",
        "*GATE: Must pass before Phase 0 research. Re-check after Phase 1 design.*",
        "",
    ]
    out += [f"- [x] {words(rng, 2, 3).title()}: {sentence(rng)}" for _ in range(5)]
    out += ["", "## Project Structure", "", "```text"]
    out += [f"{d}/{rng.choice(WORDS)}_{rng.choice(WORDS)}.py" for d in DIRS for _ in range(2)]
    out += ["```", ""]
    for step in range(1, shape.plan_steps + 1):
        out += (
            [f"## Phase {step}: {words(rng, 2, 4).title()}", ""]
            + [sentence(rng, 15, 30) for _ in range(shape.prose)]
            + [""]
        )
    out += [
        "## Complexity Tracking",
        "",
        "| Violation | Why Needed | Simpler Alternative Rejected Because |",
        "|---|---|---|",
    ]
    out += [
        f"| {words(rng, 2, 4)} | {sentence(rng, 5, 10)} | {sentence(rng, 5, 10)} |" for _ in range(rng.randint(1, 4))
    ]
    return "\n".join(out) + "\n"


def seed_plan_md(rng: random.Random, name: str, folder: str, shape: Shape) -> str:
    """The seed's style: numbered sections, many tables, phases whose steps are bash blocks."""
    out = [
        f"# Implementation Plan: {name.replace('-', ' ').title()}",
        "",
        "**Status**: APPROVED",
        "",
        "**Created**: 2026-02-02",
        "",
        f"**Spec Reference**: specs/{folder}/spec.md",
        "",
        "## 0. Sprint Planning",
        "",
        "### 0.1 Sprint Planning Checklist",
        "",
        "| Phase | Task | Owner | Status |",
        "|---|---|---|---|",
    ]
    out += [f"| {rng.choice(('Preparation', 'Meeting', 'Follow-up'))} | {words(rng, 3, 6)} | {rng.choice(ROLES)} | "
            f"{rng.choice(('✅', '⏳ Pending'))} |" for _ in range(6)]
    out += ["", "## 1. Plan Overview", "", "### 1.1 Objective", ""] + [
        sentence(rng, 15, 30) for _ in range(shape.prose)
    ]
    chain = [f"BLOCK-{i:03d}" for i in range(3)]
    out += [
        "",
        "### 1.2 Critical Path",
        "",
        " → ".join(f"{b} (Phase {i + 1})" for i, b in enumerate(chain)) + " → release",
        "",
    ]
    out += ["## 3. Implementation Phases", ""]
    for phase in range(1, 4):
        out += [f"### 3.{phase} Phase {phase}: {words(rng, 1, 2).upper()}", ""]
        for step in range(1, shape.plan_steps // 3 + 2):
            out += [
                f"#### 3.{phase}.{step} {rng.choice(VERBS).title()} {words(rng, 2, 3)}",
                "",
                "```bash",
                f"# {sentence(rng, 4, 8)}",
                f"npm run {rng.choice(VERBS)}:{rng.choice(WORDS)} -- --{rng.choice(WORDS)}",
                "# Expected output:",
                f"# {rng.randint(1, 40)}/{rng.randint(40, 60)} PASS",
                "```",
                "",
            ]
        out += [f"#### 3.{phase}.9 HITL Approval Gate (Phase {phase})", "", f"**Approver**: {rng.choice(ROLES)}", ""]
    out += ["## 4. Validation Criteria", "", "| Layer | Check | Pass Criteria |", "|---|---|---|"]
    out += [f"| Layer {i} | {words(rng, 2, 4)} | {rng.randint(90, 100)}% pass |" for i in range(1, 6)]
    out += ["", "## 5. Required Artifacts", "", "| Artifact | Path | Status |", "|---|---|---|"]
    out += [f"| {words(rng, 2, 3)} | tmp/evidence/{rng.choice(WORDS)}-{i}.log | ⏳ Pending |" for i in range(1, 5)]
    out += ["", "## 6. Risks", "", "| Risk | Likelihood | Mitigation |", "|---|---|---|"]
    out += [
        f"| {words(rng, 3, 5)} | {rng.choice(('Low', 'Medium', 'High'))} | {sentence(rng, 5, 9)} |" for _ in range(4)
    ]
    return "\n".join(out) + "\n"


def tasks_md(rng: random.Random, name: str, shape: Shape) -> str:
    requirements = requirement_ids(shape)
    uncovered = list(requirements)
    criteria = [f"SC-{i:03d}" for i in range(1, shape.criteria + 1)]
    total = 2 * shape.setup_tasks + shape.stories * shape.tasks_per_story + shape.polish_tasks
    done_upto = rng.randint(0, total)  # work is done front to back, as in real task lists
    number = 0
    out = [
        f"# Tasks: {name.replace('-', ' ').title()}",
        "",
        "**Input**: Design documents from the feature folder",
        "",
        "## Format: `[ID] [P?] [Story] Description`",
        "",
        "- **[P]**: Can run in parallel (different files, no dependencies)",
        "",
    ]

    def task(story: int | None, phase_first: int, parallel: bool) -> str:
        nonlocal number
        number += 1
        path = f"{rng.choice(DIRS)}/{rng.choice(WORDS)}_{rng.choice(WORDS)}_{number}.py"
        parts = [f"- [{'X' if number <= done_upto else ' '}] T{number:03d}"]
        if parallel:
            parts.append("[P]")
        if story:
            parts.append(f"[US{story}]")
        parts.append(f"{rng.choice(VERBS).title()} {words(rng, 3, 9)} in {path}")
        refs = [uncovered.pop(0)] if uncovered and story else []
        if not story and phase_first > 2 * shape.setup_tasks and criteria:
            refs = [criteria.pop(0)]  # Polish tasks measure the success criteria
        if refs:
            parts.append(f"({', '.join(refs)})")
        if not parallel and number > phase_first:
            # Explicit dependencies stay inside the phase and point backwards: the graph is a DAG.
            deps = sorted(rng.sample(range(phase_first, number), min(2, number - phase_first)))
            parts.append(f"(depends on {', '.join(f'T{d:03d}' for d in deps)})")
        return " ".join(parts)

    def phase(title: str, count: int, story: int | None) -> None:
        first = number + 1
        out.extend([f"## {title}", "", f"**Purpose**: {sentence(rng)}", ""])
        out.extend(task(story, first, i > 0 and rng.random() < 0.4) for i in range(count))
        out.extend(["", f"**Checkpoint**: {sentence(rng, 5, 10)}", "", "---", ""])

    phase("Phase 1: Setup (Shared Infrastructure)", shape.setup_tasks, None)
    phase("Phase 2: Foundational (Blocking Prerequisites)", shape.setup_tasks, None)
    for story in range(1, shape.stories + 1):
        mvp = " 🎯 MVP" if story == 1 else ""
        phase(f"Phase {story + 2}: User Story {story} - {words(rng, 2, 4).title()} (Priority: P{min(story, 3)}){mvp}",
              shape.tasks_per_story, story)
    while uncovered:  # every requirement is referenced by some story task
        out.append(task(rng.randint(1, shape.stories), number + 1, True))
    out.append("")
    phase(f"Phase {shape.stories + 3}: Polish & Cross-Cutting Concerns", max(shape.polish_tasks, shape.criteria), None)
    out += ["## Dependencies & Execution Order", "", sentence(rng, 20, 40), ""]
    return "\n".join(out)


def write_feature(folder: Path, rng: random.Random, shape: Shape) -> int:
    """Write spec.md, plan.md and tasks.md; returns the bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    name = folder.name.split("-", 1)[-1]
    texts = {"spec.md": spec_md(rng, name, folder.name, shape), "plan.md": plan_md(rng, name, folder.name, shape),
             "tasks.md": tasks_md(rng, name, shape)}
    for file, text in texts.items():
        (folder / file).write_text(text, encoding="utf-8")
    return sum(len(t.encode()) for t in texts.values())


def write_corpus(root: Path, features: int, seed: int = 7) -> list[Path]:
    """``features`` feature folders under ``root`` (the specs root); same seed, same bytes."""
    rng = random.Random(seed)
    folders = []
    for number in range(1, features + 1):
        folder = root / f"{number:04d}-{slug(rng)}"
        write_feature(folder, rng, random_shape(rng))
        folders.append(folder)
    return folders


def write_hook_feature(root: Path, seed: int = 7) -> Path:
    folder = root / "0001-hook-feature"
    write_feature(folder, random.Random(seed), HOOK_SHAPE)
    return folder


def graph_edges(tasks: int, edges: int, seed: int = 7) -> list[list[int]]:
    """A DAG as predecessor lists: task i depends on tasks before it, mostly nearby (as real task
    lists do), some far back; exactly ``edges`` edges."""
    rng = random.Random(seed)
    per_task = edges // max(tasks - 1, 1)
    wants = [0] + [min(node, per_task) for node in range(1, tasks)]
    node = tasks - 1
    while sum(wants) < edges and node > 0:  # the early tasks cannot have many predecessors: top up the late ones
        wants[node] += min(node - wants[node], edges - sum(wants))
        node -= 1
    preds: list[list[int]] = [[] for _ in range(tasks)]
    for node in range(1, tasks):
        want = wants[node]
        chosen: set[int] = set()
        while len(chosen) < want:
            back = rng.randint(1, min(node, 50)) if rng.random() < 0.8 else rng.randint(1, node)
            chosen.add(node - back)
        preds[node] = sorted(chosen)
    return preds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the specs root to fill")
    parser.add_argument("--features", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folders = write_corpus(args.out, args.features, args.seed)
    size = sum(f.stat().st_size for folder in folders for f in folder.iterdir())
    print(f"{len(folders)} features, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
