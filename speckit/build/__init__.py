"""``speckit build``: a feature -> checklist.md, checklist.json, run.sh, Makefile, workflow.yml.

Reads top to bottom: plan the run (steps.py), derive the checklist items (checklist.py), render the
files (render.py + templates/), then write them without clobbering a hand-edited one (``write``) or
compare them with what is on disk (``stale``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from speckit.build.checklist import Item, derive, rel
from speckit.build.render import PLACEHOLDER, code_span, delimiter, intact
from speckit.build.steps import RunPlan, plan_run
from speckit.errors import InputError
from speckit.fsutil import write_atomic, write_new
from speckit.model import Feature
from speckit.report import printable

DEFAULT_TARGETS = ("checklist", "sh")
GROUPS = [
    ("Steps and gates, in run order", ("step", "gate")),
    ("Tasks", ("task",)),
    ("Required artifacts", ("artifact",)),
    ("Validation criteria", ("validation",)),
    ("SLO targets", ("slo",)),
    ("Plan checklists", ("plan-checklist",)),
    ("Checklists", ("checklist",)),
]
BOX = {"pass": "x", "fail": " ", "pending": " ", "waiting": " "}
MARK = {"pass": "✅ pass", "fail": "❌ fail", "pending": "⏳ pending", "waiting": "✋ waiting for a human"}


@dataclass(frozen=True, slots=True)
class Build:
    feature: Feature
    root: Path
    out: Path
    run: RunPlan
    items: list[Item]
    sources: list[str]


def prepare(feature: Feature, root: Path, out: Path) -> Build:
    """Plan the run and derive the items; raises ``steps.CycleError`` when no order exists."""
    run = plan_run(feature)
    return Build(feature, root, out, run, derive(feature, run, root), [rel(d, root) for d in feature.documents])


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def refuse_unsafe_name(folder: Path, root: Path) -> None:
    """A feature folder whose name (or the name of a folder between it and the repository root)
    holds a newline, a control character or bytes that are not UTF-8 is not built: its name goes
    into comments, job names and banners of scripts that run, and no escaping makes every reader
    (bash, make, GitHub's YAML, a terminal) see one harmless line. Raises InputError naming it."""
    resolved = folder.resolve()
    try:
        parts = resolved.relative_to(root).parts
    except ValueError:
        parts = (resolved.name,)
    for part in parts:
        if _UNSAFE_NAME.search(part):
            raise InputError(f"{printable(str(folder), line=True)}: a folder name with a newline, a control "
                             "character or bytes that are not UTF-8 cannot be built as a feature; rename it")


def default_out(feature: Feature) -> Path:
    return Path(feature.feature.path) / "build"


@dataclass(frozen=True, slots=True)
class Context:
    """What every target's renderer gets: the build, the last verification, the common header."""

    build: Build
    state: dict[str, Any] | None
    header: str
    nodes: list[dict[str, Any]]
    install: str | None = None

    @property
    def common(self) -> dict[str, Any]:
        return {"header": self.header, "feature_id": self.build.feature.feature.id}


@dataclass(frozen=True, slots=True)
class Target:
    """One ``--target``: the files it writes, how they are rendered, and the targets whose files it
    calls (``make`` runs each step through run.sh, so ``--target make`` alone writes run.sh too)."""

    files: tuple[str, ...]
    render: Callable[[Context], dict[str, str]]
    calls: tuple[str, ...] = ()


def _checklist(ctx: Context) -> dict[str, str]:
    from speckit.build import render as r

    return {"checklist.md": r.render("checklist.md.j2", **ctx.common, **_checklist_view(ctx.build, ctx.state)),
            "checklist.json": r.seal(_checklist_json(ctx.build, ctx.header, ctx.state))}


def _sh(ctx: Context) -> dict[str, str]:
    from speckit.build import render as r

    return {"run.sh": r.render("run.sh.j2", **ctx.common, nodes=ctx.nodes, no_steps=no_steps_message(ctx.build))}


def _make(ctx: Context) -> dict[str, str]:
    from speckit.build import render as r

    needed = {need for n in ctx.nodes for need in n["needs"]}
    return {"Makefile": r.render("Makefile.j2", **ctx.common, nodes=ctx.nodes, run_sh="run.sh",
                                 sinks=[n for n in ctx.nodes if n["id"] not in needed])}


def _github_actions(ctx: Context) -> dict[str, str]:
    from speckit.build import workflow

    return {"workflow.yml": workflow.render(ctx.build, ctx.header, ctx.nodes, ctx.install)}


# The build targets, in the order ``--target all`` writes them; ``speckit build --target`` offers
# these names and ``all``.
TARGETS: dict[str, Target] = {
    "checklist": Target(("checklist.md", "checklist.json"), _checklist),
    "sh": Target(("run.sh",), _sh),
    "make": Target(("Makefile",), _make, calls=("sh",)),
    "github-actions": Target(("workflow.yml",), _github_actions),
}


def expand(targets: tuple[str, ...]) -> tuple[str, ...]:
    """The chosen targets plus the ones they call, in table order."""
    chosen = set(targets)
    for name in targets:
        chosen.update(TARGETS[name].calls)
    return tuple(name for name in TARGETS if name in chosen)


def no_steps_message(build: Build) -> str:
    """'' when some step has commands; else one line saying there is nothing to run, and why."""
    if any(n.commands.strip() for n in build.run.nodes):
        return ""
    gates = sum(1 for n in build.run.nodes if n.approval)
    extra = f"; its {gates} human gate{'s' if gates != 1 else ''} only record approvals" if gates else ""
    return (f"{build.feature.feature.id} has no shell steps: no plan section or task holds a fenced "
            f"bash/sh/shell/console block{extra} (see docs/build.md)")


def outputs(build: Build, targets: tuple[str, ...], state: dict[str, Any] | None = None, *,
            install: str | None = None) -> dict[str, str]:
    """File name -> text, for the chosen targets and those they call; ``state`` is the last
    verification, if any; ``install`` the pip requirement the workflow installs speckit from."""
    header = f"Generated by speckit build from {', '.join(build.sources) or build.feature.feature.path}; " \
             "edit the documents and build again, not this file."
    ctx = Context(build, state, header, _node_views(build), install)
    files: dict[str, str] = {}
    for name in expand(targets):
        files.update(TARGETS[name].render(ctx))
    return files


def _node_views(build: Build) -> list[dict[str, Any]]:
    by_id = {n.id: n for n in build.run.nodes}
    views = []
    for n in build.run.nodes:
        views.append({
            "id": n.id, "kind": n.kind, "title": n.title, "name": n.name, "file": n.file,
            "source": f"{rel(n.path, build.root)}:{n.line}", "commands": n.commands.rstrip("\n"),
            "delimiter": delimiter(n.name, n.commands), "approval": n.approval, "needs": list(n.needs),
            "target": f"{n.kind}-{n.file}", "job": n.name,
            "need_targets": [f"{by_id[x].kind}-{by_id[x].file}" for x in n.needs],
            "need_jobs": [by_id[x].name for x in n.needs],
        })
    return views


def _results(state: dict[str, Any] | None) -> dict[str, dict[str, str]]:
    return (state or {}).get("results") or {}  # load_state() made it an object of objects


def _checklist_view(build: Build, state: dict[str, Any] | None) -> dict[str, Any]:
    results = _results(state)
    groups = []
    for title, kinds in GROUPS:
        views = []
        for item in (i for i in build.items if i.kind in kinds):
            result = results.get(item.id, {})
            status = result.get("status", "")
            box = BOX.get(status, "x" if item.state == "done" else "~" if item.state == "struck" else " ")
            if item.check.kind == "shell":
                check = f"check {code_span(item.check.command)}"
            elif item.check.kind == "run":
                check = f"check: step {code_span(item.check.step)} passes"
            elif item.check.kind == "approval":
                check = "check: a person approves it"
            else:
                check = "manual"
            mark = MARK.get(status)
            views.append({"box": box, "id": item.id, "text": item.text, "source": f"{item.path}:{item.line}",
                          "check": check, "result": f"{mark}: {result.get('detail', '')}" if mark else
                          f"document: {item.state}"})
        if views:
            groups.append({"title": title, "items": views})
    statuses = [results.get(i.id, {}).get("status") for i in build.items]
    counts = {
        "total": len(build.items), "done": sum(i.state == "done" for i in build.items),
        "checked": sum(i.check.kind != "manual" for i in build.items),
        "manual": sum(i.check.kind == "manual" for i in build.items),
        **{s: statuses.count(s) for s in ("pass", "fail", "pending", "waiting")},
    }
    plan = build.feature.plan
    return {
        "title": (plan.title if plan and plan.title else None) or build.feature.feature.id,
        "feature_path": rel(build.feature.feature.path, build.root), "groups": groups, "counts": counts,
        "verified": (state or {}).get("verified"), "summary": json.dumps(_summary(build, state), indent=2),
    }


def _summary(build: Build, state: dict[str, Any] | None) -> dict[str, Any]:
    from speckit.build.verify import stored_results, summarize

    return summarize(build.feature, build.items, build.run, stored_results(state))


def _checklist_json(build: Build, header: str, state: dict[str, Any] | None) -> str:
    results = _results(state)
    items = []
    for item in build.items:
        data = asdict(item)
        data["source"] = {"path": data.pop("path"), "line": data.pop("line"), "end_line": data.pop("end_line")}
        data["check"] = {k: v for k, v in data["check"].items() if v}
        data["result"] = results.get(item.id)
        items.append(data)
    doc = {
        "generated": {"by": "speckit build", "note": header, "sources": build.sources,
                      "speckit-hash": f"sha256:{PLACEHOLDER}"},
        "feature": {"id": build.feature.feature.id, "path": rel(build.feature.feature.path, build.root)},
        "verified": (state or {}).get("verified"),
        "run_order": [{"id": n.id, "kind": n.kind, "title": n.title,
                       "source": {"path": rel(n.path, build.root), "line": n.line}, "phase": n.phase,
                       "approval": n.approval, "parallel": n.parallel, "needs": list(n.needs)}
                      for n in build.run.nodes],
        "items": items,
        "summary": _summary(build, state),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def stale(out: Path, files: dict[str, str]) -> list[str]:
    """Names of the outputs that are missing or differ from what the documents give now."""
    out_of_date = []
    for name, text in files.items():
        try:
            current = (out / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != text:
            out_of_date.append(name)
    return out_of_date


def write(out: Path, files: dict[str, str], force: bool = False, backups: list[Path] | None = None) -> list[str]:
    """Write the outputs atomically; refuse (before writing any) when one was edited by hand or was
    not written by speckit, unless ``force`` (then a backup is kept under a name that did not
    exist, added to ``backups``). Returns the names written."""
    guarded: list[str] = []
    for name, text in files.items():
        path = out / name
        if path.is_dir():
            raise InputError(f"{path}: is a directory")
        if not path.exists():
            continue
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = ""
        if current == text:
            continue
        state = intact(current)
        if state is not True:
            if not force:
                why = (
                    "was edited by hand since speckit generated it" if state is False else "was not written by speckit"
                )
                raise InputError(f"{path}: {why} (use --force to overwrite it; a .bak copy is kept)")
            guarded.append(name)
    written = []
    for name, text in files.items():
        path = out / name
        mode = 0o755 if name == "run.sh" else None
        if path.exists() and path.read_bytes() == text.encode("utf-8"):
            continue
        try:
            if name in guarded:
                backup = write_new(path, text, force=True, mode=mode)
                if backup is not None and backups is not None:
                    backups.append(backup)
            else:
                write_atomic(path, text, mode)
        except OSError as error:  # --out under a file, a read-only folder: bad usage, not a crash
            raise InputError(f"{path}: cannot write ({error.strerror or error})") from None
        written.append(name)
    return written
