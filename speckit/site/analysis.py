"""What the site shows about one feature, computed once: diagnostics, INVEST scorecards, the task
graph facts, and the outputs of ``speckit build`` when present.

The analyses themselves live in their stages (``speckit.check``, ``speckit.graph``); this module
only calls them and keeps what the pages need, so that pages never compute anything twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speckit.analysis import Analyses
from speckit.config import Config
from speckit.model import Diagnostic, Feature, Task

LETTERS = ("I", "N", "V", "E", "S", "T")


@dataclass(frozen=True, slots=True)
class GraphFacts:
    keys: list[str]
    position: dict[str, int]
    """task key -> index in ``keys`` (and in the feature's tasks)"""
    """node key of each task, parallel to ``feature.tasks`` (the id, or ``line:N``)"""
    explicit: list[tuple[str, str]]
    implied: list[tuple[str, str]]
    cycles: list[list[str]]
    cycle_members: set[str]
    waves: list[list[str]]
    critical: list[str]
    analyses: Analyses | None = None
    """bottlenecks, redundant dependencies, the critical path's length (speckit.analysis)"""


@dataclass(frozen=True, slots=True)
class Analysis:
    feature: Feature
    diagnostics: list[Diagnostic]
    scorecards: dict[str, dict[str, list[str]]]
    """story id -> INVEST letter -> reasons it fails (empty: passes)"""
    graph: GraphFacts
    build: Any | None = None
    """``<feature>/build/checklist.json`` as read, when ``speckit build`` has written it"""
    build_error: str | None = None
    notes: list[str] = field(default_factory=list)

    def task(self, key: str) -> Task | None:
        index = self.graph.position.get(key)
        return None if index is None else self.feature.tasks[index]


def analyze(feature: Feature, config: Config, repo_root: Path) -> Analysis:
    from speckit.check import check_feature
    from speckit.check.invest import scorecard

    diagnostics = _unique(list(feature.diagnostics) + list(check_feature(feature, config, repo_root)))
    cards = {}
    if feature.spec is not None:
        for story in feature.spec.stories:
            card = scorecard(story, feature, config)
            cards[story.id] = {letter: list(card.get(letter, [])) for letter in LETTERS}
    build, build_error = _read_build(Path(feature.feature.path))
    return Analysis(feature, diagnostics, cards, graph_facts(feature), build, build_error)


def graph_facts(feature: Feature) -> GraphFacts:
    from speckit.analysis import analyze as analyze_graph
    from speckit.graph import build_graph

    graph = build_graph(feature)
    explicit = [(e.before, e.after) for e in graph.edges if e.kind == "explicit"]
    implied = [(e.before, e.after) for e in graph.edges if e.kind != "explicit"]
    members = {key for tangle in graph.cycle_members() for key in tangle}
    keys = list(graph.nodes)
    position: dict[str, int] = {}
    for index, key in enumerate(keys):
        position.setdefault(key, index)  # a duplicated id: its first task, as before
    return GraphFacts(keys, position, explicit, implied, graph.cycles(), members, graph.waves(),
                      graph.critical_path(), analyze_graph(graph, feature.feature.id))


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    # check_feature may report the parser's diagnostics again: show each finding once.
    seen: set[tuple[str, str, int, str]] = set()
    out = []
    for d in diagnostics:
        key = (d.rule, d.path, d.line, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(out, key=lambda d: (order[d.severity], d.path, d.line))


def _read_build(folder: Path) -> tuple[Any | None, str | None]:
    path = folder / "build" / "checklist.json"
    if not path.is_file():
        return None, None
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        # Shown on the page and reported: a broken build output is something to fix, not to hide.
        return None, f"{path}: cannot read ({error})"
