"""The task graph of one feature: explicit and implied edges, cycles, waves, critical path, next.

Direction: ``Edge(before, after, ...)`` means *after waits for before*, the way people write arrows
in tasks.md (``T008 → T009``). Cycle paths are printed in the same direction.

Edges:

- ``explicit``: every dependency phrase the parser read into ``Task.depends_on``.
- ``phase``: phase order. Phases form *tiers* in document order; consecutive user-story phases share
  one tier (stories are independent of each other), every other phase (Setup, Foundational, Polish,
  anything else) is a tier of its own. Every task of a tier waits for every task of the tier before.
- ``story``: a ``| Story | Depends On |`` table in tasks.md: the tasks of the waiting story's phase
  wait for the tasks of the other story's phase.

Implied edges are held internally through one barrier node per phase and per tier, so the graph stays
linear in size however large the phases are (a Polish phase of 5,000 tasks after 5,000 story tasks
would otherwise need 25 million edges). ``TaskGraph.edges`` lists them expanded but thinned to what
carries meaning: from the *exit* tasks of the earlier tier (no explicit successor inside it) to the
*entry* tasks of the later one (no explicit predecessor inside it); the rest follows transitively.

Every analysis is iterative and linear (Tarjan's SCC, Kahn's order, one DP pass): a 100,000-task
chain does not hit the recursion limit. Only the standard library is imported: this module sits on
the commit-hook path. ``speckit.analysis`` takes the graph to networkx for the analyses that are
heavier (bottlenecks, redundant dependencies), off that path.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from speckit.model import Feature, Task

EdgeKind = Literal["explicit", "phase", "story"]
CLOSED_STATES = ("done", "struck")
OUT_OF_SCOPE = re.compile(r"out[- ]of[- ]scope|\bdeferred\b|won'?t do|\bpostponed\b|対象外|延期|范围外|暂缓"
                          r"|hors (?:du )?p[ée]rim[èe]tre", re.I)
"""A task or phase that says it will not be done now: never listed as ready."""
"""States that satisfy a dependency: done, or struck out (dropped work waits for nothing)."""


@dataclass(frozen=True, slots=True)
class Edge:
    """``after`` waits for ``before``; ``reason`` says why, ``line`` is where (tasks.md)."""

    before: str
    after: str
    kind: EdgeKind
    reason: str
    line: int


@dataclass(frozen=True, slots=True)
class Problem:
    """A dependency the graph could not use: unknown id, self-dependency, or duplicate id."""

    task: str
    other: str
    line: int


def task_key(task: Task) -> str:
    """A task's node key: its id, or ``line:N`` for a task written without one."""
    return task.id if task.id else f"line:{task.line}"


@dataclass
class PhaseGroup:
    """A phase of tasks.md as the graph sees it: position, key (``Task.phase``), label, task indexes."""

    index: int
    key: str
    label: str
    kind: str
    stories: list[str]
    line: int
    tasks: list[int] = field(default_factory=list)


