"""``speckit graph --analyze``: bottlenecks, redundant dependencies and the critical path, through the
real CLI; and networkx stays out of ``speckit check``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SPECKIT = [sys.executable, "-m", "speckit"]

TASKS = """# Tasks: analysed

## Phase 1: Setup

- [x] T001 Create the schema
- [ ] T002 Write the `models` (depends on T001)
- [ ] T003 Write the service (depends on T002, T001)
- [ ] T004 Write the API (depends on T003)
- [ ] T005 Write the docs (depends on T002)
- [ ] T006 Loop one (depends on T007)
- [ ] T007 Loop two (depends on T006)
"""


def _feature(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "specs" / "001-analysed"
    folder.mkdir(parents=True)
    (folder / "tasks.md").write_text(TASKS, encoding="utf-8")
    return folder


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SPECKIT, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)


def test_analyze_names_bottlenecks_redundant_edges_and_the_critical_path(tmp_path: Path) -> None:
    folder = _feature(tmp_path)
    data = json.loads(_run(tmp_path, "graph", str(folder), "--analyze", "--format", "json").stdout)
    # T002 is open and T003, T004, T005 wait on it; T001 is done, so it blocks nothing.
    assert [(b["task"], b["blocks"], b["direct"]) for b in data["bottlenecks"]] == [("T002", 3, 2), ("T003", 1, 1)]
    redundant = [(r["before"], r["after"], r["via"]) for r in data["redundant"]]
    assert redundant == [("T001", "T003", ["T001", "T002", "T003"])]
    assert data["redundant"][0]["line"] == 7
    assert data["critical_path"] == ["T001", "T002", "T003", "T004"] and data["critical_length"] == 4
    assert data["critical_open"] == 3 and sorted(data["left_out"]) == ["T006", "T007"]
    text = _run(tmp_path, "graph", str(folder), "--analyze")
    assert text.returncode == 0, text.stderr
    assert "T002       blocks 3 open tasks (2 directly)  Write the `models`" in text.stdout
    assert "line 7: T003 depends on T001, already through T001 -> T002 -> T003" in text.stdout
    assert "critical path: 4 tasks, 3 open: T001 -> T002 -> T003 -> T004" in text.stdout
    assert "left out, on a dependency cycle: T006, T007" in text.stdout
    both = _run(tmp_path, "graph", str(folder), "--analyze", "--why", "T002")
    assert both.returncode == 2 and "choose one" in both.stderr


def test_the_mermaid_of_speckit_graph_uses_the_site_escaper(tmp_path: Path) -> None:
    folder = _feature(tmp_path)
    (folder / "tasks.md").write_text(TASKS.replace("Write the docs", 'Docs; style x fill:#f00; a --> b "q" %%'),
                                     encoding="utf-8")
    out = _run(tmp_path, "graph", str(folder)).stdout
    line = next(line for line in out.splitlines() if "T005" in line)
    assert "#59;" in line and "#58;" in line and "#37;" in line and "s#116;yle" in line, line  # ; : % and "style"
    assert "`" not in out  # labels are plain text


def test_check_leaves_networkx_out(tmp_path: Path) -> None:
    folder = _feature(tmp_path)
    probe = ("import sys, runpy\n"
             "sys.argv = ['speckit', 'check', sys.argv[1]]\n"
             "try:\n    runpy.run_module('speckit', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "print('networkx' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", probe, str(folder)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stdout + result.stderr
