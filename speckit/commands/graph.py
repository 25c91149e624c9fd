"""``speckit graph``, ``speckit next`` and ``speckit done``: the task graph of one feature."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from speckit.commands import config_option, load_config
from speckit.discover import read
from speckit.errors import InputError
from speckit.model import Feature
from speckit.report import printable


def _load(feature: str, config_path: Path | None) -> tuple[Feature, Path]:
    from speckit.discover import resolve

    config = load_config(config_path)
    target = resolve(feature, config, whole_feature=True)
    model = read(target)
    if model.task_list is None:
        raise InputError(f"{target.document or target.folder}: no tasks.md, so no task graph")
    return model, Path(model.task_list.path)


def _left_out(graph: object) -> list[str]:
    from speckit.graph import TaskGraph

    assert isinstance(graph, TaskGraph)
    return [k for members in graph.cycle_members() for k in members]


@click.command("graph")
@click.argument("feature")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "json", "text"]), default="mermaid",
              show_default=True)
@click.option("--why", "why", metavar="TASK", help="Explain every edge of TASK: what it waits for and what waits for it.")
@click.option("--analyze", is_flag=True,
              help="Print the bottleneck tasks, redundant dependencies and the critical path (text, or --format json).")
@config_option
def graph_command(feature: str, fmt: str, why: str | None, analyze: bool, config_path: Path | None) -> None:
    """Print FEATURE's task graph: explicit dependencies and the implied phase and story order,
    with cycles, waves and the critical path (json), why one task's edges exist (--why), or its
    bottlenecks, redundant dependencies and critical path (--analyze)."""
    from speckit.graph import build_graph
    from speckit.report import graph as render

    model, _ = _load(feature, config_path)
    graph = build_graph(model)
    if analyze:
        if why is not None:
            raise InputError("--analyze and --why: choose one")
        from speckit import analysis

        found = analysis.analyze(graph, model.feature.id)
        if fmt == "json":
            click.echo(json.dumps(analysis.as_data(found), indent=2, ensure_ascii=False))
        else:
            click.echo(printable(analysis.as_text(found)))
        return
    if why is not None:
        if why not in graph.index:
            raise InputError(f"{why}: no such task in {model.task_list.path if model.task_list else feature}")
        edges = graph.why(why)
        if fmt == "json":
            click.echo(json.dumps([{"before": e.before, "after": e.after, "kind": e.kind, "reason": e.reason,
                                    "line": e.line} for e in edges], indent=2, ensure_ascii=False))
            return
        task = graph.tasks[graph.index[why]]
        click.echo(printable(f"{why} {task.title}  ({task.state}, {graph.phase_label(why) or 'no phase'})", line=True))
        waits = [e for e in edges if e.after == why]
        feeds = [e for e in edges if e.after != why]
        click.echo(f"waits for ({len(waits)}):" if waits else "waits for nothing")
        for e in waits:
            click.echo(printable(f"  {e.before:10} [{e.kind}] {e.reason}", line=True))
        click.echo(f"needed by ({len(feeds)}):" if feeds else "needed by nothing")
        for e in feeds:
            click.echo(printable(f"  {e.after:10} [{e.kind}] {e.reason}", line=True))
        return
    if fmt == "mermaid":
        click.echo(render.mermaid(graph))
    elif fmt == "dot":
        click.echo(render.dot(graph))
    elif fmt == "json":
        click.echo(render.as_json(graph, model.feature.id))
    else:
        click.echo(_text(graph))
    left = _left_out(graph)
    if left and fmt != "json":
        click.echo(f"note: {len(left)} tasks on a dependency cycle are left out of waves and the critical path: "
                   f"{', '.join(left[:20])}{' ...' if len(left) > 20 else ''}", err=True)


def _text(graph: object) -> str:
    from speckit.graph import TaskGraph

    assert isinstance(graph, TaskGraph)
    out = [f"{len(graph.nodes)} tasks, {len(graph.explicit)} explicit dependencies, {len(graph.phases)} phases"]
    for cycle in graph.cycles():
        from speckit.graph import shorten

        out.append(f"cycle: {shorten(cycle)}")
    out.append("waves:")
    out.extend(f"  {n}. {', '.join(wave)}" for n, wave in enumerate(graph.waves(), 1))
    out.append(f"critical path: {' -> '.join(graph.critical_path()) or '(none)'}")
    return "\n".join(out)


@click.command("next")
@click.argument("feature")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def next_command(feature: str, fmt: str, config_path: Path | None) -> None:
    """List FEATURE's open tasks whose dependencies are all done (they may run in parallel), then
    the next waves that follow once those are done."""
    from speckit.graph import build_graph

    model, path = _load(feature, config_path)
    graph = build_graph(model)
    waves = graph.ready()
    left = _left_out(graph)
    if fmt == "json":
        # Only the wave that can start now is listed: a 100,000-task chain would otherwise print
        # every later wave. 'speckit graph --format json' has them all.
        click.echo(json.dumps({
            "feature": model.feature.id,
            "ready": [_entry(graph, k) for k in waves[0]] if waves else [],
            "waiting": sum(len(w) for w in waves[1:]),
            "later_waves": max(len(waves) - 1, 0),
            "left_out": left,
        }, indent=2, ensure_ascii=False))
        return
    if not waves:
        from speckit.graph import CLOSED_STATES

        open_tasks = sum(1 for t in graph.tasks if t.state not in CLOSED_STATES)
        if not open_tasks:
            click.echo("nothing left to do: every task is done")
        else:
            click.echo(f"no task can start: {open_tasks} open {'task is' if open_tasks == 1 else 'tasks are'} "
                       "reverted ([~]), out of scope, or wait on a dependency cycle")
    for n, wave in enumerate(waves[:4], 1):
        if n == 1:
            click.echo(f"ready now ({len(wave)} {'task' if len(wave) == 1 else 'tasks'}, may run in parallel):")
            for key in wave:
                task = graph.tasks[graph.index[key]]
                click.echo(printable(f"  {key:8} {task.title}  ({path}:{task.line})", line=True))
        else:
            if n == 2:
                click.echo("then:")
            shown = ", ".join(wave[:12]) + (f" and {len(wave) - 12} more" if len(wave) > 12 else "")
            click.echo(f"  wave {n}: {shown}")
    if len(waves) > 4:
        rest = sum(len(w) for w in waves[4:])
        click.echo(f"  ... {rest} more tasks in {len(waves) - 4} later waves ('speckit graph --format text' lists them)")
    if left:
        click.echo(f"left out, on a dependency cycle (see 'speckit check'): {', '.join(left)}")


def _entry(graph: object, key: str) -> dict[str, object]:
    from speckit.graph import TaskGraph

    assert isinstance(graph, TaskGraph)
    task = graph.tasks[graph.index[key]]
    return {"id": key, "title": task.title, "phase": task.phase, "line": task.line, "parallel": task.parallel}


_CHECKBOX = re.compile(rb"^((?:\xef\xbb\xbf)?(?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[([ ~xX])\]")
# The parser's line split (speckit.parse.blocks.normalize): CRLF, then a lone CR, then LF. done must
# count lines the same way, or a lone CR makes it tick the task after the one it was asked for.
_LINE_END = re.compile(rb"\r\n|\r|\n")


def _lines(data: bytes) -> list[tuple[bytes, bytes]]:
    """``data`` as (line, its line end) pairs, split exactly where the parser splits."""
    out: list[tuple[bytes, bytes]] = []
    pos = 0
    for match in _LINE_END.finditer(data):
        out.append((data[pos:match.start()], match.group(0)))
        pos = match.end()
    out.append((data[pos:], b""))
    return out


def _target(path: Path) -> Path:
    """The file to rewrite: ``path``, or the file a symbolic link points to when that file is inside
    the repository (replacing the link with a copy would leave the real file unticked)."""
    from speckit.config import repo_root

    if not path.is_symlink():
        return path
    real = path.resolve()
    top = repo_root(path.absolute().parent)
    try:
        real.relative_to(top)
    except ValueError:
        raise InputError(f"{path}: a symbolic link to {real}, outside the repository {top}; "
                         "speckit done edits files inside it only") from None
    return real


@click.command("done")
@click.argument("feature")
@click.argument("tasks", nargs=-1, required=True)
@config_option
def done_command(feature: str, tasks: tuple[str, ...], config_path: Path | None) -> None:
    """Tick TASKS in FEATURE's tasks.md in place ('- [ ]' becomes '- [X]'); nothing else in the
    file changes, byte for byte."""
    import hashlib

    from speckit.fsutil import write_atomic

    model, path = _load(feature, config_path)
    target = _target(path)
    data = target.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: is UTF-16; speckit done edits UTF-8 files only")
    # The model was parsed from the file as it was a moment ago: if a teammate's save landed since,
    # its line numbers belong to other bytes. So the task lines come from parsing exactly the bytes
    # read here, and the file must still hold those bytes just before it is replaced.
    from speckit.parse import build_feature, decode_text, feature_ref

    before = hashlib.sha256(data).digest()
    model = build_feature(feature_ref(path.parent), [(path, "tasks")], texts={path: decode_text(data, str(path))})
    by_id: dict[str, list[int]] = {}
    for task in model.tasks:
        if task.id:
            by_id.setdefault(task.id, []).append(task.line)
    lines = _lines(data)
    boxes = {m.group(2) for m in (_CHECKBOX.match(line) for line, _ in lines) if m}
    mark = b"x" if b"x" in boxes and b"X" not in boxes else b"X"  # the file's own spelling
    unknown = [t for t in tasks if t not in by_id]
    if unknown:
        raise InputError(f"{path}: no task {', '.join(printable(t, line=True) for t in unknown)}")
    ticked: list[str] = []
    already: list[str] = []
    for task_id in dict.fromkeys(tasks):
        places = by_id[task_id]
        if len(places) > 1:
            raise InputError(f"{path}: task id {task_id} is used on lines {', '.join(map(str, places))}; renumber first")
        number = places[0]
        if not 1 <= number <= len(lines):
            raise InputError(f"{path}:{number}: task {task_id} is not on that line of the file as read; run again")
        line, end = lines[number - 1]
        match = _CHECKBOX.match(line)
        if match is None:
            raise InputError(f"{path}:{number}: task {task_id} has no checkbox to tick (a table row? edit its status)")
        if not re.search(rb"(?<![A-Za-z0-9_-])" + re.escape(task_id.encode()) + rb"(?![A-Za-z0-9_])", line):
            raise InputError(f"{path}:{number}: task {task_id} is not on that line of the file as read; run again")
        if match.group(2) in (b"x", b"X"):
            already.append(task_id)
            continue
        lines[number - 1] = (line[: match.start(2)] + mark + line[match.end(2):], end)
        ticked.append(task_id)
    if ticked:
        if hashlib.sha256(target.read_bytes()).digest() != before:
            raise InputError(f"{path}: changed while speckit done was editing it (another save?); nothing written, "
                             "run it again")
        write_atomic(target, b"".join(line + end for line, end in lines))
        click.echo(f"ticked {', '.join(ticked)} in {path}")
    if already:
        click.echo(f"already done: {', '.join(already)}")

