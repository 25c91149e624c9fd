"""Paths every test area uses. Import them with ``from support import SPECS``: a module named
``conftest`` is ambiguous once test folders have their own conftest.py files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
# The user's own rendered copy lives beside the repository, not in it: a fresh clone has no SEED.
# Tests that need this very file skip, saying so; the importer's comparisons also run on
# render_copy() of the hand-restored plan. SPECKIT_TEST_SEED points elsewhere (a missing path
# shows what a fresh clone runs).
SEED = Path(os.environ.get("SPECKIT_TEST_SEED") or ROOT.parent / "shared" / "seeds" / "aws-sandbox-plan.rendered.txt")


def render_copy(markdown: str) -> str:
    """What copying a rendered page of ``markdown`` out of a browser gives, as in the user's seed
    (../shared/FORMATS.md), so the importer tests need nothing outside the repository:

    - a numbered heading loses its ``#`` marks and ends in its anchor link's zero-width space, other
      headings just lose the marks; code fences, blank lines and ``---`` rules are gone, and so is
      every line's indentation; ``**bold**`` loses its stars;
    - a table's separator row is cut to ``|---|``;
    - every three-byte character is read as ISO-8859-7 with the C1 control bytes dropped: its first
      byte 0xE2 becomes ``β``, a last byte 0x85 (NEL) a line break, other bytes their Greek letter
      (✅ -> ``β`` + line break, ⏳ -> ``β³``, ≤ -> ``β€``, ≥ -> ``β₯``, → and — -> ``β``).
    """
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
            continue
        if not line.strip() or (not fenced and line.strip() == "---"):
            continue
        if not fenced:
            if line.startswith("#"):
                line = line.lstrip("#").strip()
                line += "\u200b" if out and line[:1].isdigit() else ""
            elif line.startswith("|") and set(line.replace("|", "").strip()) <= set("-: "):
                line = "|---|"
            line = line.replace("**", "")
        out.append(line.strip())
    text = "".join(_mojibake(c) for c in "\n".join(out) + "\n")
    return text.replace(_NEL + " ", "\n").replace(_NEL, "\n")  # the cell's space after ✅ goes with it


_NEL = "\ue000"


def _mojibake(char: str) -> str:
    raw = char.encode("utf-8")
    if len(raw) != 3:
        return char
    kept = []
    for byte in raw:
        if byte == 0x85:
            kept.append(_NEL)
        elif not 0x80 <= byte <= 0x9F:
            try:
                kept.append(bytes([byte]).decode("iso8859_7"))
            except UnicodeDecodeError:
                pass  # a byte ISO-8859-7 leaves undefined was dropped too
    return "".join(kept)


def speckit(*args: str | os.PathLike[str], cwd: Path | None = None, cache: bool = False,
            env: dict[str, str] | None = None, input: str | None = None, stdin: Any = None,
            stdout: Any = subprocess.PIPE, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, as a user runs it: this checkout's package, the caller's environment
    without SPECKIT_* settings (plus ``env``), stdin closed unless ``input`` or ``stdin`` is given, the check
    cache off unless ``cache``. Never a traceback, and never exit 3 (an internal error is a bug)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("SPECKIT_")}
    full.update({"PYTHONPATH": str(ROOT), **({} if cache else {"SPECKIT_CACHE": "0"}), **(env or {})})
    run = subprocess.run([sys.executable, "-m", "speckit", *map(os.fsdecode, args)], cwd=cwd or ROOT, env=full,
                         input=input, stdin=stdin if stdin is not None or input is not None else subprocess.DEVNULL,
                         stdout=stdout,
                         stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace", timeout=timeout,
                         check=False)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.returncode != 3, run.stderr
    return run


def invoke(*args: str, cwd: Path | None = None,
           env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in this process (a subprocess per call costs ~0.5 s under load): the real entry point
    (``speckit.cli.main``), its exit codes and error printing, run in ``cwd`` with ``env`` set for the
    call (None removes a variable; all is restored after), streams held by click's CliRunner and
    decoded with backslash escapes (a name that is not UTF-8 stays visible); :func:`speckit` for the
    real process."""
    from click.testing import CliRunner

    from speckit.cli import main

    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click 8.1; 8.2 always separates
    except TypeError:
        runner = CliRunner()
    old = Path.cwd()
    with runner.isolation(env=env) as streams:
        os.chdir(cwd or old)
        try:
            main(list(args))
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        finally:
            os.chdir(old)
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return subprocess.CompletedProcess(["speckit", *args], code, out.decode("utf-8", "backslashreplace"),
                                       err.decode("utf-8", "backslashreplace"))


PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
GIT = ["git", "-c", "user.name=speckit-test", "-c", "user.email=test@speckit.invalid", "-c", "commit.gpgsign=false"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def hook_repo(dest: Path) -> Path:
    """A git repository holding this working tree's package and hook definition (for pre-commit)."""
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_vendor")
    for name in ("pyproject.toml", "hatch_build.py", "README.md", ".pre-commit-hooks.yaml", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    for name in ("speckit", "templates", "extensions"):  # pyproject force-includes extensions/ in the wheel
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "hook under test")
    return dest


def need_module(name: str, reason: str | None = None) -> Any:
    """``pytest.importorskip(name)``, except under CI (the ``CI`` variable set), where the test
    extra always installs it: there a missing module fails the suite instead of skipping it."""
    import pytest

    if os.environ.get("CI"):
        import importlib

        try:
            return importlib.import_module(name)
        except ImportError as error:
            pytest.fail(f"{name} cannot be imported under CI ({error}); the test extra installs it", pytrace=False)
    return pytest.importorskip(name, reason=reason or f"{name} is not installed (the test extra installs it)")
