"""``speckit init``, ``specify``, ``plan``, ``tasks``, ``templates list`` and ``config get|set``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from speckit.commands import config_option, load_config

if TYPE_CHECKING:
    from speckit.scaffold import Draft

force_option = click.option("--force", is_flag=True, help="Overwrite an existing file (a .bak copy is kept).")
dry_run_option = click.option("--dry-run", is_flag=True, help="Print the file instead of writing it.")


def _emit(draft: Draft, force: bool, dry_run: bool) -> None:
    from speckit.fsutil import write_new

    where = _show(draft.path)
    if dry_run:
        click.echo(f"would write {where} (from {_show(draft.template)})", err=True)
        click.echo(draft.text, nl=False)
        return
    backup = write_new(draft.path, draft.text, force=force)
    if backup is not None:
        click.echo(f"kept the old file as {_show(backup)}", err=True)
    click.echo(where)


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _feature(feature: str, config_path: Path | None):  # type: ignore[no-untyped-def]
    from speckit.commands import read
    from speckit.discover import resolve

    config = load_config(config_path)
    return config, read(resolve(feature, config, whole_feature=True))


@click.command("specify")
@click.argument("description")
@click.option("--name", help="Slug for the folder (default: 2-4 meaningful words of the description).")
@click.option("--number", type=click.IntRange(min=0), help="Feature number (default: highest existing + 1).")
@click.option("--timestamp", is_flag=True, help="Prefix the folder with YYYYMMDD-HHMMSS instead of a number.")
@force_option
@dry_run_option
@config_option
def specify_command(description: str, name: str | None, number: int | None, timestamp: bool, force: bool,
                    dry_run: bool, config_path: Path | None) -> None:
    """Create specs/<NNN>-<slug>/spec.md for a new feature described by DESCRIPTION."""
    from speckit import scaffold

    config = load_config(config_path)
    _emit(scaffold.specify(description, config, name=name, number=number, timestamp=timestamp), force, dry_run)


@click.command("plan")
@click.argument("feature")
@force_option
@dry_run_option
@config_option
def plan_command(feature: str, force: bool, dry_run: bool, config_path: Path | None) -> None:
    """Write FEATURE's plan.md from its spec: summary, technical context, phases by priority, gates."""
    from speckit import scaffold

    config, model = _feature(feature, config_path)
    _emit(scaffold.plan(model, config), force, dry_run)


@click.command("tasks")
@click.argument("feature")
@force_option
@dry_run_option
@config_option
def tasks_command(feature: str, force: bool, dry_run: bool, config_path: Path | None) -> None:
    """Derive FEATURE's tasks.md from its spec and plan: Setup, Foundational, one phase per story, Polish."""
    from speckit import scaffold

    config, model = _feature(feature, config_path)
    _emit(scaffold.tasks(model, config), force, dry_run)
