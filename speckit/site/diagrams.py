"""The task-graph and Gantt pages of a feature: choosing what each diagram shows.

A flowchart of a few dozen tasks reads well; one of 299 tasks (the largest tasks.md surveyed) does
not, and Mermaid refuses diagrams past 500 edges or 50,000 characters. Above ``collapse_above``
tasks the feature's graph shows one node per phase, and each phase gets its own page with its tasks
and, dashed, the tasks of other phases they touch.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from speckit.model import Feature, Task
from speckit.report import mermaid
from speckit.site.analysis import Analysis

GANTT_TASKS_ABOVE = 100
NO_PHASE = "(no phase)"


@dataclass(frozen=True, slots=True)
class PhaseInfo:
    key: str
    title: str
    tasks: list[int]
    """indexes into feature.tasks"""


def phases(feature: Feature) -> list[PhaseInfo]:
    """Phases in document order (keyed as the graph keys them), plus one for tasks outside any."""
    out: dict[str, PhaseInfo] = {}
    for phase in feature.task_list.phases if feature.task_list else []:
        key = phase.number or phase.title
        if key not in out:
            title = f"Phase {phase.number}: {phase.title}" if phase.number else phase.title
            out[key] = PhaseInfo(key, title, [])
    for i, task in enumerate(feature.tasks):
        key = task.phase if task.phase in out else NO_PHASE
        if key not in out:
            out[key] = PhaseInfo(key, NO_PHASE, [])
        out[key].tasks.append(i)
    return list(out.values())


def _task_text(task: Task) -> str:
    return f"{task.id} · {task.title}" if task.id else task.title


def _ring(cycle: Sequence[str]) -> set[tuple[str, str]]:
    return {(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))}


def task_flow(analysis: Analysis, only: PhaseInfo | None = None) -> mermaid.Flow:
    """The flowchart of all tasks, or of one phase's tasks with their outside neighbours."""
    feature, facts = analysis.feature, analysis.graph
    infos = phases(feature)
    phase_of = {facts.keys[i]: info.key for info in infos for i in info.tasks}
    keys = set(facts.keys) if only is None else {facts.keys[i] for i in only.tasks}
    links = [mermaid.Link(b, a) for b, a in facts.explicit if b in keys or a in keys]
    shown = keys | {k for link in links for k in (link.before, link.after)}
    nodes = []
    for i, task in enumerate(feature.tasks):
        key = facts.keys[i]
        if key in shown:
            outside = key not in keys
            group = ("outside" if outside else None) if only is not None else phase_of[key]
            nodes.append(mermaid.Node(key, _task_text(task), group, task.done, outside))
    cycle_links = set().union(*(_ring(c) for c in facts.cycles)) if facts.cycles else set()
    critical_links = set(itertools.pairwise(facts.critical))
    if only is not None:
        groups: list[tuple[str, str]] = [("outside", "other phases")] if shown - keys else []
        group_links: list[mermaid.Link] = []
    else:
        groups = [(info.key, info.title) for info in infos if info.key != NO_PHASE]
        pairs = dict.fromkeys((phase_of[b], phase_of[a]) for b, a in facts.implied
                              if b in phase_of and a in phase_of and phase_of[b] != phase_of[a])
        group_links = [mermaid.Link(b, a, dashed=True) for b, a in pairs]
    return mermaid.Flow(
        nodes=nodes, groups=groups, links=links, critical=frozenset(facts.critical) & shown,
        cycle=frozenset(facts.cycle_members) & shown, critical_links=frozenset(critical_links),
        cycle_links=frozenset(cycle_links), group_links=group_links,
    )


def phase_flow(analysis: Analysis) -> mermaid.Flow:
    """One node per phase: its progress, links counted from the task edges that cross phases."""
    feature, facts = analysis.feature, analysis.graph
    infos = phases(feature)
    phase_of = {facts.keys[i]: info.key for info in infos for i in info.tasks}
    nodes = []
    for info in infos:
        done = sum(feature.tasks[i].done for i in info.tasks)
        nodes.append(mermaid.Node(info.key, f"{info.title} · {done}/{len(info.tasks)} done",
                                  None, bool(info.tasks) and done == len(info.tasks)))
    explicit = Counter((phase_of[b], phase_of[a]) for b, a in facts.explicit
                       if phase_of.get(b) and phase_of.get(a) and phase_of[b] != phase_of[a])
    implied = dict.fromkeys((phase_of[b], phase_of[a]) for b, a in facts.implied
                            if phase_of.get(b) and phase_of.get(a) and phase_of[b] != phase_of[a])
    links = [mermaid.Link(b, a, text=f"{n} dependencies" if n > 1 else "1 dependency")
             for (b, a), n in explicit.items()]
    links += [mermaid.Link(b, a, dashed=True) for b, a in implied if (b, a) not in explicit]
    critical = {phase_of[k] for k in facts.critical if k in phase_of}
    cycle = {phase_of[k] for k in facts.cycle_members if k in phase_of}
    path = [phase_of[k] for k in facts.critical if k in phase_of]
    steps = {(a, b) for a, b in itertools.pairwise(path) if a != b}
    return mermaid.Flow(nodes=nodes, links=links, critical=frozenset(critical), cycle=frozenset(cycle),
                        critical_links=frozenset(steps))


def gantt_bars(analysis: Analysis) -> list[mermaid.Bar]:
    """Bars in phase order: one per task when there are few, else one per phase and wave."""
    feature, facts = analysis.feature, analysis.graph
    wave_of = {key: w for w, wave in enumerate(facts.waves) for key in wave}
    critical = set(facts.critical)
    bars: list[mermaid.Bar] = []
    each = len(feature.tasks) <= GANTT_TASKS_ABOVE
    for info in phases(feature):
        placed = sorted((wave_of[facts.keys[i]], i) for i in info.tasks if facts.keys[i] in wave_of)
        if each:
            for wave, i in placed:
                task = feature.tasks[i]
                bars.append(mermaid.Bar(info.title, _task_text(task), wave, 1, task.done, facts.keys[i] in critical))
            continue
        by_wave: dict[int, list[int]] = {}
        for wave, i in placed:
            by_wave.setdefault(wave, []).append(i)
        for wave, members in by_wave.items():
            done = sum(feature.tasks[i].done for i in members)
            text = f"wave {wave + 1}: {len(members)} tasks, {done} done"
            bars.append(mermaid.Bar(info.title, text, wave, 1, done == len(members),
                                    any(facts.keys[i] in critical for i in members)))
    return bars
