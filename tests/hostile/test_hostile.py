"""The hostile-input corpus: every case runs the real CLI in a subprocess, with its expected outcome
(exit code, a diagnostic or an error line) and a time bound (``@pytest.mark.timeout``).

Big inputs are generated here, never committed. Exit codes: 0 read (with diagnostics), 1 ``check``
found errors, 2 unreadable input or bad usage, 3 an internal error (a bug: never expected here).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import ROOT, speckit

from speckit.cli import COMMANDS
from speckit.parse import load_feature


def one_error_line(run: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 2 and exactly one line on stderr that says what went wrong."""
    assert run.returncode == 2, (run.returncode, run.stderr)
    lines = run.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith(("speckit: error:", "Error:"))]
    assert len(errors) == 1, run.stderr
    if errors[0].startswith("speckit: error:"):
        assert len(lines) == 1, run.stderr  # our own errors: nothing but that line
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def feature(root: Path, name: str, tasks: str | bytes) -> Path:
    folder = root / "specs" / name
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(tasks, bytes):
        (folder / "tasks.md").write_bytes(tasks)
    else:
        (folder / "tasks.md").write_text(tasks, encoding="utf-8", newline="")
    return folder


def show(root: Path, target: str, timeout: float = 120) -> dict[str, Any]:
    run = speckit("show", target, "--format", "json", cwd=root, timeout=timeout)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def check(root: Path, target: str, timeout: float = 120) -> tuple[int, list[dict[str, Any]]]:
    run = speckit("check", target, "--format", "json", cwd=root, timeout=timeout)
    assert run.returncode in (0, 1), run.stderr
    return run.returncode, json.loads(run.stdout)["diagnostics"]


def task_ids(model: dict[str, Any]) -> list[str]:
    return [task["id"] for task in model["tasks"]]


# --- size ----------------------------------------------------------------------------------------


@pytest.mark.timeout(150)
def test_five_megabyte_tasks_md_with_50000_tasks(tmp_path: Path) -> None:
    lines = ["# Tasks: big", ""]
    for phase in range(10):
        lines += [f"## Phase {phase + 1}: Part {phase + 1}", ""]
        for i in range(phase * 5000 + 1, phase * 5000 + 5001):
            lines.append(f"- [ ] T{i:05d} [P] Implement part {i} of the generated workload in "
                         f"src/pkg/module_{i:05d}.py, carefully and with its tests")
        lines.append("")
    folder = feature(tmp_path, "big", "\n".join(lines))
    assert (folder / "tasks.md").stat().st_size >= 5_000_000
    # 'check' through the CLI (the hook's path), the count in process: a second CLI run to print
    # 50,000 tasks as JSON would double the case's time and prove nothing more.
    code, diagnostics = check(tmp_path, "specs/big")
    assert code == 0 and diagnostics == []
    tasks = load_feature(folder).tasks
    assert len(tasks) == 50_000
    assert tasks[-1].id == "T50000" and tasks[-1].line == len(lines) - 1


@pytest.mark.timeout(60)
def test_one_megabyte_single_lines(tmp_path: Path) -> None:
    # Plain words, a run of "[" (quadratic in the file-path pattern until fixed: 170 s), and one of
    # "|" and "*" (table and emphasis scanners).
    body = "\n".join([
        "# Tasks: long",
        "",
        "- [ ] T001 " + "word " * 200_000,
        "- [ ] T002 " + "[" * 1_000_000,
        "- [ ] T003 " + "[x" * 500_000,
        "| " * 500_000,
        "- [ ] T004 " + "**" * 500_000,
        "- [ ] T005 depends on " + ", ".join(f"T{i}" for i in range(6, 20_000)),
        "",
    ])
    feature(tmp_path, "long", body)
    model = show(tmp_path, "specs/long", timeout=50)
    assert task_ids(model)[:5] == ["T001", "T002", "T003", "T004", "T005"]
    assert len(model["tasks"][4]["depends_on"]) == 19_994 and model["diagnostics"] == []
    code, diagnostics = check(tmp_path, "specs/long", timeout=50)
    # T005 depends on 19,994 tasks that do not exist: each is reported, at its line, and nothing else.
    assert code == 1 and len(diagnostics) == 19_994
    assert {(d["rule"], d["line"]) for d in diagnostics} == {("graph/unknown-ref", 8)}


# --- nesting -------------------------------------------------------------------------------------

