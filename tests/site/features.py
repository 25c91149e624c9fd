"""Feature folders written for the site tests: a hostile one, a large one, and many generated ones."""

from __future__ import annotations

from pathlib import Path

# Each of these has broken a Mermaid diagram or an HTML page somewhere: quotes and brackets end
# labels and shapes, '#' starts entities and comments, ';' ends statements, '-->' is an edge,
# %%{...}%% is a directive, 'style ...#x;' is rewritten by mermaid before parsing, backticks start
# markdown strings, and <script> / onerror must stay text.
HOSTILE = [
    'Say "hi" [x] (y) {z} #1; a --> b',
    "<script>window.__pwned = 'title'</script> & <b>bold</b>",
    "絵文字 🚀✅ 日本語のタスク",
    'style: #fff; classDef x fill:#f00; %%{init: {"theme":"dark"}}%%',
    "end",
    "subgraph graph TD; A-->B | pipes | `backticks` \\ back\\slash",
    '<img src=x onerror="window.__pwned = 1"> :colon: after:x, 3d',
]

SPEC = """# Feature Specification: {title}

**Feature Branch**: `hostile`
**Status**: Draft <img src=x onerror="window.__pwned = 'status'">

## User Scenarios & Testing

### User Story 1 - {story} (Priority: P1)

As a user I want {story} so that nothing breaks.

**Why this priority**: {why}

**Independent Test**: build the site and open every page.

**Acceptance Scenarios**:

1. **Given** {given}, **When** the site is built, **Then** every diagram renders

<script>window.__pwned = "raw html block"</script>

<!-- ACTION REQUIRED: a hidden note <script>window.__pwned = "comment"</script> -->

## Requirements

### Functional Requirements

- **FR-001**: System MUST show {req} as text.
- **FR-002**: System MUST keep working [NEEDS CLARIFICATION: which "browsers" #1; -->?]

## Success Criteria

- **SC-001**: 100% of the diagrams render; {title}
"""

TASKS = """# Tasks: {title}

## Phase 1: Setup {phase1}

- [ ] T001 [P] {t0}
- [x] T002 {t1} (depends on T001)
- [ ] T003 [P] {t2} per FR-001

## Phase 2: User Story 1 - {phase2} (Priority: P1) 🎯 MVP

- [ ] T004 [US1] {t3} (depends on T003)
- [ ] T005 [US1] {t4} (depends on T006)
- [ ] T006 [US1] {t5} (depends on T005)
- [ ] T007 [US1] {t6} (depends on T004) per SC-001
"""

PLAN = """# Implementation Plan: {title}

**Branch**: `hostile` | **Date**: 2026-01-01

## Summary

An authored diagram, passed through as the author wrote it:

```mermaid
flowchart LR
  A["start"] --> B["end"]
```

<div onclick="window.__pwned = 'div'">raw HTML in the plan</div>

```bash
echo "<script>window.__pwned = 'code'</script>"
```
"""


def write_hostile(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    h = HOSTILE
    (folder / "spec.md").write_text(SPEC.format(title=h[0] + " " + h[1], story=h[3], why=h[5], given=h[6], req=h[1]),
                                    encoding="utf-8")
    (folder / "tasks.md").write_text(TASKS.format(title=h[2], phase1=h[0], phase2=h[2] + " " + h[4],
                                                  **{f"t{i}": text for i, text in enumerate(h)}), encoding="utf-8")
    (folder / "plan.md").write_text(PLAN.format(title=h[1]), encoding="utf-8")
    return folder


def write_generated(folder: Path, number: int, phases: int = 4, per_phase: int = 6, done_every: int = 3,
                    chained: bool = True) -> Path:
    """A plausible feature: stories, requirements, and phases of chained tasks (``chained=False``:
    tasks that name no dependency, which Mermaid lays side by side)."""
    folder.mkdir(parents=True, exist_ok=True)
    stories = max(1, phases - 2)
    spec = [f"# Feature Specification: Generated feature {number}", "", "**Status**: Draft", "",
            "## User Scenarios & Testing", ""]
    for s in range(1, stories + 1):
        spec += [f"### User Story {s} - Do thing {s} of feature {number} (Priority: P{s})", "",
                 f"As a user I want thing {s} so that work {s} gets done.", "",
                 "**Why this priority**: it delivers value on its own.", "",
                 "**Independent Test**: run the feature's suite for this story.", "",
                 "**Acceptance Scenarios**:", "",
                 f"1. **Given** a team, **When** it does thing {s}, **Then** 3 reminders are sent within 5 seconds", ""]
    spec += ["## Requirements", ""] + [f"- **FR-{r:03d}**: System MUST handle case {r}." for r in range(1, 6)]
    spec += ["", "## Success Criteria", "", "- **SC-001**: 95% of reminders arrive within 5 seconds.", ""]
    (folder / "spec.md").write_text("\n".join(spec), encoding="utf-8")
    tasks = [f"# Tasks: Generated feature {number}", ""]
    n = 0
    for p in range(1, phases + 1):
        if p == 1:
            tasks += ["## Phase 1: Setup (Shared Infrastructure)", ""]
        elif p <= stories + 1:
            tasks += [f"## Phase {p}: User Story {p - 1} - Thing {p - 1} (Priority: P{p - 1})", ""]
        else:
            tasks += [f"## Phase {p}: Polish & Cross-Cutting Concerns", ""]
        for k in range(per_phase):
            n += 1
            box = "x" if n % done_every == 0 else " "
            story = f" [US{p - 1}]" if 1 < p <= stories + 1 else ""
            dep = f" (depends on T{n - 1:03d})" if k and chained else ""
            ref = f" per FR-{(n % 5) + 1:03d}" if story else ""
            tasks.append(f"- [{box}] T{n:03d}{story} Implement part {n} in `src/part_{n}.py`{dep}{ref}")
        tasks.append("")
    (folder / "tasks.md").write_text("\n".join(tasks), encoding="utf-8")
    return folder
