"""``speckit run``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from speckit.build import no_steps_message
from speckit.commands import complete_features, config_option
from speckit.commands.build import out_option, prepare, root_option
from speckit.config import repo_root
from speckit.errors import InputError
from speckit.report import printable
from speckit.run import runner


def _ids(values: tuple[str, ...]) -> list[str]:
    return [part for value in values for part in value.split(",") if part]


@click.command("run")
@click.argument("feature", shell_complete=complete_features)
@click.option("--list", "list_only", is_flag=True, help="Print the steps and gates in run order; run nothing.")
@click.option("--dry-run", is_flag=True, help="Print what would run; run nothing, write nothing.")
@click.option("--from", "start", metavar="STEP", help="Start at STEP (earlier steps are not run).")
@click.option("--only", multiple=True, metavar="STEP", help="Run only these steps (repeatable or comma-separated).")
@click.option("--resume", is_flag=True, help="Continue the last run, skipping the steps that passed in it.")
@click.option("--approve", multiple=True, metavar="GATE", help="Approve a human gate (repeatable; or SPECKIT_APPROVE).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Run up to N steps at once where the plan allows it ([P] steps of one phase).")
@click.option("--run-id", help="Name the run (default: UTC time; SPECKIT_RUN_ID).")
@click.option("--evidence", type=click.Path(file_okay=False, path_type=Path), envvar="SPECKIT_EVIDENCE",
              help="Evidence folder (default: evidence/ in the output folder, where run.sh keeps it).")
@out_option
@root_option
@config_option
def run_command(feature: str, list_only: bool, dry_run: bool, start: str | None, only: tuple[str, ...], resume: bool,
                approve: tuple[str, ...], jobs: int, run_id: str | None, evidence: Path | None, out: Path | None,
                root: Path | None, config_path: Path | None) -> None:
    """Run FEATURE's plan steps from the repository root, with evidence logs, gates and resume.

    Exit codes: 0 all selected steps passed; a failing step's own exit code; 2 bad usage;
    75 a human gate waits for approval."""
    if sys.stdout is None:
        # Banners, output and the gate prompt go there; without it every print was an internal error.
        raise InputError("standard output is closed; send it to a file or /dev/null (speckit run ... > run.log)")
    build = prepare(feature, out, None, config_path)
    if list_only:
        for node in build.run.nodes:
            click.echo(f"{printable(node.id, line=True)}\t{node.kind}\t{printable(node.title, line=True)}"
                       f"{' [approval]' if node.approval else ''}")
        return

    nothing = no_steps_message(build)
    if nothing and not any(node.approval for node in build.run.nodes):
        # A plan without shell steps printed only "run ...: done" before: say why nothing ran (#14).
        click.echo(f"nothing to run: {printable(nothing, line=True)}")
        return
    approvals = set(_ids(approve)) | set(_ids((os.environ.get("SPECKIT_APPROVE", ""),)))
    top = (root or repo_root(Path.cwd())).resolve()
    if not top.is_dir():
        raise InputError(f"{top}: --root is not a folder")
    opts = runner.Options(
        root=top, evidence=(evidence or build.out / "evidence").resolve(), dry_run=dry_run, start=start,
        only=_ids(only), resume=resume, approve=approvals, run_id=run_id or os.environ.get("SPECKIT_RUN_ID") or None,
        jobs=jobs,
    )
    display: runner.Display = runner.Display()
    if sys.stdout.isatty() and not dry_run:
        from speckit.run.display import LiveDisplay

        display = LiveDisplay()
    # A closed standard input is no terminal: nothing is asked, a human gate waits (75), as in CI.
    code = runner.run(build.run, opts, display, interactive=lambda: sys.stdin is not None and sys.stdin.isatty())
    if code:
        raise click.exceptions.Exit(code)
