"""Scaffolding: ``speckit init``, ``specify``, ``plan`` and ``tasks``.

Each function here computes the document it would write and returns it as a ``Draft``; the
command writes it (or prints it under ``--dry-run``). Writing goes through ``speckit.fsutil``:
atomic, and never over an existing file without ``force`` (then a ``.bak`` copy is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from speckit.config import Config
from speckit.errors import InputError
from speckit.model import Feature
from speckit.scaffold import derive, documents, naming, templates


@dataclass(frozen=True, slots=True)
class Draft:
    """A document ready to be written."""

    path: Path
    text: str
    template: Path


def specify(description: str, config: Config, name: str | None = None, number: int | None = None,
            timestamp: bool = False, **parts: Any) -> Draft:
    """A new feature's spec.md. ``parts`` (stories, requirements, ...) fill the template instead of
    its skeleton: the CLI gives none; tests and other tools may."""
    if not description.strip():
        raise InputError("the description is empty: say what the feature should do, in a sentence")
    if number is not None and timestamp:
        raise InputError("give --number or --timestamp, not both")
    root = config.specs_path
    if root.exists() and not root.is_dir():
        raise InputError(f"{root}: the specs root exists but is not a directory")
    folder, _ = naming.feature_folder(root, description, name, number, timestamp)
    context = documents.spec_context(description, folder, naming.now().strftime("%Y-%m-%d"), **parts)
    template = templates.find("spec.md", config.root)
    text = templates.render(template, context, documents.spec_tokens(context))
    return Draft(folder / "spec.md", text, template.path)


def plan(feature: Feature, config: Config) -> Draft:
    """plan.md for a feature that has a spec."""
    spec = _need_spec(feature, "plan")
    folder = Path(feature.feature.path)
    context = documents.plan_context(spec, folder, naming.now().strftime("%Y-%m-%d"), config, config.root)
    template = templates.find("plan.md", config.root)
    text = templates.render(template, context, documents.plan_tokens(context))
    return Draft(folder / "plan.md", text, template.path)


def tasks(feature: Feature, config: Config) -> Draft:
    """tasks.md derived from a feature's spec and plan."""
    spec = _need_spec(feature, "tasks")
    folder = Path(feature.feature.path)
    if feature.plan is None:
        raise InputError(
            f"{folder}: no plan.md; run 'speckit plan {folder}' first (tasks are derived from spec and plan)"
        )
    template = templates.find("tasks.md", config.root)
    text = templates.render(template, derive.context(spec, feature.plan, folder, config.root))
    return Draft(folder / "tasks.md", text, template.path)


def _need_spec(feature: Feature, what: str) -> Any:
    if feature.spec is None:
        raise InputError(f"{feature.feature.path}: no spec.md; 'speckit {what}' works from the spec "
                         "(create one with 'speckit specify \"DESCRIPTION\"')")
    return feature.spec
