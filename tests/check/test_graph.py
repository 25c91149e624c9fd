"""The task graph: semantics on small graphs, agreement with networkx on random ones, and scale."""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from speckit.graph import build_graph, shorten
from speckit.model import Feature, FeatureRef, Phase, StoryDependency, Task, TaskList


def feature(tasks: list[Task], phases: list[Phase] | None = None,
            story_deps: list[StoryDependency] | None = None) -> Feature:
    return Feature(feature=FeatureRef(id="x", path="x"), tasks=tasks,
                   task_list=TaskList(path="x/tasks.md", line=1, phases=phases or [],
                                      story_dependencies=story_deps or []))


def task(tid: str | None, deps: list[str] = (), state: str = "open", phase: str | None = None,
         line: int = 1, stories: list[str] = ()) -> Task:
    return Task(id=tid, title=f"task {tid}", text="", state=state, depends_on=list(deps), phase=phase,
                line=line, stories=list(stories))


def chain(n: int, ring: bool = False) -> Feature:
    tasks = [task(f"T{i}", [f"T{i - 1}"] if i else ([f"T{n - 1}"] if ring else []), line=i + 1) for i in range(n)]
    return feature(tasks)


def test_edge_direction_and_reason() -> None:
    g = build_graph(feature([task("T1"), task("T2", ["T1"], line=7)]))
    (edge,) = g.edges
    assert (edge.before, edge.after, edge.kind, edge.line) == ("T1", "T2", "explicit", 7)
    assert "T2 depends on T1" in edge.reason and "x/tasks.md:7" in edge.reason
    assert g.why("T2") == [edge] and g.why("T1") == [edge]


def test_cycle_path_in_order_and_rest_still_computed() -> None:
    tasks = [
        task("T021", ["T022"]),
        task("T024", ["T021"]),
        task("T022", ["T024"]),
        task("T030"),
        task("T031", ["T030"]),
    ]
    g = build_graph(feature(tasks))
    assert g.cycles() == [["T021", "T024", "T022"]]
    assert shorten(g.cycles()[0]) == "T021 -> T024 -> T022 -> T021"
    assert g.waves() == [["T030"], ["T031"]]
    assert g.critical_path() == ["T030", "T031"]
    assert g.ready() == [["T030"], ["T031"]]


def test_problems_kept_out_of_the_graph() -> None:
    g = build_graph(feature([task("T1", ["T1", "T9"]), task("T1", line=5), task(None, ["T1"], line=9)]))
    assert [p.task for p in g.self_dependencies] == ["T1"]
    assert [(p.task, p.other) for p in g.unknown] == [("T1", "T9")]
    assert g.nodes == ["T1", "line:5", "line:9"]
    assert [(e.before, e.after) for e in g.explicit] == [("T1", "line:9")]


def test_phase_tiers_story_phases_independent() -> None:
    phases = [Phase(number="1", title="Setup", kind="setup", line=1),
              Phase(number="2", title="Foundational", kind="foundational", line=5),
              Phase(number="3", title="User Story 1", kind="story", stories=["US1"], line=10),
              Phase(number="4", title="User Story 2", kind="story", stories=["US2"], line=20),
              Phase(number="5", title="Polish", kind="polish", line=30)]
    tasks = [task("T1", phase="1"), task("T2", phase="2"), task("T3", phase="3"), task("T4", phase="3", deps=["T3"]),
             task("T5", phase="4"), task("T6", phase="5")]
    g = build_graph(feature(tasks, phases))
    assert g.waves() == [["T1"], ["T2"], ["T3", "T5"], ["T4"], ["T6"]]
    implied = {(e.before, e.after, e.kind) for e in g.edges if e.kind != "explicit"}
    assert implied == {("T1", "T2", "phase"), ("T2", "T3", "phase"), ("T2", "T5", "phase"),
                       ("T4", "T6", "phase"), ("T5", "T6", "phase")}
    assert [e.before for e in g.why("T3")] == ["T2", "T3"]
    # A story-dependency table orders two story phases.
    g = build_graph(feature(tasks, phases, [StoryDependency(story="US2", depends_on=["US1"], line=40)]))
    assert g.waves() == [["T1"], ["T2"], ["T3"], ["T4"], ["T5"], ["T6"]]
    assert ("T4", "T5", "story") in {(e.before, e.after, e.kind) for e in g.edges}


