"""A feature -> its run plan: the steps and gates to execute, in order, with what each one needs.

The rules (docs/build.md says the same for users):

- Nodes are the plan's steps (sections with fenced shell blocks), the tasks whose list item holds a
  shell block, and the plan's human and automated gates. Unmarked gates without commands are not run
  (they stay manual items of the checklist).
- Hard edges come from what the documents say: task dependencies (followed through tasks that have no
  commands), critical-path chains (``BLOCK-000 (Phase 1) → BLOCK-001 (Phase 2) → npm publish``: each
  node resolved to a step, gate, task, task label or plan phase), and gate placement: a gate whose
  title names a step ("npm Publish Gate" -> "npm Publish") goes right before that step; a gate that
  names or sits in a phase ("Phase 1 Gate") goes right after that phase's last step (a phase includes
  its sub-phases: 3 includes 3.5); any other gate stays where it is written.
- The run order is a topological order of the hard edges that keeps document order wherever they
  leave a choice (plan steps first, then task steps). A cycle among the hard edges leaves no order:
  ``CycleError`` names it.
- Steps run one after the other in that order, except a run of ``[P]`` steps of one phase, which may
  run together: each needs what came before the group, and what follows needs all of them. These
  ``needs`` drive ``speckit run --jobs``, the Makefile and the workflow's jobs.
"""

from __future__ import annotations

import graphlib
import heapq
import re
from dataclasses import dataclass, field
from typing import Literal

from speckit.model import Code, Feature, Section, Task

NodeKind = Literal["step", "gate"]

_PAREN = re.compile(r"\([^)]*\)|（[^）]*）")
_GATE_WORDS = re.compile(r"\b(?:gates?|approvals?|sign[- ]?offs?)\b", re.I)
_PHASE_IN = re.compile(r"\bphase\s+(\d+(?:\.\d+)*)", re.I)


