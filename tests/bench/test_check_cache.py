"""'speckit check' with the cache, end to end: a warm run says exactly what a cold one says, and
every input the result depends on (documents, config, files on disk) invalidates it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SPEC = """# Feature Specification: Demo

## User Scenarios & Testing

### User Story 1 - Export a report (Priority: P1)

As an auditor, I want to export the report, so that I can file it.

**Why this priority**: Filing is the whole point.

**Independent Test**: Export one report and open it.

**Acceptance Scenarios**:

1. **Given** a report, **When** the auditor exports it, **Then** a file appears within 5 seconds.

## Requirements

- **FR-001**: System MUST export reports.

## Success Criteria

- **SC-001**: 95% of exports finish within 5 seconds.
"""
PLAN = """# Implementation Plan: Demo

## Required Artifacts

| Artifact | Path | Status |
|---|---|---|
| Export log | evidence/export.log | ✅ |
"""
TASKS = """# Tasks: Demo

## Phase 1: User Story 1 - Export a report (Priority: P1)

- [ ] T001 [US1] Export the report in src/export.py (FR-001, SC-001)
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "specs" / "001-demo"
    folder.mkdir(parents=True)
    for name, text in (("spec.md", SPEC), ("plan.md", PLAN), ("tasks.md", TASKS)):
        (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / ".git").mkdir()  # the repository root: where .speckit/cache/ goes
    return tmp_path


def check(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SPECKIT_")}
    return subprocess.run([sys.executable, "-m", "speckit", "check", "specs", *args], cwd=repo, text=True,
                          capture_output=True, env={**clean, **env}, stdin=subprocess.DEVNULL, timeout=60)


def entries(repo: Path) -> list[Path]:
    return sorted((repo / ".speckit" / "cache").rglob("*.json"))


def test_a_warm_run_repeats_the_cold_one_from_the_cache(repo: Path) -> None:
    cold = check(repo, "--format", "json")
    assert cold.returncode == 1 and "evidence/missing-artifact" in cold.stdout
    stored = entries(repo)
    assert len(stored) == 1
    before = stored[0].stat().st_mtime_ns
    warm = check(repo, "--format", "json")
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert entries(repo) == stored and stored[0].stat().st_mtime_ns == before  # read, not rewritten


def test_an_edited_document_is_checked_again(repo: Path) -> None:
    check(repo)
    tasks = repo / "specs" / "001-demo" / "tasks.md"
    tasks.write_text(TASKS + "- [ ] T002 [US1] Test the export (depends on T999)\n", encoding="utf-8")
    assert "graph/unknown-ref" in check(repo).stdout


def test_a_file_that_appears_on_disk_clears_a_cached_finding(repo: Path) -> None:
    assert "evidence/missing-artifact" in check(repo).stdout
    (repo / "evidence").mkdir()
    (repo / "evidence" / "export.log").write_text("exported\n")
    again = check(repo)
    assert again.returncode == 0 and "evidence/missing-artifact" not in again.stdout
    (repo / "evidence" / "export.log").unlink()
    assert "evidence/missing-artifact" in check(repo).stdout


def test_a_config_change_is_seen(repo: Path) -> None:
    assert "evidence/missing-artifact" in check(repo).stdout
    (repo / "speckit.yaml").write_text("rules:\n  evidence/missing-artifact: off\n")
    assert check(repo).returncode == 0


def test_turned_off_it_writes_nothing_and_a_broken_cache_is_not_an_error(repo: Path) -> None:
    check(repo, SPECKIT_CACHE="0")
    assert entries(repo) == []
    (repo / "speckit.yaml").write_text("cache: false\n")
    check(repo)
    assert entries(repo) == []
    (repo / "speckit.yaml").unlink()
    (repo / ".speckit").mkdir()
    (repo / ".speckit" / "cache").write_text("not a folder")
    broken = check(repo)
    assert broken.returncode == 1 and "evidence/missing-artifact" in broken.stdout and broken.stderr == ""
