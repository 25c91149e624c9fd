"""graph/*: cycles, unknown and self dependencies, duplicate ids, [P] conflicts, inversions."""

from __future__ import annotations

from collections.abc import Iterator

from speckit.check.context import Context
from speckit.check.rules import emit
from speckit.graph import CLOSED_STATES, TaskGraph, shorten
from speckit.model import Diagnostic


def check(ctx: Context) -> Iterator[Diagnostic]:
    if not ctx.feature.tasks:
        return
    graph = ctx.graph
    path = graph.path
    for problem in graph.duplicates:
        yield emit("graph/duplicate-id", f"task id {problem.task} is already used on line {problem.other}",
                   path, problem.line)
    for problem in graph.self_dependencies:
        yield emit("graph/self-dependency", f"task {problem.task} depends on itself", path, problem.line)
    for problem in graph.unknown:
        yield emit("graph/unknown-ref",
                   f"task {problem.task} depends on {problem.other}, which is not a task of this tasks.md",
                   path, problem.line)
    for cycle, members in zip(graph.cycles(), graph.cycle_members(), strict=True):
        first = graph.tasks[graph.index[cycle[0]]]
        extra = len(members) - len(cycle)
        others = ", ".join(m for m in members if m not in cycle)[:200]
        more = f" (and {extra} more tasks in the same tangle: {others})" if extra else ""
        yield emit("graph/cycle", f"task dependency cycle {shorten(cycle)}{more}", path, first.line)
    yield from _parallel(graph)
    yield from _inversions(graph)


FEATURE_DOCUMENTS = frozenset({"spec.md", "plan.md", "tasks.md", "data-model.md", "research.md", "quickstart.md"})
"""The feature's own documents: [P] tasks name them as what they follow, not as what they write."""


def _parallel(graph: TaskGraph) -> Iterator[Diagnostic]:
    owner: dict[tuple[int | None, str], str] = {}
    for i, task in enumerate(graph.tasks):
        if not task.parallel:
            continue
        key = graph.nodes[i]
        phase = graph.phase_of[i]
        for file in dict.fromkeys(task.files):
            if file.rsplit("/", 1)[-1] in FEATURE_DOCUMENTS or file.startswith("contracts/"):
                continue  # "per data-model.md", "see quickstart.md": read for context, not edited
            other = owner.setdefault((phase, file), key)
            if other != key:
                yield emit("graph/parallel-conflict",
                           f"[P] tasks {other} and {key} of one phase both name {file}", graph.path, task.line)
        for dep in task.depends_on:
            j = graph.index.get(dep)
            if j is not None and j != i and phase is not None and graph.phase_of[j] == phase:
                yield emit("graph/parallel-conflict",
                           f"[P] task {key} depends on {graph.nodes[j]} of its own phase, so it cannot run beside it",
                           graph.path, task.line, hint="drop [P], or move the dependency to an earlier phase")


def _inversions(graph: TaskGraph) -> Iterator[Diagnostic]:
    for before, after in graph.pairs:
        waiting, first = graph.tasks[after], graph.tasks[before]
        name, other = graph.nodes[after], graph.nodes[before]
        if waiting.state == "done" and first.state not in CLOSED_STATES:
            yield emit("graph/status-inversion",
                       f"task {name} is done but depends on {other}, which is still {first.state}",
                       graph.path, waiting.line)
        p_before, p_after = graph.phase_of[before], graph.phase_of[after]
        if p_before is not None and p_after is not None and p_before > p_after:
            yield emit("graph/phase-inversion",
                       f"task {name} ({graph.phase_label(name)}) depends on {other} of a later "
                       f"phase ({graph.phase_label(other)})", graph.path, waiting.line)
