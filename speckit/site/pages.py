"""The Markdown of each generated page. Every piece of document text goes through ``md()`` (or
``attr()`` inside raw HTML): the pages are built from data, and data never becomes markup.

Links between generated pages are ``.md`` links wherever Markdown allows, so that mkdocs checks
them (a broken one is a warning, and ``--strict`` fails the build).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speckit.model import CheckItem, Diagnostic, Feature, Section
from speckit.site import diagrams
from speckit.site.analysis import LETTERS, Analysis
from speckit.site.documents import Rendered
from speckit.site.history import Point
from speckit.site.text import md, md_link

LETTER_NAMES = {"I": "Independent", "N": "Negotiable", "V": "Valuable", "E": "Estimable", "S": "Small",
                "T": "Testable"}
SEVERITY_MARK = {"error": "✖ error", "warning": "⚠ warning", "info": "ℹ info"}


@dataclass
class FeatureSite:
    """Where one feature's pages go, and its rendered documents (for links to lines)."""

    analysis: Analysis
    base: str
    """folder of the feature's pages, e.g. ``features/001-team-reminders``"""
    documents: dict[str, tuple[str, Rendered]] = field(default_factory=dict)
    """document path -> (page, rendered)"""
    history: list[Point] = field(default_factory=list)
    """done and open tasks at each commit that changed tasks.md (speckit.site.history)"""
    no_history: str = ""
    """why there is no history, when there is none"""

    @property
    def feature(self) -> Feature:
        return self.analysis.feature

    def page(self, name: str) -> str:
        return f"{self.base}/{name}"

    def line_link(self, from_page: str, path: str, line: int, text: str | None = None) -> str:
        label = md(text or f"{Path(path).name}:{line}")
        target = self.documents.get(path)
        if target is None:
            return label
        return f"[{label}]({md_link(from_page, target[0], target[1].anchor(line))})"

    def task_link(self, from_page: str, key: str) -> str:
        task = self.analysis.task(key)
        if task is None or self.feature.task_list is None:
            return md(key)
        return self.line_link(from_page, self.feature.task_list.path, task.line, key)


def title_of(feature: Feature) -> str:
    for doc in (feature.spec, feature.plan, feature.task_list):
        if doc is not None and doc.title:
            return doc.title
    return feature.feature.id


def status_of(feature: Feature) -> str:
    for doc in (feature.spec, feature.plan, feature.task_list):
        if doc is not None:
            for key, value in doc.metadata.items():
                if key.lower() == "status":
                    return value
    return ""


def metadata(feature: Feature) -> list[tuple[str, str]]:
    """Each metadata key once (spec.md's spelling first), as escaped Markdown: its value, or, where
    the documents disagree, each value with the documents that give it (``Draft (spec.md)``)."""
    seen: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for doc in (feature.spec, feature.plan, feature.task_list):
        if doc is None:
            continue
        for key, value in doc.metadata.items():
            name, values = seen.setdefault(key.strip().lower(), (key, {}))
            # 'Approved' and 'APPROVED' agree: the first spelling is shown.
            spelling = next((v for v in values if v.lower() == value.strip().lower()), value.strip())
            values.setdefault(spelling, []).append(Path(doc.path).name)
    out = []
    for name, values in seen.values():
        if len(values) == 1:
            out.append((name, md(next(iter(values)))))
        else:
            out.append((name, "<br>".join(f"{md(v)} ({md(', '.join(docs))})" for v, docs in values.items())))
    return out


