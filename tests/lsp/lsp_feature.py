"""A small feature written for the language-server tests."""

from __future__ import annotations

from pathlib import Path

SPEC = """# Feature Specification: Reminders

## User Scenarios & Testing

### User Story 1 - Schedule a reminder (Priority: P1)

As a team member, I want to schedule a reminder so that the team does not forget a meeting.

**Why this priority**: it is the whole point.

**Independent Test**: schedule one reminder and see it posted in the channel.

**Acceptance Scenarios**:

1. **Given** a channel, **When** a member schedules a reminder for 10:00, **Then** it is posted at 10:00.

### User Story 2 - Cancel a reminder (Priority: P2)

As a team member, I want to cancel a reminder so that nobody is reminded of a cancelled meeting.

**Why this priority**: mistakes happen.

**Independent Test**: cancel a scheduled reminder and see that it is not posted.

**Acceptance Scenarios**:

1. **Given** a scheduled reminder, **When** its author cancels it, **Then** it is not posted.

## Requirements

### Functional Requirements

- **FR-001**: The system MUST post a reminder in its channel at its time.
- **FR-002**: The system MUST let the author cancel a reminder before its time.

## Success Criteria

- **SC-001**: 99% of reminders are posted within one minute of their time.
"""

TASKS = """# Tasks: Reminders

## Phase 1: Setup

- [ ] T001 Create the project structure in src/
- [X] T002 [P] Configure linting in ruff.toml

## Phase 2: User Story 1 - Schedule a reminder (Priority: P1)

- [ ] T003 [US1] Implement scheduling in src/schedule.py (FR-001) (depends on T001)
- [ ] T004 [US1] Post due reminders in src/post.py (FR-001, SC-001) (depends on T003)

## Phase 3: User Story 2 - Cancel a reminder (Priority: P2)

- [ ] T005 [US2] Cancel reminders in src/cancel.py (FR-002) (depends on T004)
"""

PLAN = """# Implementation Plan: Reminders

## Summary

Post reminders on time (T004 does the posting).

## Technical Context

**Language/Version**: Python 3.12
"""


def write_feature(root: Path, name: str = "001-reminders") -> Path:
    folder = root / "specs" / name
    folder.mkdir(parents=True)
    (root / ".git").mkdir(exist_ok=True)  # the repository's top: evidence and config are looked up to here
    (folder / "spec.md").write_text(SPEC, encoding="utf-8")
    (folder / "tasks.md").write_text(TASKS, encoding="utf-8")
    (folder / "plan.md").write_text(PLAN, encoding="utf-8")
    return folder
