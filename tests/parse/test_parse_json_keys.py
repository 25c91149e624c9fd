"""The documented JSON keys of `speckit show --format json` (issue #2 item 6, docs/model.md) and
`speckit schema`: other tools rely on them, so removing or renaming one must fail here."""

from __future__ import annotations

import json
import subprocess
import sys

from support import SPECS

from speckit.model import SCHEMA_VERSION


def run(*args: str) -> dict:  # type: ignore[type-arg]
    result = subprocess.run([sys.executable, "-m", "speckit", *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_documented_keys() -> None:
    model = run("show", str(SPECS / "aws-sandbox"), "--format", "json")
    assert model["schema_version"] == SCHEMA_VERSION
    assert {"id", "path"} <= model["feature"].keys()
    spec = model["spec"]
    assert {"title", "stories", "requirements", "success_criteria", "clarifications"} <= spec.keys()
    story = spec["stories"][0]
    assert {"id", "title", "priority", "acceptance", "line"} <= story.keys() and story["priority"] == "P1"
    assert {"given", "when", "then", "line"} <= story["acceptance"][0].keys()
    assert {"id", "text", "line"} <= spec["requirements"][0].keys()
    plan = model["plan"]
    assert {"title", "metadata", "sections", "critical_path"} <= plan.keys()
    sections = []
    stack = list(plan["sections"])
    while stack:
        section = stack.pop()
        sections.append(section)
        stack.extend(section["children"])
    assert {"title", "number", "line", "tables", "code", "checklist", "children"} <= sections[0].keys()
    assert {"headers", "rows", "line"} <= next(t for s in sections for t in s["tables"]).keys()
    assert {"language", "text", "line"} <= next(c for s in sections for c in s["code"]).keys()
    assert all("checklist" in s for s in sections)
    task = model["tasks"][0]
    assert {
        "id",
        "title",
        "state",
        "done",
        "parallel",
        "stories",
        "depends_on",
        "refs",
        "files",
        "phase",
        "line",
    } <= task.keys()
    assert isinstance(model["diagnostics"], list)


def test_plan_checklist_keys() -> None:
    plan = run("show", str(SPECS / "001-team-reminders"), "--format", "json")["plan"]
    stack, items = list(plan["sections"]), []
    while stack:
        section = stack.pop()
        items.extend(section["checklist"])
        stack.extend(section["children"])
    assert items and {"text", "done", "line"} <= items[0].keys()


def test_schema_is_versioned_and_describes_the_model() -> None:
    schema = run("schema")
    assert schema["version"] == SCHEMA_VERSION and SCHEMA_VERSION in schema["$id"]
    assert {"feature", "spec", "plan", "tasks", "diagnostics"} <= schema["properties"].keys()
    assert "critical_path" in schema["$defs"]["Plan"]["properties"]
    assert "done" in schema["$defs"]["Task"]["properties"]


def test_json_validates_against_the_schema() -> None:
    import jsonschema

    schema = run("schema")
    model = run("show", str(SPECS / "001-team-reminders"), "--format", "json")
    jsonschema.validate(model, schema)
