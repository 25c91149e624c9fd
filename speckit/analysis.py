"""What people ask of a task graph beyond its order, computed with networkx: the bottlenecks (open
tasks that the most other open tasks wait on, directly or not), the redundant dependencies (written
edges that others already imply: the transitive reduction drops them) and the critical path with
its length.

Task Master users ask for "task 45 blocks 5 other tasks"; nobody computes it from Spec Kit's files.
Bottlenecks and redundancy are about the dependencies people *wrote* (``depends on T003``): the
implied phase order would make every last task of a phase block all later phases, which says
nothing. The critical path is the graph's own (``TaskGraph.critical_path``: the chain with the most
open tasks, over written and implied order), so the site, ``speckit graph`` and this agree.

networkx costs about 0.2 s to import: this module is for ``speckit graph --analyze`` and the docs
site, never for the ``speckit check`` of a commit hook (tests/site/test_analysis.py guards that).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from speckit.graph import CLOSED_STATES, TaskGraph

TOP = 10
"""Bottlenecks listed (the ones that block at least one open task)"""


@dataclass(frozen=True, slots=True)
class Bottleneck:
    task: str
    title: str
    blocks: int
    """open tasks that wait for this one, directly or through others"""
    direct: int
    """open tasks that name it in their own dependencies"""


@dataclass(frozen=True, slots=True)
class Redundant:
    before: str
    after: str
    line: int
    """where ``after`` names ``before`` (tasks.md)"""
    via: list[str]
    """a chain of written dependencies that already orders them, ``before`` ... ``after``"""


@dataclass(frozen=True, slots=True)
class Analyses:
    feature: str
    bottlenecks: list[Bottleneck] = field(default_factory=list)
    redundant: list[Redundant] = field(default_factory=list)
    critical_path: list[str] = field(default_factory=list)
    critical_open: int = 0
    """open tasks on the critical path (its length in work left)"""
    left_out: list[str] = field(default_factory=list)
    """tasks on a dependency cycle: no order is defined among them, so no analysis includes them"""


def analyze(graph: TaskGraph, feature: str = "", top: int = TOP) -> Analyses:
    import networkx as nx

    left_out = [key for members in graph.cycle_members() for key in members]
    skip = set(left_out)
    written: nx.DiGraph[str] = nx.DiGraph()
    written.add_nodes_from(key for key in graph.nodes if key not in skip)
    lines: dict[tuple[str, str], int] = {}
    for edge in graph.explicit:
        if edge.before not in skip and edge.after not in skip:
            written.add_edge(edge.before, edge.after)
            lines.setdefault((edge.before, edge.after), edge.line)
    state = {key: task.state for key, task in zip(graph.nodes, graph.tasks, strict=True)}

    def is_open(key: str) -> bool:
        return state.get(key) not in CLOSED_STATES

    bottlenecks = []
    for key in written.nodes:
        if not is_open(key):
            continue
        waiting = sum(1 for k in nx.descendants(written, key) if is_open(k))
        if waiting:
            direct = sum(1 for k in written.successors(key) if is_open(k))
            title = graph.tasks[graph.index[key]].title
            bottlenecks.append(Bottleneck(key, title, waiting, direct))
    bottlenecks.sort(key=lambda b: (-b.blocks, -b.direct, graph.index[b.task]))

    reduced = nx.transitive_reduction(written)
    redundant = []
    for before, after in list(written.edges):
        if reduced.has_edge(before, after):
            continue
        written.remove_edge(before, after)
        via = nx.shortest_path(written, before, after)
        written.add_edge(before, after)
        redundant.append(Redundant(before, after, lines[(before, after)], via))
    redundant.sort(key=lambda r: (r.line, graph.index[r.after], graph.index[r.before]))

    path = graph.critical_path()
    return Analyses(feature, bottlenecks[:top], redundant, path, sum(1 for k in path if is_open(k)), left_out)


def as_data(analyses: Analyses) -> dict[str, Any]:
    data = asdict(analyses)
    data["critical_length"] = len(analyses.critical_path)
    return data


def as_text(analyses: Analyses) -> str:
    out = ["bottlenecks (open tasks that the most open tasks wait on, directly or not):"]
    if analyses.bottlenecks:
        out += [f"  {b.task:10} blocks {b.blocks} open {'task' if b.blocks == 1 else 'tasks'}"
                f" ({b.direct} directly)  {b.title}" for b in analyses.bottlenecks]
    else:
        out.append("  none: no open task is a written dependency of another open task")
    out.append("redundant dependencies (already implied by others; the line can go):")
    if analyses.redundant:
        out += [f"  line {r.line}: {r.after} depends on {r.before}, already through {' -> '.join(r.via)}"
                for r in analyses.redundant]
    else:
        out.append("  none")
    path = analyses.critical_path
    out.append(f"critical path: {len(path)} {'task' if len(path) == 1 else 'tasks'}, {analyses.critical_open} open"
               f"{': ' + ' -> '.join(path) if path else ''}")
    if analyses.left_out:
        out.append(f"left out, on a dependency cycle: {', '.join(analyses.left_out)}")
    return "\n".join(out)
