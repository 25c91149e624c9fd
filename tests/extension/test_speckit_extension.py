"""The Spec Kit extension (extensions/speckit-compiler) installed by Spec Kit's own CLI, and speckit
against the templates that CLI ships: the real ``specify`` from PyPI (specify-cli, in the test
extra), offline (its ``init`` scaffolds from assets bundled in the package). ~25 s in all."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from spec_kit_fill import FEATURE, fill_plan, fill_spec, fill_tasks
from support import ROOT, need_module

need_module("specify_cli", reason="specify-cli (Spec Kit's CLI) is not installed: pip install specify-cli")

pytestmark = pytest.mark.timeout(180)

EXTENSION = ROOT / "extensions" / "speckit-compiler"
SPECIFY = shutil.which("specify", path=str(Path(sys.executable).parent)) or shutil.which("specify")

# Where Spec Kit 1.x puts an extension's commands for each agent: skills for Claude Code and
# Copilot, TOML commands for Gemini.
AGENT_FILES = {
    "claude": [".claude/skills/speckit-compiler-check/SKILL.md", ".claude/skills/speckit-compiler-fix/SKILL.md"],
    "copilot": [".github/skills/speckit-compiler-check/SKILL.md", ".github/skills/speckit-compiler-fix/SKILL.md"],
    "gemini": [".gemini/commands/speckit.compiler.check.toml", ".gemini/commands/speckit.compiler.fix.toml"],
}


def specify(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert SPECIFY, "specify-cli is installed but its 'specify' command is not on PATH"
    home = cwd / ".home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    done = subprocess.run([SPECIFY, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, f"specify {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done


def speckit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECIFY_")}  # only .specify/feature.json counts
    return subprocess.run([sys.executable, "-m", "speckit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, check=False, env=env)


def init(tmp_path: Path, integration: str) -> Path:
    specify(tmp_path, "init", "proj", "--integration", integration, "--non-interactive", "--ignore-agent-tools",
            "--script", "sh")
    project = tmp_path / "proj"
    assert (project / ".specify" / "templates" / "spec-template.md").is_file()
    return project


@pytest.mark.parametrize("integration", sorted(AGENT_FILES))
def test_specify_extension_add_puts_the_commands_where_the_agent_reads_them(tmp_path: Path, integration: str) -> None:
    project = init(tmp_path, integration)
    added = specify(project, "extension", "add", "--dev", str(EXTENSION))
    assert "speckit compiler checks" in added.stdout
    for name in AGENT_FILES[integration]:
        text = (project / name).read_text(encoding="utf-8")  # a link into .specify/extensions for --dev: followed
        assert "speckit check --current --format json" in text
        assert "$ARGUMENTS" in text or "{{args}}" in text
    hooks = YAML(typ="safe").load((project / ".specify" / "extensions.yml").read_text(encoding="utf-8"))["hooks"]
    for event in ("after_plan", "after_tasks"):
        (hook,) = [h for h in hooks[event] if h["extension"] == "compiler"]
        assert hook["command"] == "speckit.compiler.fix" and hook["optional"] is False and hook["enabled"] is True
    assert "compiler" in specify(project, "extension", "list").stdout
    if integration == "claude":
        specify(project, "extension", "remove", "compiler", "--force")
        assert not any((project / name).exists() for name in AGENT_FILES[integration])


def test_spec_kit_templates_filled_check_clean_and_current_feature_is_found(tmp_path: Path) -> None:
    project = init(tmp_path, "claude")
    subprocess.run(["git", "init", "-q", "-b", "main", str(project)], check=True)
    # /speckit.specify's own script makes the folder and records it in .specify/feature.json.
    made = subprocess.run(["bash", ".specify/scripts/bash/create-new-feature.sh", "--json", "--short-name",
                           "team-export", "Let team admins export and import their reminders"],
                          cwd=project, capture_output=True, text=True, timeout=60, check=True, stdin=subprocess.DEVNULL)
    assert json.loads(made.stdout.splitlines()[0])["BRANCH_NAME"] == FEATURE
    assert json.loads((project / ".specify" / "feature.json").read_text())["feature_directory"] == f"specs/{FEATURE}"

    # As created, spec.md is the bare template: speckit names its placeholders.
    raw = speckit(project, "check", "--current", "--format", "json")
    assert raw.returncode == 0, raw.stderr
    leftovers = [d for d in json.loads(raw.stdout)["diagnostics"] if d["rule"] == "spec/template-leftover"]
    assert any("[FEATURE NAME]" in d["message"] for d in leftovers)

    templates = project / ".specify" / "templates"
    folder = project / "specs" / FEATURE
    documents = {"spec.md": fill_spec((templates / "spec-template.md").read_text(encoding="utf-8")),
                 "plan.md": fill_plan((templates / "plan-template.md").read_text(encoding="utf-8")),
                 "tasks.md": fill_tasks((templates / "tasks-template.md").read_text(encoding="utf-8"))}
    for name, text in documents.items():
        left = [m for m in re.findall(r"\[[^\]\n]{2,}\]", text) if m not in ("[P]", "[Story]", "[ID]", "[P?]")
                and not re.fullmatch(r"\[US\d\]|\[spec\.md\]", m)]
        assert not left, f"{name}: the filler left template placeholders (a new template?): {left}"
        (folder / name).write_text(text, encoding="utf-8")

    checked = speckit(project, "check", "--current", "--format", "json")
    report = json.loads(checked.stdout)
    assert checked.returncode == 0 and report["summary"]["features"] == 1, checked.stderr
    assert [d for d in report["diagnostics"] if d["severity"] == "error"] == []
    assert report["diagnostics"] == [], "speckit finds fault with a feature written from Spec Kit's templates"
    model = json.loads(speckit(project, "show", f"specs/{FEATURE}", "--format", "json").stdout)
    assert [s["id"] for s in model["spec"]["stories"]] == ["US1", "US2", "US3"]
    assert len(model["spec"]["requirements"]) == 5 and len(model["tasks"]) == 34
    assert model["tasks"][13]["depends_on"] == ["T012", "T013"]

    # The same feature with a real fault fails, at its line.
    tasks = folder / "tasks.md"
    tasks.write_text(tasks.read_text().replace("in src/export/models.py (FR-001)",
                                               "in src/export/models.py (FR-001) (depends on T014)"))
    broken = speckit(project, "check", "--current")
    assert broken.returncode == 1 and "[graph/cycle]" in broken.stdout and f"specs/{FEATURE}/tasks.md:" in broken.stdout