def test_phase_inversion_yields_to_explicit_edge() -> None:
    phases = [
        Phase(number="1", title="Setup", kind="setup", line=1),
        Phase(number="2", title="Polish", kind="polish", line=9),
    ]
    g = build_graph(feature([task("T1", ["T3"], phase="1"), task("T2", phase="1"), task("T3", phase="2")], phases))
    assert g.cycles() == []
    assert sorted(k for w in g.waves() for k in w) == ["T1", "T2", "T3"]
    position = {k: n for n, w in enumerate(g.waves()) for k in w}
    assert position["T3"] < position["T1"]


def test_ready_and_critical_path_weigh_open_work() -> None:
    tasks = [task("T1", state="done"), task("T2", ["T1"], state="done"), task("T3", ["T2"]), task("T4"),
             task("T5", ["T3"]), task("T6", ["T4"], state="struck")]
    g = build_graph(feature(tasks))
    assert g.ready() == [["T3", "T4"], ["T5"]]
    assert g.critical_path() == ["T1", "T2", "T3", "T5"]
    done = build_graph(feature([task("A", state="done"), task("B", ["A"], state="done")]))
    assert done.ready() == [] and done.critical_path() == ["A", "B"]


def test_long_chain_and_ring_do_not_recurse() -> None:
    g = build_graph(chain(100_000))
    assert len(g.waves()) == 100_000
    assert len(g.critical_path()) == 100_000
    ring = build_graph(chain(10_000, ring=True))
    (cycle,) = ring.cycles()
    assert len(cycle) == 10_000
    text = shorten(cycle)
    assert text.startswith("T0 -> T1 -> ") and "(10000 tasks)" in text and len(text) < 200
    assert ring.waves() == [] and ring.ready() == []


def test_scale_100k_tasks_300k_edges() -> None:
    import random

    rng = random.Random(7)
    n = 100_000
    tasks = []
    for i in range(n):
        deps = sorted({f"T{rng.randrange(i)}" for _ in range(3)}) if i > 3 else []
        tasks.append(task(f"T{i}", deps, line=i + 1))
    tasks[10].depends_on.append("T50000")  # one long cycle through the middle
    # How fast is benchmarks/run.py's figure 4 (graph); here only that it works at this size.
    g = build_graph(feature(tasks))
    assert len(g.explicit) > 290_000
    assert g.cycles() and g.waves() and g.critical_path()


@given(st.lists(st.lists(st.integers(0, 14), max_size=3), min_size=1, max_size=15),
       st.lists(st.booleans(), min_size=15, max_size=15))
def test_agrees_with_networkx(deps: list[list[int]], done: list[bool]) -> None:
    tasks = [task(f"T{i}", [f"T{d}" for d in ds if d < len(deps)], state="done" if done[i] else "open")
             for i, ds in enumerate(deps)]
    g = build_graph(feature(tasks))
    reference = nx.DiGraph()
    reference.add_nodes_from(g.nodes)
    reference.add_edges_from((e.before, e.after) for e in g.explicit)
    components = [c for c in nx.strongly_connected_components(reference) if len(c) > 1]
    assert sorted(sorted(c) for c in components) == sorted(sorted(c) for c in g.cycle_members())
    for cycle in g.cycles():
        assert all(reference.has_edge(a, b) for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True))
    rest = reference.subgraph([k for k in g.nodes if not any(k in c for c in components)])
    layers = [sorted(layer) for layer in nx.topological_generations(rest)]
    # waves are longest-path layers: as many as networkx's longest path, each edge goes forward
    position = {k: n for n, w in enumerate(g.waves()) for k in w}
    assert set(position) == set(rest.nodes)
    assert all(position[a] < position[b] for a, b in rest.edges)
    assert len(g.waves()) == (nx.dag_longest_path_length(rest) + 1 if rest.nodes else 0)
    assert len(layers) == len(g.waves())
    path = g.critical_path()
    assert all(rest.has_edge(a, b) for a, b in zip(path, path[1:], strict=False))
