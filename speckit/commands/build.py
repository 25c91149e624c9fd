"""``speckit build`` and ``speckit checklist``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from speckit import build
from speckit import build as b
from speckit.build.steps import CycleError
from speckit.build.verify import load_state, refuse_unknown_gates, stored_results, summarize, verify
from speckit.commands import complete_features, config_option, load_config
from speckit.config import repo_root
from speckit.discover import read, resolve
from speckit.errors import InputError
from speckit.report import printable

if TYPE_CHECKING:
    from speckit.build import Build

TARGET_CHOICES = ["checklist", "sh", "make", "github-actions", "all"]


def prepare(feature_arg: str, out: Path | None, root: Path | None, config_path: Path | None) -> Build:
    """FEATURE -> the build, or exit 1 naming the cycle when the step order is undefined."""
    config = load_config(config_path)
    target = resolve(feature_arg, config, whole_feature=True)
    feature = read(target)
    if root is not None and not root.is_dir():
        raise InputError(f"{root}: --root is not a folder")
    top = (root or repo_root(target.folder)).resolve()
    build.refuse_unsafe_name(target.folder, top)
    try:
        return build.prepare(feature, top, out or build.default_out(feature))
    except CycleError as error:
        click.echo(f"speckit: error: the documents order these steps in a cycle: {error}; "
                   "remove one dependency or critical-path arrow", err=True)
        raise click.exceptions.Exit(1) from None


class Seconds(click.ParamType):
    """A time limit: a finite number of seconds above 0 and at most a week. nan compares false
    with every bound, and inf or 1e20 overflowed the subprocess timer (exit 3 before)."""

    name = "seconds"
    LIMIT = 7 * 24 * 3600.0

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        import math

        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or not 0 < seconds <= self.LIMIT:
            self.fail(f"{value!r}: give a number of seconds above 0 and at most {self.LIMIT:g} (a week)", param, ctx)
        return seconds


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Repository root the commands and artifact paths are relative to (default: git top level).",
)
out_option = click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                          help="Output folder (default: build/ inside the feature folder).")


@click.command("build")
@click.argument("feature", shell_complete=complete_features)
@out_option
@click.option("--target", "targets", multiple=True, type=click.Choice(TARGET_CHOICES),
              help="What to write (repeatable): checklist (checklist.md + .json), sh (run.sh), make (Makefile), "
                   "github-actions (workflow.yml), all. Default: checklist and sh.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when an output is missing or stale.")
@click.option("--force", is_flag=True, help="Overwrite outputs edited by hand (a .bak copy is kept).")
@click.option("--install", metavar="REQUIREMENT",
              help="What workflow.yml installs speckit from, as a pip requirement (default: speckit-compiler=="
                   "this version; e.g. git+https://github.com/OWNER/speckit@COMMIT).")
@root_option
@config_option
def build_command(feature: str, out: Path | None, targets: tuple[str, ...], check: bool, force: bool,
                  install: str | None, root: Path | None, config_path: Path | None) -> None:
    """Generate FEATURE's executable checklist and runner scripts.

    --target make writes the run.sh its recipes call too. workflow.yml runs from a clean checkout:
    its first job installs speckit and generates run.sh (docs/build.md)."""
    result = prepare(feature, out, root, config_path)
    chosen = tuple(b.TARGETS) if "all" in targets else (targets or b.DEFAULT_TARGETS)
    rejected: list[str] = []
    files = b.outputs(result, chosen, load_state(result.out, rejected), install=install)
    _notes(rejected)
    for note in result.run.notes:
        click.echo(f"speckit: note: {note}", err=True)
    nothing = b.no_steps_message(result)
    if nothing and {"sh", "make", "github-actions"} & set(b.expand(chosen)):
        click.echo(f"speckit: note: {printable_line(nothing)}", err=True)
    if check:
        stale = b.stale(result.out, files)
        for name in stale:
            click.echo(f"{result.out / name}: stale or missing (run speckit build)")
        if stale:
            raise click.exceptions.Exit(1)
        click.echo(f"{result.out}: up to date ({len(files)} files)")
        return
    backups: list[Path] = []
    written = b.write(result.out, files, force=force, backups=backups)
    for name in files:
        click.echo(f"{'wrote' if name in written else 'unchanged'} {result.out / name}")
    for backup in backups:
        click.echo(f"kept the old file as {backup}")


@click.command("checklist")
@click.argument("feature", shell_complete=complete_features)
@out_option
@click.option("--verify", is_flag=True, help="Run the checks, record the results and update checklist.md.")
@click.option("--approve", "approve", multiple=True, metavar="GATE",
              help="Record a person's approval of a human gate (with --verify; repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--timeout", type=Seconds(), default=60.0, show_default=True,
              help="Seconds allowed for each shell check (more than 0, at most a week).")
@click.option("--force", is_flag=True, help="Overwrite checklist.md/.json even if edited by hand.")
@root_option
@config_option
def checklist_command(feature: str, out: Path | None, verify: bool, approve: tuple[str, ...], fmt: str,
                      timeout: float, force: bool, root: Path | None, config_path: Path | None) -> None:
    """Show FEATURE's checklist items, or verify them (--verify): exit 1 when a check fails."""
    result = prepare(feature, out, root, config_path)
    if approve and not verify:
        raise InputError("--approve records an approval during --verify; add --verify")
    rejected: list[str] = []
    state = _verify(result, approve, timeout, force) if verify else load_state(result.out, rejected)
    _notes(rejected)
    _report(result, state, fmt)
    results = (state or {}).get("results") or {}
    if verify and any(r.get("status") == "fail" for r in results.values()):
        raise click.exceptions.Exit(1)


