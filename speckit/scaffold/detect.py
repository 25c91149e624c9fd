"""What a repository already says about its technology, for a new plan's Technical Context.

Only facts written in the project's own manifest files are used; anything else stays
``NEEDS CLARIFICATION`` for a person to decide.
"""

from __future__ import annotations

import json
import re
from pathlib import Path


def technical_context(root: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    pyproject = _read(root / "pyproject.toml")
    package = _read(root / "package.json")
    gomod = _read(root / "go.mod")
    cargo = _read(root / "Cargo.toml")
    if pyproject is not None:
        requires = re.search(r'(?m)^\s*requires-python\s*=\s*"([^"]+)"', pyproject)
        found["Language/Version"] = f"Python {requires.group(1)}" if requires else "Python"
        if re.search(r"\bpytest\b", pyproject):
            found["Testing"] = "pytest"
    elif package is not None:
        try:
            data = json.loads(package)
        except ValueError:
            data = {}
        deps: dict[str, object] = {}
        for key in ("dependencies", "devDependencies"):
            section = data.get(key) if isinstance(data, dict) else None
            if isinstance(section, dict):  # a hand-written package.json may hold a list here
                deps.update(section)
        typescript = "typescript" in deps or (root / "tsconfig.json").is_file()
        found["Language/Version"] = "TypeScript (Node.js)" if typescript else "JavaScript (Node.js)"
        runner = next((name for name in ("vitest", "jest", "mocha", "ava") if name in deps), None)
        if runner:
            found["Testing"] = runner
    elif gomod is not None:
        version = re.search(r"(?m)^go\s+(\S+)", gomod)
        found["Language/Version"] = f"Go {version.group(1)}" if version else "Go"
        found["Testing"] = "go test"
    elif cargo is not None:
        edition = re.search(r'(?m)^\s*edition\s*=\s*"(\d+)"', cargo)
        found["Language/Version"] = f"Rust (edition {edition.group(1)})" if edition else "Rust"
        found["Testing"] = "cargo test"
    return found


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    except OSError:
        return None
