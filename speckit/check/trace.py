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
        referenced = {ref for task in feature.tasks for ref in task.refs}
        for item in spec.requirements + spec.success_criteria:
            if item.id not in referenced:
                yield _d("trace/uncovered-requirement", f"{item.id} is not referenced by any task", spec.path, item.line,
                         f"name {item.id} in the task that implements or measures it, e.g. '({item.id})'")
                referenced.add(item.id)  # a duplicated id is reported once
        for story in spec.stories:
            if not story_tasks(story, feature):
                yield _d("trace/story-without-tasks", f"story {story.id} ({story.title}) has no tasks",
                         spec.path, story.line, f"label its tasks [{story.id}] or give it a phase in tasks.md")
    for task in feature.tasks:
        name = task.id or f"on line {task.line}"
        for ref in task.refs:
            if ref not in defined:
                yield _d("trace/unknown-ref", f"task {name} references {ref}, which spec.md does not define",
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