class CycleError(Exception):
    """The documents order the steps in a circle; ``cycle`` lists it, first node repeated last."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__(" -> ".join(cycle))
        self.cycle = cycle


@dataclass(frozen=True, slots=True)
class Node:
    id: str = field(metadata={"doc": "as written: 3.2.1, T005, 8.1, layer-1-package-installation"})
    kind: NodeKind
    title: str
    path: str
    line: int
    phase: str | None
    commands: str = field(metadata={"doc": "the shell text that runs, blocks joined; may be empty"})
    approval: bool = field(metadata={"doc": "a person must approve before it runs (human gate or step)"})
    parallel: bool
    name: str = field(metadata={"doc": "identifier for bash functions and workflow jobs"})
    file: str = field(metadata={"doc": "evidence log name and make target suffix"})
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RunPlan:
    nodes: tuple[Node, ...]
    notes: tuple[str, ...] = ()

    def get(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)


def norm(text: str) -> str:
    """A title reduced for matching: no parentheticals, emoji or punctuation, lower case."""
    text = _PAREN.sub(" ", text)
    text = re.sub(r"[^\w\s.-]", " ", text.lower())
    return " ".join(text.split())


def _in_phase(phase: str | None, wanted: str) -> bool:
    return phase is not None and (phase == wanted or phase.startswith(wanted + "."))


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name


@dataclass(slots=True)
class _Draft:
    id: str
    kind: NodeKind
    title: str
    path: str
    line: int
    phase: str | None
    commands: str
    approval: bool
    parallel: bool
    pos: tuple[int, int, int, int]
    group: str = ""
    labels: tuple[str, ...] = ()


SESSIONS = frozenset({"console", "shell-session", "shellsession"})
_PROMPT = re.compile(r"^[ \t]*[$#] ")
_CONTINUED = re.compile(r"^[ \t]*> ?")


def _section_code(sections: list[Section], line: int) -> str:
    stack = list(sections)
    while stack:
        section = stack.pop()
        if section.line == line:
            return _join([c for c in section.code if c.language in {"bash", "sh", "shell", "zsh"} | SESSIONS])
        stack.extend(section.children)
    return ""


def commands_of(block: Code) -> str:
    """What a block runs. A ``console`` block is a terminal session: only its ``$ `` or ``# ``
    prompted lines are commands (with their ``\\`` continuations); the lines between are the
    output the author saw, and running them as commands ran whatever that output said."""
    if block.language not in SESSIONS:
        return block.text
    out: list[str] = []
    continued = False
    for line in block.text.split("\n"):
        prompt = _PROMPT.match(line)
        if continued:
            out.append(_CONTINUED.sub("", line, count=1))
        elif prompt:
            out.append(line[prompt.end():])
        else:
            continue
        continued = out[-1].endswith("\\")
    return "\n".join(out) + ("\n" if out else "")


def _join(blocks: list[Code]) -> str:
    texts = [commands_of(block) for block in blocks]
    return "\n".join(text.rstrip("\n") for text in texts if text.strip())


def _drafts(feature: Feature) -> list[_Draft]:
    drafts: list[_Draft] = []
    plan = feature.plan
    if plan is not None:
        for step in plan.steps:
            drafts.append(_Draft(step.id, "step", step.title, plan.path, step.line, step.phase,
                                 _join(list(step.commands)), step.human, "[P]" in step.title,
                                 (0, step.line, 0, 0), group=f"plan:{step.phase}"))
    for task in feature.tasks:
        if task.commands and task.id:
            path = feature.task_list.path if feature.task_list else ""
            drafts.append(_Draft(task.id, "step", task.title, path, task.line, task.phase,
                                 _join(list(task.commands)), False, task.parallel,
                                 (1, task.line, 0, 0), group=f"tasks:{task.phase}", labels=tuple(task.labels)))
    if plan is None:
        return drafts
    steps = list(drafts)
    step_lines = {d.line for d in steps if d.pos[0] == 0}
    for gate in plan.gates:
        if gate.kind == "unmarked" or gate.line in step_lines:
            continue  # unmarked: a manual checklist item; same line as a step: that step is the gate
        commands = _section_code(plan.sections, gate.line) if gate.kind == "automated" else ""
        guarded = _guarded(gate.title, steps)
        if guarded is not None and gate.kind == "human":
            guarded.approval = False  # "npm Publish Gate (HITL)" before "npm Publish (HITL)": one approval
        drafts.append(_Draft(gate.id, "gate", gate.title, plan.path, gate.line, gate.phase, commands,
                             gate.kind == "human", False, _gate_position(gate.title, gate.phase, gate.line, steps)))
    return drafts


def _guarded(title: str, steps: list[_Draft]) -> _Draft | None:
    wanted = norm(_GATE_WORDS.sub(" ", title))
    if not wanted:
        return None
    return next((s for s in steps if norm(s.title) == wanted), None)


def _gate_position(title: str, phase: str | None, line: int, steps: list[_Draft]) -> tuple[int, int, int, int]:
    guarded = _guarded(title, steps)
    if guarded is not None:
        return (guarded.pos[0], guarded.pos[1], -1, line)
    if phase is not None:
        members = [s for s in steps if s.pos[0] == 0 and _in_phase(s.phase, phase)]
        if members:
            last = max(members, key=lambda s: s.pos)
            return (last.pos[0], last.pos[1], 1, line)
    return (0, line, 0, 0)


def _hard_edges(feature: Feature, drafts: list[_Draft]) -> tuple[dict[str, set[str]], list[str]]:
    """node id -> ids it must follow."""
    preds: dict[str, set[str]] = {d.id: set() for d in drafts}
    notes: list[str] = []
    by_id = {d.id: d for d in drafts}
    steps = [d for d in drafts if d.kind == "step"]
    for gate in (d for d in drafts if d.kind == "gate"):
        guarded = _guarded(gate.title, steps)
        if guarded is not None:
            preds[guarded.id].add(gate.id)
        elif gate.phase is not None:
            for step in steps:
                if step.pos[0] == 0 and _in_phase(step.phase, gate.phase):
                    preds[gate.id].add(step.id)
    tasks = {t.id: t for t in feature.tasks if t.id}
    for draft in drafts:
        if draft.pos[0] == 1:
            preds[draft.id] |= _step_ancestors(draft.id, tasks, by_id)
    if feature.plan is not None:
        for chain in feature.plan.chains:
            resolved = [_resolve(node, feature, drafts) for node in chain.nodes]
            for node, found in zip(chain.nodes, resolved, strict=True):
                if not found:
                    notes.append(f"critical path node {node!r} (plan line {chain.line}) names no step or gate")
            present = [r for r in resolved if r]
            for before, after in zip(present, present[1:], strict=False):
                for a in after:
                    preds[a] |= {b for b in before if b != a}
    return preds, notes


def _step_ancestors(task_id: str, tasks: dict[str, Task], steps: dict[str, _Draft]) -> set[str]:
    """The nearest step-tasks a task depends on, walking through tasks that have no commands."""
    found: set[str] = set()
    seen = {task_id}
    stack = list(tasks[task_id].depends_on) if task_id in tasks else []
    while stack:
        dep = stack.pop()
        if dep in seen:
            continue
        seen.add(dep)
        if dep in steps and steps[dep].pos[0] == 1:
            found.add(dep)
        elif dep in tasks:
            stack.extend(tasks[dep].depends_on)
    return found


def _resolve(text: str, feature: Feature, drafts: list[_Draft]) -> list[str]:
    """A critical-path node -> the run nodes it names."""
    bare = _PAREN.sub(" ", text).strip()
    exact = [d.id for d in drafts if d.id == bare or bare in d.labels]
    if exact:
        return exact
    tasks = [t for t in feature.tasks if t.id == bare or bare in t.labels]
    if tasks:
        ids: set[str] = set()
        by_id = {d.id: d for d in drafts}
        for task in tasks:
            ids |= (
                {task.id}
                if task.id in by_id
                else _step_ancestors(task.id or "", {t.id: t for t in feature.tasks if t.id}, by_id)
            )
        if ids:
            return sorted(ids, key=lambda i: by_id[i].pos)
    phase = _PHASE_IN.search(text)
    if phase:
        members = [d.id for d in drafts if d.pos[0] == 0 and _in_phase(d.phase, phase.group(1))]
        if members:
            return members
    wanted = norm(bare)
    titled = [d.id for d in drafts if norm(d.title) == wanted]
    if titled:
        return titled[:1]
    return []


def _order(drafts: list[_Draft], preds: dict[str, set[str]]) -> list[_Draft]:
    sorter = graphlib.TopologicalSorter(preds)
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        cycle = [str(x) for x in error.args[1]]
        raise CycleError(list(reversed(cycle))) from None
    by_id = {d.id: d for d in drafts}
    waiting = {d.id: len(preds[d.id]) for d in drafts}
    followers: dict[str, list[str]] = {d.id: [] for d in drafts}
    for node, before in preds.items():
        for b in before:
            followers[b].append(node)
    ready = [(d.pos, d.id) for d in drafts if waiting[d.id] == 0]
    heapq.heapify(ready)
    out: list[_Draft] = []
    while ready:
        _, node = heapq.heappop(ready)
        out.append(by_id[node])
        for nxt in followers[node]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (by_id[nxt].pos, nxt))
    return out


def _reduce(needs: dict[str, set[str]], order: list[str]) -> dict[str, tuple[str, ...]]:
    """Drop needs that another need already implies, so Makefiles and workflows stay readable."""
    rank = {n: i for i, n in enumerate(order)}
    ancestors: dict[str, set[str]] = {}
    for node in order:
        acc: set[str] = set()
        for p in needs[node]:
            acc |= {p} | ancestors[p]
        ancestors[node] = acc
    reduced: dict[str, tuple[str, ...]] = {}
    for node in order:
        direct = needs[node]
        keep = {p for p in direct if not any(p in ancestors[q] for q in direct if q != p)}
        reduced[node] = tuple(sorted(keep, key=rank.__getitem__))
    return reduced


def plan_run(feature: Feature) -> RunPlan:
    """The run plan of a feature; raises ``CycleError`` when the documents order steps in a circle."""
    drafts = _drafts(feature)
    seen: set[str] = set()
    unique: list[_Draft] = []
    for draft in drafts:
        if draft.id not in seen:  # a task id equal to a plan step number: the first one wins
            seen.add(draft.id)
            unique.append(draft)
    preds, notes = _hard_edges(feature, unique)
    ordered = _order(unique, preds)
    needs: dict[str, set[str]] = {d.id: set(preds[d.id]) for d in ordered}
    previous: list[str] = []
    i = 0
    while i < len(ordered):
        group = [ordered[i]]
        if ordered[i].parallel:
            while (i + len(group) < len(ordered) and ordered[i + len(group)].parallel
                   and ordered[i + len(group)].group == ordered[i].group
                   and not preds[ordered[i + len(group)].id] & {g.id for g in group}):
                group.append(ordered[i + len(group)])
        for member in group:
            needs[member.id] |= set(previous)
        previous = [m.id for m in group]
        i += len(group)
    order_ids = [d.id for d in ordered]
    reduced = _reduce(needs, order_ids)
    names: set[str] = set()
    files: set[str] = set()
    nodes = []
    for d in ordered:
        safe = re.sub(r"[^A-Za-z0-9]+", "_", d.id).strip("_") or "x"
        nodes.append(Node(
            id=d.id, kind=d.kind, title=" ".join(d.title.split()), path=d.path, line=d.line, phase=d.phase,
            commands=d.commands, approval=d.approval, parallel=d.parallel,
            name=_unique(f"{d.kind}_{safe}", names),
            file=_unique(re.sub(r"[^A-Za-z0-9._-]+", "_", d.id).strip("._") or "x", files),
            needs=reduced[d.id],
        ))
    return RunPlan(tuple(nodes), tuple(notes))
