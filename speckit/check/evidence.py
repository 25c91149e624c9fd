"""evidence/*: what plan.md and tasks.md say is done, against the files in the repository."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from speckit.check.context import Context
from speckit.check.rules import emit
from speckit.model import Diagnostic
from speckit.probes import any_match, exists


def _exists(root: Path, path: str) -> bool:
    # Through speckit.probes, which records the answer: a cached result is dropped when it changes (#7).
    path = path.strip().strip("`")
    if any(ch in path for ch in "*?["):
        return any_match(str(root / path))
    return exists(root / path)


def check(ctx: Context) -> Iterator[Diagnostic]:
    feature, root = ctx.feature, ctx.root
    plan = feature.plan
    if plan is not None:
        for artifact in plan.artifacts:
            if artifact.state == "done" and artifact.path.strip() and not _exists(root, artifact.path):
                yield emit("evidence/missing-artifact",
                           f"artifact '{artifact.name}' is marked {artifact.status or 'done'} but {artifact.path} "
                           "does not exist", plan.path, artifact.line,
                           hint=f"create {artifact.path} (paths resolve against {root}), or set its status back "
                                "to Pending")
    if ctx.enabled("evidence/done-without-files") and feature.task_list:
        for task in feature.tasks:
            if task.state != "done":
                continue
            missing = [f for f in task.files if not _exists(root, f)]
            if missing:
                yield emit("evidence/done-without-files",
                           f"task {task.id or task.line} is done but {', '.join(missing)} does not exist",
                           feature.task_list.path, task.line)