def local_nav(site: FeatureSite, page: str, names: list[str]) -> str:
    """The bar at the top of each of a feature's pages: the index, then the feature's pages, the
    current one in bold. It stands in for a site navigation that would list every feature."""
    def link(title: str, target: str) -> str:
        return f"**{md(title)}**" if target == page else f"[{md(title)}]({md_link(page, target)})"

    parts = [f"[← all features]({md_link(page, 'index.md')})"]
    fixed = [("Overview", "index.md"), ("Stories", "stories.md"), ("Traceability", "traceability.md"),
             ("Task graph", "graph.md"), ("Gantt", "gantt.md"), ("Checklist", "checklist.md")]
    parts += [link(title, site.page(name)) for title, name in fixed if site.page(name) in names]
    phases = [n for n in names if n.startswith(site.page("graph-phase-"))]
    if phases and (page in phases or page == site.page("graph.md")):
        parts.append("phases " + " ".join(link(n.rsplit("-", 1)[1][:-3], n) for n in sorted(
            phases, key=lambda n: int(n.rsplit("-", 1)[1][:-3]))))
    parts += [link(Path(path).name, doc_page) for path, (doc_page, _) in site.documents.items()]
    return f"{parts[0]} · **{md(site.feature.feature.id)}**: " + " · ".join(parts[1:]) + "\n\n"


def burndown(points: list[Point], no_history: str) -> list[str]:
    """The burndown chart of ``points``, or a sentence saying why there is none."""
    from speckit.site.history import MAX_POINTS, chart

    if no_history:
        return [f"No history: {md(no_history)}."]
    if not points:
        return ["No history: tasks.md has not been committed yet."]
    shown = min(len(points), MAX_POINTS)
    commits = f"{len(points)} commits" if len(points) != 1 else "1 commit"
    return [f"{commits} changed tasks.md. Bars: tasks done; line: tasks open; one column per commit"
            f"{f' (the last {shown})' if shown < len(points) else ''}.", "", diagrams.fence(chart(points))]


def counts(diagnostics: list[Diagnostic]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "info": 0}
    for d in diagnostics:
        out[d.severity] += 1
    return out


def progress_bar(done: int, total: int) -> str:
    percent = round(100 * done / total) if total else 0
    return (f'<div class="speckit-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" '
            f'aria-valuenow="{percent}"><span style="width: {percent}%"></span></div>')


# -- per feature -----------------------------------------------------------------------------------

def overview(site: FeatureSite) -> str:
    feature, page = site.feature, site.page("index.md")
    done, total = sum(t.done for t in feature.tasks), len(feature.tasks)
    spec = feature.spec
    lines = [f"# {md(title_of(feature))}", "", "| | |", "|---|---|",
             f"| Folder | {md(feature.feature.path)} |"]
    lines += [f"| {md(key)} | {shown} |" for key, shown in metadata(feature)]
    lines += ["", f"{progress_bar(done, total)}", "", f"**{done} / {total} tasks done**", ""]
    found = counts(site.analysis.diagnostics)
    lines += [
        f"{len(spec.stories) if spec else 0} user stories · {len(spec.requirements) if spec else 0} requirements · "
        f"{len(spec.success_criteria) if spec else 0} success criteria · {found['error']} errors, "
        f"{found['warning']} warnings, {found['info']} notes", "",
        "## Pages", "",
        f"- [User stories and INVEST]({md_link(page, site.page('stories.md'))})",
        f"- [Traceability]({md_link(page, site.page('traceability.md'))})",
        f"- [Task graph]({md_link(page, site.page('graph.md'))})",
        f"- [Phases and waves (Gantt)]({md_link(page, site.page('gantt.md'))})",
        f"- [Checklist and gates]({md_link(page, site.page('checklist.md'))})",
    ]
    lines += [f"- [{md(Path(path).name)}]({md_link(page, doc_page)})" for path, (doc_page, _) in site.documents.items()]
    lines += ["", "## Progress over time", ""] + burndown(site.history, site.no_history)
    lines += ["", "## Diagnostics", ""]
    if site.analysis.diagnostics:
        lines += ["| Severity | Rule | Message | Where |", "|---|---|---|---|"]
        for d in site.analysis.diagnostics:
            hint = f"<br>*{md(d.hint)}*" if d.hint else ""
            lines.append(f"| {SEVERITY_MARK[d.severity]} | {md(d.rule)} | {md(d.message)}{hint} | "
                         f"{site.line_link(page, d.path, d.line)} |")
    else:
        lines.append("No findings.")
    return "\n".join(lines) + "\n"


