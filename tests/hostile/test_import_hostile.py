"""Only commands run (#16, items 6, 8 and the exit-3 list): ``speckit import`` fenced prose as bash
("rm -rf what is left of the old build." became a command, and ``speckit run`` ran it), a
``console`` block's output lines ran as commands, a 188-byte line of ``+--+ +--+ ...`` took the
importer 67 s, and closed or endless standard input ended in an internal error.

Each case asserts what ran (a marker file an injected command would create), what was written,
and the exit code; the time cases run every importer shape at 1x and 10x.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support import ROOT, speckit

from speckit.importer import import_text

MARKER = "PWNED"



def one_line(run: subprocess.CompletedProcess[str], needle: str) -> None:
    assert run.returncode == 2, (run.returncode, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], run.stderr


COPY = """Release Plan
1 Cleanup β
rm -rf what is left of the old build.
touch PWNED when the release is done.
make sure the tests pass before you tag
1.1 Build β
echo built >> built.txt
ls -la
cd ..
1.2 Mixed β
echo mixed >> built.txt
touch PWNED once everything is green, then publish.
"""


@pytest.mark.timeout(120)
def test_prose_is_never_fenced_as_bash_and_never_runs(tmp_path: Path) -> None:
    result = import_text(COPY, "copy.txt")
    bash_blocks = re.findall(r"```bash\n(.*?)\n```", result.markdown, re.DOTALL)
    assert bash_blocks == ["echo built >> built.txt\nls -la\ncd .."]
    assert "rm -rf what is left" not in "".join(bash_blocks) and "PWNED" not in "".join(bash_blocks)
    warnings = [d for d in result.diagnostics if d.severity == "warning" and d.rule == "import/code"]
    assert {d.line for d in warnings} == {3, 4, 5, 11}, warnings  # each prose line, and the mixed run
    assert "```text\necho mixed >> built.txt\ntouch PWNED once" in result.markdown

    root = tmp_path / "repo"
    (root / "specs" / "demo").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (tmp_path / "copy.txt").write_text(COPY, encoding="utf-8")
    imported = speckit("import", str(tmp_path / "copy.txt"), "-o", "specs/demo/plan.md", cwd=root)
    assert imported.returncode == 0, imported.stderr
    assert speckit("build", "specs/demo", cwd=root).returncode == 0
    ran = speckit("run", "specs/demo", cwd=root)
    assert ran.returncode == 0, ran.stderr
    assert (root / "built.txt").read_text() == "built\n"  # the real commands ran; the text block did not
    assert not list(tmp_path.rglob(MARKER))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("language", ["console", "shell-session"])
def test_only_prompted_lines_of_a_console_block_run(tmp_path: Path, language: str) -> None:
    plan = (f"# Plan\n\n## 1.1 Check\n\n```{language}\n$ echo ran >> ran.txt\nran\ntouch PWNED\n"
            "# echo root-prompt >> ran.txt\n$ echo one \\\n> two >> ran.txt\nrm -rf ~\n```\n")
    root = tmp_path / "repo"
    (root / "specs" / "demo").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "specs" / "demo" / "plan.md").write_text(plan, encoding="utf-8")
    assert speckit("build", "specs/demo", cwd=root).returncode == 0
    script = (root / "specs/demo/build/run.sh").read_text(encoding="utf-8")
    assert "touch PWNED" not in script and "rm -rf ~" not in script
    for runner in (["bash", "specs/demo/build/run.sh"], [sys.executable, "-m", "speckit", "run", "specs/demo"]):
        (root / "ran.txt").unlink(missing_ok=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(runner, cwd=root, capture_output=True, text=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert (root / "ran.txt").read_text() == "ran\nroot-prompt\none two\n"
        assert not list(tmp_path.rglob(MARKER))


# --- linear time -------------------------------------------------------------------------------

SHAPES: dict[str, Callable[[int], str]] = {
    "ascii-border": lambda n: "+--+ " * n + "x",          # 188 bytes took 67 s (exponential)
    "ascii-border-arrows": lambda n: "+--+-->" * n + "+-",
    "ascii-borders": lambda n: ("+--+ " * n + "\n") * 3 + "x",
    "separator": lambda n: "| a | b |\n|" + " -- |" * n + "x",
    "pipes": lambda n: "| " * n,
    "numbered": lambda n: "1." * n + "x",
    "numbered-lines": lambda n: "".join(f"{i}.{i} Title β\n" for i in range(1, n)),
    "meta": lambda n: "Title\n" + "Key: value\n" * n,
    "token-dash": lambda n: "a" * n + " -",
    "shell-syntax": lambda n: "ls" + " -" * n,
    "prose-like": lambda n: "rm " + "the " * n + ".",
    "quotes": lambda n: "echo " + "'" * n,
    "braces": lambda n: "{\n" * n,
    "connectors": lambda n: "+--+\n" + "   |\n" * n + "+--+\n",
    "beta": lambda n: "1 Title β\n" + "β " * n,
}


def _cost(text: str) -> float:
    start = time.perf_counter()
    import_text(text, "hostile.txt")
    return time.perf_counter() - start


@pytest.mark.timeout(120)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_importer_shape_is_linear(shape: str) -> None:
    make = SHAPES[shape]
    small, large = make(40), make(400)  # 1x is about the 188-byte line of the report
    one = min(_cost(small) for _ in range(3))
    ten = min(_cost(large) for _ in range(3))
    assert ten < 2.0, f"{shape}: {ten:.2f} s at 10x"
    assert ten < 40 * one + 0.05, f"{shape}: {one * 1000:.1f} ms at 1x, {ten * 1000:.1f} ms at 10x"


@pytest.mark.timeout(60)
def test_the_reported_border_line_imports_at_once(tmp_path: Path) -> None:
    line = ("+--+ " * 38)[:187] + "x"
    assert len(line) == 188
    copy = tmp_path / "copy.txt"
    copy.write_text(f"Title\n{line}\n{line * 10}\n", encoding="utf-8")
    started = time.perf_counter()
    run = speckit("import", str(copy), cwd=tmp_path, timeout=30)
    assert run.returncode == 0 and time.perf_counter() - started < 20


# --- closed and endless standard input, closed standard output ---------------------------------

@pytest.mark.timeout(60)
def test_import_from_a_closed_standard_input(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(["bash", "-c", f"exec {sys.executable} -m speckit import - <&-"], cwd=tmp_path,
                         capture_output=True, text=True, env=env, timeout=30, check=False)
    one_line(run, "standard input is closed")


@pytest.mark.timeout(60)
def test_import_from_dev_zero(tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        run = speckit("import", "-", cwd=tmp_path, stdin=zero, timeout=30)
    one_line(run, "more than 64 MB on standard input")


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "specs" / "demo").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "specs" / "demo" / "plan.md").write_text(
        "# Plan\n\n## 1.1 Step\n\n```bash\necho step >> step.txt\n```\n\n## 1.2 Ship (HITL Required)\n\n"
        "```bash\necho shipped >> shipped.txt\n```\n", encoding="utf-8")
    return root


@pytest.mark.timeout(60)
def test_run_with_a_closed_standard_output(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in ("run specs/demo", "run specs/demo --list", "run specs/demo --dry-run"):
        run = subprocess.run(["bash", "-c", f"exec {sys.executable} -m speckit {args} >&-"], cwd=root,
                             capture_output=True, text=True, env=env, timeout=30, check=False)
        one_line(run, "standard output is closed")
    assert not (root / "step.txt").exists()


@pytest.mark.timeout(60)
def test_run_with_a_closed_standard_input_asks_nothing(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(["bash", "-c", f"exec {sys.executable} -m speckit run specs/demo <&-"], cwd=root,
                         capture_output=True, text=True, env=env, timeout=30, check=False)
    assert run.returncode == 75 and "Traceback" not in run.stderr, run.stderr  # the gate waits, as in CI
    waiting = "speckit: 1.2 is waiting for a human approval: re-run with --resume --approve 1.2"
    assert run.stderr.strip().splitlines() == [waiting]
    assert (root / "step.txt").read_text() == "step\n" and not (root / "shipped.txt").exists()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e20", "0", "-1", "ten"])
def test_checklist_timeout_must_be_a_time(tmp_path: Path, value: str) -> None:
    root = _repo(tmp_path)
    run = speckit("checklist", "specs/demo", "--verify", "--timeout", value, cwd=root)
    assert run.returncode == 2
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "--timeout" in errors[0], run.stderr
    assert not (root / "specs/demo/build").exists()
