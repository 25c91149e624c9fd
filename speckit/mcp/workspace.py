"""What the MCP server's tools and resources do, without the SDK: one repository root, the library
functions the CLI calls (check_features, build_graph, tick, the rule catalogue), JSON-ready results.

Every path an agent names is resolved against the root and refused when it, or a link in it, leads
out: an agent's argument is untrusted input (a prompt injection can ask for ``../../.ssh/id_rsa``).
Errors are :class:`InputError` with one clear sentence; the server turns them into tool errors.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from speckit import config as configs
from speckit import serialisation
from speckit.check import check_features
from speckit.check.rules import RULES, explain_rule
from speckit.config import Config
from speckit.discover import (
    Target,
    features,
    match_features,
    partial_matches,
    read,
    resolve,
    suggestions,
)
from speckit.edit import tick
from speckit.errors import InputError
from speckit.fsutil import inside
from speckit.graph import build_graph
from speckit.model import Feature
from speckit.parse import feature_files, read_text, walk_features
from speckit.report import printable
from speckit.report.diagnostics import Report, as_json
from speckit.report.graph import as_data, next_data

URI_PREFIX = "speckit://documents/"
"""Resource URIs are this prefix and a document's path relative to the root."""
INDEX_URI = "speckit://features"
_KINDS = ("story", "requirement", "success criterion", "task", "plan step", "gate")


