"""Running the real CLI on attack files the tests make (shared by the boundary, sandbox, site and
exit-code cases)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def one_line(run: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 2 and one ``speckit: error:`` line on stderr that holds every needle."""
    assert run.returncode == 2, (run.returncode, run.stdout[-2000:], run.stderr)
    errors = [line for line in run.stderr.splitlines() if line.startswith(("speckit: error:", "Error:"))]
    assert len(errors) == 1, run.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


TASKS = """# Tasks: Demo

## Phase 1: Setup

- [ ] T001 Create the project structure
- [ ] T002 Add the dependencies (depends on T001)
"""

SPEC = """# Feature Specification: Demo

**Status**: Draft

## User Scenarios & Testing

### User Story 1 - Remind the team (Priority: P1)

As a team lead, I want reminders so that nobody forgets.

**Independent Test**: a reminder arrives.

**Acceptance Scenarios**:

1. **Given** a reminder, **When** its time comes, **Then** the channel gets it.

## Requirements

- **FR-001**: System MUST send reminders.
"""


def feature(root: Path, name: str | bytes = "001-demo", tasks: str = TASKS, spec: str | None = SPEC) -> Path:
    specs = root / "specs"
    specs.mkdir(parents=True, exist_ok=True)
    folder = Path(os.fsdecode(os.path.join(os.fsencode(specs), os.fsencode(name))))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tasks.md").write_text(tasks, encoding="utf-8")
    if spec is not None:
        (folder / "spec.md").write_text(spec, encoding="utf-8")
    return folder