def stories(site: FeatureSite) -> str:
    spec, page = site.feature.spec, site.page("stories.md")
    lines = [f"# User stories: {md(title_of(site.feature))}", ""]
    if spec is None or not spec.stories:
        return "\n".join(lines + ["This feature has no user stories (no spec.md, or none found in it).", ""])
    for story in spec.stories:
        priority = f" ({md(story.priority)})" if story.priority else ""
        lines += [f"## {md(story.id)}: {md(story.title)}{priority}", "",
                  f"Written at {site.line_link(page, spec.path, story.line)}.", ""]
        if story.narrative:
            lines += [md(story.narrative), ""]
        if story.why_priority:
            lines += [f"**Why this priority**: {md(story.why_priority)}", ""]
        if story.independent_test:
            lines += [f"**Independent test**: {md(story.independent_test)}", ""]
        if story.acceptance:
            lines += ["**Acceptance scenarios**", ""]
            for n, scenario in enumerate(story.acceptance, 1):
                if scenario.given or scenario.when or scenario.then:
                    parts = [f"*{word}* {md(value)}" for word, value in
                             (("Given", scenario.given), ("When", scenario.when), ("Then", scenario.then)) if value]
                    lines.append(f"{n}. " + ", ".join(parts))
                else:
                    lines.append(f"{n}. {md(scenario.text)}")
            lines.append("")
        card = site.analysis.scorecards.get(story.id, {})
        lines += ["| INVEST | | Result | Why not |", "|---|---|---|---|"]
        for letter in LETTERS:
            reasons = card.get(letter, [])
            result = "✔ pass" if not reasons else "✖ **fails**"
            lines.append(f"| **{letter}** | {LETTER_NAMES[letter]} | {result} | "
                         f"{'<br>'.join(md(r) for r in reasons)} |")
        lines.append("")
    return "\n".join(lines)


def traceability(site: FeatureSite) -> str:
    feature, page = site.feature, site.page("traceability.md")
    spec = feature.spec
    facts = site.analysis.graph
    lines = [f"# Traceability: {md(title_of(feature))}", ""]
    covering: dict[str, list[str]] = {}
    for i, task in enumerate(feature.tasks):
        for ref in task.refs:
            covering.setdefault(ref, []).append(facts.keys[i])
    items = (spec.requirements + spec.success_criteria) if spec else []
    if not items:
        lines += ["No requirements or success criteria found in spec.md.", ""]
    else:
        gaps = [r for r in items if r.id not in covering]
        lines += [f"{len(items) - len(gaps)} of {len(items)} requirements and success criteria are "
                  f"covered by tasks; **{len(gaps)} gaps**.", "",
                  "| Id | Requirement | Covered by | |", "|---|---|---|---|"]
        for req in items:
            tasks = covering.get(req.id, [])
            status = "✔" if tasks else "**⚠ gap: no task names it**"
            lines.append(f"| {site.line_link(page, spec.path, req.line, req.id) if spec else md(req.id)} | "
                         f"{md(req.text)} | {', '.join(site.task_link(page, k) for k in tasks)} | {status} |")
        lines.append("")
        lines += _matrix(items, covering)
    known = {r.id for r in items}
    unknown = sorted({ref for ref in covering if ref not in known})
    if unknown and spec is not None:
        lines += ["## References to ids the spec does not define", "", "| Id | Named by |", "|---|---|"]
        lines += [f"| {md(ref)} | {', '.join(site.task_link(page, k) for k in covering[ref])} |" for ref in unknown]
        lines.append("")
    if spec and spec.stories:
        lines += ["## Stories and their tasks", "", "| Story | Tasks | |", "|---|---|---|"]
        for story in spec.stories:
            keys = [facts.keys[i] for i, t in enumerate(feature.tasks) if story.id in t.stories]
            status = "✔" if keys else "**⚠ no tasks**"
            links = ", ".join(site.task_link(page, k) for k in keys)
            lines.append(f"| {md(story.id)}: {md(story.title)} | {links} | {status} |")
        lines.append("")
    return "\n".join(lines)