DEEP_LIST = "".join("  " * i + "- level\n" for i in range(2000))
DEEP_QUOTE = "".join(">" * i + " level\n" for i in range(1, 2001))


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("name", "deep"), [("lists", DEEP_LIST), ("quotes", DEEP_QUOTE)])
def test_two_thousand_levels_then_a_task_list(tmp_path: Path, name: str, deep: str) -> None:
    """The tasks after the deep part are found, and parse/too-deep says where the nesting was cut."""
    text = "# Tasks: deep\n\n## Phase 1: Setup\n\n" + deep + "\n- [ ] T001 after the deep part\n- [ ] T002 also\n"
    feature(tmp_path, name, text)
    model = show(tmp_path, f"specs/{name}")
    assert task_ids(model) == ["T001", "T002"]
    assert model["tasks"][0]["line"] == 4 + 2000 + 2
    deep_diags = [d for d in model["diagnostics"] if d["rule"] == "parse/too-deep"]
    assert deep_diags and 5 <= deep_diags[0]["line"] <= 60
    code, diagnostics = check(tmp_path, f"specs/{name}")
    assert code == 0 and [(d["rule"], d["severity"]) for d in diagnostics] == [("parse/too-deep", "warning")]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("prefix", ["  " * 2000 + "- ", ">" * 2000 + " - ", "> - " * 1000])
def test_a_task_two_thousand_levels_deep_is_still_found(tmp_path: Path, prefix: str) -> None:
    text = "# Tasks: deep\n\n" + prefix + "[ ] T001 deep down\n\n- [ ] T002 after\n"
    feature(tmp_path, "deep", text)
    model = show(tmp_path, "specs/deep")
    assert task_ids(model) == ["T001", "T002"]
    assert [d["line"] for d in model["diagnostics"] if d["rule"] == "parse/too-deep"] == [3]


# --- bytes and line ends -------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_nul_and_control_characters(tmp_path: Path) -> None:
    text = ("# Tasks: ctl\n\n- [ ] T001 Do\x00 it\x01\x02\x1b[31m red\x1b[0m \x7f\x85 \u2028 \ufeff end\n"
            "- [ ] T002 \x0b\x0c form feed\n- [ ] T003 last\n")
    feature(tmp_path, "ctl", text)
    model = show(tmp_path, "specs/ctl")
    assert task_ids(model) == ["T001", "T002", "T003"]
    assert [t["line"] for t in model["tasks"]] == [3, 4, 5]
    # NUL is shown as U+FFFD, as CommonMark says; every other character is kept as written
    assert model["tasks"][0]["text"] == "T001 Do\ufffd it\x01\x02\x1b[31m red\x1b[0m \x7f\x85 \u2028 \ufeff end"
    assert [t["title"] for t in model["tasks"][1:]] == ["form feed", "last"]
    assert check(tmp_path, "specs/ctl") == (0, [])


@pytest.mark.timeout(30)
def test_invalid_utf8_is_exit_2_with_the_byte_offset(tmp_path: Path) -> None:
    data = "# Tasks: bad\n\n- [ ] T001 café\n".encode() + b"- [ ] T002 caf\xe9\n"
    feature(tmp_path, "bad", data)
    offset = data.index(b"\xe9")
    for command in ("show", "check"):
        one_error_line(speckit(command, "specs/bad", cwd=tmp_path), "specs/bad/tasks.md", f"byte offset {offset}")
    one_error_line(speckit("import", "specs/bad/tasks.md", cwd=tmp_path), f"byte offset {offset}")


@pytest.mark.timeout(30)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_utf16_with_a_bom_and_utf8_with_a_bom_are_read(tmp_path: Path, encoding: str) -> None:
    text = "# Tasks: wide\n\n- [ ] T001 ünïcödé\n- [ ] T002 二番目\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    feature(tmp_path, "wide", data)
    model = show(tmp_path, "specs/wide")
    assert task_ids(model) == ["T001", "T002"] and model["tasks"][1]["title"] == "二番目"
    assert [t["line"] for t in model["tasks"]] == [3, 4]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n\r\n"])
def test_crlf_and_lone_cr(tmp_path: Path, newline: str) -> None:
    lines = ["# Tasks: ends", "", "- [ ] T001 first", "- [x] T002 second (depends on T001)"]
    feature(tmp_path, "ends", newline.join(lines) + newline)
    model = show(tmp_path, "specs/ends")
    assert task_ids(model) == ["T001", "T002"]
    assert model["tasks"][1]["depends_on"] == ["T001"] and model["tasks"][1]["done"]
    if newline != "\n\r\n":  # "\n\r\n" is two line ends: lines double
        assert [t["line"] for t in model["tasks"]] == [3, 4]
        assert not model["tasks"][0]["title"].endswith("\r")