def _verify(result: Build, approve: tuple[str, ...], timeout: float, force: bool) -> dict[str, Any]:
    """The verification (speckit.build.verify.verify) under a progress bar on stderr."""
    import getpass
    import os

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    refuse_unknown_gates(result, approve)  # before the progress bar: the error is the only output
    who = os.environ.get("SPECKIT_APPROVER") or getpass.getuser()
    rejected: list[str] = []
    with Progress(TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("", total=len(result.items))
        state = verify(result, approve, who, timeout, force, rejected=rejected,
                       progress=lambda item, _: progress.update(task, advance=1, description=item.id))
    _notes(rejected)
    return state


def printable_line(text: str) -> str:
    return printable(text, line=True)


def _notes(rejected: list[str]) -> None:
    for note in rejected:
        click.echo(printable(f"speckit: note: {note}"), err=True)


STYLE = {"pass": "green", "fail": "red", "pending": "yellow", "waiting": "magenta", "manual": "dim"}


def _report(result: Build, state: dict[str, Any] | None, fmt: str) -> None:
    import json

    results: dict[str, dict[str, str]] = (state or {}).get("results") or {}
    if fmt == "json":
        summary = summarize(result.feature, result.items, result.run, stored_results(state))
        click.echo(json.dumps({
            "feature": result.feature.feature.id, "verified": (state or {}).get("verified"),
            "items": [{"id": i.id, "kind": i.kind, "text": i.text, "path": i.path, "line": i.line, "state": i.state,
                       "check": i.check.kind, **({"result": results[i.id]} if i.id in results else {})}
                      for i in result.items],
            "summary": summary,
        }, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{result.feature.feature.id}: {len(result.items)} items", expand=False)
    for column in ("id", "kind", "check", "result", "detail"):
        table.add_column(column, overflow="fold")
    for item in result.items:
        r = results.get(item.id)
        status = r.get("status", "") if r else ""
        # Document text is data: Text() keeps rich from reading "[bold]" in a title as markup.
        table.add_row(Text(printable(item.id, line=True)), item.kind, item.check.kind,
                      Text(status or "-", style=STYLE.get(status, "dim")),
                      Text(printable(r.get("detail", ""), line=True) if r else f"document: {item.state}"))
    console = Console(soft_wrap=False)
    console.print(table, highlight=False)
    if state:
        counts = {s: sum(1 for r in results.values() if r.get("status") == s) for s in STYLE}
        console.print(" ".join(f"{s}: {n}" for s, n in counts.items()), highlight=False)
        console.print(json.dumps(state.get("summary", {}), indent=2), highlight=False, markup=False)
    else:
        console.print("not verified yet: run with --verify", highlight=False)
