"""trace/*: traceability between spec.md and tasks.md (and parse/unread-definition, which is where a
trace finds a definition the parser could not read)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from speckit.check.context import Context
from speckit.check.invest import story_tasks
from speckit.check.rules import emit
from speckit.model import Diagnostic, Feature


def check(ctx: Context) -> Iterator[Diagnostic]:
    feature = ctx.feature
    spec = feature.spec
    tasks_path = feature.task_list.path if feature.task_list else None
    if spec is None:
        return
    defined = {r.id for r in spec.requirements + spec.success_criteria}
    stories = {s.id for s in spec.stories}
    if tasks_path is not None:
        yield from _coverage(feature)
        # Only where tasks.md ties some task to a story at all: an older tasks.md grouped by layer
        # (Setup, Tests, Core) ties none, and then no story has tasks by that reading (#11).
        labelled = any(task.stories for task in feature.tasks) or any(
            phase.stories for phase in feature.task_list.phases) if feature.task_list else False
        for story in spec.stories if labelled else []:
            if DEFERRED.search(f"{story.title} {story.priority or ''} {story.priority_note or ''}"):
                continue  # a story its own heading defers or withdraws needs no tasks yet
            if not story_tasks(story, feature):
                yield emit("trace/story-without-tasks", f"story {story.id} ({story.title}) has no tasks",
                           spec.path, story.line, hint=f"label its tasks [{story.id}] or give it a phase in tasks.md")
    unread: set[str] = set()
    for task in feature.tasks:
        name = task.id or f"on line {task.line}"
        for ref in task.refs:
            if ref in defined:
                continue
            if ref in spec.mentions:
                # Written in spec.md, so the reference is not broken: at most speckit could not read
                # the definition. Say so where it is written, once (#11: never an accusation).
                line = spec.unread_definitions.get(ref)
                if line is not None and ref not in unread:
                    unread.add(ref)
                    yield emit("parse/unread-definition",
                               f"{ref} is written here in a form speckit does not read as a definition",
                               spec.path, line)
                continue
            yield emit("trace/unknown-ref", f"task {name} references {ref}, which spec.md does not mention",
                       tasks_path or spec.path, task.line)
        if stories:
            for label in task.stories:
                if label not in stories:
                    yield emit("trace/unknown-story", f"task {name} is labelled {label}, a story spec.md does not have",
                               tasks_path or spec.path, task.line)
    if stories and feature.task_list:
        for phase in feature.task_list.phases:
            for label in phase.stories:
                if label not in stories:
                    yield emit("trace/unknown-story",
                               f"phase '{phase.title}' is for {label}, a story spec.md does not have",
                               feature.task_list.path, phase.line)


COVERAGE_SHARE = 0.5
"""Below this share of a kind's ids cited by tasks.md, citations are incidental ("carries only the
FR-006 crash guard"), not a traceability practice: one info line names the rest instead of a
warning per requirement. Measured on the real-repository corpus (docs/realworld.md)."""


DEFERRED = re.compile(
    r"defer|out[- ]of[- ]scope|withdrawn|future|later|won'?t|延期|対象外|将来|范围外|暂缓|범위\s*외|보류|"
    r"report[ée]|hors\s+p[ée]rim[èe]tre|aplazad|zurückgestellt",
    re.I,
)
"""Words of a story heading that says its work is not for now."""


def _coverage(feature: Feature) -> Iterator[Diagnostic]:
    """trace/uncovered-requirement, for each kind (requirements, success criteria) whose ids
    tasks.md cites systematically (at least half of them). Most real tasks.md files label tasks
    with stories and never cite an id; there, and where only a few ids are cited, one info line
    per feature says what cannot be traced instead of one warning per requirement (#11)."""
    spec, task_list = feature.spec, feature.task_list
    assert spec is not None and task_list is not None
    cited = {ref for task in feature.tasks for ref in task.refs}
    cited.update(ref for phase in task_list.phases for ref in phase.refs)
    untraced: list[str] = []
    for kind, items in (("requirements", spec.requirements), ("success criteria", spec.success_criteria)):
        live = list({item.id: item for item in reversed(items) if not item.dropped}.values())[::-1]
        if not live:
            continue
        covered = [item for item in live if item.id in cited]
        missing = [item.id for item in live if item.id not in cited]
        if not covered:
            untraced.append(f"no task cites its {kind}")
            continue
        if len(covered) < COVERAGE_SHARE * len(live):
            shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
            untraced.append(f"tasks cite {len(covered)} of its {len(live)} {kind}, not {shown}")
            continue
        for rid in missing:
            item = next(i for i in live if i.id == rid)
            yield emit("trace/uncovered-requirement", f"{rid} is not referenced by any task", spec.path, item.line,
                       hint=f"name {rid} in the task that implements or measures it, e.g. '({rid})'")
    if untraced:
        yield emit("trace/coverage-untraceable", f"coverage cannot be traced: {'; '.join(untraced)}",
                   task_list.path, task_list.line or 1)
