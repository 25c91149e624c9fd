"""``speckit graph``, ``speckit next`` and ``speckit done``: the task graph of one feature."""

from __future__ import annotations

import json
from pathlib import Path

import click

from speckit.commands import complete_features, config_option, load_config
from speckit.discover import read, resolve
from speckit.edit import tick
from speckit.errors import InputError
from speckit.graph import CLOSED_STATES, TaskGraph, build_graph, shorten
from speckit.model import Feature
from speckit.report import graph as render
from speckit.report import printable


def _load(feature: str, config_path: Path | None) -> tuple[Feature, Path]:
    config = load_config(config_path)
    target = resolve(feature, config, whole_feature=True)
    model = read(target)
    if model.task_list is None:
        raise InputError(f"{target.document or target.folder}: no tasks.md, so no task graph")
    return model, Path(model.task_list.path)


@click.command("graph")
@click.argument("feature", shell_complete=complete_features)
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "json", "text"]), default="mermaid",
              show_default=True)
@click.option(
    "--why", "why", metavar="TASK", help="Explain every edge of TASK: what it waits for and what waits for it."
)
@click.option("--analyze", is_flag=True,
              help="Print the bottleneck tasks, redundant dependencies and the critical path (text, or --format json).")
@config_option
def graph_command(feature: str, fmt: str, why: str | None, analyze: bool, config_path: Path | None) -> None:
    """Print FEATURE's task graph: explicit dependencies and the implied phase and story order,
    with cycles, waves and the critical path (json), why one task's edges exist (--why), or its
    bottlenecks, redundant dependencies and critical path (--analyze)."""
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
    left = render.left_out(graph)
    if left and fmt != "json":
        click.echo(f"note: {len(left)} tasks on a dependency cycle are left out of waves and the critical path: "
                   f"{', '.join(left[:20])}{' ...' if len(left) > 20 else ''}", err=True)


def _text(graph: object) -> str:
    assert isinstance(graph, TaskGraph)
    out = [f"{len(graph.nodes)} tasks, {len(graph.explicit)} explicit dependencies, {len(graph.phases)} phases"]
    for cycle in graph.cycles():
        out.append(f"cycle: {shorten(cycle)}")
    out.append("waves:")
    out.extend(f"  {n}. {', '.join(wave)}" for n, wave in enumerate(graph.waves(), 1))
    out.append(f"critical path: {' -> '.join(graph.critical_path()) or '(none)'}")
    return "\n".join(out)


@click.command("next")
@click.argument("feature", shell_complete=complete_features)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def next_command(feature: str, fmt: str, config_path: Path | None) -> None:
    """List FEATURE's open tasks whose dependencies are all done (they may run in parallel), then
    the next waves that follow once those are done."""
    model, path = _load(feature, config_path)
    graph = build_graph(model)
    if fmt == "json":
        click.echo(json.dumps(render.next_data(model.feature.id, graph), indent=2, ensure_ascii=False))
        return
    waves = graph.ready()
    left = render.left_out(graph)
    if not waves:
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
        click.echo(
            f"  ... {rest} more tasks in {len(waves) - 4} later waves ('speckit graph --format text' lists them)"
        )
    if left:
        click.echo(f"left out, on a dependency cycle (see 'speckit check'): {', '.join(left)}")


@click.command("done")
@click.argument("feature", shell_complete=complete_features)
@click.argument("tasks", nargs=-1, required=True)
@config_option
def done_command(feature: str, tasks: tuple[str, ...], config_path: Path | None) -> None:
    """Tick TASKS in FEATURE's tasks.md in place ('- [ ]' becomes '- [X]'); nothing else in the
    file changes, byte for byte."""
    _, path = _load(feature, config_path)
    ticked, already = tick(path, tasks)
    if ticked:
        click.echo(f"ticked {', '.join(ticked)} in {path}")
    if already:
        click.echo(f"already done: {', '.join(already)}")