class TaskGraph:
    """Nodes are task keys in document order; see the module docstring for the edge semantics."""

    def __init__(self, feature: Feature) -> None:
        tasks = feature.tasks
        last = feature.documents[-1] if feature.documents else ""
        self.path = feature.task_list.path if feature.task_list else last
        self.tasks: list[Task] = list(tasks)
        self.duplicates: list[Problem] = []
        self.unknown: list[Problem] = []
        self.self_dependencies: list[Problem] = []
        # The hot loops below are comprehensions on purpose: at 100,000 tasks and 300,000
        # dependencies a plain for-loop with the same body costs a third more.
        self.nodes: list[str] = [task.id if task.id else f"line:{task.line}" for task in tasks]  # task_key()
        self.index: dict[str, int] = dict(zip(self.nodes, range(len(self.nodes)), strict=True))
        if len(self.index) < len(self.nodes):
            self._rekey_duplicates()
        # Explicit edges as predecessor positions per task (Edge objects and (before, after) pairs
        # are made only when asked for: at 300,000 edges they cost more than every analysis).
        # Only a task with an unknown, self or repeated dependency takes the slow path.
        get = self.index.get
        self._preds: list[list[int]] = [[get(dep) for dep in task.depends_on] for task in tasks]  # type: ignore[misc]
        self._succ: list[list[int]] = [[] for _ in tasks]
        succ, preds = self._succ, self._preds
        for i, found in enumerate(preds):
            if found:
                if None in found or i in found or (len(found) > 1 and len(set(found)) < len(found)):
                    found = preds[i] = self._resolve(i, self.tasks[i], found)
                for j in found:
                    succ[j].append(i)
        self._phases, self._tiers = self._read_phases(feature)
        self._story_links = self._read_story_links(feature)

    def _rekey_duplicates(self) -> None:
        """A later copy of a duplicated id gets a line key: both stay in the graph, and
        dependencies on the id mean the first one (what a reader finds first)."""
        self.nodes, self.index = [], {}
        for i, task in enumerate(self.tasks):
            key = task_key(task)
            if key in self.index:
                first = self.tasks[self.index[key]].line
                self.duplicates.append(Problem(key, str(first), task.line))
                key = f"line:{task.line}"
            self.index[key] = i
            self.nodes.append(key)

    def _resolve(self, i: int, task: Task, found: list[int]) -> list[int]:
        """The usable predecessors of task ``i``, in order; the rest recorded as problems."""
        out: list[int] = []
        seen: set[int] = set()
        for dep, j in zip(task.depends_on, found, strict=True):
            if j is None:
                self.unknown.append(Problem(self.nodes[i], dep, task.line))
            elif j == i:
                self.self_dependencies.append(Problem(self.nodes[i], dep, task.line))
            elif j not in seen:
                seen.add(j)
                out.append(j)
        return out

    # -- phases --------------------------------------------------------------------------------

    def _read_phases(self, feature: Feature) -> tuple[list[PhaseGroup], list[list[int]]]:
        phases: list[PhaseGroup] = []
        by_key: dict[str, PhaseGroup] = {}
        if not feature.task_list or not feature.task_list.phases:
            self.phase_of: list[int | None] = [None] * len(self.tasks)
            return phases, []
        for phase in feature.task_list.phases:
            key = phase.number or phase.title
            if key in by_key:
                continue
            label = f"Phase {phase.number}: {phase.title}" if phase.number else phase.title
            entry = PhaseGroup(len(phases), key, label, phase.kind, list(phase.stories), phase.line)
            phases.append(entry)
            by_key[key] = entry
        self.phase_of = []
        for i, task in enumerate(self.tasks):
            group = by_key.get(task.phase) if task.phase is not None else None
            self.phase_of.append(group.index if group else None)
            if group:
                group.tasks.append(i)
        tiers: list[list[int]] = []
        for entry in phases:
            if entry.kind == "story" and tiers and phases[tiers[-1][-1]].kind == "story":
                tiers[-1].append(entry.index)
            else:
                tiers.append([entry.index])
        return phases, tiers

    def _read_story_links(self, feature: Feature) -> list[tuple[int, int, int]]:
        """(earlier phase, waiting phase, line) from the story-dependency tables of tasks.md."""
        if not feature.task_list:
            return []
        phase_of_story: dict[str, int] = {}
        for entry in self._phases:
            for story in entry.stories:
                phase_of_story.setdefault(story, entry.index)
        links: list[tuple[int, int, int]] = []
        for dep in feature.task_list.story_dependencies:
            waiting = phase_of_story.get(dep.story)
            for other in dep.depends_on:
                earlier = phase_of_story.get(other)
                if waiting is not None and earlier is not None and earlier != waiting:
                    links.append((earlier, waiting, dep.line))
        return links

    @property
    def phases(self) -> list[PhaseGroup]:
        return self._phases

    @property
    def tiers(self) -> list[list[int]]:
        """Phase indexes per tier, in order (consecutive story phases share a tier)."""
        return self._tiers

    @property
    def story_links(self) -> list[tuple[int, int, int]]:
        """(earlier phase index, waiting phase index, line) from story-dependency tables."""
        return self._story_links

    def phase_label(self, key: str) -> str | None:
        """The label of the phase that holds task ``key``, e.g. ``Phase 3: User Story 1 - ...``."""
        p = self.phase_of[self.index[key]]
        return self._phases[p].label if p is not None else None

    def closed(self, key: str) -> bool:
        return self.tasks[self.index[key]].state in CLOSED_STATES

    # -- the combined graph: tasks 0..n-1, then one barrier per phase and per tier ----------------

    @cached_property
    def _combined(self) -> tuple[list[list[int]], int]:
        n = len(self.tasks)
        if not self._phases:  # no barriers: the explicit lists as they are (nothing changes them)
            return self._succ, n
        succ: list[list[int]] = [list(s) for s in self._succ]
        phase_node = {p.index: n + p.index for p in self._phases}
        tier_base = n + len(self._phases)
        succ.extend([] for _ in range(len(self._phases) + len(self._tiers)))
        for phase in self._phases:
            for i in phase.tasks:
                succ[i].append(phase_node[phase.index])
        for t, members in enumerate(self._tiers):
            for p in members:
                succ[phase_node[p]].append(tier_base + t)
            if t + 1 < len(self._tiers):
                succ[tier_base + t].append(tier_base + t + 1)
                for p in self._tiers[t + 1]:
                    succ[tier_base + t].extend(self._phases[p].tasks)
        for earlier, waiting, _ in self._story_links:
            succ[phase_node[earlier]].extend(self._phases[waiting].tasks)
        return succ, n

    @cached_property
    def _cyclic(self) -> list[list[int]]:
        """Strongly connected components of the explicit edges with more than one task (Tarjan)."""
        if self._plain_order is not None:  # the combined graph sorts, so its explicit part has no cycle
            return []
        succ = self._succ
        n = len(succ)
        index = [-1] * n
        low = [0] * n
        on_stack = [False] * n
        stack: list[int] = []
        found: list[list[int]] = []
        counter = 0
        for root in range(n):
            if index[root] != -1:
                continue
            work: list[tuple[int, int]] = [(root, 0)]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack[root] = True
            while work:
                v, pos = work[-1]
                edges = succ[v]
                if pos < len(edges):
                    work[-1] = (v, pos + 1)
                    w = edges[pos]
                    if index[w] == -1:
                        index[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        on_stack[w] = True
                        work.append((w, 0))
                    elif on_stack[w] and index[w] < low[v]:
                        low[v] = index[w]
                    continue
                work.pop()
                if work:
                    u = work[-1][0]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == index[v]:
                    component: list[int] = []
                    while True:
                        w = stack.pop()
                        on_stack[w] = False
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
        found.sort()
        return found

    def cycles(self) -> list[list[str]]:
        """One cycle per tangle of explicit dependencies, in before -> after order, first id not
        repeated: ``[T021, T024, T022]`` reads ``T021 -> T024 -> T022 -> T021``. It is the shortest
        cycle through the tangle's first task; ``cycle_members()`` has every task of each tangle."""
        out: list[list[str]] = []
        for component in self._cyclic:
            members = set(component)
            start = component[0]
            parent: dict[int, int] = {start: -1}
            queue = deque([start])
            end = -1
            while queue and end < 0:
                v = queue.popleft()
                for w in self._succ[v]:
                    if w == start:
                        end = v
                        break
                    if w in members and w not in parent:
                        parent[w] = v
                        queue.append(w)
            path: list[int] = []
            while end != -1:
                path.append(end)
                end = parent[end]
            out.append([self.nodes[i] for i in reversed(path)])
        return out

    def cycle_members(self) -> list[list[str]]:
        return [[self.nodes[i] for i in component] for component in self._cyclic]

    @cached_property
    def _on_cycle(self) -> set[int]:
        return {i for component in self._cyclic for i in component}

    @cached_property
    def _plain_order(self) -> list[int] | None:
        """Kahn's order of the whole combined graph, or None when it has a cycle (explicit, or an
        implied edge against an explicit one). The common case, and a quarter of the cost of
        Tarjan's walk: when it succeeds there are no cycles to look for and ``_order`` is this."""
        succ, n = self._combined
        total = len(succ)
        if succ is self._succ:
            indeg = [len(before) for before in self._preds]
        else:
            indeg = [0] * total
            for targets in succ:
                for w in targets:
                    indeg[w] += 1
        queue = deque([v for v in range(total) if not indeg[v]])
        order: list[int] = []
        push, pop, append = queue.append, queue.popleft, order.append
        while queue:
            v = pop()
            append(v)
            for w in succ[v]:
                indeg[w] -= 1
                if not indeg[w]:
                    push(w)
        return order if len(order) == total else None

    @cached_property
    def _order(self) -> list[int]:
        """A topological order of the combined graph without the tasks on explicit cycles.

        Implied edges can contradict explicit ones (a task that depends on a task of a later phase,
        which is reported as graph/phase-inversion): then the explicit edges win, and the barrier on
        the contradiction is released as if that phase boundary were not there.
        """
        plain = self._plain_order
        if plain is not None:  # the same order the walk below gives when nothing is skipped or stuck
            return plain
        succ, n = self._combined
        total = len(succ)
        skip = self._on_cycle
        indeg = [0] * total
        for v in range(total):
            if v in skip:
                continue
            for w in succ[v]:
                if w not in skip:
                    indeg[w] += 1
        done = [False] * total
        queue = deque(v for v in range(total) if v not in skip and indeg[v] == 0)
        order: list[int] = []
        remaining = total - len(skip)
        pred: list[list[int]] | None = None
        while len(order) < remaining:
            if not queue:
                if pred is None:
                    pred = [[] for _ in range(total)]
                    for v in range(total):
                        if v not in skip:
                            for w in succ[v]:
                                pred[w].append(v)
                queue.append(self._stuck_barrier(pred, done, skip, n, indeg))
            v = queue.popleft()
            if done[v]:
                continue
            done[v] = True
            order.append(v)
            for w in succ[v]:
                if w in skip or done[w]:
                    continue
                indeg[w] -= 1
                if indeg[w] == 0:
                    queue.append(w)
        return order

    @staticmethod
    def _stuck_barrier(pred: list[list[int]], done: list[bool], skip: set[int], n: int, indeg: list[int]) -> int:
        """Walk back from a waiting node until a node repeats: that is a cycle; return a barrier on it."""
        start = next(v for v in range(len(done)) if not done[v] and v not in skip)
        seen: dict[int, int] = {}
        path: list[int] = []
        v = start
        while v not in seen:
            seen[v] = len(path)
            path.append(v)
            v = next(u for u in pred[v] if not done[u] and u not in skip)
        cycle = path[seen[v]:]
        return next(u for u in cycle if u >= n)

    def _levels(self, weight: Sequence[int], reset: Sequence[bool] | None = None) -> list[int]:
        """level[v] = max over earlier predecessors u of level[u] + weight[u]; ``reset`` nodes are 0."""
        succ, _ = self._combined
        level = [0] * len(succ)
        if self._plain_order is not None and reset is None:
            # A true topological order: every successor is still ahead, no need to ask.
            for v in self._order:
                reach = level[v] + weight[v]
                for w in succ[v]:
                    if level[w] < reach:
                        level[w] = reach
            return level
        placed = [False] * len(succ)
        for v in self._order:
            placed[v] = True
            if reset is not None and reset[v]:
                level[v] = 0
            reach = level[v] + weight[v]
            for w in succ[v]:
                if not placed[w] and level[w] < reach:
                    level[w] = reach
        return level

    def _group(self, level: list[int], keep: Iterable[int]) -> list[list[str]]:
        """The ``keep`` tasks (given in ascending order) in layers by level, empty layers dropped."""
        layers: list[list[int]] = [[] for _ in range(max(level, default=0) + 1)]
        for i in keep:
            layers[level[i]].append(i)
        nodes = self.nodes
        return [[nodes[i] for i in layer] for layer in layers if layer]

    def _placed_tasks(self) -> Iterable[int]:
        """Task positions in ascending order, without the tasks on explicit cycles."""
        n = len(self.tasks)
        skip = self._on_cycle
        return [i for i in range(n) if i not in skip] if skip else range(n)

    def waves(self) -> list[list[str]]:
        """All tasks (done or not) in parallel layers of dependency order; cycle members left out."""
        succ, n = self._combined
        weight = [1] * n + [0] * (len(succ) - n)
        level = self._levels(weight)
        return self._group(level, self._placed_tasks())

    def ready(self) -> list[list[str]]:
        """Open tasks in waves: the first wave can start now (every dependency, explicit or implied,
        is done); each later wave can start once the waves before it are done. Done and struck
        tasks count as finished whatever they depend on; cycle members are left out."""
        succ, n = self._combined
        closed = [t.state in CLOSED_STATES for t in self.tasks] + [False] * (len(succ) - n)
        weight = [0 if closed[i] else 1 for i in range(n)] + [0] * (len(succ) - n)
        level = self._levels(weight, reset=closed)
        # Never offered as work: a reverted ([~]) or out-of-scope task, and every task that waits
        # (directly or not) on a cycle, since none of those can ever start (#11).
        waiting = self._downstream(self._on_cycle)
        phases = {p.key: p.label for p in self._phases}
        return self._group(level, [i for i in self._placed_tasks() if not closed[i] and i not in waiting
                                   and self.tasks[i].state != "partial"
                                   and not OUT_OF_SCOPE.search(
                                       f"{self.tasks[i].text} {phases.get(self.tasks[i].phase or '', '')}")])

    def _downstream(self, start: set[int]) -> set[int]:
        """Task positions reachable from ``start`` through explicit and implied edges, not ``start``."""
        if not start:
            return set()
        succ, n = self._combined
        seen = set(start)
        stack = list(start)
        while stack:
            for w in succ[stack.pop()]:
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
        return {i for i in seen - start if i < n}

    def critical_path(self) -> list[str]:
        """The chain with the most open tasks (done and struck weigh 0); ties go to the longer
        chain, then to the one that comes first in tasks.md. All done: simply the longest chain."""
        succ, n = self._combined
        order = self._order
        if not order:
            return []
        total = len(succ)
        # A chain's worth (open tasks, tasks) packed in one int, open * scale + tasks: compared
        # and added exactly like the pair (tasks <= n < scale), without a tuple per node and edge.
        scale = n + 1
        own = [1 if t.state in CLOSED_STATES else scale + 1 for t in self.tasks] + [0] * (total - n)
        acc = [0] * total
        val = [0] * total
        back = [-1] * total
        if self._plain_order is not None:  # a true topological order: every successor is ahead
            for v in order:
                here = val[v] = acc[v] + own[v]
                for w in succ[v]:
                    if here > acc[w] or back[w] == -1:
                        acc[w] = here
                        back[w] = v
        else:
            pos = [-1] * total
            for k, v in enumerate(order):
                pos[v] = k
            for v in order:
                here = val[v] = acc[v] + own[v]
                at = pos[v]
                for w in succ[v]:
                    if pos[w] > at and (here > acc[w] or back[w] == -1):
                        acc[w] = here
                        back[w] = v
        # Tasks left out (on a cycle) keep 0, placed ones weigh at least 1; ties go to the first.
        best = max(val[:n], default=0)
        end = val.index(best, 0, n) if best else -1
        path: list[str] = []
        while end != -1:
            if end < n:
                path.append(self.nodes[end])
            end = back[end]
        path.reverse()
        return path

    # -- edges, explained -----------------------------------------------------------------------

    def _exits_entries(self, members: list[int]) -> tuple[list[int], list[int]]:
        inside = set(members)
        has_pred: set[int] = set()
        has_succ: set[int] = set()
        for i in members:
            for j in self._succ[i]:
                if j in inside:
                    has_succ.add(i)
                    has_pred.add(j)
        return [i for i in members if i not in has_succ], [i for i in members if i not in has_pred]

    def _short(self, p: int) -> str:
        phase = self._phases[p]
        return f"Phase {phase.key}" if phase.label.startswith("Phase ") else phase.label

    def _implied(self, only: int | None = None) -> list[Edge]:
        out: list[Edge] = []
        previous: list[int] | None = None
        previous_label = ""
        for members in self._tiers:
            tasks = [i for p in members for i in self._phases[p].tasks]
            if not tasks:
                continue
            exits, entries = self._exits_entries(tasks)
            if previous is not None:
                for after in entries:
                    p = self.phase_of[after]
                    assert p is not None
                    line = self._phases[p].line
                    for before in previous:
                        if only is None or only in (before, after):
                            out.append(Edge(self.nodes[before], self.nodes[after], "phase",
                                            f"phase order: {self._short(p)} starts when {previous_label} is done "
                                            f"({self.path}:{line})", line))
            previous = exits
            previous_label = " and ".join(self._short(p) for p in members)
        for earlier, waiting, line in self._story_links:
            exits, _ = self._exits_entries(self._phases[earlier].tasks)
            _, entries = self._exits_entries(self._phases[waiting].tasks)
            for after in entries:
                for before in exits:
                    if only is None or only in (before, after):
                        out.append(Edge(self.nodes[before], self.nodes[after], "story",
                                        f"story dependency: {self._short(waiting)} waits for "
                                        f"{self._short(earlier)} ({self.path}:{line})", line))
        return out

    @cached_property
    def explicit(self) -> list[Edge]:
        """The explicit edges, in tasks.md order of the waiting task."""
        nodes, tasks, path = self.nodes, self.tasks, self.path
        out: list[Edge] = []
        for j, i in self.pairs:
            # The line the dependency was read on (a sub-bullet, a Dependencies section), not
            # always the task's own line: 'graph --why' cites where to edit (#11).
            lines = tasks[i].dependency_lines
            line = lines.get(tasks[j].id or "", tasks[i].line) if lines else tasks[i].line
            out.append(Edge(nodes[j], nodes[i], "explicit", f"{nodes[i]} depends on {nodes[j]} ({path}:{line})", line))
        return out

    @cached_property
    def pairs(self) -> list[tuple[int, int]]:
        """Explicit edges as (before, after) positions in ``nodes``, in tasks.md order of the waiting
        task: the cheap form for big graphs."""
        return [(j, i) for i, before in enumerate(self._preds) for j in before]

    @cached_property
    def edges(self) -> list[Edge]:
        """Explicit edges, then the implied ones (see the module docstring)."""
        return self.explicit + self._implied()

    def why(self, task_id: str) -> list[Edge]:
        """Every edge that touches ``task_id``: what it waits for, then what waits for it."""
        i = self.index.get(task_id)
        if i is None:
            raise KeyError(task_id)
        touching = [e for e in self.explicit if task_id in (e.before, e.after)] + self._implied(only=i)
        return [e for e in touching if e.after == task_id] + [e for e in touching if e.after != task_id]


def build_graph(feature: Feature) -> TaskGraph:
    """The task graph of one feature (see the module docstring for the semantics)."""
    return TaskGraph(feature)


def shorten(ids: Sequence[str], head: int = 10, tail: int = 3) -> str:
    """``a -> b -> ... -> a`` for a cycle, cut in the middle when long, with the count."""
    ring = [*ids, *ids[:1]]
    if len(ids) <= head + tail:
        return " -> ".join(ring)
    return (" -> ".join(ring[:head]) + f" -> ... ({len(ids) - head - tail + 1} more) -> "
            + " -> ".join(ring[-tail - 1:]) + f" ({len(ids)} tasks)")