def _matrix(items: list[Any], covering: dict[str, list[str]], limit: int = 30) -> list[str]:
    """The grid (requirements by tasks) when it fits on a screen; the table above always does."""
    columns = list(dict.fromkeys(k for req in items for k in covering.get(req.id, [])))
    if not columns or len(columns) > limit:
        return []
    lines = ["## Matrix", "", "| | " + " | ".join(md(c) for c in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for req in items:
        marks = " | ".join("●" if c in covering.get(req.id, []) else "" for c in columns)
        lines.append(f"| {'**⚠** ' if req.id not in covering else ''}{md(req.id)} | {marks} |")
    return lines + [""]


def checklist(site: FeatureSite) -> str:
    feature, page = site.feature, site.page("checklist.md")
    lines = [f"# Checklist and gates: {md(title_of(feature))}", "", "## Approval gates", ""]
    plan = feature.plan
    if plan and plan.gates:
        lines += ["| Gate | Kind | Phase | Where |", "|---|---|---|---|"]
        lines += [f"| {md(g.title)} | {md(g.kind)} | {md(g.phase or '')} | {site.line_link(page, plan.path, g.line)} |"
                  for g in plan.gates]
    else:
        lines.append("The plan names no approval gates.")
    lines += ["", "## Executable checklist (`speckit build`)", ""]
    lines += _build_output(site)
    items = [item for section in (plan.sections if plan else []) for item in _checklist_items(section)]
    if items and plan:
        lines += ["", "## Plan checklists", ""] + _items(site, page, plan.path, items)
    for doc in feature.checklists:
        lines += ["", f"## {md(doc.title or Path(doc.path).name)}", ""] + _items(site, page, doc.path, doc.items)
    return "\n".join(lines) + "\n"


def _checklist_items(section: Section) -> Iterator[CheckItem]:
    yield from section.checklist
    for child in section.children:
        yield from _checklist_items(child)


def _items(site: FeatureSite, page: str, path: str, items: list[CheckItem]) -> list[str]:
    done = sum(item.done for item in items)
    lines = [f"{done} of {len(items)} done.", "", "| | Item | Tags | Where |", "|---|---|---|---|"]
    mark = {"done": "☑", "open": "☐", "partial": "◐", "struck": "~~☐~~"}
    for item in items:
        text = f"{md(item.id)} {md(item.text)}" if item.id else md(item.text)
        where = site.line_link(page, path, item.line)
        lines.append(f"| {mark[item.state]} | {text} | {md(', '.join(item.tags))} | {where} |")
    return lines


def _build_output(site: FeatureSite) -> list[str]:
    if site.analysis.build_error:
        return ['!!! failure "build/checklist.json"', "", f"    {md(site.analysis.build_error)}"]
    data = site.analysis.build
    if data is None:
        return [f"Not built yet: `speckit build {md(site.feature.feature.id)}` writes "
                "`build/checklist.json`, and its items and their state show here."]
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return ["`build/checklist.json` holds no list of items this site can show."]
    lines = []
    if isinstance(data, dict):
        lines += [f"- {md(str(k))}: {md(str(v))}" for k, v in data.items() if not isinstance(v, (list, dict))]
        lines.append("")
    keys = list(dict.fromkeys(k for item in items for k in item if k not in ("end_line", "path")))[:7]
    lines += ["| " + " | ".join(md(k) for k in keys) + " |", "|" + "---|" * len(keys)]
    for item in items:
        lines.append("| " + " | ".join(md(_flat(item.get(k, ""))) for k in keys) + " |")
    return lines


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_flat(v)}" for k, v in value.items() if v not in ("", None, [], {}))
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    return "" if value is None else str(value)


def document(path: str, rendered: Rendered) -> str:
    return f"# {md(Path(path).name)}\n\n<div class=\"speckit-doc\">\n{rendered.html}</div>\n"
