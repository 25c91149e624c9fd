"""The task graph as Mermaid, Graphviz DOT or JSON.

Task titles come from documents and never execute: Mermaid labels go through the site's escaper
(``speckit.report.mermaid.label``: plain text, every character Mermaid gives a meaning to as an entity
code, so no HTML, Markdown string, directive or statement can be smuggled in), DOT strings are
quoted and escaped, and node names in both are generated (``n0``, ``n1`` ...), never taken from the
text.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from speckit.graph import TaskGraph
from speckit.report.mermaid import label as mermaid_text

_MARK = {"done": "✓", "struck": "✗", "partial": "◐", "open": "○"}


def _phase_groups(graph: TaskGraph) -> list[tuple[int, str, list[int]]]:
    return [(p.index, p.label, p.tasks) for p in graph.phases]


def mermaid(graph: TaskGraph) -> str:
    lines = ["flowchart TD"]
    on_cycle = {k for members in graph.cycle_members() for k in members}
    critical = set(graph.critical_path())
    grouped: set[int] = set()

    def node(i: int) -> str:
        task = graph.tasks[i]
        key = graph.nodes[i]
        return f'n{i}["{mermaid_text(f"{_MARK[task.state]} {key} {task.title}")}"]'

    for index, label, members in _phase_groups(graph):
        if not members:
            continue
        lines.append(f'  subgraph p{index}["{mermaid_text(label, 80)}"]')
        for i in members:
            lines.append(f"    {node(i)}")
            grouped.add(i)
        lines.append("  end")
    for i in range(len(graph.tasks)):
        if i not in grouped:
            lines.append(f"  {node(i)}")
    for edge in graph.explicit:
        lines.append(f"  n{graph.index[edge.before]} --> n{graph.index[edge.after]}")
    # Implied order between phases is drawn once per pair of phases, not once per pair of tasks.
    tiers = [[p for p in members if graph.phases[p].tasks] for members in graph.tiers]
    tiers = [t for t in tiers if t]
    for before, after in itertools.pairwise(tiers):
        for a in before:
            for b in after:
                lines.append(f"  p{a} -.-> p{b}")
    for earlier, waiting, _ in graph.story_links:
        lines.append(f"  p{earlier} -.->|story| p{waiting}")
    lines.append("  classDef done fill:#e6f4ea,stroke:#34a853")
    lines.append("  classDef cycle fill:#fce8e6,stroke:#d93025,stroke-width:2px")
    lines.append("  classDef critical stroke:#1a73e8,stroke-width:3px")
    for name, members in (("done", [i for i, t in enumerate(graph.tasks) if t.state == "done"]),
                          ("critical", [graph.index[k] for k in critical]),
                          ("cycle", [graph.index[k] for k in on_cycle])):
        if members:
            lines.append(f"  class {','.join(f'n{i}' for i in sorted(members))} {name}")
    return "\n".join(lines)


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


def dot(graph: TaskGraph) -> str:
    lines = ["digraph tasks {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];']
    grouped: set[int] = set()
    for index, label, members in _phase_groups(graph):
        if not members:
            continue
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={_dot_string(label)};")
        for i in members:
            grouped.add(i)
            lines.append(f"    {_dot_node(graph, i)}")
        lines.append("  }")
    for i in range(len(graph.tasks)):
        if i not in grouped:
            lines.append(f"  {_dot_node(graph, i)}")
    for edge in graph.edges:
        style = "" if edge.kind == "explicit" else ", style=dashed"
        lines.append(f"  n{graph.index[edge.before]} -> n{graph.index[edge.after]} "
                     f"[tooltip={_dot_string(edge.reason)}{style}];")
    lines.append("}")
    return "\n".join(lines)


def _dot_node(graph: TaskGraph, i: int) -> str:
    task = graph.tasks[i]
    fill = ', style=filled, fillcolor="#e6f4ea"' if task.state == "done" else ""
    return f"n{i} [label={_dot_string(graph.nodes[i] + ' ' + task.title)}{fill}];"


def as_data(graph: TaskGraph, feature_id: str) -> dict[str, Any]:
    ready = graph.ready()
    return {
        "feature": feature_id,
        "nodes": [{"id": key, "title": task.title, "state": task.state, "phase": task.phase, "line": task.line}
                  for key, task in zip(graph.nodes, graph.tasks, strict=True)],
        "edges": [{"before": e.before, "after": e.after, "kind": e.kind, "reason": e.reason, "line": e.line}
                  for e in graph.edges],
        "cycles": graph.cycles(),
        "left_out": sorted({k for members in graph.cycle_members() for k in members}, key=graph.index.__getitem__),
        "waves": graph.waves(),
        "critical_path": graph.critical_path(),
        "ready": ready,
    }


def as_json(graph: TaskGraph, feature_id: str) -> str:
    return json.dumps(as_data(graph, feature_id), indent=2, ensure_ascii=False)


def left_out(graph: object) -> list[str]:
    """The tasks left out of waves and the critical path: those on a dependency cycle."""
    assert isinstance(graph, TaskGraph)
    return [k for members in graph.cycle_members() for k in members]


def next_data(feature_id: str, graph: object) -> dict[str, object]:
    """What 'speckit next --format json' prints (and the MCP server's ``next`` tool returns). Only
    the wave that can start now is listed: a 100,000-task chain would otherwise print every later
    wave. 'speckit graph --format json' has them all."""
    assert isinstance(graph, TaskGraph)
    waves = graph.ready()
    return {
        "feature": feature_id,
        "ready": [_entry(graph, k) for k in waves[0]] if waves else [],
        "waiting": sum(len(w) for w in waves[1:]),
        "later_waves": max(len(waves) - 1, 0),
        "left_out": left_out(graph),
    }


def _entry(graph: object, key: str) -> dict[str, object]:
    assert isinstance(graph, TaskGraph)
    task = graph.tasks[graph.index[key]]
    return {"id": key, "title": task.title, "phase": task.phase, "line": task.line, "parallel": task.parallel}