# --- the file system -----------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_tasks_md_that_is_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "specs" / "dir"
    (folder / "tasks.md").mkdir(parents=True)
    (folder / "spec.md").write_text("# Feature Specification: dir\n", encoding="utf-8")
    one_error_line(speckit("show", "specs/dir", cwd=tmp_path), "tasks.md", "directory")
    one_error_line(speckit("check", "specs/dir", cwd=tmp_path), "tasks.md", "directory")
    one_error_line(speckit("show", "specs/dir/tasks.md", cwd=tmp_path), "directory")


@pytest.mark.timeout(30)
def test_tasks_md_that_is_a_fifo_or_a_device(tmp_path: Path) -> None:
    """A FIFO would block the reader forever and /dev/zero never ends: both are refused at once."""
    folder = tmp_path / "specs" / "pipe"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "tasks.md")
    (folder / "plan.md").symlink_to("/dev/zero")
    for command in ("show", "check"):
        one_error_line(speckit(command, "specs/pipe", cwd=tmp_path, timeout=20), "not a regular file")
    one_error_line(speckit("import", "specs/pipe/plan.md", cwd=tmp_path, timeout=20), "not a regular file")


def _without_file_permissions_bypass() -> list[str]:
    """Root reads a chmod-000 file anyway (CAP_DAC_OVERRIDE). Dropping that capability (and
    CAP_DAC_READ_SEARCH) with util-linux's setpriv makes root obey file modes, so the case runs as
    root too; as any other user chmod alone does it."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a chmod-000 file stays readable to root")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


@pytest.mark.timeout(30)
def test_unreadable_file_permission_denied(tmp_path: Path) -> None:
    folder = feature(tmp_path, "locked", "# Tasks: locked\n\n- [ ] T001 x\n")
    (folder / "tasks.md").chmod(0)
    try:
        prefix = _without_file_permissions_bypass()
        for command in ("show", "check"):
            run = subprocess.run([*prefix, sys.executable, "-m", "speckit", command, "specs/locked"], cwd=tmp_path,
                                 capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                 timeout=30, check=False)
            assert "Traceback" not in run.stderr
            one_error_line(run, "specs/locked/tasks.md", "permission denied")
    finally:
        (folder / "tasks.md").chmod(0o644)


@pytest.mark.timeout(60)
def test_symlink_loops_under_the_specs_root(tmp_path: Path) -> None:
    good = feature(tmp_path, "001-good", "# Tasks: good\n\n- [ ] T001 fine\n")
    (good / "loop").symlink_to(tmp_path / "specs")  # a folder link back up to the root
    (tmp_path / "specs" / "a").symlink_to(tmp_path / "specs" / "b")  # a -> b -> a
    (tmp_path / "specs" / "b").symlink_to(tmp_path / "specs" / "a")
    selfish = tmp_path / "specs" / "002-self"
    selfish.mkdir()
    (selfish / "tasks.md").symlink_to(selfish / "tasks.md")  # ELOOP on open
    # Every feature under the root: the looping links are not followed (001-good is read once,
    # without a finding); the looping document is the one error, and the exit code says so.
    run = speckit("check", "--format", "json", cwd=tmp_path, timeout=50)
    one_error_line(run, "specs/002-self")
    report = json.loads(run.stdout)
    assert [(d["rule"], d["path"]) for d in report["diagnostics"]] == [("input/unreadable", "specs/002-self")]
    assert show(tmp_path, "001-good")["tasks"][0]["id"] == "T001"
    one_error_line(speckit("show", "specs/002-self/tasks.md", cwd=tmp_path), "002-self/tasks.md", "symbolic link")
    one_error_line(speckit("show", "specs/a", cwd=tmp_path), "specs/a", "symbolic link")


# --- graphs --------------------------------------------------------------------------------------


@pytest.mark.timeout(150)
def test_dependency_chain_100000_tasks_long(tmp_path: Path) -> None:
    lines = ["# Tasks: chain", "", "## Phase 1: Setup", "", "- [ ] T000001 start"]
    lines += [f"- [ ] T{i:06d} step {i} (depends on T{i - 1:06d})" for i in range(2, 100_001)]
    feature(tmp_path, "chain", "\n".join(lines) + "\n")
    code, diagnostics = check(tmp_path, "specs/chain", timeout=140)
    assert code == 0 and not [d for d in diagnostics if d["severity"] == "error"]


@pytest.mark.timeout(120)
def test_ring_of_10000_tasks_reports_one_short_readable_cycle(tmp_path: Path) -> None:
    n = 10_000
    lines = ["# Tasks: ring", "", "## Phase 1: Setup", ""]
    lines += [f"- [ ] T{i:05d} step {i} (depends on T{i % n + 1:05d})" for i in range(1, n + 1)]
    feature(tmp_path, "ring", "\n".join(lines) + "\n")
    code, diagnostics = check(tmp_path, "specs/ring", timeout=110)
    assert code == 1
    cycles = [d for d in diagnostics if d["rule"] == "graph/cycle"]
    assert len(cycles) == 1
    message = cycles[0]["message"]
    assert len(message) < 400, message  # shortened, not 10,000 ids
    assert "T00001" in message and str(n) in message.replace(",", "")
    text = speckit("check", "specs/ring", cwd=tmp_path, timeout=110)
    assert text.returncode == 1 and len(text.stdout) < 2000


# --- every command, bad arguments ------------------------------------------------------------------

BAD_ARGUMENTS: dict[str, tuple[list[str], str]] = {
    # command: (arguments, what the one error line must say)
    "show": (["no/such/feature"], "no such file"),
    "schema": (["extra"], "unexpected extra argument"),
    "check": (["no/such/feature"], "no such file"),
    "graph": (["no/such/feature"], "no such file"),
    "next": (["no/such/feature"], "no such file"),
    "done": (["no/such/feature", "T001"], "no such file"),
    "build": (["no/such/feature"], "no such file"),
    "checklist": (["no/such/feature"], "no such file"),
    "run": (["no/such/feature"], "no such file"),
    "docs": (["build", "no/such/root"], "no such file"),
    "init": (["a-file"], "is a file"),
    "specify": ([""], "empty"),
    "plan": (["no/such/feature"], "no such file"),
    "tasks": (["no/such/feature"], "no such file"),
    "templates": (["list", "--no-such-option"], "no such option"),
    "config": (["get", "no.such.key"], "unknown config key"),
    "import": (["no/such/copy.txt"], "no such file"),
    "completion": (["tcsh"], "is not one of"),
    "lsp": (["--port", "2087"], "no such option"),
    "mcp": (["--root", "no/such/dir"], "no such folder"),
}


def test_the_bad_argument_table_covers_every_command() -> None:
    assert set(BAD_ARGUMENTS) == set(COMMANDS)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", sorted(BAD_ARGUMENTS))
def test_every_command_bad_argument_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    args, needle = BAD_ARGUMENTS[command]
    line = one_error_line(speckit(command, *args, cwd=tmp_path, timeout=50))
    assert needle.lower() in line.lower(), line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing written on the way


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", ["show", "check", "import"])
def test_debug_shows_the_traceback(tmp_path: Path, command: str) -> None:
    run = subprocess.run([sys.executable, "-m", "speckit", "--debug", command, "no/such/thing.md"], cwd=tmp_path,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=50,
                         check=False)
    assert run.returncode != 0
    assert "Traceback" in run.stderr and "InputError" in run.stderr


# --- import on hostile input ---------------------------------------------------------------------


@pytest.mark.timeout(90)
def test_import_survives_the_corpus(tmp_path: Path) -> None:
    cases = {
        "deep.txt": DEEP_LIST + DEEP_QUOTE,
        "long.txt": "Plan\n1. Part\n" + "β" * 300_000 + "\n" + "[" * 500_000 + "\n" + "{\n" * 20_000,
        "ctl.txt": "Plan\x00\n1. A\x1bβ\n| a | β\n|\n# c\x85\n",
        "big.txt": "Plan\n" + "".join(f"{i}. Section {i}β\n| a | b |\n|---|\n| 1 | β\n|\nnpm run x{i}\n"
                                      for i in range(1, 20_001)),
    }
    kept = {  # what must come through each case: nothing a person wrote vanishes
        "deep.txt": [("level", 4000)],
        "long.txt": [("β", 300_000), ("[" * 500_000, 1), ("{", 20_000)],
        "ctl.txt": [("# Plan\x00\n", 1), ("```bash\n# c…\n```", 1)],  # ftfy: a lone 0x85 was …
        "big.txt": [("| 1 | ✅ |", 20_000), ("```bash\nnpm run x", 20_000), ("\n## 999. Section 999\n", 1)],
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        run = speckit("import", name, "-o", name + ".md", "--quiet", cwd=tmp_path, timeout=80)
        assert run.returncode == 0, (name, run.stderr[-2000:])
        assert run.stderr.endswith(f"Markdown written to {name}.md\n"), run.stderr[-500:]
        markdown = (tmp_path / (name + ".md")).read_text(encoding="utf-8")
        for needle, count in kept[name]:
            assert markdown.count(needle) == count, (name, needle[:20], markdown.count(needle))
