"""Paths every test area uses. Import them with ``from support import SPECS``: a module named
``conftest`` is ambiguous once test folders have their own conftest.py files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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
