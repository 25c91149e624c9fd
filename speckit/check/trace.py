"""Traceability (spec <-> tasks) and evidence (plan and tasks <-> files on disk)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from speckit.check.invest import story_tasks
from speckit.check.rules import finding as _d
from speckit.model import Diagnostic, Feature


def check(feature: Feature) -> Iterator[Diagnostic]:
    spec = feature.spec
    tasks_path = feature.task_list.path if feature.task_list else None
    if spec is None:
        return
    defined = {r.id for r in spec.requirements + spec.success_criteria}
    stories = {s.id for s in spec.stories}
    if tasks_path is not None:
        yield from _coverage(feature)
        for story in spec.stories:
            if not story_tasks(story, feature):
                yield _d("trace/story-without-tasks", f"story {story.id} ({story.title}) has no tasks",
                         spec.path, story.line, f"label its tasks [{story.id}] or give it a phase in tasks.md")
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
                    yield _d("parse/unread-definition",
                             f"{ref} is written here in a form speckit does not read as a definition", spec.path, line)
                continue
            yield _d("trace/unknown-ref", f"task {name} references {ref}, which spec.md does not mention",
                     tasks_path or spec.path, task.line)
        if stories:
            for label in task.stories:
                if label not in stories:
                    yield _d("trace/unknown-story", f"task {name} is labelled {label}, a story spec.md does not have",
                             tasks_path or spec.path, task.line)
    if stories and feature.task_list:
        for phase in feature.task_list.phases:
            for label in phase.stories:
                if label not in stories:
                    yield _d("trace/unknown-story", f"phase '{phase.title}' is for {label}, a story spec.md does not have",
                             feature.task_list.path, phase.line)


def _coverage(feature: Feature) -> Iterator[Diagnostic]:
    """trace/uncovered-requirement, for each kind (requirements, success criteria) that tasks.md
    cites at all. Most real tasks.md files label tasks with stories and never cite an id; there,
    one info line says coverage is not traceable instead of one warning per requirement."""
    spec, task_list = feature.spec, feature.task_list
    assert spec is not None and task_list is not None
    cited = {ref for task in feature.tasks for ref in task.refs}
    cited.update(ref for phase in task_list.phases for ref in phase.refs)
    untraced: list[str] = []
    for kind, items in (("requirements", spec.requirements), ("success criteria", spec.success_criteria)):
        live = [item for item in items if not item.dropped]
        if not live:
            continue
        if not cited & {item.id for item in items}:
            untraced.append(f"{kind} ({live[0].id}...)" if len(live) > 1 else f"{kind} ({live[0].id})")
            continue
        reported: set[str] = set()
        for item in live:
            if item.id not in cited and item.id not in reported:
                reported.add(item.id)  # a duplicated id is reported once
                yield _d("trace/uncovered-requirement", f"{item.id} is not referenced by any task", spec.path, item.line,
                         f"name {item.id} in the task that implements or measures it, e.g. '({item.id})'")
    if untraced:
        yield _d("trace/coverage-untraceable",
                 f"no task cites the ids of its {' or '.join(untraced)}: coverage cannot be traced",
                 task_list.path, task_list.line or 1)


def _exists(root: Path, path: str) -> bool:
    # Through speckit.cache, which records the answer: a cached result is dropped when it changes (#7).
    from speckit.cache import any_match, exists

    path = path.strip().strip("`")
    if any(ch in path for ch in "*?["):
        return any_match(str(root / path))
    return exists(root / path)


def evidence(feature: Feature, root: Path, done_without_files: bool) -> Iterator[Diagnostic]:
    plan = feature.plan
    if plan is not None:
        for artifact in plan.artifacts:
            if artifact.state == "done" and artifact.path.strip() and not _exists(root, artifact.path):
                yield _d("evidence/missing-artifact",
                         f"artifact '{artifact.name}' is marked {artifact.status or 'done'} but {artifact.path} does not exist",
                         plan.path, artifact.line,
                         f"create {artifact.path} (paths resolve against {root}), or set its status back to Pending")
    if done_without_files and feature.task_list:
        for task in feature.tasks:
            if task.state != "done":
                continue
            missing = [f for f in task.files if not _exists(root, f)]
            if missing:
                yield _d("evidence/done-without-files",
                         f"task {task.id or task.line} is done but {', '.join(missing)} does not exist",
                         feature.task_list.path, task.line)
