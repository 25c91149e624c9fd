"""Running the real CLI on attack files the tests make (shared by the boundary, sandbox, site and
exit-code cases)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import ROOT


def speckit(*args: str | os.PathLike[str], cwd: Path, cache: bool = False, timeout: float = 300,
            stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess: never a traceback, never exit 3 (an internal error is a bug)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    if not cache:
        env["SPECKIT_NO_CACHE"] = "1"
    else:
        env.pop("SPECKIT_NO_CACHE", None)
    run = subprocess.run([sys.executable, "-m", "speckit", *map(os.fsdecode, args)], cwd=cwd,
                         capture_output=True, text=True, encoding="utf-8", errors="replace", env=env,
                         timeout=timeout, check=False, input=stdin)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.returncode != 3, run.stderr
    return run


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
