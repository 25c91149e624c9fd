"""The peer comparison's corpus: the same seeded content written once as OpenSpec changes and once
as Spec Kit features (issue #7: 200 changes, 1,000 requirements, 2,000 scenarios, 2,000 tasks,
about 860 KB of Markdown on each side).

One change = one feature: its five requirements are the feature's FR-001..FR-005 (in OpenSpec a
``### Requirement:`` block, in Spec Kit a ``- **FR-00n**:`` line plus a user story that carries the
requirement's two scenarios as Given/When/Then), its proposal is the plan, its ten tasks are the
tasks. The prose is the same on both sides, so neither parser gets less text to read.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from corpus import VERBS, sentence, slug, words

CHANGES = 200
REQUIREMENTS = 5
SCENARIOS = 2  # per requirement
TASKS = 10


@dataclass
class Requirement:
    title: str
    text: str
    scenarios: list[tuple[str, str, str, str]]  # name, given, when, then


@dataclass
class Change:
    name: str
    why: str
    what: list[str]
    impact: str
    requirements: list[Requirement]
    tasks: list[str]


def make_changes(count: int = CHANGES, seed: int = 11) -> list[Change]:
    rng = random.Random(seed)
    changes = []
    for _ in range(count):
        requirements = [
            Requirement(
                title=f"{rng.choice(VERBS).title()} {words(rng, 2, 3)}",
                text=f"The system SHALL {rng.choice(VERBS)} {words(rng, 8, 14)}.",
                scenarios=[
                    (
                        words(rng, 2, 4).capitalize(),
                        f"a user with {rng.randint(1, 90)} {words(rng, 2, 3)}",
                        f"they {rng.choice(VERBS)} the {words(rng, 2, 4)}",
                        f"{words(rng, 5, 9)} within {rng.randint(1, 9)} seconds",
                    )
                    for _ in range(SCENARIOS)
                ],
            )
            for _ in range(REQUIREMENTS)
        ]
        changes.append(Change(
            name=f"add-{slug(rng)}", why=" ".join(sentence(rng, 14, 22) for _ in range(2)),
            what=[sentence(rng, 8, 14) for _ in range(3)], impact=sentence(rng, 10, 16),
            requirements=requirements, tasks=[f"{rng.choice(VERBS).title()} {words(rng, 5, 9)}" for _ in range(TASKS)],
        ))
    return changes


def write_openspec(root: Path, changes: list[Change]) -> Path:
    """``root/openspec/changes/<name>/{proposal.md, tasks.md, specs/<capability>/spec.md}``."""
    base = root / "openspec"
    (base / "specs").mkdir(parents=True, exist_ok=True)
    (base / "config.yaml").write_text("schema: spec-driven\n", encoding="utf-8")
    for change in changes:
        folder = base / "changes" / change.name
        capability = change.name.removeprefix("add-")
        (folder / "specs" / capability).mkdir(parents=True, exist_ok=True)
        (folder / ".openspec.yaml").write_text("schema: spec-driven\ncreated: 2026-03-01\n", encoding="utf-8")
        proposal = ["# Proposal", "", "## Why", "", change.why, "", "## What Changes", ""]
        proposal += [f"- {line}" for line in change.what]
        proposal += ["", "## Capabilities", "", "### New Capabilities", "", f"- `{capability}`: {change.what[0]}", "",
                     "### Modified Capabilities", "", "## Impact", "", change.impact, ""]
        (folder / "proposal.md").write_text("\n".join(proposal), encoding="utf-8")
        spec = [
            "# Spec Delta",
            "",
            "## Purpose",
            "",
            change.what[0] + " " + change.impact,
            "",
            "## ADDED Requirements",
            "",
        ]
        for requirement in change.requirements:
            spec += [f"### Requirement: {requirement.title}", requirement.text, ""]
            for name, given, when, then in requirement.scenarios:
                spec += [
                    f"#### Scenario: {name}",
                    f"- **GIVEN** {given}",
                    f"- **WHEN** {when}",
                    f"- **THEN** {then}",
                    "",
                ]
        (folder / "specs" / capability / "spec.md").write_text("\n".join(spec), encoding="utf-8")
        tasks = ["# Tasks", "", "## 1. Implementation", ""]
        tasks += [f"- [ ] 1.{i} {task}" for i, task in enumerate(change.tasks, 1)]
        (folder / "tasks.md").write_text("\n".join(tasks) + "\n", encoding="utf-8")
    return base


def write_speckit(root: Path, changes: list[Change]) -> Path:
    """``root/specs/<nnn>-<name>/{spec.md, plan.md, tasks.md}`` with the same counts and prose."""
    specs = root / "specs"
    for number, change in enumerate(changes, 1):
        folder = specs / f"{number:03d}-{change.name}"
        folder.mkdir(parents=True, exist_ok=True)
        spec = [
            f"# Feature Specification: {change.name}",
            "",
            "**Status**: Draft",
            "",
            "## User Scenarios & Testing",
            "",
        ]
        for index, requirement in enumerate(change.requirements, 1):
            # Short story prose: OpenSpec has no such fields, and the two corpora should weigh the same.
            spec += [
                f"### User Story {index} - {requirement.title} (Priority: P{min(index, 3)})",
                "",
                f"**Why this priority**: FR-{index:03d}.",
                "",
                f"**Independent Test**: {requirement.scenarios[0][0]}.",
                "",
                "**Acceptance Scenarios**:",
                "",
            ]
            spec += [f"{i}. **Given** {given}, **When** {when}, **Then** {then}"
                     for i, (_, given, when, then) in enumerate(requirement.scenarios, 1)]
            spec.append("")
        spec += ["## Requirements", ""]
        spec += [f"- **FR-{i:03d}**: {r.text}" for i, r in enumerate(change.requirements, 1)]
        spec += ["", "## Success Criteria", "", f"- **SC-001**: {change.impact}", ""]
        (folder / "spec.md").write_text("\n".join(spec), encoding="utf-8")
        plan = [f"# Implementation Plan: {change.name}", "", "## Summary", "", change.why, "", "## Changes", ""]
        plan += [f"- {line}" for line in change.what] + ["", "## Impact", "", change.impact, ""]
        (folder / "plan.md").write_text("\n".join(plan), encoding="utf-8")
        tasks = [f"# Tasks: {change.name}", ""]
        for i, task in enumerate(change.tasks, 1):
            story = (i - 1) // 2 + 1
            if i % 2:
                title = change.requirements[story - 1].title
                tasks += ["", f"## Phase {story}: User Story {story} - {title} (Priority: P{min(story, 3)})", ""]
            tasks.append(f"- [ ] T{i:03d} [US{story}] {task} (FR-{story:03d})")
        (folder / "tasks.md").write_text("\n".join(tasks) + "\n", encoding="utf-8")
    return specs


def markdown_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.md"))