@dataclass(frozen=True, slots=True)
class Workspace:
    """The repository the server answers for. ``root`` is absolute and real (links resolved)."""

    root: Path
    config: Config

    @classmethod
    def open(cls, root: Path) -> Workspace:
        """The workspace at ``root``; its speckit.yaml (or [tool.speckit]) is read only when it lies
        inside ``root`` (a config above it belongs to a larger repository the server was not given)."""

        top = Path(os.path.realpath(root))
        if not top.is_dir():
            raise InputError(f"{root}: not a directory")
        found = configs.find_config(top)
        config = configs.load(top, found) if found is not None and inside(found, top) else Config(root=top)
        return cls(top, config)

    # -- paths -------------------------------------------------------------------------------------

    def _inside(self, arg: str) -> Path:
        """``arg`` (absolute or relative to the root) as a path, refused before any file system
        access when it is written to leave the root, and after it when a link leads out."""
        if "\0" in arg:
            raise InputError("a path holds a NUL character")
        path = Path(arg)
        full = path if path.is_absolute() else self.root / path
        if not _lexically_inside(os.path.abspath(full), self.root) or not inside(full, self.root):
            raise InputError(f"{printable(arg, line=True)}: outside the repository root {self.root}; "
                             "this server reads and writes only inside it")
        return full

    def _confine(self, target: Target) -> Target:
        if not inside(target.folder, self.root) or (target.document and not inside(target.document, self.root)):
            raise InputError(f"{printable(str(target.document or target.folder), line=True)}: outside the "
                             f"repository root {self.root}")
        if target.document is None and target.folder.is_dir():
            for path in feature_files(target.folder)[0]:
                if not inside(path, self.root):
                    raise InputError(f"{printable(str(path), line=True)}: a link out of the repository root "
                                     f"{self.root}; not read")
        return target

    def target(self, feature: str) -> Target:
        """One FEATURE argument, as the CLI resolves it (a number, slug, folder or document), inside the root."""

        feature = feature.strip()
        if "\0" in feature:
            raise InputError("feature: holds a NUL character")
        if not feature:
            raise InputError(
                "feature: empty; give a feature's number, slug or folder ('speckit://features' lists them)"
            )
        if ("/" in feature or "\\" in feature or feature.endswith(".md") or feature.startswith(".")
                or os.path.lexists(self.root / feature)):
            feature = str(self._inside(feature))  # a path: against the root, whatever the working directory
            return self._confine(resolve(feature, self.config, whole_feature=True))
        return self._confine(self._named(feature))

    def _named(self, name: str) -> Target:
        """A number, slug or part of a folder name, looked up under the specs root only (never as a
        path relative to the working directory, which need not be the root), as the CLI looks it up."""
        shown = printable(name, line=True)
        specs = self.config.specs_path
        if not specs.is_dir():
            raise InputError(f"{shown}: no feature of that name; the specs root {self._relative(specs)} does not exist")
        folders = walk_features(specs)
        matches = match_features(name, folders)
        partial = False
        if not matches:
            matches, partial = partial_matches(name, folders), True
        if not matches:
            close = suggestions(name, folders)
            hint = f" (did you mean {' or '.join(printable(c, line=True) for c in close)}?)" if close else ""
            raise InputError(f"{shown}: no feature of that name, number or slug under "
                             f"{self._relative(specs)}{hint}")
        if len(matches) > 1:
            names = [printable(m.name if partial else str(self._relative(m)), line=True) for m in matches[:10]]
            more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
            raise InputError(f"{shown}: ambiguous, it names {len(matches)} features: {', '.join(names)}{more}")
        found = matches[0]
        try:  # as the CLI names it: relative to the working directory (the server's is the root)
            found = found.relative_to(Path.cwd())
        except ValueError:
            pass
        return Target(found)

    def features(self) -> list[Target]:
        return [self._confine(t) for t in features((), self.config)]

    def _model(self, feature: str) -> Feature:
        return read(self.target(feature))

    # -- tools -------------------------------------------------------------------------------------

    def check(self, feature: str | None = None, strict: bool = False) -> dict[str, Any]:
        """Findings in the JSON of 'speckit check --format json', plus the features checked, those
        that could not be read, and whether the run fails (errors, or warnings when strict)."""

        targets = self.features() if feature is None else [self.target(feature)]
        found = []
        checked: list[str] = []
        unreadable: list[dict[str, str]] = []
        for target, model, diagnostics in check_features(targets, self.config, repo_root=self.root):
            if model is None:
                unreadable.extend({"path": d.path, "message": d.message} for d in diagnostics)
                continue
            checked.append(self._relative(target.document or target.folder).as_posix())
            found.extend(diagnostics)
        report = Report(diagnostics=found, features=checked, strict=strict, unreadable=len(unreadable))
        data: dict[str, Any] = json.loads(as_json(report))
        data.update(features=checked, unreadable=unreadable, failed=report.failed or bool(unreadable))
        return data

    def show(self, feature: str, object_id: str | None = None) -> dict[str, Any]:
        """The whole model of a feature (the JSON of 'speckit show --format json'), or one story,
        requirement, success criterion, task, plan step or gate with what points at it."""
        model = self._model(feature)
        if object_id is None:
            return serialisation.dump(model, mode="json")
        object_id = object_id.strip()
        for kind, found in _objects(model):
            if getattr(found, "id", None) == object_id:
                return {"feature": model.feature.id, "kind": kind, "object": serialisation.dump(found, mode="json"),
                        **_links(model, kind, object_id)}
        import difflib

        known = [str(o.id) for _, o in _objects(model) if getattr(o, "id", None)]
        close = difflib.get_close_matches(object_id, known, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise InputError(f"{printable(object_id, line=True)}: no {', '.join(_KINDS[:-1])} or {_KINDS[-1]} of "
                         f"that id in {printable(model.feature.id, line=True)}{hint}")

    def graph(self, feature: str) -> dict[str, Any]:
        """The JSON of 'speckit graph --format json': edges, cycles, waves, the critical path."""

        model = self._tasks_model(feature)
        return as_data(build_graph(model), model.feature.id)

    def next(self, feature: str) -> dict[str, Any]:
        """The JSON of 'speckit next --format json': the open tasks that can start now."""

        model = self._tasks_model(feature)
        return next_data(model.feature.id, build_graph(model))

    def done(self, feature: str, tasks: list[str]) -> dict[str, Any]:
        """Tick ``tasks`` in the feature's tasks.md with the edit 'speckit done' makes."""

        if not tasks:
            raise InputError("tasks: name at least one task id, e.g. [\"T001\"]")
        model = self._tasks_model(feature)
        assert model.task_list is not None
        path = Path(model.task_list.path)
        if not inside(path, self.root):
            raise InputError(f"{path}: a link out of the repository root {self.root}; not written")
        ticked, already = tick(path, [t.strip() for t in tasks])
        return {"feature": model.feature.id, "path": self._relative(path).as_posix(), "ticked": ticked,
                "already_done": already}

    def explain(self, rule: str) -> dict[str, Any]:
        """One rule of the catalogue: its severity, what it looks for, an example and the fix."""

        text = explain_rule(rule.strip(), RULES)  # raises InputError with 'did you mean' for a typo
        found = RULES[rule.strip()]
        return {"id": found.id, "severity": found.severity, "enabled": found.enabled, "summary": found.summary,
                "explain": found.explain, "example": found.example, "fix": found.fix, "text": text}

    def _tasks_model(self, feature: str) -> Feature:
        model = self._model(feature)
        if model.task_list is None:
            raise InputError(f"{model.feature.path}: no tasks.md, so no task graph")
        return model

    # -- resources ---------------------------------------------------------------------------------

    def documents(self) -> list[tuple[str, Path]]:
        """(feature id, document path relative to the root) for every document of every feature."""

        out: list[tuple[str, Path]] = []
        for target in self.features():
            for path in feature_files(target.folder)[0]:
                out.append((target.folder.name, self._relative(path)))
        return out

    def index(self) -> dict[str, Any]:
        """Every feature with the URIs of its documents."""
        by_feature: dict[str, list[str]] = {}
        for _feature, path in self.documents():
            by_feature.setdefault(str(path.parent.parent if path.parent.name == "checklists" else path.parent),
                                  []).append(URI_PREFIX + path.as_posix())
        return {"root": str(self.root),
                "features": [{"id": Path(folder).name, "folder": folder, "documents": uris}
                             for folder, uris in by_feature.items()]}

    def read(self, relative: str) -> str:
        """The text of one feature document, named by its path relative to the root."""

        path = self._inside(relative)
        folder = path.parent.parent if path.parent.name == "checklists" else path.parent
        if not path.is_file() or path.absolute() not in [p.absolute() for p in feature_files(folder)[0]]:
            raise InputError(f"{printable(relative, line=True)}: not a document of a feature (spec.md, plan.md, "
                             "tasks.md or checklists/*.md in a feature folder); 'speckit://features' lists them")
        return read_text(path)

    def _relative(self, path: Path) -> Path:
        full = Path(os.path.abspath(path))
        try:
            return full.relative_to(self.root)
        except ValueError:
            return Path(os.path.relpath(os.path.realpath(full), self.root))


def _lexically_inside(path: str, root: Path) -> bool:
    top = str(root)
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def _objects(model: Feature) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if model.spec is not None:
        out += [("story", s) for s in model.spec.stories]
        out += [("requirement", r) for r in model.spec.requirements]
        out += [("success criterion", r) for r in model.spec.success_criteria]
    out += [("task", t) for t in model.tasks if t.id]
    if model.plan is not None:
        out += [("plan step", s) for s in model.plan.steps]
        out += [("gate", g) for g in model.plan.gates]
    return out


def _links(model: Feature, kind: str, object_id: str) -> dict[str, Any]:
    """What points at an object: the tasks that cite a story or requirement; a task's edges."""
    if kind == "task":
        edges = build_graph(model).why(object_id)
        row = [{"task": e.before if e.after == object_id else e.after, "kind": e.kind, "reason": e.reason,
                "line": e.line} for e in edges]
        waits = [r for r, e in zip(row, edges, strict=True) if e.after == object_id]
        return {"waits_for": waits, "needed_by": [r for r in row if r not in waits]}
    if kind == "story":
        return {"tasks": [t.id for t in model.tasks if t.id and object_id in t.stories]}
    if kind in ("requirement", "success criterion"):
        return {"tasks": [t.id for t in model.tasks if t.id and object_id in t.refs]}
    return {}
