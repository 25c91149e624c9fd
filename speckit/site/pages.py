"""The HTML of each generated page (see ``speckit.site.markup``). Every piece of document text goes
through ``esc()`` or ``attr()``: the pages are built from data, and data never becomes markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speckit.model import CheckItem, Diagnostic, Feature, Section
from speckit.report.mermaid import plain
from speckit.site.analysis import LETTERS, Analysis
from speckit.site.documents import Rendered
from speckit.site.history import Point
from speckit.site.markup import DOCUMENT, Page, inline, mermaid
from speckit.site.text import attr, esc, href

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
        label = esc(text or f"{Path(path).name}:{line}")
        target = self.documents.get(path)
        if target is None:
            return label
        return f'<a href="{attr(href(from_page, target[0], target[1].anchor(line)))}">{label}</a>'

    def task_link(self, from_page: str, key: str) -> str:
        task = self.analysis.task(key)
        if task is None or self.feature.task_list is None:
            return esc(key)
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
    """Each metadata key once (spec.md's spelling first), as escaped HTML: its value as plain text
    (``**Branch**: `001-x` `` shows 001-x), or, where the documents disagree, each value with the
    documents that give it (``Draft (spec.md)``)."""
    seen: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for doc in (feature.spec, feature.plan, feature.task_list):
        if doc is None:
            continue
        for key, value in doc.metadata.items():
            name, values = seen.setdefault(key.strip().lower(), (plain(key), {}))
            shown = plain(value)
            # 'Approved' and 'APPROVED' agree: the first spelling is shown.
            spelling = next((v for v in values if v.lower() == shown.lower()), shown)
            values.setdefault(spelling, []).append(Path(doc.path).name)
    out = []
    for name, values in seen.values():
        if len(values) == 1:
            out.append((name, esc(next(iter(values)))))
        else:
            out.append((name, "<br>".join(f"{esc(v)} ({esc(', '.join(docs))})" for v, docs in values.items())))
    return out


def local_nav(site: FeatureSite, page: str, names: list[str]) -> str:
    """The bar at the top of each of a feature's pages: the index, then the feature's pages, the
    current one in bold. It stands in for a site navigation that would list every feature."""
    def link(title: str, target: str) -> str:
        if target == page:
            return f"<strong>{esc(title)}</strong>"
        return f'<a href="{attr(href(page, target))}">{esc(title)}</a>'

    parts = [f'<a href="{attr(href(page, "index.md"))}">← all features</a>']
    fixed = [("Overview", "index.md"), ("Stories", "stories.md"), ("Traceability", "traceability.md"),
             ("Task graph", "graph.md"), ("Gantt", "gantt.md"), ("Checklist", "checklist.md")]
    parts += [link(title, site.page(name)) for title, name in fixed if site.page(name) in names]
    phases = [n for n in names if n.startswith(site.page("graph-phase-"))]
    if phases and (page in phases or page == site.page("graph.md")):
        parts.append("phases " + " ".join(link(n.rsplit("-", 1)[1][:-3], n) for n in sorted(
            phases, key=lambda n: int(n.rsplit("-", 1)[1][:-3]))))
    parts += [link(Path(path).name, doc_page) for path, (doc_page, _) in site.documents.items()]
    return (f'<p class="speckit-local">{parts[0]} · <strong>{esc(site.feature.feature.id)}</strong>: '
            + " · ".join(parts[1:]) + "</p>\n")


def burndown(out: Page, points: list[Point], no_history: str) -> None:
    """The burndown chart of ``points``, or a sentence saying why there is none."""
    from speckit.site.history import MAX_POINTS, chart

    if no_history:
        out.p(f"No history: {esc(no_history)}.")
        return
    if not points:
        out.p("No history: tasks.md has not been committed yet.")
        return
    shown = min(len(points), MAX_POINTS)
    commits = f"{len(points)} commits" if len(points) != 1 else "1 commit"
    out.p(f"{commits} changed tasks.md. Bars: tasks done; line: tasks open; one column per commit"
          f"{f' (the last {shown})' if shown < len(points) else ''}.")
    out.add(mermaid(chart(points)))


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

def overview(site: FeatureSite) -> Page:
    feature, out = site.feature, Page(site.page("index.md"))
    done, total = sum(t.done for t in feature.tasks), len(feature.tasks)
    spec = feature.spec
    out.h(1, title_of(feature))
    rows = [("Folder", esc(feature.feature.path)), *((esc(key), shown) for key, shown in metadata(feature))]
    out.add('<table class="speckit-facts"><tbody>'
            + "".join(f"<tr><th>{key}</th><td>{shown}</td></tr>" for key, shown in rows) + "</tbody></table>")
    out.add(progress_bar(done, total))
    out.p(f"<strong>{done} / {total} tasks done</strong>")
    found = counts(site.analysis.diagnostics)
    out.p(f"{len(spec.stories) if spec else 0} user stories · {len(spec.requirements) if spec else 0} requirements · "
          f"{len(spec.success_criteria) if spec else 0} success criteria · {found['error']} errors, "
          f"{found['warning']} warnings, {found['info']} notes")
    out.h(2, "Pages")
    links = [("User stories and INVEST", "stories.md"), ("Traceability", "traceability.md"),
             ("Task graph", "graph.md"), ("Phases and waves (Gantt)", "gantt.md"),
             ("Checklist and gates", "checklist.md")]
    out.ul([*(out.link(site.page(name), esc(title)) for title, name in links),
            *(out.link(doc_page, esc(Path(path).name)) for path, (doc_page, _) in site.documents.items())])
    out.h(2, "Progress over time")
    burndown(out, site.history, site.no_history)
    out.h(2, "Diagnostics")
    if site.analysis.diagnostics:
        out.table(["Severity", "Rule", "Message", "Where"], (
            [SEVERITY_MARK[d.severity], esc(d.rule), esc(d.message) + (f"<br><em>{esc(d.hint)}</em>" if d.hint else ""),
             site.line_link(out.name, d.path, d.line)] for d in site.analysis.diagnostics))
    else:
        out.p("No findings.")
    return out


def stories(site: FeatureSite) -> Page:
    spec, out = site.feature.spec, Page(site.page("stories.md"))
    out.h(1, f"User stories: {title_of(site.feature)}")
    if spec is None or not spec.stories:
        out.p("This feature has no user stories (no spec.md, or none found in it).")
        return out
    for story in spec.stories:
        priority = f" ({story.priority})" if story.priority else ""
        out.h(2, f"{story.id}: {story.title}{priority}")
        out.p(f"Written at {site.line_link(out.name, spec.path, story.line)}.")
        if story.narrative:
            out.p(inline(story.narrative))
        if story.why_priority:
            out.p(f"<strong>Why this priority</strong>: {inline(story.why_priority)}")
        if story.independent_test:
            out.p(f"<strong>Independent test</strong>: {inline(story.independent_test)}")
        if story.acceptance:
            out.p("<strong>Acceptance scenarios</strong>")
            items = []
            for scenario in story.acceptance:
                if scenario.given or scenario.when or scenario.then:
                    items.append(", ".join(f"<em>{word}</em> {inline(value)}" for word, value in (
                        ("Given", scenario.given), ("When", scenario.when), ("Then", scenario.then)) if value))
                else:
                    items.append(inline(scenario.text))
            out.ol(items)
        card = site.analysis.scorecards.get(story.id, {})
        out.table(["INVEST", "", "Result", "Why not"], (
            [f"<strong>{letter}</strong>", LETTER_NAMES[letter],
             "✔ pass" if not card.get(letter) else "✖ <strong>fails</strong>",
             "<br>".join(esc(r) for r in card.get(letter, []))] for letter in LETTERS))
    return out


def traceability(site: FeatureSite) -> Page:
    feature, out = site.feature, Page(site.page("traceability.md"))
    spec = feature.spec
    facts = site.analysis.graph
    out.h(1, f"Traceability: {title_of(feature)}")
    covering: dict[str, list[str]] = {}
    for i, task in enumerate(feature.tasks):
        for ref in task.refs:
            covering.setdefault(ref, []).append(facts.keys[i])
    items = (spec.requirements + spec.success_criteria) if spec else []
    if not items:
        out.p("No requirements or success criteria found in spec.md.")
    else:
        gaps = [r for r in items if r.id not in covering]
        out.p(f"{len(items) - len(gaps)} of {len(items)} requirements and success criteria are "
              f"covered by tasks; <strong>{len(gaps)} gaps</strong>.")
        out.table(["Id", "Requirement", "Covered by", ""], (
            [site.line_link(out.name, spec.path, req.line, req.id) if spec else esc(req.id), inline(req.text),
             ", ".join(site.task_link(out.name, k) for k in covering.get(req.id, [])),
             "✔" if covering.get(req.id) else "<strong>⚠ gap: no task names it</strong>"] for req in items))
        _matrix(out, items, covering)
    known = {r.id for r in items}
    unknown = sorted({ref for ref in covering if ref not in known})
    if unknown and spec is not None:
        out.h(2, "References to ids the spec does not define")
        out.table(["Id", "Named by"], ([esc(ref), ", ".join(site.task_link(out.name, k) for k in covering[ref])]
                                       for ref in unknown))
    if spec and spec.stories:
        out.h(2, "Stories and their tasks")
        rows = []
        for story in spec.stories:
            keys = [facts.keys[i] for i, t in enumerate(feature.tasks) if story.id in t.stories]
            links = ", ".join(site.task_link(out.name, k) for k in keys)
            status = "✔" if keys else "<strong>⚠ no tasks</strong>"
            rows.append([f"{esc(story.id)}: {inline(story.title)}", links, status])
        out.table(["Story", "Tasks", ""], rows)
    return out


def _matrix(out: Page, items: list[Any], covering: dict[str, list[str]], limit: int = 30) -> None:
    """The grid (requirements by tasks) when it fits on a screen; the table above always does."""
    columns = list(dict.fromkeys(k for req in items for k in covering.get(req.id, [])))
    if not columns or len(columns) > limit:
        return
    out.h(2, "Matrix")
    out.table(["", *(esc(c) for c in columns)], (
        [f"{'<strong>⚠</strong> ' if req.id not in covering else ''}{esc(req.id)}",
         *("●" if c in covering.get(req.id, []) else "" for c in columns)] for req in items))


def checklist(site: FeatureSite) -> Page:
    feature, out = site.feature, Page(site.page("checklist.md"))
    out.h(1, f"Checklist and gates: {title_of(feature)}")
    out.h(2, "Approval gates")
    plan = feature.plan
    if plan and plan.gates:
        out.table(["Gate", "Kind", "Phase", "Where"], (
            [inline(g.title), esc(g.kind), esc(g.phase or ""), site.line_link(out.name, plan.path, g.line)]
            for g in plan.gates))
    else:
        out.p("The plan names no approval gates.")
    out.h(2, "Executable checklist", " (<code>speckit build</code>)")
    _build_output(site, out)
    items = [item for section in (plan.sections if plan else []) for item in _checklist_items(section)]
    if items and plan:
        out.h(2, "Plan checklists")
        _items(site, out, plan.path, items)
    for doc in feature.checklists:
        out.h(2, doc.title or Path(doc.path).name)
        _items(site, out, doc.path, doc.items)
    return out


def _checklist_items(section: Section) -> Iterator[CheckItem]:
    yield from section.checklist
    for child in section.children:
        yield from _checklist_items(child)


def _items(site: FeatureSite, out: Page, path: str, items: list[CheckItem]) -> None:
    done = sum(item.done for item in items)
    out.p(f"{done} of {len(items)} done.")
    mark = {"done": "☑", "open": "☐", "partial": "◐", "struck": "<del>☐</del>"}
    out.table(["", "Item", "Tags", "Where"], (
        [mark[item.state], f"{esc(item.id)} {inline(item.text)}" if item.id else inline(item.text),
         esc(", ".join(item.tags)), site.line_link(out.name, path, item.line)] for item in items))


def _build_output(site: FeatureSite, out: Page) -> None:
    if site.analysis.build_error:
        out.admonition("failure", "build/checklist.json", f"<p>{esc(site.analysis.build_error)}</p>")
        return
    data = site.analysis.build
    if data is None:
        out.p(f"Not built yet: <code>speckit build {esc(site.feature.feature.id)}</code> writes "
              "<code>build/checklist.json</code>, and its items and their state show here.")
        return
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        out.p("<code>build/checklist.json</code> holds no list of items this site can show.")
        return
    if isinstance(data, dict):
        out.ul(f"{esc(str(k))}: {esc(str(v))}" for k, v in data.items() if not isinstance(v, (list, dict)))
    keys = list(dict.fromkeys(k for item in items for k in item if k not in ("end_line", "path")))[:7]
    out.table([esc(k) for k in keys], ([esc(_flat(item.get(k, ""))) for k in keys] for item in items))


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_flat(v)}" for k, v in value.items() if v not in ("", None, [], {}))
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    return "" if value is None else str(value)


def document(page: str, path: str, rendered: Rendered) -> Page:
    out = Page(page)
    out.h(1, Path(path).name)
    out.add(f"{DOCUMENT}\n{rendered.html}</div>")
    return out
