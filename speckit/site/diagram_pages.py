"""The task-graph and Gantt pages of a feature: the diagrams (chosen in ``speckit.site.diagrams``) and
the tables under them, which list everything the diagrams show: the critical path with its length,
the bottlenecks and redundant dependencies (``speckit.analysis``), cycles, dependencies and waves.
"""

from __future__ import annotations

from typing import Any

from speckit.report import mermaid
from speckit.site import diagrams
from speckit.site.pages import FeatureSite, title_of
from speckit.site.text import md, md_link

LEGEND = ("Green: done. Thick orange: the critical path (the chain with the most open tasks). "
          "Red: tasks on a dependency cycle. Dashed: phase order (implied), or tasks of other phases.")


def graph(site: FeatureSite, collapse_above: int) -> dict[str, str]:
    """The task-graph page, plus one page per phase when the graph is collapsed."""
    feature, page = site.feature, site.page("graph.md")
    out: dict[str, str] = {}
    lines = [f"# Task graph: {md(title_of(feature))}", ""]
    if not feature.tasks:
        out[page] = "\n".join(lines + ["No tasks (no tasks.md, or no tasks found in it).", ""])
        return out
    collapsed = len(feature.tasks) > collapse_above
    if collapsed:
        lines += [f"{len(feature.tasks)} tasks: more than {collapse_above}, so each phase is one node here; "
                  "its tasks are on the phase's own page.", ""]
    lines += [LEGEND, ""]
    lines.append(_diagram("task graph", lambda: mermaid.flowchart(
        diagrams.phase_flow(site.analysis) if collapsed else diagrams.task_flow(site.analysis))))
    if collapsed:
        lines += ["## Phases", ""]
        for n, info in enumerate(diagrams.phases(feature), 1):
            phase_page = site.page(f"graph-phase-{n}.md")
            lines.append(f"- [{md(info.title)}]({md_link(page, phase_page)}): {len(info.tasks)} tasks")
            out[phase_page] = "\n".join([
                f"# {md(info.title)}", "", f"Part of the [task graph]({md_link(phase_page, page)}).", "",
                LEGEND, "",
                _diagram("phase graph", lambda info=info: mermaid.flowchart(diagrams.task_flow(site.analysis, info))),
            ])
        lines.append("")
    lines += _graph_tables(site, page)
    out[page] = "\n".join(lines)
    return out


def _diagram(what: str, make: Any) -> str:
    try:
        return diagrams.fence(make())
    except mermaid.TooLarge as error:
        return diagrams.too_large(what, error)


def _graph_tables(site: FeatureSite, page: str) -> list[str]:
    facts = site.analysis.graph
    found = facts.analyses
    lines = ["## Critical path", ""]
    if facts.critical and found is not None:
        lines += [f"{len(facts.critical)} tasks, {found.critical_open} of them open.", ""]
    chain = " → ".join(site.task_link(page, k) for k in facts.critical)
    lines.append(chain if facts.critical else "No tasks to order.")
    if found is not None:
        lines += ["", "## Bottlenecks", "", "Open tasks that the most other open tasks wait on, directly or through "
                  "others (written dependencies only).", ""]
        if found.bottlenecks:
            lines += ["| Task | Blocks | Directly | Title |", "|---|---|---|---|"]
            lines += [f"| {site.task_link(page, b.task)} | {b.blocks} | {b.direct} | {md(b.title)} |"
                      for b in found.bottlenecks]
        else:
            lines.append("None: no open task is a written dependency of another open task.")
        lines += ["", "## Redundant dependencies", "", "Written dependencies that others already imply (the "
                  "transitive reduction drops them): each can go from tasks.md without changing the order.", ""]
        if found.redundant:
            lines += ["| Task | waits for | already through |", "|---|---|---|"]
            lines += [f"| {site.task_link(page, r.after)} | {site.task_link(page, r.before)} | "
                      f"{' → '.join(site.task_link(page, k) for k in r.via)} |" for r in found.redundant]
        else:
            lines.append("None.")
    lines += ["", "## Cycles", ""]
    if facts.cycles:
        lines += ["These tasks wait for each other, so none of them can start; waves and the critical path "
                  "leave them out.", ""]
        lines += ["- " + " → ".join(site.task_link(page, k) for k in [*cycle, cycle[0]]) for cycle in facts.cycles]
    else:
        lines.append("None.")
    lines += ["", "## Explicit dependencies", ""]
    if facts.explicit:
        lines += ["| Task | waits for |", "|---|---|"]
        waits: dict[str, list[str]] = {}
        for before, after in facts.explicit:
            waits.setdefault(after, []).append(before)
        lines += [f"| {site.task_link(page, k)} | {', '.join(site.task_link(page, b) for b in bs)} |"
                  for k, bs in waits.items()]
    else:
        lines.append("None written in tasks.md; the phases order the work.")
    return lines + [""]


def gantt(site: FeatureSite) -> str:
    feature, page = site.feature, site.page("gantt.md")
    facts = site.analysis.graph
    lines = [f"# Phases and waves: {md(title_of(feature))}", ""]
    if not facts.waves:
        return "\n".join(lines + ["No tasks to schedule.", ""])
    lines += ["Each wave holds tasks that can run in parallel once the waves before it are done; the axis "
              "counts waves, not days. Red bars are on the critical path, grey ones are done.", ""]
    lines.append(_diagram("Gantt chart", lambda: mermaid.gantt(f"{title_of(feature)}: phases and waves",
                                                               diagrams.gantt_bars(site.analysis))))
    lines += ["## Waves", "", "| Wave | Tasks |", "|---|---|"]
    lines += [f"| {n} | {', '.join(site.task_link(page, k) for k in wave)} |" for n, wave in enumerate(facts.waves, 1)]
    if facts.cycle_members:
        lines += ["", f"Left out (on a dependency cycle): "
                  f"{', '.join(site.task_link(page, k) for k in sorted(facts.cycle_members))}."]
    return "\n".join(lines) + "\n"


