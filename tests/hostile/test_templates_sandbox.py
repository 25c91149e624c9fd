"""Templates cannot run code: a project's ``templates/`` arrive in pull requests, and whoever next
runs ``speckit specify``/``plan``/``tasks`` renders them (issue 16, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_cli import git_repo, one_line
from support import speckit

ESCAPES = [
    '{{ cycler.__init__.__globals__.os.system("touch MARKER") }}',
    '{{ joiner.__init__.__globals__.os.system("touch MARKER") }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}{{ lipsum.__globals__['os'].system('touch MARKER') }}",
    '{% set x = namespace.__init__.__globals__ %}{{ x.os.system("touch MARKER") }}',
    '{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system("touch MARKER") }}',
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = git_repo(tmp_path / "repo")
    assert speckit("init", cwd=root).returncode == 0
    assert speckit("specify", "Team reminders: schedule reminders", cwd=root).returncode == 0
    (root / "templates").mkdir()
    return root


@pytest.mark.timeout(120)
@pytest.mark.parametrize("payload", ESCAPES)
def test_plan_template_cannot_run_python(project: Path, payload: str) -> None:
    (project / "templates" / "plan.md").write_text(f"# Plan\n\n{payload}\n", encoding="utf-8")
    run = speckit("plan", "001", "--dry-run", cwd=project)
    one_line(run, "templates/plan.md:3", "template error")
    assert not (project / "MARKER").exists()
    assert run.stdout == ""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name, command", [("spec.md", ("specify", "Another feature")),
                                           ("tasks.md", ("tasks", "001"))])
def test_every_project_template_is_sandboxed(project: Path, name: str, command: tuple[str, ...]) -> None:
    if name == "tasks.md":
        assert speckit("plan", "001", cwd=project).returncode == 0
    (project / "templates" / name).write_text(ESCAPES[0] + "\n", encoding="utf-8")
    one_line(speckit(*command, "--dry-run", cwd=project), f"templates/{name}:1", "unsafe")
    assert not (project / "MARKER").exists()


@pytest.mark.timeout(120)
def test_template_cannot_mutate_what_it_is_given(project: Path) -> None:
    (project / "templates" / "plan.md").write_text("{{ gates.append(1) }}{{ gates }}\n", encoding="utf-8")
    one_line(speckit("plan", "001", "--dry-run", cwd=project), "templates/plan.md:1", "unsafe")


@pytest.mark.timeout(120)
def test_ordinary_project_template_still_renders(project: Path) -> None:
    (project / "templates" / "plan.md").write_text(
        "# Plan: {{ feature }}\n\n{% for gate in gates %}- {{ gate.heading | upper }}\n{% endfor %}"
        "{{ phases | length }} {{ '%s-%s' % ('a', 'b') }} {{ technical_context | list | length > 0 }}\n",
        encoding="utf-8")
    run = speckit("plan", "001", "--dry-run", cwd=project)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# Plan: Team reminders")
    assert "a-b True" in run.stdout


@pytest.mark.timeout(120)
def test_spec_kit_template_is_filled_not_evaluated(project: Path) -> None:
    """Spec Kit's templates are plain Markdown with [TOKENS]: jinja2 never sees them, so their
    braces are text."""
    kit = project / ".specify" / "templates"
    kit.mkdir(parents=True)
    (kit / "plan-template.md").write_text(
        "# Implementation Plan: [FEATURE]\n\n" + ESCAPES[0] + "\n", encoding="utf-8")
    run = speckit("plan", "001", "--dry-run", cwd=project)
    assert run.returncode == 0, run.stderr
    assert ESCAPES[0] in run.stdout
    assert not (project / "MARKER").exists()
