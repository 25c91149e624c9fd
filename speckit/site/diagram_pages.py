"""The task-graph and Gantt pages of a feature: the diagrams (chosen in ``speckit.site.diagrams``) and
the tables under them, which list everything the diagrams show: the critical path with its length,
the bottlenecks and redundant dependencies (``speckit.analysis``), cycles, dependencies and waves.
"""

from __future__ import annotations

from typing import Any

from speckit.report import mermaid
from speckit.site import diagrams
from speckit.site.markup import Page, inline
from speckit.site.markup import mermaid as diagram
from speckit.site.pages import FeatureSite, title_of
from speckit.site.text import esc

LEGEND = ("Green: done. Thick orange: the critical path (the chain with the most open tasks). "
          "Red: tasks on a dependency cycle. Dashed: phase order (implied), or tasks of other phases.")


def graph(site: FeatureSite, collapse_above: int) -> dict[str, Page]:
    """The task-graph page, plus one page per phase when the graph is collapsed."""
    feature, out = site.feature, Page(site.page("graph.md"))
    pages: dict[str, Page] = {}
    out.h(1, f"Task graph: {title_of(feature)}")
    if not feature.tasks:
        out.p("No tasks (no tasks.md, or no tasks found in it).")
        return {out.name: out}
    collapsed = len(feature.tasks) > collapse_above
    if collapsed:
        out.p(f"{len(feature.tasks)} tasks: more than {collapse_above}, so each phase is one node here; "
              "its tasks are on the phase's own page.")
    out.p(LEGEND)
    _diagram(out, "task graph", lambda: mermaid.flowchart(
        diagrams.phase_flow(site.analysis) if collapsed else diagrams.task_flow(site.analysis)))
    if collapsed:
        out.h(2, "Phases")
        links = []
        for n, info in enumerate(diagrams.phases(feature), 1):
            phase = Page(site.page(f"graph-phase-{n}.md"))
            links.append(f"{out.link(phase.name, esc(info.title))}: {len(info.tasks)} tasks")
            phase.h(1, info.title)
            phase.p(f"Part of the {phase.link(out.name, 'task graph')}.")
            phase.p(LEGEND)
            _diagram(phase, "phase graph", lambda info=info: mermaid.flowchart(diagrams.task_flow(site.analysis, info)))
            pages[phase.name] = phase
        out.ul(links)
    _graph_tables(site, out)
    return {out.name: out, **pages}


def _diagram(out: Page, what: str, make: Any) -> None:
    try:
        out.add(diagram(make()))
    except mermaid.TooLarge as error:
        out.admonition("warning", f"The {what} is too large to draw",
                       f"<p>{esc(str(error))}; the tables below list everything it would show.</p>")


def _graph_tables(site: FeatureSite, out: Page) -> None:
    facts = site.analysis.graph
    found = facts.analyses
    link = site.task_link
    out.h(2, "Critical path")
    if facts.critical and found is not None:
        out.p(f"{len(facts.critical)} tasks, {found.critical_open} of them open.")
    out.p(" → ".join(link(out.name, k) for k in facts.critical) if facts.critical else "No tasks to order.")
    if found is not None:
        out.h(2, "Bottlenecks")
        out.p("Open tasks that the most other open tasks wait on, directly or through others (written "
              "dependencies only).")
        if found.bottlenecks:
            out.table(["Task", "Blocks", "Directly", "Title"], (
                [link(out.name, b.task), str(b.blocks), str(b.direct), inline(b.title)] for b in found.bottlenecks))
        else:
            out.p("None: no open task is a written dependency of another open task.")
        out.h(2, "Redundant dependencies")
        out.p("Written dependencies that others already imply (the transitive reduction drops them): each can "
              "go from tasks.md without changing the order.")
        if found.redundant:
            out.table(["Task", "waits for", "already through"], (
                [link(out.name, r.after), link(out.name, r.before), " → ".join(link(out.name, k) for k in r.via)]
                for r in found.redundant))
        else:
            out.p("None.")
    out.h(2, "Cycles")
    if facts.cycles:
        out.p("These tasks wait for each other, so none of them can start; waves and the critical path "
              "leave them out.")
        out.ul(" → ".join(link(out.name, k) for k in [*cycle, cycle[0]]) for cycle in facts.cycles)
    else:
        out.p("None.")
    out.h(2, "Explicit dependencies")
    if facts.explicit:
        waits: dict[str, list[str]] = {}
        for before, after in facts.explicit:
            waits.setdefault(after, []).append(before)
        out.table(["Task", "waits for"], ([link(out.name, k), ", ".join(link(out.name, b) for b in bs)]
                                          for k, bs in waits.items()))
    else:
        out.p("None written in tasks.md; the phases order the work.")


def gantt(site: FeatureSite) -> Page:
    feature, out = site.feature, Page(site.page("gantt.md"))
    facts = site.analysis.graph
    out.h(1, f"Phases and waves: {title_of(feature)}")
    if not facts.waves:
        out.p("No tasks to schedule.")
        return out
    out.p("Each wave holds tasks that can run in parallel once the waves before it are done; the axis "
          "counts waves, not days. Red bars are on the critical path, grey ones are done.")
    _diagram(out, "Gantt chart", lambda: mermaid.gantt(f"{title_of(feature)}: phases and waves",
                                                       diagrams.gantt_bars(site.analysis)))
    out.h(2, "Waves")
    out.table(["Wave", "Tasks"], ([str(n), ", ".join(site.task_link(out.name, k) for k in wave)]
                                  for n, wave in enumerate(facts.waves, 1)))
    if facts.cycle_members:
        out.p("Left out (on a dependency cycle): "
              f"{', '.join(site.task_link(out.name, k) for k in sorted(facts.cycle_members))}.")
    return out
