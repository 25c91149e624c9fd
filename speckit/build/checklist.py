"""A feature -> the items of its executable checklist, each with a check where one can be derived.

Items come from every checkable thing in the documents: plan steps and gates (in run order), tasks,
required-artifact rows, validation-criteria rows, SLO rows, plan checklists (checkbox lists and
``Task | Owner | Status`` tables) and ``checklists/*.md``. Nothing is dropped: an item without a
derivable check is ``manual``.

Checks:
- ``shell``: a command that proves the item, run from the repository root. A required artifact ->
  ``test -e PATH``, or ``compgen -G PATTERN`` when the path is a glob (``phase3.5-consumer-*.log``).
  The path is quoted with ``shlex.quote``: it is data, never code.
- ``run``: the item is a step (or a task with commands, or a validation row that names a plan step
  such as "Layer 1"); it holds when that step passed in a run of ``run.sh`` or ``speckit run``.
- ``approval``: a human gate or step; it holds when a person approved it (who and when recorded).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from speckit.build.steps import Node, RunPlan, norm
from speckit.model import Feature, Section
from speckit.parse.plan import status_state

ItemKind = Literal["step", "gate", "task", "artifact", "validation", "slo", "plan-checklist", "checklist"]
CheckKind = Literal["shell", "run", "approval", "manual"]
GLOB = re.compile(r"[*?\[]")


@dataclass(frozen=True, slots=True)
class Check:
    kind: CheckKind
    command: str = ""
    step: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    kind: ItemKind
    text: str
    path: str
    line: int
    end_line: int
    state: str = field(metadata={"doc": "what the document says: open, done, partial, struck"})
    check: Check
    phase: str | None = None


def rel(path: str | Path, root: Path) -> str:
    """A path as shown in generated files: relative to the repository root when it lies inside."""
    p = Path(path)
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-") or "item"


def artifact_check(path: str) -> Check:
    quoted = shlex.quote(path)
    if GLOB.search(path):
        return Check("shell", f"compgen -G {quoted} >/dev/null")
    return Check("shell", f"test -e {quoted}")


def derive(feature: Feature, run: RunPlan, root: Path) -> list[Item]:
    items: list[Item] = []
    taken: set[str] = set()

    def add(item: Item) -> None:
        base, n, iid = item.id, 1, item.id
        while iid in taken:
            n += 1
            iid = f"{base}-{n}"
        taken.add(iid)
        items.append(item if iid == base else Item(iid, item.kind, item.text, item.path, item.line, item.end_line,
                                                  item.state, item.check, item.phase))

    plan = feature.plan
    task_ids = {t.id for t in feature.tasks if t.id}
    for node in run.nodes:
        if node.kind == "step" and node.id in task_ids:
            continue  # listed with the tasks below
        check = (
            Check("approval", step=node.id)
            if node.approval and not node.commands.strip()
            else Check("run", step=node.id)
        )
        add(Item(f"{node.kind}-{node.id}", node.kind, node.title, rel(node.path, root), node.line, node.line,
                 _step_state(node.title), check, node.phase))
    if plan is not None:
        listed = {n.line for n in run.nodes if n.path == plan.path}
        for gate in plan.gates:
            if gate.line not in listed:
                add(Item(f"gate-{gate.id}", "gate", gate.title, rel(plan.path, root), gate.line, gate.end_line,
                         "open", Check("manual"), gate.phase))
    tasks_path = rel(feature.task_list.path, root) if feature.task_list else ""
    run_ids = {n.id for n in run.nodes}
    for task in feature.tasks:
        check = Check("run", step=task.id) if task.id in run_ids else Check("manual")
        add(Item(task.id or f"task-{task.line}", "task", task.title, tasks_path, task.line, task.end_line,
                 task.state, check, task.phase))
    if plan is not None:
        plan_path = rel(plan.path, root)
        for art in plan.artifacts:
            add(Item(f"artifact-{slug(art.name)}", "artifact", f"{art.name}: {art.path}", plan_path, art.line,
                     art.end_line, art.state, artifact_check(art.path)))
        layers = {n.id: n for n in run.nodes if n.kind == "step"}
        for crit in plan.criteria:
            text = f"{crit.name}: {crit.check} -> {crit.target}" if crit.kind == "validation" else \
                f"{crit.name}: {crit.target} ({crit.check})"
            step = _validation_step(crit.name, layers) if crit.kind == "validation" else None
            add(Item(f"{crit.kind}-{slug(crit.name)}", crit.kind, text, plan_path, crit.line, crit.end_line, "open",
                     Check("run", step=step) if step else Check("manual")))
        for section in walk_sections(plan.sections):
            for n, box in enumerate(section.checklist, 1):
                add(Item(box.id or f"plan-{section.number or section.anchor}-{n}", "plan-checklist", box.text,
                         plan_path, box.line, box.end_line, box.state, Check("manual")))
            for table in section.tables:
                if table.kind != "checklist":
                    continue
                for n, row in enumerate(table.rows, 1):
                    cells = dict(zip(table.headers, row.cells, strict=False))
                    text = " — ".join(c for c in row.cells if c)
                    status = next((v for k, v in cells.items() if k.lower() == "status"), "")
                    add(Item(f"plan-{section.number or section.anchor}-{n}", "plan-checklist", text, plan_path,
                             row.line, row.end_line, _status(status), Check("manual")))
    for checklist in feature.checklists:
        path = rel(checklist.path, root)
        stem = Path(checklist.path).stem
        for n, box in enumerate(checklist.items, 1):
            add(Item(box.id or f"{slug(stem)}-{n}", "checklist", box.text, path, box.line, box.end_line, box.state,
                     Check("manual")))
    return items


def _validation_step(name: str, steps: dict[str, Node]) -> str | None:
    """Validation row "1" of a ``Layer | Check | Pass Criteria`` table -> the step "Layer 1: ..."."""
    wanted = norm(name)
    for step_id, node in steps.items():
        title = norm(node.title)
        if step_id == name or title.startswith(f"layer {wanted} ") or title == f"layer {wanted}":
            return step_id
    return None


def _step_state(title: str) -> str:
    # Plan step headings carry their status: "Tier 1 Snapshot Tests (✅ PASS)", "Create plan.md (✅ IN PROGRESS)".
    marks = re.findall(r"\(([^)]*)\)", title)
    return _status(marks[-1]) if marks else "open"


def _status(status: str) -> str:
    return status_state(status)


def walk_sections(sections: list[Section]) -> list[Section]:
    """Every section and its sub-sections, in document order."""
    out: list[Section] = []
    for section in sections:
        out.append(section)
        out.extend(walk_sections(section.children))
    return out
