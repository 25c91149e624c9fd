"""What a workflow job must set up before a plan's commands can run on ``ubuntu-latest``.

Detected from the repository's files (``package.json`` and its ``packageManager`` and ``engines``,
``bun.lockb``, ``pyproject.toml``, ``go.mod``, ``Cargo.toml``, compose files) and from the words the
plan's commands call (``bun``, ``npm``, ``go``, ``docker compose`` ...). Each tool carries the reason it
was chosen, which the workflow prints in its header, and the setup steps it needs (none for what
the runner image already has: Rust through rustup, Docker with Compose v2).

ubuntu-latest has no bun: the first job of a bun project failed there before this (#14).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SETUP_NODE = "actions/setup-node@v4"
SETUP_PYTHON = "actions/setup-python@v5"
SETUP_GO = "actions/setup-go@v5"
SETUP_BUN = "oven-sh/setup-bun@v2"
SETUP_PNPM = "pnpm/action-setup@v4"
SETUP_UV = "astral-sh/setup-uv@v6"

_WORDS = {
    "node": ("node", "npm", "npx", "yarn", "pnpm", "corepack"),
    "pnpm": ("pnpm",),
    "bun": ("bun", "bunx"),
    "python": ("python", "python3", "pip", "pip3", "pytest", "poetry", "pipx", "tox", "nox"),
    "uv": ("uv", "uvx"),
    "go": ("go",),
    "rust": ("cargo", "rustc", "rustup"),
    "docker": ("docker", "docker-compose"),
}


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    reasons: tuple[str, ...] = field(metadata={"doc": "why: the files and the steps whose commands call it"})
    steps: tuple[dict[str, Any], ...] = field(metadata={"doc": "workflow steps that set it up; none if preinstalled"})
    note: str = ""

    def describe(self) -> str:
        how = ", ".join(str(s.get("uses") or s.get("run")) for s in self.steps) or self.note
        return f"{self.name} ({how}): {'; '.join(self.reasons)}"


def _calls(commands: str, words: tuple[str, ...]) -> bool:
    """Does a command line (not a comment) start a program named one of ``words``? A word counts at
    the start of a line or after ``&&``, ``||``, ``;``, ``|``, ``$(`` or ``sudo``/``exec``/``env``."""
    pattern = re.compile(r"(?:^|[;&|(`]|\bsudo\s|\bexec\s|\benv\s|\btime\s)\s*(?:[A-Z_]+=\S*\s+)*("
                         + "|".join(re.escape(w) for w in words) + r")(?=\s|$)")
    for line in commands.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or not stripped:
            continue
        if pattern.search(stripped):
            return True
    return False


def _package_json(root: Path) -> dict[str, Any]:
    try:
        data = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _version_after(spec: object, manager: str) -> str | None:
    """``pnpm@9.1.0+sha512...`` -> ``9.1.0`` when ``spec`` names ``manager``."""
    if not isinstance(spec, str) or not spec.startswith(manager + "@"):
        return None
    version = spec.split("@", 1)[1].split("+", 1)[0]
    return version if re.fullmatch(r"[0-9A-Za-z.^~<>=*x-]+", version) else None


def detect(root: Path, steps: list[tuple[str, str]]) -> list[Tool]:
    """The tools the plan's commands need, in setup order. ``steps``: (step id, commands)."""

    def users(tool: str) -> list[str]:
        return [step for step, commands in steps if _calls(commands, _WORDS[tool])]

    def why(files: list[str], tool: str) -> list[str]:
        reasons = list(files)
        called = users(tool)
        if called:
            shown = ", ".join(called[:4]) + (f" and {len(called) - 4} more" if len(called) > 4 else "")
            reasons.append(f"the commands of {shown} call {'/'.join(w for w in _WORDS[tool] if _calls_any(w))}")
        return reasons

    def _calls_any(word: str) -> bool:
        return any(_calls(commands, (word,)) for _, commands in steps)

    def present(*names: str) -> list[str]:
        return [name for name in names if (root / name).is_file()]

    package = _package_json(root)
    manager: str = package["packageManager"] if isinstance(package.get("packageManager"), str) else ""
    engines: dict[str, Any] = package["engines"] if isinstance(package.get("engines"), dict) else {}
    tools: list[Tool] = []

    pnpm_files = present("pnpm-lock.yaml") + (["package.json packageManager " + manager]
                                               if _version_after(manager, "pnpm") else [])
    pnpm = why(pnpm_files, "pnpm")
    if pnpm:
        # The action reads packageManager itself, and fails when a version is given beside it.
        with_ = {} if _version_after(manager, "pnpm") else {"with": {"version": 10}}
        tools.append(Tool("pnpm", tuple(pnpm), ({"uses": SETUP_PNPM, **with_},)))

    node = why(present("package.json", ".nvmrc", ".node-version"), "node")
    if node:
        version_file = next(iter(present(".nvmrc", ".node-version")), None)
        engine = engines.get("node") if isinstance(engines.get("node"), str) else None
        if version_file:
            setting: dict[str, Any] = {"node-version-file": version_file}
        elif engine and re.fullmatch(r"[0-9A-Za-z.^~<>=*x| -]+", engine):
            setting = {"node-version": engine}
            node.append(f"package.json engines.node {engine}")
        else:
            setting = {"node-version": "lts/*"}
        node_steps: list[dict[str, Any]] = [{"uses": SETUP_NODE, "with": setting}]
        if manager.startswith("yarn@"):
            node_steps.append({"name": "corepack (yarn)", "run": "corepack enable"})
            node.append(f"package.json packageManager {manager}")
        tools.append(Tool("node", tuple(node), tuple(node_steps)))

    bun_files = present("bun.lockb", "bun.lock", "bunfig.toml")
    bun_version = _version_after(manager, "bun")
    if bun_version:
        bun_files.append(f"package.json packageManager {manager}")
    bun = why(bun_files, "bun")
    if bun:
        tools.append(Tool("bun", tuple(bun), ({"uses": SETUP_BUN, **({"with": {"bun-version": bun_version}}
                                                                     if bun_version else {})},)))

    python = why(present("pyproject.toml", "requirements.txt", "setup.py", ".python-version"), "python")
    if python:
        if (root / ".python-version").is_file():
            py: dict[str, Any] = {"python-version-file": ".python-version"}
        else:
            py = {"python-version": "3.x"}
        tools.append(Tool("python", tuple(python), ({"uses": SETUP_PYTHON, "with": py},)))
    uv = why(present("uv.lock"), "uv")
    if uv:
        tools.append(Tool("uv", tuple(uv), ({"uses": SETUP_UV},)))

    go = why(present("go.mod"), "go")
    if go:
        setting = {"go-version-file": "go.mod"} if (root / "go.mod").is_file() else {"go-version": "stable"}
        tools.append(Tool("go", tuple(go), ({"uses": SETUP_GO, "with": setting},)))

    rust = why(present("Cargo.toml", "rust-toolchain.toml", "rust-toolchain"), "rust")
    if rust:
        tools.append(Tool("rust", tuple(rust), (), "preinstalled on ubuntu-latest through rustup, which "
                                                     "honours rust-toolchain.toml"))

    docker = why(present("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"), "docker")
    if users("docker"):
        note = "Docker and Compose v2 are preinstalled on ubuntu-latest"
        if _calls_any("docker-compose"):
            note += "; the old docker-compose command is not: write docker compose"
        tools.append(Tool("docker", tuple(docker), (), note))
    return tools
